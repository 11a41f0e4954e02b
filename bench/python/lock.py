"""multiprocessing.Lock benchmarks. Usage: lock.py uncontended COUNT times COUNT
acquire/release pairs in one process; lock.py contended COUNT has the parent and a child
each do COUNT pairs on one lock at the same time (released together by a "go" message)
and reports pairs per second."""

from benchlib import CTX, arg, emit, int_arg, now_ns


def pairs(lock, count):
    for _ in range(count):
        lock.acquire()
        lock.release()


def contender(lock, to_parent, to_child, count):
    to_parent.put("ready")
    to_child.get()
    pairs(lock, count)
    to_parent.put("done")


def main():
    mode = arg(0, "uncontended")
    count = int_arg(1, 1_000_000)
    lock = CTX.Lock()
    if mode == "uncontended":
        pairs(lock, min(count, 1000))
        started_ns = now_ns()
        pairs(lock, count)
        seconds = (now_ns() - started_ns) / 1e9
        emit(
            {
                "bench": "lock-uncontended",
                "count": count,
                "seconds": seconds,
                "pairsPerSec": count / seconds,
            }
        )
        return
    if mode != "contended":
        raise SystemExit(f"unknown mode {mode}")
    to_parent, to_child = CTX.Queue(), CTX.Queue()
    child = CTX.Process(target=contender, args=(lock, to_parent, to_child, count))
    child.start()
    to_parent.get()
    started_ns = now_ns()
    to_child.put("go")
    pairs(lock, count)
    to_parent.get()
    seconds = (now_ns() - started_ns) / 1e9
    child.join()
    emit(
        {
            "bench": "lock-contended",
            "count": 2 * count,
            "seconds": seconds,
            "pairsPerSec": 2 * count / seconds,
        }
    )


if __name__ == "__main__":
    main()
