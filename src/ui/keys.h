/* The one key table: the keys, the key bar and the help overlay all read it. */
#ifndef PTVIZ_UI_KEYS_H
#define PTVIZ_UI_KEYS_H

#include "ui_priv.h"

enum ui_when { UI_WHEN_ALWAYS = 0, UI_WHEN_LESSON, UI_WHEN_ASK };
struct ui_binding {
	int keys[4];               /* 0 ends the list */
	const char *name;          /* as shown: "F1", "x", "Up" */
	const char *bar;           /* label in the key bar, NULL to leave it out */
	const char *command;       /* the command it stands for; "%w" is the selected worker */
	const char *help;
	int keep;                  /* key bar: 0 always shown; at a narrow width the highest go first */
	unsigned (*run)(struct ui *ui, const struct ui_binding *b);   /* returns what it changed */
	enum ui_when when;         /* lesson keys: only while a lesson plays (or asks) */
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

#endif
