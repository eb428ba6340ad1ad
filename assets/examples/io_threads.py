#!/usr/bin/env python3
"""io_threads: threads that wait are not held back by the GIL.

Eight threads each make five requests to a small server that answers after a quarter of a second
(a stand-in for a disk or a distant web server; the server runs in this same process). While a
thread waits in recv(), it has let go of the GIL, so the other threads carry on: the forty
requests take about 5 x 0.25 = 1.25 s, not 40 x 0.25 = 10 s, and use almost no CPU. The same
threads doing CPU-bound work would gain nothing (see gil_pair.py).

What to watch for under ptviz:
    ptviz run -- python3 io_threads.py
One process with many threads, nearly all of them asleep (waiting on a socket) nearly all the
time; the CPU chart stays near zero while the work gets done eight at a time.
"""
import os
import socket
import threading
import time

CLIENTS = 8
REQUESTS = 5
DELAY = 0.25


def serve_one(conn):
    with conn:
        while conn.recv(64):
            time.sleep(DELAY)   # the slow part of the "server": the client waits meanwhile
            conn.sendall(b"done\n")


def serve(listener):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_one, args=(conn,), name="server", daemon=True).start()


def client(port, number):
    with socket.create_connection(("127.0.0.1", port)) as s:
        for _ in range(REQUESTS):
            s.sendall(b"work\n")
            s.recv(64)   # waits here, without the GIL


def main():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    threading.Thread(target=serve, args=(listener,), name="listener", daemon=True).start()
    cpu0, wall0 = time.process_time(), time.monotonic()
    clients = [threading.Thread(target=client, args=(port, i), name=f"client-{i + 1}") for i in range(CLIENTS)]
    for t in clients:
        t.start()
    for t in clients:
        t.join()
    wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
    print(f"pid {os.getpid()}: {CLIENTS * REQUESTS} requests of {DELAY} s each by {CLIENTS} threads: "
          f"{wall:.2f} s (one by one: {CLIENTS * REQUESTS * DELAY:.0f} s), {cpu:.2f} s of CPU")


if __name__ == "__main__":
    main()
