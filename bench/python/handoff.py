"""Handoff latency between two processes. Usage: handoff.py lock|event COUNT WARM_UP.

lock: a multiprocessing.Lock does not alternate between two processes that both loop on it
(the releasing process takes it again at once), so the ping-pong uses a pair of Locks as
binary semaphores, each released by the other process (which Python allows for a Lock): a
handoff is the time from one process calling release() to the other's acquire() returning.

event: a ping-pong through a pair of Events; a hop is the time from one process calling
set() to the other's wait() returning.

Each side reads the clock before letting go and after being woken; the child sends its
readings at the end, outside the timing. COUNT round trips (2 x COUNT hops) after WARM_UP
round trips."""

import time

from benchlib import CTX, arg, emit, handoff_result, int_arg, now_ns

# Long enough for the child to report ready and block before the first handoff.
CHILD_BLOCKS_SECONDS = 0.1


def lock_child(to_child, to_parent, reports, rounds):
    woken, letting_go = [0] * rounds, [0] * rounds
    reports.put("ready")
    for i in range(rounds):
        to_child.acquire()
        woken[i] = now_ns()
        letting_go[i] = now_ns()
        to_parent.release()
    reports.put((woken, letting_go))


def event_child(ping, pong, reports, rounds):
    woken, letting_go = [0] * rounds, [0] * rounds
    reports.put("ready")
    for i in range(rounds):
        ping.wait()
        woken[i] = now_ns()
        ping.clear()
        letting_go[i] = now_ns()
        pong.set()
    reports.put((woken, letting_go))


def lock_ping_pong(reports, rounds):
    # Both start taken: each is released only to hand over.
    to_child, to_parent = CTX.Lock(), CTX.Lock()
    to_child.acquire()
    to_parent.acquire()
    child = CTX.Process(target=lock_child, args=(to_child, to_parent, reports, rounds))
    child.start()
    reports.get()
    time.sleep(CHILD_BLOCKS_SECONDS)
    woken, letting_go = [0] * rounds, [0] * rounds
    for i in range(rounds):
        letting_go[i] = now_ns()
        to_child.release()
        to_parent.acquire()
        woken[i] = now_ns()
    return child, (woken, letting_go)


def event_ping_pong(reports, rounds):
    ping, pong = CTX.Event(), CTX.Event()
    child = CTX.Process(target=event_child, args=(ping, pong, reports, rounds))
    child.start()
    reports.get()
    time.sleep(CHILD_BLOCKS_SECONDS)
    woken, letting_go = [0] * rounds, [0] * rounds
    for i in range(rounds):
        letting_go[i] = now_ns()
        ping.set()
        pong.wait()
        woken[i] = now_ns()
        pong.clear()
    return child, (woken, letting_go)


def main():
    mode = arg(0, "lock")
    count = int_arg(1, 20_000)
    warm_up = int_arg(2, 2000)
    rounds = warm_up + count
    reports = CTX.Queue()
    if mode == "lock":
        child, mine = lock_ping_pong(reports, rounds)
    elif mode == "event":
        child, mine = event_ping_pong(reports, rounds)
    else:
        raise SystemExit(f"unknown mode {mode}")
    theirs = reports.get()
    child.join()
    emit({"bench": f"handoff-{mode}", **handoff_result(mine, theirs, warm_up)})


if __name__ == "__main__":
    main()
