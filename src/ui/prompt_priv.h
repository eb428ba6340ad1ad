/* What the prompt's two files share: the prompt's own record (prompt.c edits and draws it, prompt_complete.c completes it). */
#ifndef PTVIZ_UI_PROMPT_PRIV_H
#define PTVIZ_UI_PROMPT_PRIV_H

#include "ui_priv.h"

#define PROMPT_MAX 256
#define PROMPT_HISTORY_LINES 64
#define PROMPT_CHOICES 64

/* The prompt's own: the line being typed, the lines typed before, and an error it stays open on. */
struct prompt {
	char buf[PROMPT_MAX];
	int len, cur;
	char saved[PROMPT_MAX];             /* what was typed before walking the history */
	char lines[PROMPT_HISTORY_LINES][PROMPT_MAX];
	int nlines, walk;                    /* walk: index while browsing, nlines when not */
	bool has_error;
	int error_column;
	char error[LAB_MSG_MAX + 32];
	/* Tab with more than one word that fits: they are listed on a line above the input. */
	int nchoices, choices_total;         /* listed, and how many fit in all */
	char choices[PROMPT_CHOICES][CMD_WORD_MAX];
	char no_choice[160];                 /* Tab with none: why, on that line */
	/* A question before a key ends workers: the prompt's line asks it instead. */
	bool asking;
	char question[256];
	char command[256];                   /* what y runs */
};

/* The line set to text, the cursor at its end (prompt.c). */
void prompt_set(struct prompt *p, const char *text);
/* Tab: completes the word under the cursor, or lists the words that fit on the line above. */
void prompt_complete(struct ui *ui, struct prompt *p);

#endif
