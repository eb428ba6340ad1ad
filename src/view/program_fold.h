/* Which of a program's processes the pane folds into one summary line when it is short of rows: old ended ones that exited. */
#ifndef PTVIZ_PROGRAM_FOLD_H
#define PTVIZ_PROGRAM_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../lab/program.h"
#include "program_rows.h"

/* Seconds an ended process keeps its own rows before it may be folded. */
#define PROGRAM_FOLD_RECENT 5.0

/* The processes of one program group folded into the summary line, by their index in the group. */
struct program_fold {
	uint32_t group;                    /* the group's serial; 0: no plan made */
	int nfolded;
	bool folded[PROGRAM_MAX_TASKS];
};

/* The rows a process takes on the pane: its own, its watched values, its files, its threads. */
int program_process_height(const struct program_view *v, const struct program_process *pp);
/*
 * Plans the group's rows for `room` rows at `now` (seconds, the lab's clock): when
 * every process fits, none is folded.  Otherwise the processes that exited (no
 * signal) more than PROGRAM_FOLD_RECENT seconds ago are folded, all but the one
 * named keep (the selected task's process, or NULL): live processes, recent ends
 * and deaths by a signal keep their rows.
 */
void program_fold_plan(const struct program_view *v, double now, int room, const char *keep, struct program_fold *f);
/* Is the process folded?  (f NULL or of another group: no) */
bool program_fold_hides(const struct program_fold *f, const struct program_view *v, int process);
/*
 * The summary line, in at most cols columns: "37 ended: 30 bash, 6 readlink, 1 env
 * (all exit 0)"; names that do not fit become "2 others".
 */
void program_fold_text(const struct program_view *v, const struct program_fold *f, int cols, char *buf, size_t len);
/* The group's rows that are shown, as program_rows() lists them but without folded processes' rows. */
int program_rows_shown(const struct program_view *v, const struct program_fold *f, struct program_row *rows, int max);
/*
 * The row drow rows from the row of id (the first row when id is NULL or gone), among the rows shown
 * under fold f (all rows when f is NULL), copied to out: a folded process is never selected by the
 * keys.  False when the group has no rows.
 */
bool program_row_move_shown(const struct program_view *v, const struct program_fold *f, const char *id, int drow,
                            char *out, size_t len);

#endif
