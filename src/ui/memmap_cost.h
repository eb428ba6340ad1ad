/* The memory view's chart: what one more thread costs against one more process, group by group. */
#ifndef PTVIZ_UI_MEMMAP_COST_H
#define PTVIZ_UI_MEMMAP_COST_H

#include "ui_priv.h"

/* Draws the chart from row y in a window w wide and h high, if it leaves the map room; returns the next row. */
int memmap_cost_chart(struct ui *ui, WINDOW *win, int y, int w, int h);

#endif
