/* The ':' prompt's face: opened by a key, fed keys by the loop, drawn where the key bar was. */
#ifndef PTVIZ_UI_PROMPT_H
#define PTVIZ_UI_PROMPT_H

#include "ui_priv.h"

/* Opens the prompt holding text; returns what changed. */
unsigned ui_prompt_open(struct ui *ui, const char *text);
unsigned ui_prompt_key(struct ui *ui, int key);
void ui_prompt_draw(struct ui *ui, WINDOW *win, int h, int w);
/* Rows the prompt needs at width w: its line, and the hint or the error wrapped under it. */
int ui_prompt_rows(const struct ui *ui, int w);

#endif
