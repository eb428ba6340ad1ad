#!/usr/bin/env python3
"""counter_threads_processes: four threads against four processes, each adding to `counter`.

Part 1 starts four threads. They share the interpreter, so they share the module's global
`counter`: every addition lands in the one variable, and the total is 4 x ADDS (or a little less
when a thread switch falls between reading `counter` and storing it back: `counter += 1` is not
one step for Python either).

Part 2 starts four processes with multiprocessing. Each child has its own copy of the whole
interpreter and of `counter`; it adds to that copy. The parent's `counter` is untouched: it
prints 0. To bring a number back, a child must send it (here, through a Queue).

What to watch for under ptviz:
    ptviz run -- python3 counter_threads_processes.py
Part 1 is one process with five threads (main and four workers). Part 2 is five processes, each
with its own threads. A Python variable cannot be watched with --watch: it is an object in the
interpreter's heap, not a C global with a symbol; the program prints its values instead.
"""
import multiprocessing
import threading
import time

ADDS = 200_000
WORKERS = 4
counter = 0


def add_many():
    global counter
    for _ in range(ADDS):
        counter += 1


def add_many_and_report(results):
    add_many()
    results.put((multiprocessing.current_process().name, counter))


def with_threads():
    global counter
    counter = 0
    workers = [threading.Thread(target=add_many, name=f"adder-{i + 1}") for i in range(WORKERS)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    print(f"threads:   counter = {counter:,} (expected {WORKERS * ADDS:,}): one variable, shared")


def with_processes():
    global counter
    counter = 0
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=add_many_and_report, args=(results,), name=f"adder-{i + 1}")
               for i in range(WORKERS)]
    for p in workers:
        p.start()
    copies = [results.get() for _ in workers]
    for p in workers:
        p.join()
    for name, value in sorted(copies):
        print(f"processes: {name}'s own counter = {value:,}")
    print(f"processes: the parent's counter = {counter} (each child added to its own copy)")


if __name__ == "__main__":
    with_threads()
    time.sleep(2)
    with_processes()
