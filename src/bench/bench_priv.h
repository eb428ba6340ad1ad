/* What the files of src/bench share and nothing outside sees: the child's messages, the clock, the measuring tools. */
#ifndef PTVIZ_BENCH_PRIV_H
#define PTVIZ_BENCH_PRIV_H

#include "bench.h"

enum bench_msg_type { BENCH_MSG_PROGRESS, BENCH_MSG_RESULT, BENCH_MSG_ERROR };

/* One record on the pipe; no larger than PIPE_BUF, so each write arrives whole. */
struct bench_msg {
	int type;
	double fraction;
	char text[96];
	struct bench_result result;
};

_Static_assert(sizeof(struct bench_msg) <= PIPE_BUF, "a bench message must fit one atomic pipe write");

/* CLOCK_MONOTONIC, in seconds (bench.c). */
double bench_now(void);
/* waitpid for one child, again when a signal cuts it short; status may be NULL (bench.c). */
pid_t bench_wait(pid_t pid, int *status);

/* Runs one measurement and reports on fd; never returns (bench_measure.c). */
_Noreturn void bench_measure_main(enum bench_kind kind, const struct bench_options *opt, int fd);

/* ---- inside the measuring child: what every measurement uses (bench_measure.c) ---- */

#define MIB (1024ul * 1024ul)

struct measure {
	int fd;
	enum bench_kind kind;
	struct bench_options opt;
	double start, last_progress;
	char error[96];
};

/* Progress at most 20 times a second, and only between timed stretches, never inside one. */
void measure_progress(struct measure *m, double fraction, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Says why the measurement failed; returns false. */
bool measure_fail(struct measure *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The median, sorting v: a machine shared with others has outliers in one direction only.  -1 when n is 0. */
double measure_median(double *v, int n);
/* A partner process of this child: dies with it, even when it is killed.  Called first thing after fork. */
void measure_partner_setup(pid_t parent);
/* write() until all of it is out, again after a signal; false when the other end is gone. */
bool measure_write_all(int fd, const void *p, size_t len);

/* ---- the measurement families, a file each ---- */

/* bench_create.c: a thread, a process and a program started and waited for. */
bool measure_create(struct measure *m, struct bench_create *r);
/* bench_create.c: fork while holding more and more memory, in small pages and in huge ones. */
bool measure_forksize(struct measure *m, struct bench_forksize *r);
/* bench_switch.c: a byte back and forth through two pipes, threads against processes. */
bool measure_switch(struct measure *m, struct bench_switch *r);
/* bench_ipc.c: the same messages by pipe, socket, shared segment and shared variable. */
bool measure_ipc(struct measure *m, struct bench_ipc *r);

#endif
