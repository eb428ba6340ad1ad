/* A program's process's memory map (ptviz run): each region named for the program's tasks, copy-on-write after fork said. */
#include "memmap_program.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

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

/* The first wording that fits width columns, else the last (the screen cuts it). */
static void memmap_program_first_fit(const char *const *texts, int n, int width, char *buf, size_t len)
{
	int i = 0;

	while (i < n - 1 && (int)strlen(texts[i]) > width)
		i++;
	strlcpy(buf, texts[i], len);
}

/* Pages from a file, never written here: the file's pages in the page cache, the same for every process that maps it. */
static bool memmap_program_file_pages(const struct memmap_region *r)
{
	return r->perms[1] != 'w' && r->path[0] == '/' &&
	       (r->kind == MEMMAP_CODE || r->kind == MEMMAP_RODATA || r->kind == MEMMAP_LIBRARY || r->kind == MEMMAP_OTHER);
}

/* Who else maps the library: every process using it.  "libc.so.6" is said as "libc" when short of room. */
static void memmap_program_library_users(const struct memmap_region *r, int width, char *buf, size_t len)
{
	const char *base = strrchr(r->path, '/');
	char texts[4][128];

	base = base != NULL ? base + 1 : r->path;
	snprintf(texts[0], sizeof(texts[0]), "every process using %.60s", base);
	snprintf(texts[1], sizeof(texts[1]), "all using %.60s", base);
	snprintf(texts[2], sizeof(texts[2]), "any %.*s user", (int)strcspn(base, "."), base);
	strlcpy(texts[3], "all who map it", sizeof(texts[3]));
	const char *const alt[] = { texts[0], texts[1], texts[2], texts[3] };
	memmap_program_first_fit(alt, 4, width, buf, len);
}

/*
 * The program's own code and constants: the same pages in each of the group's processes running it
 * (w->peers).  Code is never written, so any other run shares it too; a page of constants may have been
 * (relocated, then made read-only), so only those forked after share it.
 */
static void memmap_program_code_users(const struct memmap_program *w, const struct memmap_region *r, int width,
                                      char *buf, size_t len)
{
	char texts[3][128];
	const char *others = "all running it";

	if (w->peers[0] == '\0' || strcmp(w->peers, w->pp->id) == 0) {
		strlcpy(buf, others, len);
		return;
	}
	snprintf(texts[0], sizeof(texts[0]), "%s + all running it", w->peers);
	snprintf(texts[1], sizeof(texts[1]), "all of %s", w->peers);
	const char *const alt[] = { texts[0], texts[1], others };
	bool code = r->kind == MEMMAP_CODE;
	memmap_program_first_fit(alt + !code, 3 - !code, width, buf, len);
}

void memmap_program_seen_by_fit(const struct memmap_program *w, const struct memmap_region *r, int width, char *buf,
                                size_t len)
{
	char names[48];
	int live = 0;

	if (r->kind == MEMMAP_SHARED) {
		static const char *const file[] = { "all who map the file", "all who map it" };
		static const char *const anon[] = { "whoever maps it", "who maps it" };
		memmap_program_first_fit(r->path[0] == '/' ? file : anon, 2, width, buf, len);
		return;
	}
	if (r->kind == MEMMAP_KERNEL && r->perms[1] != 'w') {
		/* The vdso and vvar: the kernel's pages, the same in every process on the machine. */
		strlcpy(buf, "every process", len);
		return;
	}
	if (memmap_program_file_pages(r)) {
		if (r->kind == MEMMAP_LIBRARY)
			memmap_program_library_users(r, width, buf, len);
		else if (r->kind == MEMMAP_OTHER)
			memmap_program_first_fit((const char *const[]){ "all who map the file", "all who map it" }, 2, width,
			                         buf, len);
		else
			memmap_program_code_users(w, r, width, buf, len);
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

void memmap_program_seen_by(const struct memmap_program *w, const struct memmap_region *r, char *buf, size_t len)
{
	memmap_program_seen_by_fit(w, r, INT_MAX, buf, len);
}

/* The live processes of the group running the same executable file as w->pp, as "A1-A4" or "A1, A3-A4". */
void memmap_program_peers(const struct memmap_program *w, char *buf, size_t len)
{
	struct stat own, other;
	char path[64];
	size_t at = 0;
	size_t prefix = strlen(w->v->name);
	long prev = -2, run_start = -2;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)w->pp->pid);
	if (stat(path, &own) != 0)
		return;
	for (int i = 0; i <= w->v->nprocesses; i++) {
		long num = -1;
		if (i < w->v->nprocesses) {
			const struct program_process *q = &w->v->processes[i];
			snprintf(path, sizeof(path), "/proc/%d/exe", (int)q->pid);
			if (q->alive && stat(path, &other) == 0 && other.st_dev == own.st_dev && other.st_ino == own.st_ino &&
			    strncmp(q->id, w->v->name, prefix) == 0)
				num = strtol(q->id + prefix, NULL, 10);
			if (num == prev + 1) {
				prev = num;
				continue;
			}
		}
		/* A run ended: written as "A1" or "A1-A4". */
		if (run_start >= 0 && at < len) {
			int k = run_start == prev ? snprintf(buf + at, len - at, "%s%s%ld", at ? ", " : "", w->v->name, prev)
			                          : snprintf(buf + at, len - at, "%s%s%ld-%s%ld", at ? ", " : "", w->v->name,
			                                     run_start, w->v->name, prev);
			at += k > 0 ? (size_t)k : 0;
		}
		run_start = prev = num;
	}
	if (at >= len)
		buf[0] = '\0';   /* too many to say: the wording without them is used */
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
