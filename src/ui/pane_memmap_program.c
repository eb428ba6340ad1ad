/* The memory-map overlay on a program's process (ptviz run): its regions, copy-on-write after fork, its threads' stacks. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "../view/memmap_program.h"
#include "../view/program_rows.h"
#include "memmap_view.h"

#define MEMMAP_PROGRAM_REREAD_S 1.0

void memmap_program_open(struct ui *ui, struct memmap_view *v, const struct ui_task *t)
{
	v->program = t->serial;
	v->pid = t->pid;
	strlcpy(v->worker, t->process, sizeof(v->worker));
	memmap_program_reread(ui, v);
}

/* Places each live thread's stack it can, keeping those placed before: a thread's stack does not move. */
static void memmap_program_place(struct memmap_view *v, const struct program_process *pp, struct memmap_program *w)
{
	for (int j = 0; j < pp->nthreads && w->nstacks < PROGRAM_MAX_TASKS; j++) {
		const struct program_thread *th = &pp->threads[j];
		uintptr_t at = 0;
		int k = 0;
		if (!th->alive)
			continue;
		while (k < v->nplaced && v->placed_tid[k] != th->tid)
			k++;
		if (k < v->nplaced)
			at = v->placed_at[k];
		else if (program_stack_pointer(pp->pid, th->tid, th->tid == pp->pid, &at) && v->nplaced < PROGRAM_MAX_TASKS) {
			v->placed_tid[v->nplaced] = th->tid;
			v->placed_at[v->nplaced++] = at;
		}
		if (at == 0)
			continue;
		w->stack[w->nstacks] = at;
		strlcpy(w->stack_of[w->nstacks++], th->id, sizeof(w->stack_of[0]));
	}
}

/* Whose map, from the program's newest view: false when the process is no longer in it. */
static bool memmap_program_whose(struct ui *ui, struct memmap_view *v, const struct program_view *views, int n,
                                 struct memmap_program *w)
{
	const struct program_view *g = program_view_by_serial(views, n, v->program);
	const struct program_thread *th;

	memset(w, 0, sizeof(*w));
	if (g == NULL || !program_row_task(g, v->worker, &w->pp, &th))
		return false;
	w->v = g;
	/* After exec the process has a new address space: nothing in it is a copy of its parent's. */
	w->parent = program_parent(g, w->pp);
	if (ui_program_execed(ui, v->program, v->worker)) {
		w->exec_parent = w->parent;
		w->parent = NULL;
	}
	w->map = &v->map;
	memmap_program_place(v, w->pp, w);
	memmap_program_peers(w, w->peers, sizeof(w->peers));
	return true;
}

void memmap_program_reread(struct ui *ui, struct memmap_view *v)
{
	const struct program_view *views;
	struct memmap_program w;
	int n = ui_program_views(ui, &views);

	memmap_free(&v->map);
	v->read_at = lab_now(ui->lab);
	if (memmap_program_whose(ui, v, views, n, &w) && w.pp->alive)
		memmap_program_read(&w, &v->map);
}

/* The title, the totals, what shared and private mean here, and where the stacks are.  Returns the next row. */
static int memmap_program_head(struct ui *ui, const struct memmap_view *v, const struct memmap_program *w,
                               WINDOW *win, int width)
{
	char names[48], unplaced[128];
	int y = 1, iw = width - 4;
	const char *par = w->parent != NULL ? w->parent->id : "its parent";

	program_thread_names(w->pp, true, names, sizeof(names));
	const struct program_process *from = w->parent != NULL ? w->parent : w->exec_parent;
	ui_putf(win, 0, 2, iw, ui->role[ROLE_TITLE], " MEMORY MAP %s %s, pid %d, one address space for %s%s%s%s ", ui->g.dot,
	        w->pp->id, (int)v->pid, names, from != NULL ? ", forked from " : "", from != NULL ? from->id : "",
	        w->exec_parent != NULL ? ", then ran exec: all new" : "");
	ui_putf(win, y++, 2, iw, ui->role[ROLE_NORMAL], "in memory %lu kB: private %lu kB, shared %lu kB  (from /proc/%d/smaps)",
	        v->map.rss, v->map.private_kb, v->map.shared_kb, (int)v->pid);
	char cow[3][200];
	snprintf(cow[0], sizeof(cow[0]), "copy-on-write: %s began as a copy of %s; shared kB: pages not written since fork, "
	         "still %s's; private kB: copied when one wrote", w->pp->id, par, par);
	snprintf(cow[1], sizeof(cow[1]), "copy-on-write: shared kB still %s's pages, private kB copied when written", par);
	snprintf(cow[2], sizeof(cow[2]), "copy-on-write: shared = still %s's, private = copied", par);
	const char *const cow_alt[] = { cow[0], cow[1], cow[2], NULL };
	static const char *const own_alt[] = {
		"shared kB: pages other processes use too (its children since fork, a cached file); private kB: its alone",
		"shared kB: pages other processes use too (children since fork, files); private: its alone",
		"shared: pages in use by other processes too; private: its alone",
		NULL,
	};
	ui_put_first(win, y++, 2, iw, ui->role[w->parent != NULL ? ROLE_PRIVATE : ROLE_SECONDARY],
	             w->parent != NULL ? cow_alt : own_alt);
	memmap_program_unplaced(w, unplaced, sizeof(unplaced));
	if (unplaced[0] != '\0') {
		char alt[3][320];
		snprintf(alt[0], sizeof(alt[0]), "stack not placed for %s: a running thread shows no stack pointer in /proc; "
		         "p holds it, then it shows", unplaced);
		snprintf(alt[1], sizeof(alt[1]), "stack not placed for %s: running, no stack pointer in /proc (p holds it)",
		         unplaced);
		snprintf(alt[2], sizeof(alt[2]), "stack not placed for %s (running; p holds it)", unplaced);
		const char *const alts[] = { alt[0], alt[1], alt[2], NULL };
		ui_put_first_cut(ui, win, y++, 2, iw, ui->role[ROLE_NOTE], alts);
	} else
		ui_putf(win, y++, 2, iw, ui->role[ROLE_SECONDARY], "each thread's stack is in it: %s", names);
	return y;
}

