/* The memory-map overlay: the selected worker's process, region by region, in plain words. */
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "ui_priv.h"

#define MEMMAP_REREAD_S 1.0

static char memmap_exe[256];

/* A row: consecutive regions of one kind and one file, merged (a library is four mappings). */
struct memmap_row {
	int first, last;
	unsigned long kb, private_kb, shared_kb;
};

static void memmap_reread(struct ui *ui)
{
	struct ui_memmap_view *v = &ui->mm;
	uintptr_t stacks[LAB_DEFAULT_MAX_THREADS * 4];
	int nstacks = 0;
	const struct lab_group *g;

	memmap_free(&v->map);
	v->read_at = lab_now(ui->lab);
	if (v->group < 0 || v->group >= lab_ngroups(ui->lab))
		return;
	g = lab_group_at(ui->lab, v->group);
	for (int i = 0; i < g->nworkers && nstacks < (int)(sizeof(stacks) / sizeof(stacks[0])); i++) {
		if (g->workers[i].pid == v->pid)
			stacks[nstacks++] = g->workers[i].stack_address;
	}
	memmap_read(v->pid, memmap_exe, stacks, nstacks, &v->map);
}

static void memmap_open(struct ui *ui)
{
	struct ui_memmap_view *v = &ui->mm;
	int gi, wi;

	if (memmap_exe[0] == '\0') {
		ssize_t n = readlink("/proc/self/exe", memmap_exe, sizeof(memmap_exe) - 1);
		memmap_exe[n > 0 ? n : 0] = '\0';
	}
	memset(v, 0, sizeof(*v));
	v->group = -1;
	if (!ui_selected(ui, &gi, &wi))
		return;
	const struct lab_group *g = lab_group_at(ui->lab, gi);
	v->group = gi;
	v->pid = g->workers[wi].pid;
	strlcpy(v->worker, g->workers[wi].id, sizeof(v->worker));
	memmap_reread(ui);
}

static void memmap_close(struct ui *ui)
{
	memmap_free(&ui->mm.map);
}

static bool memmap_overlaps(const struct memmap_region *r, uintptr_t start, uintptr_t end)
{
	return r->start < end && start < r->end;
}

/* The range ptviz mapped as its instrument panel, before any fork: in every process at the same place. */
static bool memmap_is_instrument(struct ui *ui, const struct memmap_region *r)
{
	uintptr_t start, end;

	lab_instrument_range(ui->lab, &start, &end);
	return start < end && memmap_overlaps(r, start, end);
}

/* The shared group whose counter segment this region is, or NULL: it may be another group's, inherited by fork. */
static const struct lab_group *memmap_segment_owner(struct ui *ui, const struct memmap_region *r)
{
	for (int i = 0; i < lab_ngroups(ui->lab); i++) {
		const struct lab_group *o = lab_group_at(ui->lab, i);
		uintptr_t start, end;
		if (lab_segment_range(ui->lab, o, &start, &end) && start >= r->start && start < r->end)
			return o;
	}
	return NULL;
}

/* Who can see a region: every thread of a host; one process, or a whole group for a shared segment. */
static void memmap_seen_by(struct ui *ui, const struct lab_group *g, const struct memmap_region *r, char *buf,
                           size_t len)
{
	const char *first = g->workers[0].id, *last = g->workers[g->nworkers - 1].id;

	if (r->kind == MEMMAP_SHARED) {
		const struct lab_group *o = memmap_segment_owner(ui, r);
		if (memmap_is_instrument(ui, r))
			snprintf(buf, len, "all + ptviz");
		else if (o != NULL && o->nworkers > 0)
			/* Another group's segment is here too when this process was forked after it was made. */
			snprintf(buf, len, "%s..%s + ptviz%s", o->workers[0].id, o->workers[o->nworkers - 1].id,
			         o == g ? "" : " + this");
		else if (r->path[0] == '/' && strncmp(r->path, "/dev/zero", 9) != 0)
			snprintf(buf, len, "all who map the file");
		else
			snprintf(buf, len, "whoever maps it");
		return;
	}
	if (g->kind == LAB_THREADS)
		snprintf(buf, len, "%s..%s", first, last);
	else
		snprintf(buf, len, "%s only", ui->mm.worker);
}

