/* A program's process's memory map (ptviz run): each region named for the program's tasks, copy-on-write after fork said. */
#include "memmap_program.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "program_rows.h"

bool memmap_program_read(const struct memmap_program *w, struct memmap *m)
{
	char path[64], exe[256];

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)w->pp->pid);
	ssize_t n = readlink(path, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	return memmap_read(w->pp->pid, exe, w->stack, w->nstacks, m);
}

/* The thread whose stack the region holds, or NULL. */
static const char *memmap_program_stack_of(const struct memmap_program *w, const struct memmap_region *r)
{
	for (int i = 0; i < w->nstacks; i++) {
		if (memmap_holds(r, w->stack[i]))
			return w->stack_of[i];
	}
	return NULL;
}

/* A private writable anonymous region after a guard page, as a thread library lays a stack out. */
static bool memmap_program_stack_shape(const struct memmap_program *w, const struct memmap_region *r)
{
	if (w->map == NULL || r <= w->map->r || r >= w->map->r + w->map->n)
		return false;
	const struct memmap_region *guard = r - 1;
	return r->kind == MEMMAP_ANON && strcmp(r->perms, "rw-p") == 0 && r->end - r->start >= 64 * 1024 &&
	       guard->kind == MEMMAP_GUARD && guard->end == r->start;
}

void memmap_program_label(const struct memmap_program *w, const struct memmap_region *r, bool utf8, char *buf,
                          size_t len)
{
	const char *base = strrchr(r->path, '/'), *who = memmap_program_stack_of(w, r);
	char unplaced[128];

	base = base != NULL ? base + 1 : r->path;
	memmap_program_unplaced(w, unplaced, sizeof(unplaced));
	if (r->kind == MEMMAP_THREAD_STACK || (r->kind == MEMMAP_STACK && who != NULL))
		snprintf(buf, len, "stack of %s%s", who != NULL ? who : "a thread",
		         r->kind == MEMMAP_STACK ? " (main)" : "");
	else if (r->kind == MEMMAP_STACK)
		snprintf(buf, len, "main thread's stack");
	else if (r->kind == MEMMAP_LIBRARY)
		snprintf(buf, len, "library %.60s", base);
	else if (r->kind == MEMMAP_SHARED)
		snprintf(buf, len, r->path[0] == '/' ? "shared file %.60s" : "shared memory (anonymous)", base);
	else if (r->kind == MEMMAP_OTHER)
		snprintf(buf, len, "file %.60s", base);
	else if (memmap_program_stack_shape(w, r))
		snprintf(buf, len, unplaced[0] != '\0' ? "a thread's stack, not placed" : "an ended thread's stack?");
	else
		strlcpy(buf, memmap_kind_name(r->kind), len);
	for (int i = 0; i < w->pp->nwatch; i++) {
		const struct program_watch_value *v = &w->pp->watch[i];
		if (v->value.address != 0 && memmap_holds(r, v->value.address)) {
			strlcat(buf, utf8 ? " \u2190 " : " <- ", len);
			size_t at = strlen(buf);
			snprintf(buf + at, len - at, "%.*s", (int)strcspn(v->name, ":"), v->name);
		}
	}
}

void memmap_program_seen_by(const struct memmap_program *w, const struct memmap_region *r, char *buf, size_t len)
{
	char names[48];
	int live = 0;

	if (r->kind == MEMMAP_SHARED) {
		snprintf(buf, len, r->path[0] == '/' ? "all who map the file" : "whoever maps it");
		return;
	}
	for (int j = 0; j < w->pp->nthreads; j++)
		live += w->pp->threads[j].alive;
	/* Fork copied the parent's address space: its writable pages stay the parent's until one side writes. */
	if (w->parent != NULL && r->perms[1] == 'w') {
		snprintf(buf, len, "copy of %s's", w->parent->id);
		return;
	}
	if (live > 1) {
		program_thread_names(w->pp, true, names, sizeof(names));
		snprintf(buf, len, "%s", names);
	} else
		snprintf(buf, len, "%s only", w->pp->id);
}

void memmap_program_unplaced(const struct memmap_program *w, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int j = 0; j < w->pp->nthreads && at < len; j++) {
		const struct program_thread *th = &w->pp->threads[j];
		bool placed = false;
		for (int i = 0; i < w->nstacks; i++)
			placed |= strcmp(w->stack_of[i], th->id) == 0;
		if (th->alive && !placed) {
			int n = snprintf(buf + at, len - at, "%s%s", at ? ", " : "", th->id);
			at += n > 0 ? (size_t)n : 0;
		}
	}
}
