#!/usr/bin/env python3
"""gil_cpu: two workers count to N in Python bytecode, as threads or as multiprocessing processes.

Usage: gil_cpu.py threads|processes [N]   (default N: 20,000,000 each)
A fixed amount of work, not a time: on a busy machine it takes longer and uses the same CPU.
Prints "MODE: cpu C wall W wait D each E": the workers' CPU seconds (this process's own for threads, its
children's for processes) from the first start to the last join, the wall-clock seconds between,
the seconds the two workers spent waiting for a CPU (their run_delay in schedstat; on free
CPUs, next to none), and each worker's own CPU time over its own running time, added up.
"""
import os
import multiprocessing
import sys
import threading
import time


def waited():
    """Seconds this thread has waited on a run queue for a CPU (schedstat's second field); 0 without schedstat."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def count(n, waits):
    start, cpu0, wall0 = waited(), time.thread_time(), time.monotonic()
    x = 0
    for _ in range(n):
        x += 1
    waits.put((waited() - start, (time.thread_time() - cpu0) / max(time.monotonic() - wall0, 1e-9)))
    return x


if __name__ == "__main__":
    mode = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000_000
    make = threading.Thread if mode == "threads" else multiprocessing.Process
    waits = multiprocessing.Queue()
    workers = [make(target=count, args=(n, waits)) for _ in range(2)]
    cpu0, wall0 = os.times(), time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    cpu1, wall1 = os.times(), time.monotonic()
    if mode == "threads":
        cpu = cpu1.user - cpu0.user + cpu1.system - cpu0.system
    else:
        cpu = cpu1.children_user - cpu0.children_user + cpu1.children_system - cpu0.children_system
    ends = [waits.get(), waits.get()]
    wait = sum(w for w, _ in ends)
    # Each worker's own CPU over its own time, added up: how many CPUs they ran on at once, even when one
    # started a little after the other.
    each = sum(share for _, share in ends)
    print(f"{mode}: cpu {cpu:.3f} wall {wall1 - wall0:.3f} wait {wait:.3f} each {each:.3f}", flush=True)
