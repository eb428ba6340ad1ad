/* The ':' prompt's face: a key opens it; the loop hands it every key until it closes, and places it where the key bar was. */
#ifndef PTVIZ_UI_PROMPT_H
#define PTVIZ_UI_PROMPT_H

#include "ui_priv.h"

/* Opens the prompt holding text; returns what changed. */
unsigned ui_prompt_open(struct ui *ui, const char *text);
/*
 * Asks question on the prompt's line before a key ends workers: y or Enter runs command, n or Esc
 * (or any other key) keeps everything as it is, Ctrl-C leaves ptviz at once.  Returns what changed.
 */
unsigned ui_prompt_ask(struct ui *ui, const char *question, const char *command);

#endif
