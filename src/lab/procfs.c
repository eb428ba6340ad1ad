/* Reading a task's state, CPU and times from /proc, through a file kept open. */
#include "procfs.h"

#include <errno.h>
#include <dirent.h>
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

bool procfs_parse_stat(const char *text, struct procfs_stat *st)
{
	/* The name is in parentheses and may contain anything, so parse from the last ')'. */
	const char *p = strrchr(text, ')');
	if (p == NULL || p[1] != ' ' || p[2] == '\0')
		return false;
	st->state = p[2];
	p += 3;
	/* Fields after the state, numbered as in proc(5): 4 ppid ... 14 utime, 15 stime ... 39 processor. */
	unsigned long long utime = 0, stime = 0;
	int field = 4;
	while (*p != '\0' && field <= 39) {
		while (*p == ' ')
			p++;
		char *end;
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p && *p != '-')
			return false;
		if (*p == '-')
			v = 0, end = (char *)p + strcspn(p, " ");
		if (field == 4)
			st->ppid = (pid_t)v;
		else if (field == 14)
			utime = v;
		else if (field == 15)
			stime = v;
		else if (field == 39) {
			st->cpu = (int)v;
			st->ticks = utime + stime;
			return true;
		}
		p = end;
		field++;
	}
	return false;
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
