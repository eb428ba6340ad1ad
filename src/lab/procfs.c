/* Reading a task's state, CPU and times from /proc, through a file kept open. */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int procfs_open_stat(pid_t pid, pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
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
	 * 15 stime ... 39 processor.  Only those three are parsed; the others
	 * are skipped by their spaces, which the kernel writes one apiece.
	 */
	uint64_t utime, stime, cpu;
	p += 4;
	if (!procfs_skip(&p, 14 - 4) || !procfs_number(&p, &utime) || *p++ != ' ' || !procfs_number(&p, &stime) ||
	    *p++ != ' ' || !procfs_skip(&p, 39 - 16) || !procfs_number(&p, &cpu))
		return false;
	st->state = state;
	st->ticks = utime + stime;
	st->cpu = (int)cpu;
	return true;
}

bool procfs_read_stat(int fd, struct procfs_stat *st)
{
	char buf[1024];

	if (fd < 0)
		return false;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return procfs_parse_stat(buf, st);
}