/* One row: what the region is to the process, where, how big, how much private and shared, and who can address it. */
static void memmap_program_row(struct ui *ui, WINDOW *win, int y, int width, int lwid, const struct memmap_program *w,
                               const struct memmap_row *row)
{
	const struct memmap_region *r = &w->map->r[row->first];
	char label[96], seen[96], addr[32];
	bool cow = w->parent != NULL && r->kind != MEMMAP_SHARED && r->perms[1] == 'w';
	attr_t a = ui->role[r->kind == MEMMAP_SHARED ? ROLE_SHARED
	                    : cow ? ROLE_PRIVATE
	                    : r->kind == MEMMAP_LIBRARY || r->kind == MEMMAP_KERNEL || r->kind == MEMMAP_GUARD ? ROLE_SECONDARY
	                    : ROLE_NORMAL];

	memmap_program_label(w, r, ui->utf8, label, sizeof(label));
	memmap_address(ui, r->start, addr, sizeof(addr));
	/* What comes before "seen by": the address, three figures and the gap (two spaces, one below 100 columns). */
	int gap = width >= 100 ? 2 : 1, before = ui_width(addr) + 3 * 8 + gap;
	memmap_program_seen_by_fit(w, r, width - 5 - lwid - before, seen, sizeof(seen));
	ui_put(win, y, 2, lwid, a, label);
	ui_putf(win, y, 3 + lwid, width - 5 - lwid, a, "%s %7lu %7lu %7lu%*s%s", addr, row->kb, row->private_kb,
	        row->shared_kb, gap, "", seen);
}

void memmap_program_draw(struct ui *ui, struct ui_pane *p, struct memmap_view *v)
{
	const struct program_view *views;
	struct memmap_program w;
	struct memmap_row rows[512];
	WINDOW *win = p->win;
	int h = p->h, width = p->w;

	if (lab_now(ui->lab) - v->read_at >= MEMMAP_PROGRAM_REREAD_S)
		memmap_program_reread(ui, v);
	ui_box(ui, win, 0, 0, h, width);
	int n = ui_program_views(ui, &views);
	if (!memmap_program_whose(ui, v, views, n, &w) || v->map.n == 0) {
		ui_putf(win, 0, 2, width - 4, ui->role[ROLE_TITLE], " MEMORY MAP of %s ", v->worker);
		char alt[2][200];
		snprintf(alt[0], sizeof(alt[0]), "process %s (pid %d) cannot be read (%s): it has ended, nothing left to map",
		         v->worker, (int)v->pid, strerror(v->map.error ? v->map.error : ESRCH));
		snprintf(alt[1], sizeof(alt[1]), "%s (pid %d) has ended: nothing left to map", v->worker, (int)v->pid);
		const char *const alts[] = { alt[0], alt[1], NULL };
		ui_put_first(win, 2, 2, width - 4, ui->role[ROLE_ERROR], alts);
		ui_put(win, 3, 2, width - 4, ui->role[ROLE_SECONDARY], "m or Esc closes; select a live process and press m again");
		return;
	}
	int y = memmap_program_head(ui, v, &w, win, width);
	int nrows = memmap_rows(&v->map, rows, (int)(sizeof(rows) / sizeof(rows[0])));
	int lwid = width >= 100 ? 34 : 24;
	ui_put(win, y, 2, lwid, ui->role[ROLE_TITLE], "region");
	ui_putf(win, y++, 3 + lwid, width - 5 - lwid, ui->role[ROLE_TITLE], "%-12s %7s %7s %7s%*s%s", "address", "size kB",
	        "private", "shared", width >= 100 ? 2 : 1, "", "seen by");
	int room = h - 1 - y;
	v->room = room;
	if (v->scroll > nrows - room)
		v->scroll = nrows - room;
	if (v->scroll < 0)
		v->scroll = 0;
	for (int i = v->scroll; i < nrows && y < h - 1; i++)
		memmap_program_row(ui, win, y++, width, lwid, &w, &rows[i]);
	char line[128];
	snprintf(line, sizeof(line), " %d-%d of %d %s Up/Down scroll %s m or Esc closes ", nrows ? v->scroll + 1 : 0,
	         v->scroll + room < nrows ? v->scroll + room : nrows, nrows, ui->g.dot, ui->g.dot);
	int lw = ui_width(line);
	ui_put(win, h - 1, width - 2 - lw, lw, ui->role[ROLE_NOTE], line);
}
