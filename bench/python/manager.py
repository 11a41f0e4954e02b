"""Manager dict from a child. Usage: manager.py COUNT. The child does COUNT `d[i] = i` and
then COUNT `d[i]` on a `manager.dict()`, one after another (after 100 warm-up sets),
timing each phase; the parent checks the dict's size."""

from benchlib import CTX, emit, int_arg, now_ns

WARM_UP = 100


def dict_user(d, count, report):
    for i in range(WARM_UP):
        d[-1 - i] = i
    set_started_ns = now_ns()
    for i in range(count):
        d[i] = i
    get_started_ns = now_ns()
    for i in range(count):
        if d[i] != i:
            raise SystemExit(f"wrong value for key {i}")
    ended_ns = now_ns()
    report.put(((get_started_ns - set_started_ns) / 1e9, (ended_ns - get_started_ns) / 1e9))


def main():
    count = int_arg(0, 20_000)
    with CTX.Manager() as manager:
        d = manager.dict()
        report = CTX.Queue()
        child = CTX.Process(target=dict_user, args=(d, count, report))
        child.start()
        set_seconds, get_seconds = report.get()
        child.join()
        if len(d) != WARM_UP + count:
            raise SystemExit(f"dict has {len(d)} keys, expected {WARM_UP + count}")
    emit(
        {
            "bench": "manager-dict",
            "count": count,
            "setPerSec": count / set_seconds,
            "getPerSec": count / get_seconds,
            "setUs": set_seconds / count * 1e6,
            "getUs": get_seconds / count * 1e6,
        }
    )


if __name__ == "__main__":
    main()
