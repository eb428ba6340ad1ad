/* The lesson player: its state, for the panes that show it (caption bar, question), and its face to the loop and the keys. */
#ifndef PTVIZ_LESSON_PLAY_H
#define PTVIZ_LESSON_PLAY_H

#include <stdint.h>

#include "../lesson/lesson.h"
#include "ui_priv.h"

enum play_state {
	PLAY_RUN,     /* items run one after another */
	PLAY_WAIT,    /* time passes until `until`, the screen live */
	PLAY_PAUSE,   /* waiting for the presenter */
	PLAY_ASK,     /* waiting for the audience's prediction */
	PLAY_DONE,    /* the last item has run; the workers stay live */
	PLAY_FAILED,  /* a command failed: the lesson stopped there */
};

/* What comes when a timed wait is over. */
enum play_then { THEN_GO_ON, THEN_MEASURED, THEN_PAUSE_PASSED, THEN_ASK_PASSED, THEN_LEAVE, THEN_CAUGHT_UP };

struct play_measure {
	int n;
	double t;
	uint32_t serial[LAB_MAX_GROUPS];   /* each group's (lab.h) */
	int64_t increments[LAB_MAX_GROUPS];
};

struct ui_play {
	const struct lesson *lesson;
	enum play_state state;
	enum play_then then;
	int pc;                     /* the item running or waited on */
	int sub;                    /* the next command of a line of commands */
	double until, length;       /* PLAY_WAIT: when it ends, and how long it is */
	struct cmd_list filled;     /* a line with chance picks, parsed as picked */
	const char *caption;        /* into the lesson; "" for none; a step's caption ends with the step */
	const char *headline;       /* the step's headline, large under --big; "" for none */
	const char *focus;          /* what the step is about, large under --big: "registers", "survivors", "" */
	double shown_at;            /* lab time the caption last changed: reading time already given */
	char figures[256];          /* what the step's `measure` found (or that it is measuring), shown under the caption */
	char before[256];           /* what the measure before it found, shown beside it for comparing; "" none */
	char last[256];             /* what the latest measure found, kept after its step for the next one's before */
	struct play_measure measure;
	int ask;                    /* the ask item shown or awaiting its answer; -1 none */
	int chosen;                 /* the audience's prediction, from 1; 0 none */
	bool revealed;              /* the answer and why are shown */
	bool failed;
	int again;                  /* the step Backspace played again, shown as such; -1 none */
	int going;                  /* g typed: the step number typed so far (0: none yet); -1 when not typing one */
	char error[LAB_MSG_MAX + 160];
	uint64_t rng;
	/*
	 * Going to a step: the items before it run first, commands at once and the measurement the step
	 * compares with taken again (THEN_CAUGHT_UP); the step's question and prediction come back on arrival.
	 */
	int catchup;                /* the step's first item, while the items before it run; -1 none */
	int catchup_measure;        /* the measure item taken again; -1 none */
	int arrive_ask, arrive_chosen;
	char catching[LESSON_CAPTION_MAX];   /* the caption while it measures: what, for whom, how long */
};

/* The step on show, from 0. */
int play_step(const struct ui_play *p);
/* The audience predicts answer n (from 1).  False when no question is open or n does not fit. */
bool play_choose(struct ui *ui, int n);
/* lesson_play.c, for lesson_goto.c: a command line's commands (filled in), a failure told, a step's figures forgotten. */
const struct cmd_list *play_line(struct ui *ui, const struct lesson_item *it);
void play_fail(struct ui *ui, const struct lesson_item *it, const struct cmd *c, const char *msg);
void play_step_over(struct ui_play *p);

/* lesson_measure.c: a measurement started and its figures; what decides a group's rate ("sync mutex", "io, 1 CPU"). */
void play_measure_start(struct ui *ui);
void play_measured(struct ui *ui);
void play_group_how(const struct lab_group *g, char *buf, size_t len);
bool play_group_held(const struct lab_group *g);
/* "2", "1.5": one wording of a time for the caption and the log. */
void play_seconds_text(double seconds, char *buf, size_t len);
/* lesson_goto.c: the item due while going to a step, run or skipped; false when not going to one. */
bool play_catch_up(struct ui *ui);

/* For the loop: start, a turn, when the next turn is due, how it ended. */
unsigned ui_play_start(struct ui *ui);
unsigned ui_play_tick(struct ui *ui);
/* Lab time at which ui_play_tick must run next; a negative number when nothing waits on time. */
double ui_play_deadline(const struct ui *ui);
/* 1 when the lesson stopped on an error, else 0. */
int ui_play_status(const struct ui *ui);
void ui_play_free(struct ui *ui);

/* For the keys: whether a question waits for its prediction, and what Space, Backspace and 1-9 do. */
bool ui_play_asking(const struct ui *ui);
/*
 * The keys that answer the question on screen, as the key bar and help should name them: "1-2", "1-3";
 * "" when no question waits.  Returns buf.
 */
const char *ui_play_answer_keys(const struct ui *ui, char *buf, size_t len);
unsigned ui_play_next(struct ui *ui);
unsigned ui_play_again(struct ui *ui);
unsigned ui_play_answer_hint(struct ui *ui);
/*
 * Going to a step: g, then its number, then Enter (Esc or any other key
 * cancels, and the lesson stays where it was).  Asked before the other keys
 * while a lesson plays; 0 when the key was not for it.
 */
unsigned ui_play_goto_key(struct ui *ui, int key);
/* Starts the lesson's step (from 0) afresh, as Backspace does for the current one. */
unsigned ui_play_goto(struct ui *ui, int step);

#endif
