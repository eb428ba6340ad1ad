/* What the benchmarks share: medians with quartiles, the machine's load, bounded outside busy loops, the goal line. */
#ifndef PTVIZ_BENCH_COMMON_H
#define PTVIZ_BENCH_COMMON_H

#include <stdbool.h>
#include <sys/types.h>

/* Seconds on CLOCK_MONOTONIC. */
double bench_now(void);
void bench_sleep(double seconds);

/* BENCH_QUICK=1 in the environment: fewer rounds and shorter windows, for a trial run. */
bool bench_quick(void);
/* n normally, quick when BENCH_QUICK is set. */
int bench_rounds(int n, int quick);

/* The p-quantile (0..1) of n values, interpolated; v is sorted in place. */
double bench_quantile(double *v, int n, double p);
/* "median M (quartiles Q1 .. Q3)" with a printf format for each figure, into buf. */
const char *bench_mqq(double *v, int n, const char *fmt, char *buf, size_t len);

/* "  machine: N CPUs online, /proc/loadavg ..." on a line of its own. */
void bench_print_machine(const char *when);
/* "  goal: TEXT: met" or "NOT met". */
void bench_goal(const char *text, bool met);

/*
 * Outside load: n processes at normal priority spinning in for(;;), each ended
 * by an alarm after at most max_seconds and by the death of the benchmark, and
 * by bench_load_stop (by PID) before that.  Returns how many started.
 * They run in the benchmark's session, unless bench_load_apart is set: then
 * each leads a session of its own, as a program started from another terminal
 * does (Linux's autogroup shares the CPUs by session first).
 */
#define BENCH_LOAD_MAX 8
extern bool bench_load_apart;
int bench_load_start(int n, int max_seconds);
void bench_load_stop(void);
/* The PIDs running now (count returned). */
int bench_load_pids(pid_t *out, int max);

/* Nanoseconds a task has run on a CPU: /proc/PID/task/TID/schedstat (tid 0: the whole process, summed). */
double bench_task_cpu_ns(pid_t pid, pid_t tid);
/* The first number in a file (schedstat, a time written by ptviz); 0 when there is none. */
double bench_read_number(const char *path);
/* Is pid there and not a zombie? */
bool bench_alive(pid_t pid);

/* The tasks (threads) of a process now, from /proc/PID/task; 0 when it is gone. */
int bench_ntasks(pid_t pid);

/* A parent's children (ptviz's: its thread host, workers, a program), remembered as seen, to be seen gone. */
#define BENCH_KIDS_MAX 1100
struct bench_kids {
	pid_t pid[BENCH_KIDS_MAX];
	int n;
};
/* parent's children now (how many), each remembered in k; the tasks of the one with the most in *most_tasks. */
int bench_kids_look(struct bench_kids *k, pid_t parent, int *most_tasks);
/* Every child remembered gone, waited for up to `seconds`; one left is ended by PID, told on stderr after who, and counted. */
int bench_kids_gone(struct bench_kids *k, double seconds, const char *who);

#endif
