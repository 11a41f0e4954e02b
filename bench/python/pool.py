"""multiprocessing.Pool benchmarks, on a Pool(2) started (and warmed up) before the clock.

    pool.py map COUNT CHUNKSIZE|default ROUNDS   pool.map(inc, items, chunksize) of COUNT
        trivial tasks, ROUNDS times; tasks per second, median over the rounds
    pool.py apply COUNT WARM_UP                  COUNT pool.apply_async(inc, (i,)).get()
        one after another (after WARM_UP calls); the round trip, median and mean"""

from benchlib import CTX, arg, emit, int_arg, median, now_ns

WORKERS = 2


def inc(x):
    """The trivial task."""
    return x + 1


def measure_map(pool, count, chunk_text, rounds):
    chunksize = None if chunk_text == "default" else int(chunk_text)
    items = list(range(count))
    # The workers are up and have loaded `inc` before the clock starts.
    pool.map(inc, items[:1000], chunksize)
    rates = []
    for _ in range(rounds):
        started_ns = now_ns()
        results = pool.map(inc, items, chunksize)
        seconds = (now_ns() - started_ns) / 1e9
        if len(results) != count or results[-1] != count:
            raise SystemExit("wrong results")
        rates.append(count / seconds)
    emit(
        {
            "bench": "pool-map",
            "count": count,
            "chunksize": chunk_text,
            "rounds": rounds,
            "tasksPerSec": median(rates),
            "bestTasksPerSec": max(rates),
        }
    )


def measure_apply(pool, count, warm_up):
    round_trips = []
    started_ns = 0
    for i in range(-warm_up, count):
        sent_ns = now_ns()
        if i == 0:
            started_ns = sent_ns
        if pool.apply_async(inc, (i,)).get() != i + 1:
            raise SystemExit("wrong result")
        if i >= 0:
            round_trips.append((now_ns() - sent_ns) / 1e3)
    seconds = (now_ns() - started_ns) / 1e9
    emit(
        {
            "bench": "pool-apply",
            "count": count,
            "seconds": seconds,
            "roundTripUs": seconds / count * 1e6,
            "medianRoundTripUs": median(round_trips),
        }
    )


def main():
    mode = arg(0, "map")
    count = int_arg(1, 100_000)
    with CTX.Pool(WORKERS) as pool:
        if mode == "map":
            measure_map(pool, count, arg(2, "default"), int_arg(3, 1))
        elif mode == "apply":
            measure_apply(pool, count, int_arg(2, 3000))
        else:
            raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
