"""multiprocessing.Lock benchmarks. Usage: lock.py uncontended COUNT times COUNT
acquire/release pairs in one process; lock.py contended COUNT has the parent and a child
each do COUNT pairs on one lock at the same time and reports the total pairs per second.
To be sure the two contend from the first pair, the parent holds the lock while the child
starts and blocks on it, and the clock starts when the parent lets go."""

import time

from benchlib import CTX, arg, emit, int_arg, now_ns

# Long enough for the child to get "go" and block on the lock the parent holds.
CHILD_BLOCKS_SECONDS = 0.1


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
    lock.acquire()
    to_child.put("go")
    time.sleep(CHILD_BLOCKS_SECONDS)
    started_ns = now_ns()
    lock.release()
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
