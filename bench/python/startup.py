"""Process start -> first message received by the parent, and start -> join of a process
that does nothing, with the spawn start method. Usage: startup.py [ROUNDS]; one extra
warm-up round is not counted."""

import os

from benchlib import CTX, emit, int_arg, median, now_ns


def hello(queue):
    queue.put(os.getpid())


def idle():
    pass


def main():
    rounds = int_arg(0, 10)
    queue = CTX.Queue()
    first_message, start_join = [], []
    for round_index in range(-1, rounds):
        messenger = CTX.Process(target=hello, args=(queue,))
        started = now_ns()
        messenger.start()
        queue.get()
        received = now_ns()
        messenger.join()

        sleeper = CTX.Process(target=idle)
        launched = now_ns()
        sleeper.start()
        sleeper.join()
        joined = now_ns()
        if round_index < 0:
            continue
        first_message.append((received - started) / 1e6)
        start_join.append((joined - launched) / 1e6)
    emit(
        {
            "bench": "startup",
            "rounds": rounds,
            "firstMessageMs": median(first_message),
            "startJoinMs": median(start_join),
            "firstMessageMinMs": min(first_message),
            "startJoinMinMs": min(start_join),
        }
    )


if __name__ == "__main__":
    main()
