/* Reads /proc/PID/smaps and names each region in words a student knows. */
#include "memmap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

const char *memmap_kind_name(enum memmap_kind kind)
{
	switch (kind) {
	case MEMMAP_CODE: return "program code";
	case MEMMAP_RODATA: return "program constants";
	case MEMMAP_GLOBALS: return "globals";
	case MEMMAP_HEAP: return "heap (malloc)";
	case MEMMAP_STACK: return "main thread's stack";
	case MEMMAP_THREAD_STACK: return "thread stack";
	case MEMMAP_GUARD: return "guard page";
	case MEMMAP_SHARED: return "shared segment";
	case MEMMAP_LIBRARY: return "library";
	case MEMMAP_KERNEL: return "kernel helper";
	case MEMMAP_ANON: return "private memory";
	case MEMMAP_OTHER: return "mapped file";
	}
	return "?";
}

static bool memmap_push(struct memmap *m, const struct memmap_region *r)
{
	if (m->n == m->cap) {
		int cap = m->cap ? m->cap * 2 : 64;
		struct memmap_region *bigger = realloc(m->r, (size_t)cap * sizeof(*bigger));
		if (bigger == NULL)
			return false;
		m->r = bigger;
		m->cap = cap;
	}
	m->r[m->n++] = *r;
	return true;
}

static enum memmap_kind memmap_classify(const struct memmap_region *r, const struct memmap_region *prev,
                                        const char *exe, const uintptr_t *stacks, int nstacks)
{
	const char *p = r->path;

	if (strcmp(p, "[heap]") == 0)
		return MEMMAP_HEAP;
	if (strcmp(p, "[stack]") == 0)
		return MEMMAP_STACK;
	if (strcmp(p, "[vdso]") == 0 || strcmp(p, "[vvar]") == 0 || strcmp(p, "[vsyscall]") == 0 ||
	    strncmp(p, "[vvar", 5) == 0)
		return MEMMAP_KERNEL;
	if (r->perms[3] == 's')
		return MEMMAP_SHARED;
	if (exe != NULL && exe[0] != '\0' && strcmp(p, exe) == 0) {
		if (r->perms[2] == 'x')
			return MEMMAP_CODE;
		return r->perms[1] == 'w' ? MEMMAP_GLOBALS : MEMMAP_RODATA;
	}
	if (strstr(p, ".so") != NULL)
		return MEMMAP_LIBRARY;
	if (p[0] == '\0') {
		if (strcmp(r->perms, "---p") == 0)
			return MEMMAP_GUARD;
		for (int i = 0; i < nstacks; i++) {
			if (stacks[i] >= r->start && stacks[i] < r->end)
				return MEMMAP_THREAD_STACK;
		}
		/* Zero-filled globals (.bss) continue right after the program's own data. */
		if (prev != NULL && prev->end == r->start && prev->kind == MEMMAP_GLOBALS)
			return MEMMAP_GLOBALS;
		return MEMMAP_ANON;
	}
	return MEMMAP_OTHER;
}

static unsigned long memmap_kb(const char *line, const char *field)
{
	size_t n = strlen(field);

	if (strncmp(line, field, n) != 0 || line[n] != ':')
		return (unsigned long)-1;
	return strtoul(line + n + 1, NULL, 10);
}

bool memmap_read(pid_t pid, const char *exe, const uintptr_t *stacks, int nstacks, struct memmap *m)
{
	char path[64], line[512];
	struct memmap_region cur;
	bool have = false, smaps = true;
	FILE *f;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "re");
	if (f == NULL) {
		smaps = false;
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
		f = fopen(path, "re");
	}
	if (f == NULL) {
		m->error = errno;
		return false;
	}
	memset(&cur, 0, sizeof(cur));
	while (fgets(line, sizeof(line), f) != NULL) {
		uintmax_t start, end;
		char perms[5];
		unsigned long long offset;
		unsigned long inode;
		int name_at = 0;

		if (sscanf(line, "%jx-%jx %4s %llx %*x:%*x %lu %n", &start, &end, perms, &offset, &inode,
		           &name_at) >= 5 && name_at > 0) {
			if (have) {
				cur.kind = memmap_classify(&cur, m->n ? &m->r[m->n - 1] : NULL, exe, stacks, nstacks);
				if (!memmap_push(m, &cur))
					break;
			}
			memset(&cur, 0, sizeof(cur));
			cur.start = (uintptr_t)start;
			cur.end = (uintptr_t)end;
			strlcpy(cur.perms, perms, sizeof(cur.perms));
			cur.inode = inode;
			strlcpy(cur.path, line + name_at, sizeof(cur.path));
			cur.path[strcspn(cur.path, "\n")] = '\0';
			cur.have_smaps = smaps;
			have = true;
			continue;
		}
		unsigned long v;
		if ((v = memmap_kb(line, "Rss")) != (unsigned long)-1)
			cur.rss = v;
		else if ((v = memmap_kb(line, "Shared_Clean")) != (unsigned long)-1 ||
		         (v = memmap_kb(line, "Shared_Dirty")) != (unsigned long)-1)
			cur.shared_kb += v;
		else if ((v = memmap_kb(line, "Private_Clean")) != (unsigned long)-1 ||
		         (v = memmap_kb(line, "Private_Dirty")) != (unsigned long)-1)
			cur.private_kb += v;
	}
	if (have) {
		cur.kind = memmap_classify(&cur, m->n ? &m->r[m->n - 1] : NULL, exe, stacks, nstacks);
		memmap_push(m, &cur);
	}
	fclose(f);
	for (int i = 0; i < m->n; i++) {
		m->rss += m->r[i].rss;
		m->private_kb += m->r[i].private_kb;
		m->shared_kb += m->r[i].shared_kb;
	}
	if (m->n == 0)
		m->error = ESRCH;
	return m->n > 0;
}

void memmap_free(struct memmap *m)
{
	free(m->r);
	memset(m, 0, sizeof(*m));
}

int memmap_find(const struct memmap *m, uintptr_t address)
{
	for (int i = 0; i < m->n; i++) {
		if (address >= m->r[i].start && address < m->r[i].end)
			return i;
	}
	return -1;
}
