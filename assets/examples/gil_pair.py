#!/usr/bin/env python3
"""gil_pair: two CPU-bound threads against two CPU-bound processes.

CPython runs Python code in one thread at a time: a thread must hold the global interpreter lock
(the GIL) to run bytecode. Two threads that only compute take turns with it, so together they get
about one CPU, however many the machine has. Two processes made with multiprocessing each have
their own interpreter and their own GIL, so on two free CPUs they run at once.

The script does the same work both ways (SECONDS of counting each, default 8) and prints the CPU
time it used against the wall-clock time: about 1 CPU for the threads, about 2 for the processes
(on a machine with two CPUs to spare; other load lowers both).

What to watch for under ptviz:
    ptviz run -- python3 gil_pair.py
First one process with two busy threads whose CPU charts add up to about one CPU; then two child
processes, each near a full CPU. (Python 3.13's free-threaded build, without the GIL, would run
the two threads at once.)
"""
import multiprocessing
import os
import sys
import threading
import time

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 8.0


def spin(seconds):
    """Count, in Python bytecode, for a while of wall-clock time."""
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        for _ in range(10_000):
            n += 1
    return n


def measure(label, start_all, join_all):
    cpu0, wall0 = os.times(), time.monotonic()
    start_all()
    join_all()
    cpu1, wall1 = os.times(), time.monotonic()
    cpu = (cpu1.user - cpu0.user + cpu1.system - cpu0.system +
           cpu1.children_user - cpu0.children_user + cpu1.children_system - cpu0.children_system)
    print(f"{label}: {cpu:.1f} s of CPU in {wall1 - wall0:.1f} s: {cpu / (wall1 - wall0):.2f} CPUs at once")


def two_threads():
    workers = [threading.Thread(target=spin, args=(SECONDS,), name=f"spin-{i + 1}") for i in range(2)]
    measure("two threads  ", lambda: [t.start() for t in workers], lambda: [t.join() for t in workers])


def two_processes():
    workers = [multiprocessing.Process(target=spin, args=(SECONDS,), name=f"spin-{i + 1}") for i in range(2)]
    measure("two processes", lambda: [p.start() for p in workers], lambda: [p.join() for p in workers])


if __name__ == "__main__":
    print(f"pid {os.getpid()}, {os.cpu_count()} CPUs; {SECONDS:g} s of counting each way")
    two_threads()
    two_processes()
