/* The memory-map overlay: the selected worker's process, region by region, in plain words. */
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

#include <bsd/string.h>

#include "../view/memmap.h"
#include "../view/story.h"
#include "memmap_cost.h"
#include "memmap_view.h"
#include "ui_priv.h"

#define MEMMAP_REREAD_S 1.0


/* Whose map the overlay shows: the worker selected when it opened. */
static struct memmap_whose memmap_whose(struct ui *ui, struct memmap_view *v, const struct lab_group *g)
{
	return (struct memmap_whose){ .lab = ui->lab, .g = g, .pid = v->pid, .worker = v->worker };
}

static void memmap_reread(struct ui *ui, struct memmap_view *v)
{
	memmap_free(&v->map);
	v->read_at = lab_now(ui->lab);
	const struct lab_group *g = lab_group_by_serial(ui->lab, v->group);
	if (g == NULL)
		return;
	struct memmap_whose whose = memmap_whose(ui, v, g);
	memmap_read_whose(&whose, &v->map);
}

static void memmap_open(struct ui *ui, struct ui_pane *p)
{
	struct memmap_view *v = p->data;
	int gi, wi;

	memset(v, 0, sizeof(*v));
	struct ui_task t;
	if (ui_task_selected(ui, &t)) {
		memmap_program_open(ui, v, &t);
		return;
	}
	if (!ui_selected(ui, &gi, &wi))
		return;
	const struct lab_group *g = lab_group_at(ui->lab, gi);
	v->group = g->serial;
	v->pid = g->workers[wi].pid;
	strlcpy(v->worker, g->workers[wi].id, sizeof(v->worker));
	memmap_reread(ui, v);
}

static void memmap_close(struct ui *ui, struct ui_pane *p)
{
	struct memmap_view *v = p->data;

	(void)ui;
	memmap_free(&v->map);
}

static attr_t memmap_role(struct ui *ui, const struct lab_group *g, const struct memmap_region *r)
{
	if (r->kind == MEMMAP_SHARED)
		return ui->role[ROLE_SHARED];
	if (memmap_holds(r, g->counter_address))
		return ui->role[g->kind == LAB_THREADS ? ROLE_SHARED : ROLE_PRIVATE];
	if (r->kind == MEMMAP_LIBRARY || r->kind == MEMMAP_KERNEL || r->kind == MEMMAP_GUARD)
		return ui->role[ROLE_SECONDARY];
	return ui->role[ROLE_NORMAL];
}

/* An address in a 12-column field: the kernel's ffffffffff600000 is shortened in the middle, not pushed right. */
void memmap_address(struct ui *ui, uintptr_t a, char *buf, size_t len)
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

/* The process is gone, or its map could not be read: say so, and how to go on. */
static void memmap_gone(struct ui *ui, const struct memmap_view *v, WINDOW *win, int w)
{
	ui_putf(win, 0, 2, w - 4, ui->role[ROLE_TITLE], " MEMORY MAP of %s ", v->worker);
	ui_putf(win, 2, 2, w - 4, ui->role[ROLE_ERROR], "process %d cannot be read (%s): it is gone, nothing left to map",
	        (int)v->pid, strerror(v->map.error ? v->map.error : ESRCH));
	ui_put(win, 3, 2, w - 4, ui->role[ROLE_SECONDARY], "m or Esc closes; select a live worker and press m again");
}

/* The title (whose address space), the totals, and what "shared" and "seen by" each mean.  Returns the next row. */
static int memmap_head(struct ui *ui, const struct memmap_view *v, const struct lab_group *g, WINDOW *win, int w)
{
	char line[256];
	int x = 2, iw = w - 4, y = 1;

	if (g->kind == LAB_THREADS) {
		/* The threads that still share it; those ended are named apart. */
		char live[96], gone[96];
		story_group_ids(g, true, live, sizeof(live));
		story_group_ids(g, false, gone, sizeof(gone));
		snprintf(line, sizeof(line), " MEMORY MAP %s host pid %d, one address space for %s%s%s%s ", ui->g.dot,
		         (int)v->pid, live, gone[0] ? " (" : "", gone, gone[0] ? " ended)" : "");
	} else
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
	return y;
}

/* The table's columns: the region's words as wide as the longest, within reason; permissions when there is room. */
struct memmap_table {
	int x, iw;
	int lwid;      /* the region column */
	bool perms;
	int num;       /* each kB column */
};

static void memmap_table(struct ui *ui, const struct memmap_whose *whose, const struct memmap *map,
                         const struct memmap_row *rows, int n, int w, struct memmap_table *t)
{
	char label[96];

	t->x = 2;
	t->iw = w - 4;
	t->perms = t->iw >= 100;
	t->num = t->perms ? 7 : 6;   /* kB columns: narrower at 80 columns so "seen by" keeps its room */
	/* The region column is as wide as its longest label ("shared segment of group S ← counter"), within reason. */
	int lmax = t->iw - (12 + 1 + (t->perms ? 5 : 0) + 3 * (t->num + 1) + 1) - 12;
	t->lwid = 24;
	for (int i = 0; i < n; i++) {
		memmap_label(whose, &map->r[rows[i].first], ui->utf8, label, sizeof(label));
		int lw = ui_width(label);
		t->lwid = lw > t->lwid ? lw : t->lwid;
	}
	if (t->lwid > lmax)
		t->lwid = lmax > 24 ? lmax : 24;
	if (t->lwid > 40)
		t->lwid = 40;
}

