/* A program's processes and threads as rows the keys move through, and what the screen says of each: its files, its map. */
#ifndef PTVIZ_PROGRAM_ROWS_H
#define PTVIZ_PROGRAM_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lab/program.h"

/* One row of a program group: a process (thread -1), or one of its threads. */
struct program_row {
	int process;
	int thread;
};

/*
 * How many of its threads a process shows as rows: all of them, or none when it
 * has ended with one thread (its own row says all there is).
 */
int program_thread_rows(const struct program_process *pp);
/* The group's rows in the order the screen lists them: each process, then its threads; at most max.  Returns how many. */
int program_rows(const struct program_view *v, struct program_row *rows, int max);
/* The row's name: "A2" for a process, "A2.1" for a thread. */
const char *program_row_id(const struct program_view *v, struct program_row r);
/* The index of the row named id ("A2", "A1.3"), or -1. */
int program_row_find(const struct program_view *v, const char *id);
/* The group whose serial is group, or NULL. */
const struct program_view *program_view_by_serial(const struct program_view *views, int n, uint32_t group);
/*
 * What id names in v: its process, and the thread (NULL for a process's own row).
 * False when v has no such row.
 */
bool program_row_task(const struct program_view *v, const char *id, const struct program_process **pp,
                       const struct program_thread **th);
/* Is the row held or stopped, so that resume lets it go?  Held by ptviz, or stopped with its process (T; t while traced). */
bool program_row_paused(const struct program_process *pp, const struct program_thread *th);
/* The process pp was forked from, when it is in the same group (and so began as its copy); NULL otherwise. */
const struct program_process *program_parent(const struct program_view *v, const struct program_process *pp);
/* The process's threads as a range of names: "A1.1-A1.3", or "A1.1" alone; only live ones when alive. */
void program_thread_names(const struct program_process *pp, bool alive, char *buf, size_t len);
/* The process's open files, from fd `from` up: "0-2 /dev/pts/3, 3 pipe:[812]"; runs of one file read as one. */
void program_files_text(const struct program_process *pp, int from, char *buf, size_t len);

#endif
