/* The help's words on each pane, apart from the code that lays the help out. */
#ifndef PTVIZ_HELP_TEXT_H
#define PTVIZ_HELP_TEXT_H

#include <stddef.h>

struct help_section {
	const char *title;
	const char *text;
};

/* One section for each pane, in the order the help shows them. */
extern const struct help_section ui_help_panes[];
extern const size_t ui_help_npanes;

#endif
