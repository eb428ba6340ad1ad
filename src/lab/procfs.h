/* Reading a task's state, CPU and times from /proc, through a file kept open. */
#ifndef PTVIZ_PROCFS_H
#define PTVIZ_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct procfs_stat {
	char state;          /* R S D Z T t X I ... */
	pid_t ppid;          /* the parent process */
	int cpu;             /* processor it last ran on */
	uint64_t ticks;      /* utime + stime */
};

/* Opens /proc/PID/task/TID/stat; returns the fd or -errno. */
int procfs_open_stat(pid_t pid, pid_t tid);
/* Reads and parses it again; false when the task is gone. */
bool procfs_read_stat(int fd, struct procfs_stat *st);
/* Parses the text of a stat file (exposed for tests: names may hold spaces and parentheses). */
bool procfs_parse_stat(const char *text, struct procfs_stat *st);

/*
 * The open file descriptors of a task, from /proc/PID/task/TID/fd, in
 * ascending order: the first max go to fds; returns how many are open, or
 * -errno.  A thread's directory shows its process's one table.
 */
int procfs_list_fds(pid_t pid, pid_t tid, int *fds, int max);
/* What one of them refers to (readlink), cut to len; false when it is not open. */
bool procfs_fd_target(pid_t pid, pid_t tid, int fd, char *buf, size_t len);

/*
 * /proc/PID/task/TID/schedstat: its first field is the time the task has run
 * on a CPU, in nanoseconds (the stat file's ticks are 10 ms steps).  Kernels
 * built without schedstats have no such file: the open fails.
 */
int procfs_open_schedstat(pid_t pid, pid_t tid);
bool procfs_read_schedstat(int fd, uint64_t *ns);
bool procfs_parse_schedstat(const char *text, uint64_t *ns);
/*
 * Its first two fields: the time it ran and the time it waited ready on a
 * run queue (run_delay), both in ns.  The kernel adds a wait when it ends,
 * as the task gets a CPU: a wait under way is not in it yet.
 */
bool procfs_read_schedstat_waited(int fd, uint64_t *run_ns, uint64_t *wait_ns);
bool procfs_parse_schedstat_waited(const char *text, uint64_t *run_ns, uint64_t *wait_ns);

#endif
