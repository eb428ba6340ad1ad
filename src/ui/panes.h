/* The panes, for the loop that places and draws them: each file's table of operations. */
#ifndef PTVIZ_UI_PANES_H
#define PTVIZ_UI_PANES_H

#include "ui_priv.h"

extern const struct ui_pane_ops ui_header_ops, ui_groups_ops, ui_big_ops, ui_log_ops, ui_caption_ops,
    ui_keybar_ops;
/* In the key bar's place while a command is typed. */
extern const struct ui_pane_ops ui_prompt_ops;
/* Overlays, over the groups. */
extern const struct ui_pane_ops ui_help_ops, ui_memmap_ops, ui_costs_ops, ui_ask_ops;
/* A program ptviz did not write (ptviz run), where the groups are or below them. */
extern const struct ui_pane_ops ui_program_ops;
/* Instead of everything, when the terminal is too small. */
extern const struct ui_pane_ops ui_small_ops;

#endif