static void memmap_table_head(struct ui *ui, WINDOW *win, int y, const struct memmap_table *t)
{
	char line[256];
	int num = t->num;

	ui_put(win, y, t->x, t->lwid, ui->role[ROLE_TITLE], "region");
	if (t->perms)
		snprintf(line, sizeof(line), "%-12s %-4s %*s %*s %*s  %s", "address", "perm", num, "size kB", num,
		         "private", num, "shared", "seen by");
	else
		snprintf(line, sizeof(line), "%-12s %*s %*s %*s  %s", "address", num, "size kB", num, "private", num,
		         "shared", "seen by");
	ui_put(win, y, t->x + t->lwid + 1, t->iw - t->lwid - 1, ui->role[ROLE_TITLE], line);
}

/* One row: what the region is to a worker, where, how big, how much private and shared, and who can see it. */
static void memmap_table_row(struct ui *ui, WINDOW *win, int y, const struct memmap_table *t,
                             const struct memmap_whose *whose, const struct memmap *map, const struct memmap_row *row)
{
	const struct memmap_region *r = &map->r[row->first];
	char line[256], label[96], seen[64], addr[32];
	int num = t->num;

	memmap_label(whose, r, ui->utf8, label, sizeof(label));
	memmap_seen_by(whose, r, seen, sizeof(seen));
	/* The label may hold an arrow: pad it by screen columns, not bytes. */
	ui_put(win, y, t->x, t->lwid, memmap_role(ui, whose->g, r), label);
	memmap_address(ui, r->start, addr, sizeof(addr));
	if (t->perms)
		snprintf(line, sizeof(line), "%s %-4s %*lu %*lu %*lu  %s", addr, row->first == row->last ? r->perms : "...",
		         num, row->kb, num, row->private_kb, num, row->shared_kb, seen);
	else
		snprintf(line, sizeof(line), "%s %*lu %*lu %*lu  %s", addr, num, row->kb, num, row->private_kb, num,
		         row->shared_kb, seen);
	ui_put(win, y, t->x + t->lwid + 1, t->iw - t->lwid - 1, memmap_role(ui, whose->g, r), line);
}

static void memmap_draw(struct ui *ui, struct ui_pane *p)
{
	WINDOW *win = p->win;
	int h = p->h, w = p->w;
	struct memmap_view *v = p->data;
	struct memmap_row rows[512];
	struct memmap_table t;
	char line[256];

	if (v->program != 0) {
		memmap_program_draw(ui, p, v);
		return;
	}
	if (v->group != 0 && lab_now(ui->lab) - v->read_at >= MEMMAP_REREAD_S)
		memmap_reread(ui, v);
	ui_box(ui, win, 0, 0, h, w);
	const struct lab_group *g = lab_group_by_serial(ui->lab, v->group);
	if (g == NULL || v->map.n == 0) {
		memmap_gone(ui, v, win, w);
		return;
	}
	struct memmap_whose whose = memmap_whose(ui, v, g);
	int y = memmap_head(ui, v, g, win, w);
	y = memmap_cost_chart(ui, win, y, w, h);
	int n = memmap_rows(&v->map, rows, (int)(sizeof(rows) / sizeof(rows[0])));
	memmap_table(ui, &whose, &v->map, rows, n, w, &t);
	memmap_table_head(ui, win, y++, &t);
	int room = h - 1 - y;
	v->room = room;
	if (v->scroll > n - room)
		v->scroll = n - room;
	if (v->scroll < 0)
		v->scroll = 0;
	for (int i = v->scroll; i < n && y < h - 1; i++)
		memmap_table_row(ui, win, y++, &t, &whose, &v->map, &rows[i]);
	snprintf(line, sizeof(line), " %d-%d of %d %s Up/Down scroll %s m or Esc closes ", n ? v->scroll + 1 : 0,
	         v->scroll + room < n ? v->scroll + room : n, n, ui->g.dot, ui->g.dot);
	int lw = ui_width(line);
	ui_put(win, h - 1, w - 2 - lw, lw, ui->role[ROLE_NOTE], line);
}
static unsigned memmap_key(struct ui *ui, struct ui_pane *p, int key)
{
	struct memmap_view *v = p->data;
	/* A page is the rows the table showed: a page key then shows the next row first, none passed over. */
	int page = v->room > 0 ? v->room : p->h - 6;

	switch (key) {
	case 27:
	case 'q':
	case 'm':
		ui_overlay(ui, PANE_COUNT);
		return UI_HANDLED;
	}
	return ui_scroll_key(key, &v->scroll, page) ? UI_REDRAW : 0;
}

const struct ui_pane_ops ui_memmap_ops = {
	.name = "memmap",
	.size = sizeof(struct memmap_view),
	.shows = UI_FRAME,
	.draw = memmap_draw,
	.key = memmap_key,
	.open = memmap_open,
	.close = memmap_close,
	.free = memmap_close,
};
