/* The ':' prompt's face: a key opens it; the loop hands it every key until it closes, and places it where the key bar was. */
#ifndef PTVIZ_UI_PROMPT_H
#define PTVIZ_UI_PROMPT_H

#include "ui_priv.h"

/* Opens the prompt holding text; returns what changed. */
unsigned ui_prompt_open(struct ui *ui, const char *text);

#endif
