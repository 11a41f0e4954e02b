"""Manager dict from a child. Usage: manager.py COUNT WARM_UP. The child does COUNT
`d[i] = i` and then COUNT `d[i]` on a `manager.dict()`, one after another (after WARM_UP
sets and as many gets of other keys), timing each phase; the parent checks the dict's size."""

from benchlib import CTX, emit, int_arg, now_ns

def dict_user(d, count, warm_up, report):
    for i in range(warm_up):
        d[-1 - i] = i
    for i in range(warm_up):
        d[-1 - i]
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
    warm_up = int_arg(1, 3000)
    with CTX.Manager() as manager:
        d = manager.dict()
        report = CTX.Queue()
        child = CTX.Process(target=dict_user, args=(d, count, warm_up, report))
        child.start()
        set_seconds, get_seconds = report.get()
        child.join()
        if len(d) != warm_up + count:
            raise SystemExit(f"dict has {len(d)} keys, expected {warm_up + count}")
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
