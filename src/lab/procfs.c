/* Reading a task's state, CPU and times from /proc, through files kept open. */
#include "procfs.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int procfs_open_task(pid_t pid, pid_t tid, const char *file)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", (int)pid, (int)tid, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int procfs_open_stat(pid_t pid, pid_t tid)
{
	return procfs_open_task(pid, tid, "stat");
}

int procfs_open_schedstat(pid_t pid, pid_t tid)
{
	return procfs_open_task(pid, tid, "schedstat");
}

/* Reads an unsigned decimal at *p and moves past it; false when there is none. */
static bool procfs_number(const char **p, uint64_t *v)
{
	const char *q = *p;
	uint64_t n = 0;

	if (*q < '0' || *q > '9')
		return false;
	while (*q >= '0' && *q <= '9')
		n = n * 10 + (uint64_t)(*q++ - '0');
	*p = q;
	*v = n;
	return true;
}

/* Moves from the start of one field to the start of the field `count` further on. */
static bool procfs_skip(const char **p, int count)
{
	const char *q = *p;

	while (count-- > 0) {
		while (*q != ' ' && *q != '\0')
			q++;
		if (*q == '\0')
			return false;
		q++;
	}
	*p = q;
	return true;
}

bool procfs_parse_stat(const char *text, struct procfs_stat *st)
{
	/* The name is in parentheses and may contain anything, so parse from the last ')'. */
	const char *p = strrchr(text, ')');
	if (p == NULL || p[1] != ' ' || p[2] == '\0' || p[3] != ' ')
		return false;
	char state = p[2];
	/*
	 * Fields after the state, numbered as in proc(5): 4 ppid ... 14 utime,
	 * 15 stime ... 39 processor.  Only those four are parsed; the others
	 * are skipped by their spaces, which the kernel writes one apiece.
	 */
	uint64_t ppid, utime, stime, cpu;
	p += 4;
	if (!procfs_number(&p, &ppid) || *p++ != ' ' || !procfs_skip(&p, 14 - 5) || !procfs_number(&p, &utime) ||
	    *p++ != ' ' || !procfs_number(&p, &stime) || *p++ != ' ' || !procfs_skip(&p, 39 - 16) ||
	    !procfs_number(&p, &cpu))
		return false;
	st->state = state;
	st->ppid = (pid_t)ppid;
	st->ticks = utime + stime;
	st->cpu = (int)cpu;
	return true;
}

/* The file's text again from its start, as a string; false when the task is gone. */
static bool procfs_reread(int fd, char *buf, size_t len)
{
	if (fd < 0)
		return false;
	ssize_t n = pread(fd, buf, len - 1, 0);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

bool procfs_read_stat(int fd, struct procfs_stat *st)
{
	char buf[1024];

	return procfs_reread(fd, buf, sizeof(buf)) && procfs_parse_stat(buf, st);
}

bool procfs_parse_schedstat(const char *text, uint64_t *ns)
{
	char *end;

	/* "run_ns wait_ns timeslices": only the first is wanted. */
	if (*text < '0' || *text > '9')
		return false;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno != 0 || (*end != ' ' && *end != '\n' && *end != '\0'))
		return false;
	*ns = v;
	return true;
}

bool procfs_read_schedstat(int fd, uint64_t *ns)
{
	char buf[128];

	return procfs_reread(fd, buf, sizeof(buf)) && procfs_parse_schedstat(buf, ns);
}

bool procfs_parse_schedstat_waited(const char *text, uint64_t *run_ns, uint64_t *wait_ns)
{
	const char *p = text;

	if (!procfs_number(&p, run_ns) || *p++ != ' ' || !procfs_number(&p, wait_ns))
		return false;
	return *p == ' ' || *p == '\n' || *p == '\0';
}

bool procfs_read_schedstat_waited(int fd, uint64_t *run_ns, uint64_t *wait_ns)
{
	char buf[128];

	return procfs_reread(fd, buf, sizeof(buf)) && procfs_parse_schedstat_waited(buf, run_ns, wait_ns);
}

static int procfs_int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int procfs_list_fds(pid_t pid, pid_t tid, int *fds, int max)
{
	char path[64];
	int all[256];
	int n = 0, total = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/fd", (int)pid, (int)tid);
	DIR *dir = opendir(path);
	if (dir == NULL)
		return -errno;
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);
		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end != '\0')
			continue;
		total++;
		if (n < (int)(sizeof(all) / sizeof(all[0])))
			all[n++] = (int)fd;
	}
	closedir(dir);
	qsort(all, (size_t)n, sizeof(all[0]), procfs_int_cmp);
	for (int i = 0; i < n && i < max; i++)
		fds[i] = all[i];
	return total;
}

bool procfs_fd_target(pid_t pid, pid_t tid, int fd, char *buf, size_t len)
{
	char path[80], link[256];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/fd/%d", (int)pid, (int)tid, fd);
	ssize_t n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = '\0';
	snprintf(buf, len, "%s", link);
	return true;
}
