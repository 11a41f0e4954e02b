"""Round trip over a raw Unix socket pair between two Python processes: what Python itself
costs per hop, with nothing in between. Usage: socket_pingpong.py COUNT [WARM_UP].

The parent sends 8 bytes, the child (started with the spawn method, as the other Python
programs) echoes them; blocking send and recv on both sides, as a manager's proxy and server
do. COUNT round trips after WARM_UP round trips."""

import socket

from benchlib import CTX, emit, int_arg, median, now_ns

MESSAGE = b"12345678"


def echo(sock, rounds):
    for _ in range(rounds):
        got = b""
        while len(got) < len(MESSAGE):
            got += sock.recv(len(MESSAGE) - len(got))
        sock.sendall(got)


def main():
    count = int_arg(0, 10000)
    warm_up = int_arg(1, 200)
    ours, theirs = socket.socketpair()
    child = CTX.Process(target=echo, args=(theirs, warm_up + count))
    child.start()
    theirs.close()
    round_trips = []
    started_ns = 0
    for i in range(warm_up + count):
        if i == warm_up:
            started_ns = now_ns()
        sent_ns = now_ns()
        ours.sendall(MESSAGE)
        got = b""
        while len(got) < len(MESSAGE):
            got += ours.recv(len(MESSAGE) - len(got))
        if i >= warm_up:
            round_trips.append((now_ns() - sent_ns) / 1e3)
    seconds = (now_ns() - started_ns) / 1e9
    child.join()
    emit(
        {
            "bench": "socket-pingpong",
            "count": count,
            "seconds": seconds,
            "roundTripUs": seconds / count * 1e6,
            "medianRoundTripUs": median(round_trips),
            "roundTripsPerSec": count / seconds,
        }
    )


if __name__ == "__main__":
    main()
