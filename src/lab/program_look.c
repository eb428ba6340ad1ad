/* What the screen reads of a program's process beyond its tasks: where each of its threads' stacks is. */
#include <stdio.h>
#include <string.h>

#include "program.h"

/* The main thread's stack begins where stat's startstack (field 28) says: the kernel set it up at exec. */
static bool program_start_stack(pid_t pid, uintptr_t *sp)
{
	char path[64], line[1024];
	unsigned long long start = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	bool read = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	const char *p = read ? strrchr(line, ')') : NULL;
	/* After the name: field 3 (state) is the first; startstack is field 28, the 26th after it. */
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d "
	                                "%*u %*u %*d %*u %*u %*u %llu", &start) != 1 || start == 0)
		return false;
	*sp = (uintptr_t)start;
	return true;
}

bool program_stack_pointer(pid_t pid, pid_t tid, bool main_thread, uintptr_t *sp)
{
	char path[80], line[256], first[24];
	unsigned long long v[8];
	FILE *f;

	if (main_thread)
		return program_start_stack(pid, sp);
	/* "nr a1..a6 sp pc" while in a system call, "-1 sp pc" while stopped elsewhere, "running" while it runs. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	bool read = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	if (!read || sscanf(line, "%23s", first) != 1 || strcmp(first, "running") == 0)
		return false;
	int n = sscanf(line, "%*s %llx %llx %llx %llx %llx %llx %llx %llx", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
	               &v[6], &v[7]);
	unsigned long long at = n == 8 ? v[6] : n == 2 ? v[0] : 0;
	if (at == 0)
		return false;
	*sp = (uintptr_t)at;
	return true;
}
