"""Helpers shared by the Python benchmark programs (stdlib only).

Each program prints one JSON line with its measurement; bench/run.mjs keeps the last one.
time.monotonic_ns() reads CLOCK_MONOTONIC, as Node's process.hrtime does: it is
system-wide on Linux, so a time taken by the sender compares with one taken by the receiver.
"""

import json
import multiprocessing
import statistics
import sys
import time

# Every benchmark uses the spawn start method, the one procscope reproduces.
CTX = multiprocessing.get_context("spawn")

now_ns = time.monotonic_ns


def arg(index, fallback):
    """The program argument at `index` (after the script name)."""
    return sys.argv[1 + index] if len(sys.argv) > 1 + index else fallback


def int_arg(index, fallback):
    value = int(arg(index, fallback))
    if value <= 0:
        raise SystemExit(f"bad argument {index}: {value}")
    return value


def emit(result):
    print(json.dumps(result), flush=True)


def median(values):
    return statistics.median(values)


def throughput(count, bytes_each, started_ns):
    """Messages per second and MB/s from the sender's start to the last message received."""
    seconds = (now_ns() - started_ns) / 1e9
    return {
        "count": count,
        "seconds": seconds,
        "msgPerSec": count / seconds,
        "mbPerSec": count * bytes_each / seconds / 1e6,
    }


def handoff_result(parent, child, skip):
    """Hop latencies of a ping-pong the parent starts (see bench/procscope/common.ts).

    `parent` and `child` are (woken, letting_go) lists of clock readings: in round i the
    parent hands over to the child (child woken[i] - parent letting_go[i]) and the child
    back to the parent (parent woken[i] - child letting_go[i]). Rounds before `skip` are
    warm-up."""
    parent_woken, parent_letting_go = parent
    child_woken, child_letting_go = child
    hops, round_trips = [], []
    for i in range(skip, len(parent_woken)):
        there = child_woken[i] - parent_letting_go[i]
        back = parent_woken[i] - child_letting_go[i]
        if there < 0 or back < 0:
            raise SystemExit(f"round {i}: the two sides did not alternate")
        hops += [there / 1e3, back / 1e3]
        round_trips.append((parent_woken[i] - parent_letting_go[i]) / 1e3)
    seconds = (parent_woken[-1] - parent_letting_go[skip]) / 1e9
    return {
        "count": len(hops),
        "seconds": seconds,
        "medianLatencyUs": median(hops),
        "meanLatencyUs": sum(hops) / len(hops),
        "medianRoundTripUs": median(round_trips),
        "roundTripUs": seconds / len(round_trips) * 1e6,
    }
