/* Help for the lifecycle strips and the memory each worker costs, with what their figures cannot tell; and for a program on screen. */
#include "help_more.h"

const struct help_section help_more[] = {
	{ "Lifecycle strip",
	  "With room for four lines a worker, the fourth is its life: a cell for each half second, as tall as "
	  "its share wanting a CPU (running or ready), drawn in the colour of what it mostly was: running, ready "
	  "(waiting for a CPU), blocked (asleep, waiting for a lock, I/O or a step); n where it was new, x once "
	  "it ended. The shares of the last second follow. ps and /proc/PID/task/TID/stat say R both for running and for ready; ptviz tells them apart "
	  "by /proc/PID/task/TID/schedstat: the time the task ran and the time it waited on a run queue "
	  "(run_delay). Limits: a wait is added only when it ends, as the task gets a CPU, so ready lags by the "
	  "wait under way (a few ms when busy workers share a CPU; a worker that waits longer looks blocked until "
	  "it runs, then ready at once); ready counts waiting behind any program, not only ptviz's workers; "
	  "turns of a few ms are far shorter than a cell, so a strip shows shares, not turns; and each frame's "
	  "observation parks the workers for a moment, which counts as blocked. Without schedstat (a kernel "
	  "built without it) ready stays 0. 'cpus 1' with three busy workers: each runs a third, ready the rest." },
	{ "Memory per worker",
	  "Under each group, when there is room: what one more worker of it costs in memory. One more thread "
	  "costs the pages of its stack it has touched (read from /proc/PID/pagemap): everything else is its "
	  "process's already. One more process costs its own pages (USS, from /proc/PID/smaps_rollup): those it "
	  "wrote since fork, copied for it alone. The memory map (m) charts both side by side. 'touch P1 1024' "
	  "makes P1 write 1 MiB it has shared with ptviz since fork: its own pages grow by as much; 'touch T1' "
	  "grows the threads' host once, and T2 writing the same pages copies nothing more. Limits: the kernel's "
	  "own for each task (its kernel stack, a process's page tables) is in no figure; smaps_rollup is read "
	  "at most once a second for each process (less often on a crowded machine), so a figure may be seconds old." },
};

const size_t help_more_count = sizeof(help_more) / sizeof(help_more[0]);

const struct help_section help_program[] = {
	{ "Your program (ptviz run)",
	  "A1, A2 ... are the program's processes, in the order they started; A1.1 is A1's main thread, A1.2, "
	  "A1.3 ... its other threads. A row gives the PID (a thread's TID), the state, the name, the CPU time and "
	  "how it ended. States, from /proc: R running or ready, S asleep, D waiting on the disk, T stopped, t "
	  "stopped by the tracer or 'held by ptviz' (p), Z dead but not yet waited for, - gone. 'exit 0' or a "
	  "signal ended a process ('SIGSEGV in A1.3': the thread it hit); 'ended with its process': the thread "
	  "died because its process did. The top line names the program, 'traced' (every start and end seen) or "
	  "'via /proc' (looked at every 10 ms: shorter tasks are missed), and its live processes and threads, or "
	  "how it ended. Watched values (--watch NAME) are read from each process's memory while it runs, one "
	  "process after another: not one snapshot." },
	{ "Keys on a program's process or thread",
	  "Arrows or h j k l select. x sends SIGSEGV, b SIGABRT, to the selected thread alone (tgkill); K sends its "
	  "process SIGKILL; each asks first. p pauses or resumes: a thread is held alone, a process (or its main "
	  "thread) stops whole. m: its process's memory map; o: open files; ':' any command, such as "
	  "'inject segv A1.3'. q asks before it ends the program's whole tree; 'ptviz run --keep' leaves it "
	  "running." },
};

const size_t help_program_count = sizeof(help_program) / sizeof(help_program[0]);
