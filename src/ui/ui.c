/* The services below the screen's loop: the log, the selection, the overlay's switch, click targets, and observing through the clock. */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "../lab/program.h"
#include "../view/story.h"
#include "ui_priv.h"

/* ---- the log ---- */

static void ui_log_at(struct ui *ui, double t, enum ui_role role, const char *text)
{
	struct ui_log *log = &ui->log;
	struct ui_log_entry *e = &log->entry[(log->head - 1 + UI_LOG_MAX) % UI_LOG_MAX];

	/* The same message again (a dead key held down) is counted, not repeated. */
	if (log->n > 0 && e->role == role && strncmp(e->text, text, sizeof(e->text) - 1) == 0) {
		e->t = t;
		e->repeat++;
		ui->changed |= UI_LOG;
		return;
	}
	e = &log->entry[log->head];
	e->t = t;
	e->role = role;
	e->repeat = 1;
	strlcpy(e->text, text, sizeof(e->text));
	/* Scrolled back: the view stays on what is being read. */
	if (log->scroll > 0 && log->scroll < UI_LOG_MAX - 1)
		log->scroll++;
	log->head = (log->head + 1) % UI_LOG_MAX;
	if (log->n < UI_LOG_MAX)
		log->n++;
	ui->changed |= UI_LOG;
}

void ui_log(struct ui *ui, enum ui_role role, const char *fmt, ...)
{
	char buf[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ui_log_at(ui, lab_now(ui->lab), role, buf);
}

/* The log scrolls by whole entries, so a :report stays readable after it has scrolled away. */
unsigned ui_log_scroll(struct ui *ui, int by)
{
	struct ui_log *log = &ui->log;
	int shown = log->top - log->scroll;   /* entries in view, less one */

	/* A page back puts the entry at the top (perhaps cut) at the bottom, whole; a page on undoes it. */
	if (by > 0)
		log->scroll = log->top > log->scroll ? log->top : log->scroll + 1;
	else if (by < 0)
		log->scroll -= shown > 1 ? shown : 1;
	else
		log->scroll = 0;
	if (log->scroll > log->n - 1)
		log->scroll = log->n - 1;
	if (log->scroll < 0)
		log->scroll = 0;
	return UI_LOG;
}

/* Each event in the log, as the clock hands it on. */
static void ui_event(void *ctx, const struct lab_event *ev)
{
	struct ui *ui = ctx;
	char text[768];

	story_event(ui->lab, ev, ui->utf8, text, sizeof(text));
	enum ui_role role = ev->kind == LAB_EVENT_EXIT ? ROLE_DEAD
	                    : ev->kind == LAB_EVENT_STOPPED ? ROLE_LOST
	                    : ev->kind == LAB_EVENT_UNREADABLE ? ROLE_ERROR : ROLE_ALIVE;
	ui_log_at(ui, ev->t, role, text);
}

/* ---- groups, selection and history ---- */

void ui_order_groups(struct ui *ui)
{
	int n = lab_ngroups(ui->lab);

	ui->norder = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			enum lab_kind k = lab_group_at(ui->lab, i)->kind;
			if ((pass == 0) == (k == LAB_THREADS))
				ui->order[ui->norder++] = i;
		}
	}
}

bool ui_selected(struct ui *ui, int *group, int *worker)
{
	return selection_find(&ui->sel, ui->lab, group, worker);
}

void ui_select(struct ui *ui, int group, int worker)
{
	if (!selection_set(&ui->sel, ui->lab, group, worker))
		return;
	ui->changed |= UI_SELECTION;
}

static void ui_programs_look(struct ui *ui)
{
	program_views_free(ui->programs, ui->nprograms);
	ui->nprograms = program_views(ui->lab, &ui->programs);
	ui->programs_looked = true;
}

int ui_program_views(struct ui *ui, const struct program_view **views)
{
	if (!ui->programs_looked || ui->nprograms != program_count(ui->lab))
		ui_programs_look(ui);
	*views = ui->programs;
	return ui->nprograms;
}

/* After each observation: the charts' histories, the selection, and what shows them. */
static void ui_seen(void *ctx, const struct lab *lab)
{
	struct ui *ui = ctx;

	trend_update(&ui->trend, lab);
	if (program_count(ui->lab) > 0) {
		ui_programs_look(ui);
		program_trend_update(&ui->program_trend, ui->programs, ui->nprograms, lab_now(lab));
	}
	life_update(&ui->life, lab, lab_now(lab));
	ui_select_check(ui);
	ui->changed |= UI_LAB;
}

void ui_observe(struct ui *ui)
{
	frames_observe(&ui->clock);
}

/* ---- the screen's own ---- */

void ui_init(struct ui *ui, struct lab *lab, const struct ui_options *opt)
{
	memset(ui, 0, sizeof(*ui));
	ui->lab = lab;
	ui->opt = *opt;
	ui->overlay = PANE_COUNT;
	setlocale(LC_ALL, "");
	ui->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	const struct frames_hooks hooks = { .event = ui_event, .frame = ui_seen, .ctx = ui };
	frames_start(&ui->clock, lab, opt->hz, &hooks);
	ui->clock.observe_deaths = true;
}

void ui_free(struct ui *ui)
{
	trend_free(&ui->trend);
	program_trend_free(&ui->program_trend);
	program_views_free(ui->programs, ui->nprograms);
	ui->programs = NULL;
	ui->nprograms = 0;
	life_free(&ui->life);
}

/* Each pane's open and close come through the table the loop gave it (ui->pane[].ops). */
bool ui_scroll_key(int key, int *scroll, int page)
{
	switch (key) {
	case KEY_UP:
	case 'k':
	case 'K':
		*scroll -= 1;
		return true;
	case KEY_DOWN:
	case 'j':
	case 'J':
		*scroll += 1;
		return true;
	case KEY_PPAGE:
		*scroll -= page;
		return true;
	case KEY_NPAGE:
	case ' ':
		*scroll += page;
		return true;
	case KEY_HOME:
		*scroll = 0;
		return true;
	case KEY_END:
		*scroll = 1 << 20;
		return true;
	}
	return false;
}

void ui_overlay(struct ui *ui, enum ui_pane_id id)
{
	if (ui->overlay == id)
		return;
	if (ui->overlay != PANE_COUNT && ui->pane[ui->overlay].ops->close != NULL)
		ui->pane[ui->overlay].ops->close(ui, &ui->pane[ui->overlay]);
	ui->overlay = id;
	if (id != PANE_COUNT && ui->pane[id].ops->open != NULL)
		ui->pane[id].ops->open(ui, &ui->pane[id]);
	ui->changed |= UI_RELAYOUT;
}

/* A place a click can mean something, for the pane being drawn. */
void ui_hit_add(struct ui *ui, enum ui_hit_kind kind, WINDOW *win, int y, int x, int w, int a, int b)
{
	if (ui->nhits >= UI_HITS_MAX || w <= 0)
		return;
	struct ui_hit *h = &ui->hits[ui->nhits++];
	h->kind = kind;
	h->pane = ui->drawing;
	h->y = getbegy(win) + y;
	h->x = getbegx(win) + x;
	h->w = w;
	h->group = a;
	h->worker = b;
	h->binding = a;
}
