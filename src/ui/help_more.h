/* Help sections kept beside the panes they describe, shown after the help's own (pane_help.c). */
#ifndef PTVIZ_UI_HELP_MORE_H
#define PTVIZ_UI_HELP_MORE_H

#include "help_text.h"

extern const struct help_section help_more[];
extern const size_t help_more_count;

/* With a program on screen (ptviz run), the help begins with these: how to read its pane, and its keys. */
extern const struct help_section help_program[];
extern const size_t help_program_count;

#endif
