/* The memory-map overlay's own state, shared by its two halves: ptviz's workers (pane_memmap.c) and a program's processes (pane_memmap_program.c). */
#ifndef PTVIZ_UI_MEMMAP_VIEW_H
#define PTVIZ_UI_MEMMAP_VIEW_H

#include "../lab/program.h"
#include "../view/memmap.h"
#include "ui_priv.h"

/* The overlay's own: whose map, read when, scrolled how far. */
struct memmap_view {
	pid_t pid;
	uint32_t group;            /* the group's serial (lab.h), 0 for none */
	uint32_t program;          /* or a program group's serial (program.h), 0 for none */
	char worker[LAB_ID_MAX];   /* the worker, or the program's process: "A2" */
	struct memmap map;
	double read_at;
	int scroll;
	int room;                  /* table rows shown at the last draw: what a page key moves */
	/* A program's threads' stacks, once placed: a stack does not move while its thread lives. */
	int nplaced;
	pid_t placed_tid[PROGRAM_MAX_TASKS];
	uintptr_t placed_at[PROGRAM_MAX_TASKS];
};

/* pane_memmap_program.c: the map of the selected program task's process */
void memmap_program_open(struct ui *ui, struct memmap_view *v, const struct ui_task *t);
void memmap_program_reread(struct ui *ui, struct memmap_view *v);
void memmap_program_draw(struct ui *ui, struct ui_pane *p, struct memmap_view *v);
/* An address in a 12-column field (pane_memmap.c). */
void memmap_address(struct ui *ui, uintptr_t a, char *buf, size_t len);

#endif