static void memmap_label(struct ui *ui, const struct lab_group *g, const struct memmap_region *r, char *buf,
                         size_t len)
{
	const char *base = strrchr(r->path, '/');

	base = base != NULL ? base + 1 : r->path;
	switch (r->kind) {
	case MEMMAP_LIBRARY:
		snprintf(buf, len, "library %.60s", base);
		break;
	case MEMMAP_THREAD_STACK:
		snprintf(buf, len, "thread stack");
		for (int i = 0; i < g->nworkers; i++) {
			if (g->workers[i].pid == ui->mm.pid && g->workers[i].stack_address >= r->start &&
			    g->workers[i].stack_address < r->end) {
				snprintf(buf, len, "thread stack of %s", g->workers[i].id);
				break;
			}
		}
		break;
	case MEMMAP_SHARED: {
		/* Only the range the engine names is the instrument panel; any other MAP_SHARED region is said as is. */
		const struct lab_group *o = memmap_segment_owner(ui, r);
		if (memmap_is_instrument(ui, r))
			snprintf(buf, len, "ptviz's instrument panel");
		else if (o != NULL)
			snprintf(buf, len, "shared segment of group %s", o->name);
		else if (r->path[0] == '/' && strncmp(r->path, "/dev/zero", 9) != 0)
			snprintf(buf, len, "shared file %.60s", base);
		else
			snprintf(buf, len, "shared memory (anonymous)");
		break;
	}
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
	if (g->counter_address >= r->start && g->counter_address < r->end)
		strlcat(buf, ui->utf8 ? " \u2190 counter" : " <- counter", len);
}

static attr_t memmap_role(struct ui *ui, const struct lab_group *g, const struct memmap_region *r)
{
	if (r->kind == MEMMAP_SHARED)
		return ui->role[ROLE_SHARED];
	if (g->counter_address >= r->start && g->counter_address < r->end)
		return ui->role[g->kind == LAB_THREADS ? ROLE_SHARED : ROLE_PRIVATE];
	if (r->kind == MEMMAP_LIBRARY || r->kind == MEMMAP_KERNEL || r->kind == MEMMAP_GUARD)
		return ui->role[ROLE_SECONDARY];
	return ui->role[ROLE_NORMAL];
}

/* An address in a 12-column field: the kernel's ffffffffff600000 is shortened in the middle, not pushed right. */
static void memmap_address(struct ui *ui, uintptr_t a, char *buf, size_t len)
{
	char hex[24];

	snprintf(hex, sizeof(hex), "%lx", (unsigned long)a);
	if (strlen(hex) <= 12)
		snprintf(buf, len, "%-12s", hex);
	else if (ui->utf8)
		snprintf(buf, len, "%.4s\u2026%s", hex, hex + strlen(hex) - 7);
	else
		snprintf(buf, len, "%.3s..%s", hex, hex + strlen(hex) - 7);
}

static int memmap_rows(const struct memmap *m, struct memmap_row *rows, int max)
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

static void memmap_draw(struct ui *ui, WINDOW *win, int h, int w)
{
	struct ui_memmap_view *v = &ui->mm;
	struct memmap_row rows[512];
	char line[256], label[96], seen[64];
	int x = 2, iw = w - 4, y = 1;

	if (v->group >= 0 && lab_now(ui->lab) - v->read_at >= MEMMAP_REREAD_S)
		memmap_reread(ui);
	ui_box(ui, win, 0, 0, h, w);
	const struct lab_group *g = v->group >= 0 && v->group < lab_ngroups(ui->lab) ? lab_group_at(ui->lab, v->group) : NULL;
	if (g == NULL || v->map.n == 0) {
		ui_putf(win, 0, 2, w - 4, ui->role[ROLE_TITLE], " MEMORY MAP of %s ", v->worker);
		ui_putf(win, 2, x, iw, ui->role[ROLE_ERROR], "process %d cannot be read (%s): it is gone, nothing left to map",
		        (int)v->pid, strerror(v->map.error ? v->map.error : ESRCH));
		ui_put(win, 3, x, iw, ui->role[ROLE_SECONDARY], "m or Esc closes; select a live worker and press m again");
		return;
	}
	if (g->kind == LAB_THREADS)
		snprintf(line, sizeof(line), " MEMORY MAP %s host pid %d, one address space for %s..%s ", ui->g.dot,
		         (int)v->pid, g->workers[0].id, g->workers[g->nworkers - 1].id);
	else
		snprintf(line, sizeof(line), " MEMORY MAP %s %s, pid %d, its own address space ", ui->g.dot, v->worker,
		         (int)v->pid);
	ui_put(win, 0, 2, w - 4, ui->role[ROLE_TITLE], line);
	ui_putf(win, y++, x, iw, ui->role[ROLE_NORMAL],
	        "in memory %lu kB: private %lu kB, shared %lu kB  (from /proc/%d/smaps)", v->map.rss, v->map.private_kb,
	        v->map.shared_kb, (int)v->pid);
	/* Two different questions, easily read as one: which pages are shared, and who can address them. */
	static const char *const shared_alt[] = {
		"shared kB: pages physically shared with other processes (ptviz since fork until written, or a cached file)",
		"shared kB: pages physically shared with other processes (with ptviz since fork, or a cached file)",
		"shared: pages in use by other processes too (ptviz since fork, a cached file)",
		"shared kB: pages physically shared with other processes",
		NULL,
	};
	static const char *const seen_alt[] = {
		"seen by: the workers that can address the region, whether or not its pages are shared",
		"seen by: the workers that can address the region",
		NULL,
	};
	ui_put_first(win, y++, x, iw, ui->role[ROLE_SECONDARY], shared_alt);
	ui_put_first(win, y++, x, iw, ui->role[ROLE_SECONDARY], seen_alt);
	bool perms = iw >= 100;
	int num = perms ? 7 : 6;   /* kB columns: narrower at 80 columns so "seen by" keeps its room */
	int n = memmap_rows(&v->map, rows, (int)(sizeof(rows) / sizeof(rows[0])));
	/* The region column is as wide as its longest label ("shared segment of group S ← counter"), within reason. */
	int lwid = 24, lmax = iw - (12 + 1 + (perms ? 5 : 0) + 3 * (num + 1) + 1) - 12;
	for (int i = 0; i < n; i++) {
		memmap_label(ui, g, &v->map.r[rows[i].first], label, sizeof(label));
		int lw = ui_width(label);
		lwid = lw > lwid ? lw : lwid;
	}
	if (lwid > lmax)
		lwid = lmax > 24 ? lmax : 24;
	if (lwid > 40)
		lwid = 40;
	ui_put(win, y, x, lwid, ui->role[ROLE_TITLE], "region");
	if (perms)
		snprintf(line, sizeof(line), "%-12s %-4s %*s %*s %*s  %s", "address", "perm", num, "size kB", num,
		         "private", num, "shared", "seen by");
	else
		snprintf(line, sizeof(line), "%-12s %*s %*s %*s  %s", "address", num, "size kB", num, "private", num,
		         "shared", "seen by");
	ui_put(win, y++, x + lwid + 1, iw - lwid - 1, ui->role[ROLE_TITLE], line);

	int room = h - 1 - y;
	if (v->scroll > n - room)
		v->scroll = n - room;
	if (v->scroll < 0)
		v->scroll = 0;
	for (int i = v->scroll; i < n && y < h - 1; i++) {
		const struct memmap_region *r = &v->map.r[rows[i].first];
		memmap_label(ui, g, r, label, sizeof(label));
		memmap_seen_by(ui, g, r, seen, sizeof(seen));
		/* The label may hold an arrow: pad it by screen columns, not bytes. */
		ui_put(win, y, x, lwid, memmap_role(ui, g, r), label);
		char addr[32];
		memmap_address(ui, r->start, addr, sizeof(addr));
		if (perms)
			snprintf(line, sizeof(line), "%s %-4s %*lu %*lu %*lu  %s", addr,
			         rows[i].first == rows[i].last ? r->perms : "...", num, rows[i].kb, num, rows[i].private_kb,
			         num, rows[i].shared_kb, seen);
		else
			snprintf(line, sizeof(line), "%s %*lu %*lu %*lu  %s", addr, num, rows[i].kb, num,
			         rows[i].private_kb, num, rows[i].shared_kb, seen);
		ui_put(win, y++, x + lwid + 1, iw - lwid - 1, memmap_role(ui, g, r), line);
	}
	snprintf(line, sizeof(line), " %d-%d of %d %s Up/Down scroll %s m or Esc closes ", n ? v->scroll + 1 : 0,
	         v->scroll + room < n ? v->scroll + room : n, n, ui->g.dot, ui->g.dot);
	int lw = ui_width(line);
	ui_put(win, h - 1, w - 2 - lw, lw, ui->role[ROLE_NOTE], line);
}

static bool memmap_key(struct ui *ui, int key)
{
	int page = ui->pane[PANE_MEMMAP].h - 6;

	switch (key) {
	case 27:
	case 'q':
	case 'm':
		ui_overlay(ui, PANE_COUNT);
		return true;
	case KEY_UP:
	case 'K':
		ui->mm.scroll--;
		break;
	case KEY_DOWN:
	case 'j':
	case 'J':
		ui->mm.scroll++;
		break;
	case KEY_PPAGE:
		ui->mm.scroll -= page;
		break;
	case KEY_NPAGE:
	case ' ':
		ui->mm.scroll += page;
		break;
	case KEY_HOME:
		ui->mm.scroll = 0;
		break;
	case KEY_END:
		ui->mm.scroll = 1 << 20;
		break;
	default:
		return false;
	}
	ui_dirty(ui, PANE_MEMMAP);
	return true;
}

const struct ui_pane_ops ui_memmap_ops = {
	.name = "memmap",
	.draw = memmap_draw,
	.key = memmap_key,
	.open = memmap_open,
	.close = memmap_close,
};
