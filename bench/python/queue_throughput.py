"""multiprocessing.Queue throughput, child -> parent. Usage: queue_throughput.py COUNT
[PAYLOAD_BYTES]. Without a payload size each message is [i, None, "hello"]; with one,
each is a fresh bytes object of that size."""

from benchlib import CTX, arg, emit, int_arg, now_ns, throughput


def produce(queue, count, size):
    started_ns = now_ns()
    if size > 0:
        for _ in range(count):
            queue.put(bytes(size))
    else:
        for i in range(count):
            queue.put([i, None, "hello"])
    queue.put({"startedNs": started_ns})


def main():
    count = int_arg(0, 200_000)
    size = int(arg(1, 0))
    queue = CTX.Queue()
    producer = CTX.Process(target=produce, args=(queue, count, size))
    producer.start()
    last = None
    for _ in range(count):
        last = queue.get()
    end = queue.get()
    result = throughput(count, size, end["startedNs"])
    if size == 0 and last[0] != count - 1:
        raise SystemExit("messages arrived out of order")
    producer.join()
    emit({"bench": "queue-large" if size else "queue-small", "bytes": size, **result})


if __name__ == "__main__":
    main()
