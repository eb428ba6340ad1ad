/* The costs view's face to the rest of the screen: its measuring child's pipe, and `bench NAME`. */
#ifndef PTVIZ_UI_PANE_COSTS_H
#define PTVIZ_UI_PANE_COSTS_H

#include "ui_priv.h"

/* The measuring child's pipe for the loop's poll, or -1. */
int ui_costs_fd(struct ui *ui);
/* Reads what the child sent; returns what changed. */
unsigned ui_costs_dispatch(struct ui *ui);
/* `bench NAME`: opens the view and starts the measurement there; returns what changed. */
unsigned ui_costs_start(struct ui *ui, const char *name);

#endif
