/* Lesson files: the command language plus captions, pauses, waits and questions, for a lecture hall. */
#ifndef PTVIZ_LESSON_H
#define PTVIZ_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../cmd/cmd.h"

/*
 * A lesson is a text file read line by line.  A line whose first word is a
 * directive is one of these; every other line is handed, whole, to the
 * command language (cmd_parse), so any command works in a lesson.
 *
 *   title TEXT            the lesson's name as shown (required, at the top)
 *   summary TEXT          one line for `ptviz --lessons` (at the top)
 *   headline TEXT         the step's headline, about eight words, drawn in large letters under --big
 *                         (letters, digits, spaces and . , : ; ! ? - + ' " / ( ) = % * < > _)
 *   focus WHAT            under --big, the lines the step is about drawn large too: 'focus registers'
 *                         (step mode's registers and next steps) or 'focus survivors' (who is alive)
 *   caption TEXT          what the caption bar says from now on; alone, it clears the bar
 *                         (a step's caption, headline and focus end with the step)
 *   pause                 wait for the presenter (Space or Enter); ends a step
 *   wait SECONDS          let time pass, the screen live
 *   measure SECONDS       let time pass, then tell each group's increments per second
 *   ask Q | A1 | A2 ... | correct=N | why=TEXT
 *                         the audience predicts; the answer and why show at the question's
 *                         `answer` line, or without one at the next pause (or the end)
 *   answer                show the answer to the last question, then wait as pause does
 *   show map WORKER       open the memory map of WORKER's process
 *   show none             close it
 *
 * `pause` with a target (`pause T2`) is the command that pauses workers.
 * A worker written as GROUP? (T?, P?) is picked at random among the group's
 * live workers when the line runs (see --seed).  Directive text runs to the
 * end of the line ('#' in a caption is text); '#' at the start of a line, or
 * after pause, wait or measure, begins a comment.
 */

#define LESSON_ANSWERS_MAX 9
#define LESSON_LINE_MAX 1024      /* bytes in one line */
#define LESSON_TITLE_MAX 60       /* characters */
#define LESSON_SUMMARY_MAX 160
#define LESSON_CAPTION_MAX 320
#define LESSON_HEADLINE_MAX 40   /* characters: about eight words, two lines of large letters at 100 columns */
#define LESSON_QUESTION_MAX 200
#define LESSON_ANSWER_MAX 80
#define LESSON_WHY_MAX 320
#define LESSON_WAIT_MAX 600.0     /* seconds */
#define LESSON_MSG_MAX 400

enum lesson_kind {
	LESSON_COMMANDS,   /* one line of the command language */
	LESSON_CAPTION,
	LESSON_HEADLINE,   /* the step's headline, large under --big */
	LESSON_FOCUS,      /* the lines the step is about, large under --big: text "registers" or "survivors" */
	LESSON_PAUSE,
	LESSON_WAIT,
	LESSON_MEASURE,
	LESSON_ASK,
	LESSON_SHOW,
	LESSON_ANSWER,     /* shows the last question's answer, then waits as a pause */
};

struct lesson_ask {
	char *question;
	int nanswers;
	char *answers[LESSON_ANSWERS_MAX];
	int correct;              /* from 1 */
	char *why;
	int answer_item;          /* the item at which the answer shows (an answer or a pause); nitems: the end */
};

struct lesson_item {
	enum lesson_kind kind;
	int line, column;         /* where it starts, from 1 */
	int step;                 /* the step it belongs to, from 0 (a pause or an answer ends a step) */
	char *text;               /* caption ("" clears), headline, focus; the command line as written; show: the worker, "" for none */
	double seconds;           /* wait, measure */
	struct cmd_list cmds;     /* commands, as parsed (a chance pick parsed as GROUP1) */
	bool chance;              /* the line names a worker by chance (GROUP?) */
	struct lesson_ask ask;
};

struct lesson {
	char *source;             /* the file as named, for messages */
	char *name;               /* its base name without .lesson */
	char *title, *summary;    /* summary may be NULL */
	struct lesson_item *items;
	int nitems, cap;
	int nsteps;
	int nasks;
};

struct lesson_error {
	char source[256];
	int line, column;         /* 0 when the file as a whole is at fault */
	char message[LESSON_MSG_MAX];
};

/*
 * Parses a lesson held in text (len bytes; it need not end in NUL).  On error
 * out is left empty and err says where and what would be right.
 */
bool lesson_parse(const char *text, size_t len, const char *source, struct lesson *out, struct lesson_error *err);
bool lesson_load(const char *path, struct lesson *out, struct lesson_error *err);
/* NULL is a no-op. */
void lesson_free(struct lesson *lesson);
/* "FILE:LINE:COLUMN: message", or "FILE: message" when no line applies. */
void lesson_error_format(const struct lesson_error *err, char *buf, size_t len);

/*
 * Folders searched for built-in lessons, in order: $PTVIZ_LESSONS_DIR alone
 * when it is set; else the installed folder (prefix/share/ptviz/lessons, or
 * the same under DESTDIR for a staged copy), then the source tree's
 * assets/lessons; the program in the build folder reads the source tree
 * first.  Returns how many were put in dirs.
 */
int lesson_dirs(const char **dirs, int max);
/*
 * Resolves a NAME (a built-in lesson) or a FILE (a path: it holds '/' or ends
 * in .lesson) to a path.  False with msg saying what exists instead.
 */
bool lesson_find(const char *what, char *path, size_t pathlen, char *msg, size_t msglen);
/* `ptviz --lessons`: each built-in lesson's name and summary, one a line.  Returns an exit status. */
int lesson_list(FILE *out, FILE *err);
/*
 * `ptviz --lesson NAME|FILE [--check]`: finds and parses the lesson, telling err what is wrong
 * (FILE:LINE:COLUMN: message).  With check it says OK on out and keeps nothing.  Returns -1 when
 * the lesson is in out, ready to play; else the exit status (0 checked, 2 not playable).
 */
int lesson_open(const char *what, bool check, struct lesson *out, FILE *outf, FILE *errf);

/* Reading pace under --autoplay: words a second an audience reads from a screen. */
#define LESSON_READ_WORDS_PER_SECOND 3.0
/* Words in text, as a reader counts them: runs of characters between spaces. */
int lesson_words(const char *text);
/*
 * How long words stay on screen under --autoplay so they can be read: a
 * second for every three words, at least floor seconds; divided by speed
 * (--speed; 0 counts as 1).
 */
double lesson_hold_seconds(int words, double floor, double speed);

/*
 * Writes line with every GROUP? replaced by GROUP and the number pick returns
 * for it.  False, with msg, when pick returns 0 (nobody to pick) or the
 * result does not fit.
 */
bool lesson_fill_chance(const char *line, int (*pick)(const char *group, void *ctx), void *ctx,
                        char *out, size_t outlen, char *msg, size_t msglen);

#endif
