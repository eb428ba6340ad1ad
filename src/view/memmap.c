/* Reads /proc/PID/smaps and names each region in words a student knows: what it is, and who can see it. */
#include "memmap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "story.h"

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

bool memmap_holds(const struct memmap_region *r, uintptr_t address)
{
	return address >= r->start && address < r->end;
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
			if (memmap_holds(r, stacks[i]))
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
		if (memmap_holds(&m->r[i], address))
			return i;
	}
	return -1;
}

int memmap_rows(const struct memmap *m, struct memmap_row *rows, int max)
{
	int n = 0;

	for (int i = 0; i < m->n; i++) {
		const struct memmap_region *r = &m->r[i];
		const struct memmap_region *prev = n > 0 ? &m->r[rows[n - 1].last] : NULL;
		bool join = prev != NULL && prev->kind == r->kind &&
		            ((r->kind == MEMMAP_LIBRARY && strcmp(prev->path, r->path) == 0) ||
		             r->kind == MEMMAP_OTHER || r->kind == MEMMAP_KERNEL);
		if (!join) {
			if (n == max)
				break;
			memset(&rows[n], 0, sizeof(rows[n]));
			rows[n].first = i;
			n++;
		}
		struct memmap_row *row = &rows[n - 1];
		row->last = i;
		row->kb += (unsigned long)((r->end - r->start) / 1024);
		row->private_kb += r->private_kb;
		row->shared_kb += r->shared_kb;
	}
	return n;
}

bool memmap_read_whose(const struct memmap_whose *w, struct memmap *m)
{
	static char exe[256];
	uintptr_t stacks[LAB_DEFAULT_MAX_THREADS * 4];
	int nstacks = 0;

	if (exe[0] == '\0') {
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
	}
	for (int i = 0; i < w->g->nworkers && nstacks < (int)(sizeof(stacks) / sizeof(stacks[0])); i++) {
		if (w->g->workers[i].pid == w->pid)
			stacks[nstacks++] = w->g->workers[i].stack_address;
	}
	return memmap_read(w->pid, exe, stacks, nstacks, m);
}

/* The range ptviz mapped as its instrument panel, before any fork: in every process at the same place. */
static bool memmap_is_instrument(const struct memmap_whose *w, const struct memmap_region *r)
{
	uintptr_t start, end;

	lab_instrument_range(w->lab, &start, &end);
	return start < end && r->start < end && start < r->end;
}

/* The shared group whose counter segment this region is, or NULL: it may be another group's, inherited by fork. */
static const struct lab_group *memmap_segment_owner(const struct memmap_whose *w, const struct memmap_region *r)
{
	for (int i = 0; i < lab_ngroups(w->lab); i++) {
		const struct lab_group *o = lab_group_at(w->lab, i);
		uintptr_t start, end;
		if (lab_segment_range(w->lab, o, &start, &end) && memmap_holds(r, start))
			return o;
	}
	return NULL;
}

/* A MAP_SHARED file other than /dev/zero (which is anonymous memory by another name). */
static bool memmap_shared_file(const struct memmap_region *r)
{
	return r->path[0] == '/' && strncmp(r->path, "/dev/zero", 9) != 0;
}

void memmap_seen_by(const struct memmap_whose *w, const struct memmap_region *r, char *buf, size_t len)
{
	const struct lab_group *g = w->g;

	if (r->kind == MEMMAP_SHARED) {
		const struct lab_group *o = memmap_segment_owner(w, r);
		if (memmap_is_instrument(w, r))
			snprintf(buf, len, "all + ptviz");
		else if (o != NULL && o->alive > 0) {
			/* Another group's segment is here too when this process was forked after it was made. */
			char live[96];
			story_group_ids(o, true, live, sizeof(live));
			snprintf(buf, len, "%s + ptviz%s", live, o == g ? "" : " + this");
		} else if (o != NULL && o->nworkers > 0)
			snprintf(buf, len, "ptviz%s", o == g ? "" : " + this");
		else if (memmap_shared_file(r))
			snprintf(buf, len, "all who map the file");
		else
			snprintf(buf, len, "whoever maps it");
		return;
	}
	if (g->kind == LAB_THREADS)
		story_group_ids(g, true, buf, len);   /* an ended thread addresses nothing any more */
	else
		snprintf(buf, len, "%s only", w->worker);
}

static void memmap_label_shared(const struct memmap_whose *w, const struct memmap_region *r, const char *base,
                                char *buf, size_t len)
{
	/* Only the range the engine names is the instrument panel; any other MAP_SHARED region is said as is. */
	const struct lab_group *o = memmap_segment_owner(w, r);

	if (memmap_is_instrument(w, r))
		snprintf(buf, len, "ptviz's instrument panel");
	else if (o != NULL)
		snprintf(buf, len, "shared segment of group %s", o->name);
	else if (memmap_shared_file(r))
		snprintf(buf, len, "shared file %.60s", base);
	else
		snprintf(buf, len, "shared memory (anonymous)");
}

void memmap_label(const struct memmap_whose *w, const struct memmap_region *r, bool utf8, char *buf, size_t len)
{
	const struct lab_group *g = w->g;
	const char *base = strrchr(r->path, '/');

	base = base != NULL ? base + 1 : r->path;
	switch (r->kind) {
	case MEMMAP_LIBRARY:
		snprintf(buf, len, "library %.60s", base);
		break;
	case MEMMAP_THREAD_STACK:
		snprintf(buf, len, "thread stack");
		for (int i = 0; i < g->nworkers; i++) {
			if (g->workers[i].pid == w->pid && memmap_holds(r, g->workers[i].stack_address)) {
				snprintf(buf, len, "thread stack of %s", g->workers[i].id);
				break;
			}
		}
		break;
	case MEMMAP_SHARED:
		memmap_label_shared(w, r, base, buf, len);
		break;
	case MEMMAP_STACK:
		snprintf(buf, len, g->kind == LAB_THREADS ? "main thread's stack" : "the process's stack");
		break;
	case MEMMAP_OTHER:
		snprintf(buf, len, strncmp(base, "LC_", 3) == 0 || strstr(r->path, "locale") ? "files: locale data" : "file %.60s", base);
		break;
	default:
		strlcpy(buf, memmap_kind_name(r->kind), len);
		break;
	}
	if (memmap_holds(r, g->counter_address))
		strlcat(buf, utf8 ? " \u2190 counter" : " <- counter", len);
}
