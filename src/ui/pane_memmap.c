/* The memory-map overlay: the selected worker's process, region by region, in plain words. */
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>

#include <bsd/string.h>

#include "../view/memmap.h"
#include "ui_priv.h"

#define MEMMAP_REREAD_S 1.0

/* The overlay's own: whose map, read when, scrolled how far. */
struct memmap_view {
	pid_t pid;
	int group;                 /* lab group index when opened */
	char worker[LAB_ID_MAX];
	struct memmap map;
	double read_at;
	int scroll;
};

/* Whose map the overlay shows: the worker selected when it opened. */
static struct memmap_whose memmap_whose(struct ui *ui, struct memmap_view *v, const struct lab_group *g)
{
	return (struct memmap_whose){ .lab = ui->lab, .g = g, .pid = v->pid, .worker = v->worker };
}

static void memmap_reread(struct ui *ui, struct memmap_view *v)
{
	memmap_free(&v->map);
	v->read_at = lab_now(ui->lab);
	if (v->group < 0 || v->group >= lab_ngroups(ui->lab))
		return;
	struct memmap_whose whose = memmap_whose(ui, v, lab_group_at(ui->lab, v->group));
	memmap_read_whose(&whose, &v->map);
}

static void memmap_open(struct ui *ui, struct ui_pane *p)
{
	struct memmap_view *v = p->data;
	int gi, wi;

	memset(v, 0, sizeof(*v));
	v->group = -1;
	if (!ui_selected(ui, &gi, &wi))
		return;
	const struct lab_group *g = lab_group_at(ui->lab, gi);
	v->group = gi;
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

static void memmap_draw(struct ui *ui, struct ui_pane *p)
{
	WINDOW *win = p->win;
	int h = p->h, w = p->w;
	struct memmap_view *v = p->data;
	struct memmap_row rows[512];
	char line[256], label[96], seen[64];
	int x = 2, iw = w - 4, y = 1;

	if (v->group >= 0 && lab_now(ui->lab) - v->read_at >= MEMMAP_REREAD_S)
		memmap_reread(ui, v);
	ui_box(ui, win, 0, 0, h, w);
	const struct lab_group *g = v->group >= 0 && v->group < lab_ngroups(ui->lab) ? lab_group_at(ui->lab, v->group) : NULL;
	if (g == NULL || v->map.n == 0) {
		ui_putf(win, 0, 2, w - 4, ui->role[ROLE_TITLE], " MEMORY MAP of %s ", v->worker);
		ui_putf(win, 2, x, iw, ui->role[ROLE_ERROR], "process %d cannot be read (%s): it is gone, nothing left to map",
		        (int)v->pid, strerror(v->map.error ? v->map.error : ESRCH));
		ui_put(win, 3, x, iw, ui->role[ROLE_SECONDARY], "m or Esc closes; select a live worker and press m again");
		return;
	}
	struct memmap_whose whose = memmap_whose(ui, v, g);
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
		memmap_label(&whose, &v->map.r[rows[i].first], ui->utf8, label, sizeof(label));
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
		memmap_label(&whose, r, ui->utf8, label, sizeof(label));
		memmap_seen_by(&whose, r, seen, sizeof(seen));
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

static unsigned memmap_key(struct ui *ui, struct ui_pane *p, int key)
{
	struct memmap_view *v = p->data;
	int page = p->h - 6;

	switch (key) {
	case 27:
	case 'q':
	case 'm':
		ui_overlay(ui, PANE_COUNT);
		return UI_HANDLED;
	case KEY_UP:
	case 'K':
		v->scroll--;
		break;
	case KEY_DOWN:
	case 'j':
	case 'J':
		v->scroll++;
		break;
	case KEY_PPAGE:
		v->scroll -= page;
		break;
	case KEY_NPAGE:
	case ' ':
		v->scroll += page;
		break;
	case KEY_HOME:
		v->scroll = 0;
		break;
	case KEY_END:
		v->scroll = 1 << 20;
		break;
	default:
		return 0;
	}
	return UI_REDRAW;
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
