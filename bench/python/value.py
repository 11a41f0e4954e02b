"""Value('i') increments under its lock, from one child. Usage: value.py COUNT WARM_UP. The
child runs `with v.get_lock(): v.value += 1` COUNT times (after WARM_UP increments) and
reports when it began and ended; the parent checks the final value."""

from benchlib import CTX, emit, int_arg, now_ns

def increments(v, count):
    for _ in range(count):
        with v.get_lock():
            v.value += 1


def incrementer(v, count, warm_up, report):
    increments(v, warm_up)
    started_ns = now_ns()
    increments(v, count)
    report.put((started_ns, now_ns()))


def main():
    count = int_arg(0, 200_000)
    warm_up = int_arg(1, 3000)
    v = CTX.Value("i", 0)
    report = CTX.Queue()
    child = CTX.Process(target=incrementer, args=(v, count, warm_up, report))
    child.start()
    started_ns, ended_ns = report.get()
    child.join()
    if v.value != warm_up + count:
        raise SystemExit(f"final value {v.value}, expected {warm_up + count}")
    seconds = (ended_ns - started_ns) / 1e9
    emit(
        {
            "bench": "value-increments",
            "count": count,
            "seconds": seconds,
            "incrementsPerSec": count / seconds,
            "incrementUs": seconds / count * 1e6,
        }
    )


if __name__ == "__main__":
    main()
