/* The top line: what runs (ptviz's groups in their sync mode, or a program), how often the screen looks, and for how long. */
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "../view/machine_words.h"
#include "../view/program_rows.h"
#include "pane_costs.h"
#include "ui_priv.h"

static const char *header_sync(struct ui *ui)
{
	int n = lab_ngroups(ui->lab);

	/* No group yet: the mode the next group will start with. */
	if (n == 0)
		return lab_sync_name(lab_sync_default(ui->lab));
	enum lab_sync first = lab_group_at(ui->lab, 0)->sync;
	for (int i = 1; i < n; i++) {
		if (lab_group_at(ui->lab, i)->sync != first)
			return "mixed";
	}
	return lab_sync_name(first);
}

/* The loop the workers run: counter++ unless every group runs another; step mode shows too. */
static const char *header_workload(struct ui *ui)
{
	static char text[64];
	int first = -1;
	bool mixed = false, stepping = false;

	for (int i = 0; i < lab_ngroups(ui->lab); i++) {
		const struct lab_group *g = lab_group_at(ui->lab, i);
		if (first < 0)
			first = (int)g->workload;
		mixed |= (int)g->workload != first;
		stepping |= g->stepping;
	}
	const char *name = first <= LAB_WORK_COUNTER ? "counter++" : lab_workload_name((enum lab_workload)first);
	snprintf(text, sizeof(text), "%s %s", stepping ? "step mode:" : "workload", mixed ? "mixed" : name);
	return text;
}

/* ---- a program, in a few words: for the header and for q's question ---- */

void ui_program_name(const struct program_view *v, char *name, size_t len)
{
	char first[sizeof(v->command)];

	strlcpy(first, v->command, sizeof(first));
	first[strcspn(first, " ")] = '\0';
	const char *slash = strrchr(first, '/');
	snprintf(name, len, "%.24s", slash != NULL && slash[1] != '\0' ? slash + 1 : first);
}

void ui_program_alive(const struct program_view *v, int *processes, int *threads)
{
	*processes = *threads = 0;
	for (int i = 0; i < v->nprocesses; i++) {
		*processes += v->processes[i].alive;
		for (int j = 0; j < v->processes[i].nthreads; j++)
			*threads += v->processes[i].threads[j].alive;
	}
}

/* The program group the header speaks of: the selected task's, or the first when no group of ptviz's own is there. */
static const struct program_view *header_program(struct ui *ui)
{
	const struct program_view *views;

	if (program_count(ui->lab) == 0)
		return NULL;
	int n = ui_program_views(ui, &views);
	const struct program_view *v = program_view_by_serial(views, n, ui->sel.program);
	if (selection_is_program(&ui->sel) && v != NULL)
		return v;
	return n > 0 && lab_ngroups(ui->lab) == 0 ? &views[0] : NULL;
}

/*
 * What matters of a program: its name, how it is followed, and its live
 * processes and threads, or how it ended.  Long: "A sleepers · traced · 2
 * processes, 4 threads alive"; brief: "A sleepers · traced · 2 procs, 4 threads".
 */
static void header_program_words(struct ui *ui, const struct program_view *v, bool brief, char *text, size_t len)
{
	char name[32], state[64];
	int procs, threads;

	ui_program_name(v, name, sizeof(name));
	ui_program_alive(v, &procs, &threads);
	const char *said = brief ? (procs == 1 ? "proc" : "procs") : procs == 1 ? "process" : "processes";
	if (!v->ended)
		snprintf(state, sizeof(state), "%d %s, %d thread%s%s", procs, said, threads, threads == 1 ? "" : "s",
		         brief ? "" : " alive");
	else if (v->exit_signal > 0)
		snprintf(state, sizeof(state), "ended: %s", lab_signal_name(v->exit_signal));
	else if (v->exit_status >= 0)
		snprintf(state, sizeof(state), "ended: exit %d", v->exit_status);
	else
		snprintf(state, sizeof(state), "ended");
	snprintf(text, len, "%s %s %s %s %s %s", v->name, name, ui->g.dot, v->traced ? "traced" : "via /proc",
	         ui->g.dot, state);
}

/* The parts of the header line that give way when it is too narrow. */
enum header_part {
	HEADER_SUBTITLE = 1 << 0,   /* "processes vs threads" */
	HEADER_WORKLOAD = 1 << 1,   /* with a program on show: its words in full */
	HEADER_SEED = 1 << 2,
	HEADER_RATE = 1 << 3,       /* "10 Hz", or "6 of 10 Hz" when the frames fall behind */
	HEADER_MACHINE = 1 << 4,    /* "other programs use 1.4 of 2 CPUs" */
	HEADER_BRIEF = 1 << 5,      /* ... said briefly: "others use 1.4/2 CPUs" */
};
#define HEADER_ALL (HEADER_SUBTITLE | HEADER_WORKLOAD | HEADER_SEED | HEADER_RATE | HEADER_MACHINE)

/*
 * What stays as the line narrows, whole parts at a time; the sync mode (or
 * the program's words, briefly) and the clock always stay.  When all is as it should be: the workload goes
 * first, then the seed, then the rate and the title's subtitle.  When other
 * programs take CPUs or the frames fall behind, that news is kept longest:
 * the workload goes, then the subtitle (the panes' titles say threads and
 * processes), then the news is said briefly, and only then the seed (a
 * lesson's run is repeated with it).
 */
