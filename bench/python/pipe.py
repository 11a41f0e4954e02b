"""multiprocessing.Pipe() benchmarks. Usage: pipe.py stream COUNT sends COUNT messages
[i, None, "hello"] one way, child -> parent; pipe.py pingpong COUNT bounces a number COUNT
times between parent and child (after a warm-up) and reports the mean round trip."""

from benchlib import CTX, arg, emit, int_arg, median, now_ns, throughput

WARM_UP_ROUND_TRIPS = 200


def stream(conn, count):
    started_ns = now_ns()
    for i in range(count):
        conn.send([i, None, "hello"])
    conn.send({"startedNs": started_ns})


def echo(conn):
    while True:
        value = conn.recv()
        if value is None:
            return
        conn.send(value)


def measure_stream(count):
    reader, writer = CTX.Pipe()
    child = CTX.Process(target=stream, args=(writer, count))
    child.start()
    last = None
    for _ in range(count):
        last = reader.recv()
    end = reader.recv()
    result = throughput(count, 0, end["startedNs"])
    if last[0] != count - 1:
        raise SystemExit("out of order")
    child.join()
    emit({"bench": "pipe-stream", **result})


def measure_ping_pong(count):
    here, there = CTX.Pipe()
    child = CTX.Process(target=echo, args=(there,))
    child.start()
    round_trips = []
    started_ns = 0
    for i in range(-WARM_UP_ROUND_TRIPS, count):
        sent_ns = now_ns()
        if i == 0:
            started_ns = sent_ns
        here.send(i)
        if here.recv() != i:
            raise SystemExit("wrong echo")
        if i >= 0:
            round_trips.append((now_ns() - sent_ns) / 1e3)
    seconds = (now_ns() - started_ns) / 1e9
    here.send(None)
    child.join()
    emit(
        {
            "bench": "pipe-pingpong",
            "count": count,
            "seconds": seconds,
            "roundTripUs": seconds / count * 1e6,
            "medianRoundTripUs": median(round_trips),
        }
    )


def main():
    mode = arg(0, "stream")
    count = int_arg(1, 200_000)
    if mode == "stream":
        measure_stream(count)
    elif mode == "pingpong":
        measure_ping_pong(count)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
