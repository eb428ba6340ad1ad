/* The help's words on each pane, for someone seeing ptviz for the first time. */
#include "help_text.h"

const struct help_section ui_help_panes[] = {
	{ "The columns",
	  "Each column is one group of workers running the same loop, counter++, as fast as it can: threads on the "
	  "left, processes on the right. Nothing is simulated: every figure is read from the running workers, "
	  "from their memory and from /proc, at the rate in the top line." },
	{ "The top line",
	  "The workload, the sync mode, how often the screen looks (10 Hz) and the time since ptviz started. "
	  "When other programs on this machine use a tenth of a CPU or more, it says how much: 'other programs "
	  "use 1.4 of 2 CPUs' means that over the last second the CPUs were busy 1.4 CPUs' worth with work that "
	  "is neither ptviz's nor its workers'. The workers share the CPUs with those programs, and get less. "
	  "When fewer frames come than asked for, '10 Hz' becomes '6 of 10 Hz'." },
	{ "Memory",
	  "Threads: one counter at one address, because the threads of a process share all of its memory; each "
	  "thread owns only its stack, so every stack address differs. Processes: the counter sits at the SAME "
	  "address in each, yet holds a different value, because fork() gave each process its own copy. ptviz's "
	  "own copy stays 0. With 'spawn processes N shared' the counter lives in one MAP_SHARED segment that "
	  "ptviz maps too, so the value shown is the live one; ptviz's ordinary global counter, at another "
	  "address, stays 0. ps -eLf shows one task more than the threads listed: the host's main thread, which started them "
	  "and only waits." },
	{ "Workers",
	  "Each worker's line shows its thread or process id, its state (R running, S sleeping) and what it "
	  "has done. With room to spare a second line says where its stack or counter is and which CPU it last "
	  "ran on, and a third charts its share of one CPU: a bar for each half second, a full block when it "
	  "ran all that time, with the share now beside it, then the part of the group's increments it did. "
	  "A pale {shade} is next to nothing: the worker waited, was paused or dead, or there is no figure yet. "
	  "Two busy workers on two CPUs show full blocks; pinned to one ('cpus 1') they take turns and each "
	  "shows half. Workers that wait ('workload io') barely use a CPU, however many there are. In step mode "
	  "the third line is the CPU time used and the share of the work as a bar." },
	{ "Counters",
	  "'increments' is the work the workers did, 'counter' is what memory holds. counter++ is three steps "
	  "(load, add, store); two threads can load the same value and one update vanishes. Those are the lost "
	  "updates, with the rate per second beside them. Press L (mutex) or a (atomic) and the chart goes flat; "
	  "r races again. On a tall screen the chart grows to several rows: each column is one frame, its "
	  "height the updates lost per second then, scaled to the tallest shown (the top figure). Separate "
	  "processes have no combined counter: their copies add up to a sum only on paper. Where nothing can "
	  "be lost (private copies, a lock, the GIL) or the workload is another (io, cpu ...), the chart shows "
	  "the group's increments per second instead, a bar for each half second, on one scale for every "
	  "group under the same workload: four waiting threads stand four times as tall as one." },
	{ "Survivors",
	  "Who is still running. A fault in one thread (x) kills its whole process: every thread dies in the same "
	  "instant. A fault in one process kills only that process; the others keep counting. Separate address "
	  "spaces cost more, and protect more." },
	{ "Event log",
	  "What happened and when: spawns, deaths and their causes, and every command a key ran. Keys are "
	  "shortcuts for commands you can type yourself after ':'. PgUp and PgDn scroll it, End returns to the "
	  "newest; a message repeated is shown once, counted (xN)." },
	{ "Memory map (m)",
	  "The selected worker's process as the kernel sees it (/proc/PID/maps and smaps): program code, "
	  "globals, heap, stacks, libraries, shared segments. 'shared' counts pages physically shared with "
	  "other processes: with ptviz since fork until written (copy-on-write; the first write makes a "
	  "private copy), or the same file in the page cache. 'seen by' is another question: which workers can "
	  "address the region. So program code can be shared with ptviz and yet seen by one worker only." },
	{ "Costs (c)",
	  "What the textbook says threads and processes cost, timed on this machine: 1 starting one and "
	  "waiting for it (pthread_create, fork, posix_spawn), 2 fork while holding more and more memory, "
	  "3 a switch between two threads or two processes on one CPU and on any, 4 messages by pipe, "
	  "socket, shared memory and a shared variable. Each runs in a child process of its own, so the "
	  "groups go on; the figures are medians, with the CPU count and kernel they belong to. Esc or c "
	  "cancels a measurement, or closes the view; ':bench NAME' does the same as the keys." },
	{ "Lessons (ptviz --lesson NAME)",
	  "A lesson plays commands with captions on these same workers. The bar above the keys says "
	  "what to look at, which step this is, and what comes next. At a pause, Space or Enter goes on; "
	  "during a wait, it cuts the wait short. A question comes before the answer: the audience "
	  "predicts with the number of an answer (1 or 2 when there are two), the lesson shows what happens, then "
	  "gives the answer and why. Backspace plays the current step again from the pause before it, and g, a "
	  "step's number and Enter go to any step: the lab is reset and the commands before the step run again at "
	  "once. A measurement that the step will compare with is taken again, for a second at most, while the "
	  "caption says it is catching up. q or F10 asks before it leaves the lesson, so a stray "
	  "key never loses the step reached (Ctrl-C leaves at once). Every other key works as usual. "
	  "'ptviz --lessons' lists them all." },
};

const size_t ui_help_npanes = sizeof(ui_help_panes) / sizeof(ui_help_panes[0]);