static const unsigned header_plain[] = {
	HEADER_ALL,
	HEADER_ALL & ~HEADER_WORKLOAD,
	HEADER_ALL & ~(HEADER_WORKLOAD | HEADER_SEED),
	0,
};
static const unsigned header_busy[] = {
	HEADER_ALL,
	HEADER_ALL & ~HEADER_WORKLOAD,
	HEADER_SEED | HEADER_RATE | HEADER_MACHINE,
	HEADER_SEED | HEADER_RATE | HEADER_MACHINE | HEADER_BRIEF,
	HEADER_RATE | HEADER_MACHINE | HEADER_BRIEF,
	HEADER_MACHINE | HEADER_BRIEF,
	0,
};

/* What the header keeps from one frame to the next, so its news does not come and go with every wobble. */
struct header_state {
	bool named;              /* other programs' CPUs were named */
	bool behind;             /* the frames were behind */
	double costs_at;         /* when the costs lab last measured; 0 never */
};

/* What the machine is doing, for the header: other programs' CPUs (long and brief) and the frame rate. */
struct header_machine {
	char other[64], brief[48], rate[32];
	bool busy, behind;
};

static void header_machine(struct ui *ui, struct header_state *st, struct header_machine *hm)
{
	struct lab_machine m;
	struct lab_observation o;
	double now = lab_now(ui->lab);

	lab_machine_read(ui->lab, &m);
	lab_observation_read(ui->lab, &o);
	/*
	 * The costs lab's measuring child is ptviz's own, not another program:
	 * nothing is said while it measures, nor for the window after.
	 */
	if (ui_costs_fd(ui) >= 0)
		st->costs_at = now;
	bool costs = st->costs_at > 0 && now - st->costs_at < m.window_s + 0.2;
	hm->busy = !costs && machine_words_other(&m, st->named, false, hm->other, sizeof(hm->other));
	machine_words_other(&m, st->named, true, hm->brief, sizeof(hm->brief));
	hm->behind = machine_words_rate(&o, ui->opt.hz, st->behind, hm->rate, sizeof(hm->rate));
	st->named = hm->busy;
	st->behind = hm->behind;
}

/* The right part of the line with the parts in show, gap spaces between them. */
static void header_right(struct ui *ui, const struct header_machine *hm, unsigned show, const char *gap, char *right,
                         size_t len)
{
	char seed[40] = "", workload[80] = "", program[160] = "", sync[40] = "";
	const struct program_view *v = header_program(ui);
	bool own = lab_ngroups(ui->lab) > 0 || v == NULL;

	/* The seed of whatever is picked at random, so a run can be repeated with --seed. */
	if ((ui->opt.seeded || ui->play != NULL) && (show & HEADER_SEED))
		snprintf(seed, sizeof(seed), "seed %lu%s", ui->opt.seed, gap);
	/* ptviz's own groups keep their workload and sync mode; a program alone has neither. */
	if (own && (show & HEADER_WORKLOAD))
		snprintf(workload, sizeof(workload), "%s%s", header_workload(ui), gap);
	if (own)
		snprintf(sync, sizeof(sync), "sync %s%s", header_sync(ui), gap);
	if (v != NULL) {
		header_program_words(ui, v, !(show & HEADER_WORKLOAD), program, sizeof(program) - 8);
		strlcat(program, gap, sizeof(program));
	}
	bool machine = hm->busy && (show & HEADER_MACHINE);
	snprintf(right, len, "%s%s%s%s%s%s%s%st=%.1fs ", workload, seed, program, sync,
	         machine ? (show & HEADER_BRIEF ? hm->brief : hm->other) : "", machine ? gap : "",
	         show & HEADER_RATE ? hm->rate : "", show & HEADER_RATE ? gap : "", lab_now(ui->lab));
}

static void header_draw(struct ui *ui, struct ui_pane *p)
{
	WINDOW *win = p->win;
	int w = p->w;
	char right[512], left[64];
	attr_t a = ui->role[ROLE_HEADER];
	struct header_machine hm;

	ui_fill(win, 0, 0, w, a);
	header_machine(ui, p->data, &hm);
	const unsigned *ladder = hm.busy || hm.behind ? header_busy : header_plain;
	/* Each level of the ladder is tried with wide gaps, then narrow ones, before a part gives way. */
	for (int level = 0, narrow = 0;; level += narrow, narrow = !narrow) {
		unsigned show = ladder[level];
		bool last = show == 0;
		/* Frames that fall behind are news, kept as long as other programs' CPUs. */
		if (hm.behind && (show & HEADER_MACHINE))
			show |= HEADER_RATE;
		snprintf(left, sizeof(left), show & HEADER_SUBTITLE ? " ptviz %s processes vs threads" : " ptviz", ui->g.dot);
		header_right(ui, &hm, show, narrow ? "  " : "   ", right, sizeof(right));
		if ((last && narrow) || ui_width(left) + 2 + ui_width(right) <= w)
			break;
	}
	int x = ui_put(win, 0, 0, w, a | A_BOLD, left);
	int rw = ui_width(right);
	int rx = w - rw > x + 2 ? w - rw : x + 2;
	ui_put(win, 0, rx, w - rx, a, right);
}

const struct ui_pane_ops ui_header_ops = {
	.name = "header",
	.size = sizeof(struct header_state),
	.shows = UI_LAB | UI_SELECTION,
	.draw = header_draw,
};
