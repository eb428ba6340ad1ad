/* Which of a program's processes the pane folds into one summary line when it is short of rows: old ended ones that exited. */
#include "program_fold.h"

#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

int program_process_height(const struct program_view *v, const struct program_process *pp)
{
	return 1 + (pp->nwatch > 0) + (v->files ? 1 : 0) + program_thread_rows(pp);
}

/* Ended by exit (not a signal) long enough ago to be folded. */
static bool program_fold_old_exit(const struct program_process *pp, double now)
{
	return !pp->alive && pp->signal == 0 && now - pp->died_at >= PROGRAM_FOLD_RECENT;
}

void program_fold_plan(const struct program_view *v, double now, int room, const char *keep, struct program_fold *f)
{
	int need = 0;

	memset(f, 0, sizeof(*f));
	f->group = v->serial;
	for (int i = 0; i < v->nprocesses; i++)
		need += program_process_height(v, &v->processes[i]);
	if (need <= room)
		return;
	for (int i = 0; i < v->nprocesses && i < PROGRAM_MAX_TASKS; i++) {
		const struct program_process *pp = &v->processes[i];
		if (!program_fold_old_exit(pp, now) || (keep != NULL && strcmp(keep, pp->id) == 0))
			continue;
		f->folded[i] = true;
		f->nfolded++;
	}
}

bool program_fold_hides(const struct program_fold *f, const struct program_view *v, int process)
{
	return f != NULL && f->group == v->serial && process >= 0 && process < PROGRAM_MAX_TASKS && f->folded[process];
}

/* One name of the folded processes and how many carry it. */
struct fold_name {
	char comm[PROGRAM_NAME_MAX];
	int count;
};

/* The folded processes' names, most frequent first (first seen first among equals); returns how many names. */
static int program_fold_names(const struct program_view *v, const struct program_fold *f, struct fold_name *names,
                              int *nonzero)
{
	int n = 0;

	*nonzero = 0;
	for (int i = 0; i < v->nprocesses; i++) {
		const struct program_process *pp = &v->processes[i];
		if (!program_fold_hides(f, v, i))
			continue;
		*nonzero += pp->status != 0;
		int k = 0;
		while (k < n && strcmp(names[k].comm, pp->comm) != 0)
			k++;
		if (k == n) {
			strlcpy(names[n].comm, pp->comm, sizeof(names[n].comm));
			names[n++].count = 0;
		}
		names[k].count++;
		for (; k > 0 && names[k].count > names[k - 1].count; k--) {
			struct fold_name t = names[k];
			names[k] = names[k - 1];
			names[k - 1] = t;
		}
	}
	return n;
}

void program_fold_text(const struct program_view *v, const struct program_fold *f, int cols, char *buf, size_t len)
{
	struct fold_name names[PROGRAM_MAX_TASKS];
	char head[32], tail[48], part[64];
	int nonzero = 0, n = program_fold_names(v, f, names, &nonzero);

	snprintf(head, sizeof(head), "%d ended:", f != NULL ? f->nfolded : 0);
	if (nonzero == 0)
		snprintf(tail, sizeof(tail), " (all exit 0)");
	else
		snprintf(tail, sizeof(tail), " (%d exit non-zero)", nonzero);
	strlcpy(buf, head, len);
	for (int k = 0; k < n; k++) {
		int rest = 0;
		for (int m = k + 1; m < n; m++)
			rest += names[m].count;
		snprintf(part, sizeof(part), "%s %d %.15s", k ? "," : "", names[k].count, names[k].comm);
		/* Room must stay for "N others" after this name, unless it is the last. */
		char others[24];
		snprintf(others, sizeof(others), ", %d other%s", rest, rest == 1 ? "" : "s");
		size_t need = strlen(buf) + strlen(part) + (rest ? strlen(others) : 0) + strlen(tail);
		if ((int)need > cols) {
			int all = rest + names[k].count;
			snprintf(part, sizeof(part), "%s %d %s%s", k ? "," : "", all, k ? "other" : "process",
			         all == 1 ? "" : k ? "s" : "es");
			strlcat(buf, part, len);
			break;
		}
		strlcat(buf, part, len);
	}
	strlcat(buf, tail, len);
}

int program_rows_shown(const struct program_view *v, const struct program_fold *f, struct program_row *rows, int max)
{
	int n = 0;

	for (int i = 0; i < v->nprocesses && n < max; i++) {
		if (program_fold_hides(f, v, i))
			continue;
		rows[n++] = (struct program_row){ i, -1 };
		for (int j = 0; j < program_thread_rows(&v->processes[i]) && n < max; j++)
			rows[n++] = (struct program_row){ i, j };
	}
	return n;
}

bool program_row_move_shown(const struct program_view *v, const struct program_fold *f, const char *id, int drow,
                            char *out, size_t len)
{
	struct program_row rows[PROGRAM_MAX_TASKS * 2];
	int n = program_rows_shown(v, f, rows, (int)(sizeof(rows) / sizeof(rows[0]))), at = -1;

	for (int i = 0; i < n && id != NULL && at < 0; i++)
		at = strcmp(program_row_id(v, rows[i]), id) == 0 ? i : -1;
	/* A thread no longer shown (its process ended with it alone): the move starts from its process. */
	const struct program_process *pp;
	const struct program_thread *th;
	for (int i = 0; i < n && at < 0 && id != NULL && program_row_task(v, id, &pp, &th); i++)
		at = rows[i].thread < 0 && &v->processes[rows[i].process] == pp ? i : -1;
	if (n == 0)
		return false;
	at = at < 0 ? 0 : at + drow;
	at = at < 0 ? 0 : at >= n ? n - 1 : at;
	strlcpy(out, program_row_id(v, rows[at]), len);
	return true;
}
