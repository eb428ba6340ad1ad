/* The one key table: the keys, the key bar and the help overlay all read it. */
#ifndef PTVIZ_UI_KEYS_H
#define PTVIZ_UI_KEYS_H

#include "ui_priv.h"

enum ui_when { UI_WHEN_ALWAYS = 0, UI_WHEN_LESSON, UI_WHEN_ASK };

/* The rows of the help's first page, the card, each naming what its keys are for. */
enum ui_card { CARD_NONE = 0, CARD_SELECT, CARD_START, CARD_SYNC, CARD_BREAK, CARD_STEP, CARD_LOOK, CARD_LESSON,
	CARD_SCREEN, CARD_COUNT };

struct ui_binding {
	int keys[4];               /* 0 ends the list */
	const char *name;          /* as shown: "F1", "x", "Up" */
	const char *bar;           /* label in the key bar, NULL to leave it out */
	const char *command;       /* the command it stands for; "%w" is the selected worker */
	const char *help;
	int keep;                  /* key bar: 0 always shown; at a narrow width the highest go first */
	unsigned (*run)(struct ui *ui, const struct ui_binding *b);   /* returns what it changed */
	enum ui_when when;         /* lesson keys: only while a lesson plays (or asks) */
	/*
	 * A key that ends workers asks first: the question, "%W" the selected worker as
	 * "T3 (thread of pid 1234)" and "%N" how many workers are alive.  NULL: it runs at once.
	 */
	const char *asks;
	/* The question when a program's task is selected, which ptviz can only signal; NULL: asks as above. */
	const char *asks_program;
	/* What to say when a program's task is selected and the key means nothing for it; NULL: it works there too. */
	const char *not_program;
	/*
	 * The key bar while a program's task is selected (or a program is all there is) lists only the
	 * keys that act there, with this label; NULL: left out there.  program_name: its name there in
	 * UTF-8, NULL for name.
	 */
	const char *program_bar;
	const char *program_name;
	enum ui_card card;         /* its row on the help's card; CARD_NONE: only in the detail */
	const char *card_label;    /* a word or two for the card */
};
extern const struct ui_binding ui_bindings[];
extern const int ui_nbindings;
/* What the key's binding changed; 0 when no binding has the key. */
unsigned ui_key(struct ui *ui, int key);
/* As ui_key, among a lesson's keys only: they come before an open overlay's. */
unsigned ui_lesson_key(struct ui *ui, int key);
unsigned ui_binding_run(struct ui *ui, int index);
/* Whether a binding applies now (lesson keys only while a lesson plays). */
bool ui_binding_active(const struct ui *ui, const struct ui_binding *b);
/* A key's name as the help and the card print it: "F9", "Tab", "Space", "^L", "x". */
const char *ui_key_name(int key, char *buf, size_t len);

/* The help overlay (pane_help.c), for the loop: while a search is typed there, every key is the help's. */
bool ui_help_typing(const struct ui *ui);
/* Opens the help; with words, searched for them as '/' does.  Returns what changed. */
unsigned ui_help_open(struct ui *ui, const char *words);

#endif
