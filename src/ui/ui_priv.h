/* The bottom of the screen, which every file of src/ui may use: the state of one screen, its panes, roles, and the services below the loop (ui.c, draw.c, theme.c). */
#ifndef PTVIZ_UI_PRIV_H
#define PTVIZ_UI_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <curses.h>

#include "../cmd/cmd.h"
#include "../lab/lab.h"
#include "../lab/program.h"
#include "../view/frames.h"
#include "../view/selection.h"
#include "../view/lifecycle.h"
#include "../view/trend.h"
#include "../view/program_trend.h"
#include "../view/program_fold.h"
#include "ui.h"

/* Colours are data: panes ask for a role, never for a colour. */
enum ui_role {
	ROLE_NORMAL,
	ROLE_HEADER,     /* the top line */
	ROLE_TITLE,      /* pane titles */
	ROLE_BORDER,
	ROLE_SECONDARY,  /* explanations, addresses: normal intensity, readable from the back of a room */
	ROLE_FIGURE,     /* the primary figures: increments, counter */
	ROLE_ALIVE,
	ROLE_DEAD,
	ROLE_PAUSED,
	ROLE_LOST,       /* lost updates */
	ROLE_SHARED,     /* memory every worker sees */
	ROLE_PRIVATE,    /* memory one process sees */
	ROLE_SELECTED,
	ROLE_KEY,        /* key names in the key bar */
	ROLE_KEYLABEL,   /* what they do */
	ROLE_ERROR,
	ROLE_NOTE,
	ROLE_COMMAND,    /* commands echoed in the log */
	ROLE_CAPTION,    /* a lesson's caption: large, high contrast */
	ROLE_RIGHT,      /* a prediction that was right */
	ROLE_WRONG,      /* a prediction that was not */
	ROLE_COUNT
};

/* Glyphs: UTF-8 when the locale has it, ASCII otherwise. */
struct ui_glyphs {
	const char *alive, *dead, *paused, *tree_mid, *tree_end, *arrow, *dot, *ellipsis, *more_up,
	    *more_down, *more_left, *more_right, *shade;
	const char *spark[8];
};

enum ui_pane_id { PANE_HEADER, PANE_GROUPS, PANE_LOG, PANE_KEYBAR, PANE_PROMPT, PANE_HELP, PANE_MEMMAP,
	PANE_SMALL, PANE_CAPTION, PANE_ASK, PANE_BIG, PANE_COSTS, PANE_PROGRAM, PANE_COUNT };

struct ui;
struct ui_play;

/*
 * What a handler changed, for the loop to act on (htop's HandlerResult).  Handlers return it; the
 * services below them (the log, the selection, the overlay, observing) note theirs in ui->changed.
 * The loop alone turns changes into a new layout and dirty panes, each pane saying what it shows.
 */
enum ui_change {
	UI_HANDLED = 1 << 0,    /* the key was the handler's, whether or not anything else changed */
	UI_REDRAW = 1 << 1,     /* the handler's own pane draws again */
	UI_RELAYOUT = 1 << 2,   /* a pane opened, closed or wants another height: place them all again */
	UI_REPAINT = 1 << 3,    /* the whole terminal again, as if garbled (^L) */
	UI_LAB = 1 << 4,        /* the lab was observed: whatever shows it */
	UI_FRAME = 1 << 5,      /* a frame fell due: the overlays that follow time */
	UI_SELECTION = 1 << 6,  /* another worker is selected */
	UI_LOG = 1 << 7,        /* the log has news, or scrolled */
	UI_LESSON = 1 << 8,     /* the lesson moved: its caption and keys, perhaps the caption's height */
	UI_BENCH = 1 << 9,      /* the costs lab has news */
	UI_QUIT = 1 << 10,      /* leave the screen */
};

struct ui_pane;

/*
 * One file per pane, each exporting a table of these (tmux's window_mode).  What a pane keeps
 * between draws is its own: size bytes, zeroed when the screen starts, in pane->data.
 */
struct ui_pane_ops {
	const char *name;
	size_t size;            /* of the pane's own state; 0: it keeps none */
	unsigned shows;         /* the changes (enum ui_change) after which it draws again */
	void (*draw)(struct ui *ui, struct ui_pane *p);
	/* Overlays and the prompt: what the key changed; 0 when it was not theirs. */
	unsigned (*key)(struct ui *ui, struct ui_pane *p, int key);
	void (*open)(struct ui *ui, struct ui_pane *p);
	void (*close)(struct ui *ui, struct ui_pane *p);
	void (*free)(struct ui *ui, struct ui_pane *p);   /* leaving the screen: what data holds besides itself */
	int (*rows)(const struct ui *ui, const struct ui_pane *p, int w);   /* the height it asks for at width w */
};

struct ui_pane {
	const struct ui_pane_ops *ops;
	void *data;             /* its own state, ops->size bytes */
	WINDOW *win;
	int y, x, h, w;
	bool visible;
	bool dirty;
};

/* A place on the screen a click can mean something. */
enum ui_hit_kind { HIT_WORKER, HIT_KEY, HIT_TASK };
struct ui_hit {
	enum ui_hit_kind kind;
	enum ui_pane_id pane;  /* the pane that drew it */
	int y, x, w;       /* screen coordinates */
	int group, worker; /* HIT_WORKER: lab group index and worker index; HIT_TASK: program group serial and row */
	int binding;       /* HIT_KEY: index in the key table */
};
#define UI_HITS_MAX 2048

#define UI_LOG_MAX 256
struct ui_log_entry {
	double t;
	enum ui_role role;
	int repeat;        /* the same message again: shown once, with (×N) */
	char text[480];
};

/* The event log: everything writes to it, the log pane shows it, keys scroll it back. */
struct ui_log {
	struct ui_log_entry entry[UI_LOG_MAX];
	int n, head;
	int scroll;        /* entries hidden below the view: 0 shows the newest */
	int top;           /* the entry drawn at the top of the view, as counted from the newest */
};

struct ui {
	struct lab *lab;
	struct ui_options opt;
	bool utf8;
	bool colour;
	attr_t role[ROLE_COUNT];
	struct ui_glyphs g;

	int rows, cols;
	bool too_small;
	struct ui_pane pane[PANE_COUNT];
	enum ui_pane_id overlay;   /* PANE_HELP, PANE_MEMMAP, PANE_COSTS, PANE_ASK or PANE_COUNT for none */
	bool prompting;            /* the prompt takes the key bar's place and every key */

	/* Groups in the order shown: threads first, then processes. */
	int order[LAB_MAX_GROUPS];
	int norder;
	struct selection sel;      /* the selected worker, by serial */

	struct trend trend;        /* work per second, lost updates per frame, CPU shares: the charts' histories */
	struct program_trend program_trend;   /* each program thread's CPU share: its chart's history */
	/* Whether programs and groups of ptviz's own were there at the last layout (ui_layout_shape). */
	int laid_out_for;
	/* The program groups as the latest look saw them (ui_program_views): one look a frame, for every pane. */
	struct program_view *programs;
	int nprograms;
	bool programs_looked;
	/* A program's processes that ran exec after fork: no longer copies of their parent's memory. */
	struct { uint32_t group; char id[LAB_ID_MAX]; } execed[PROGRAM_MAX_GROUPS * PROGRAM_MAX_TASKS];
	int nexeced;
	/* Each program group's processes folded into one line at the last drawing: the keys pass them by. */
	struct program_fold program_fold[PROGRAM_MAX_GROUPS];
	struct life life;          /* each worker's running, ready and blocked shares: the lifecycle strips */
	struct ui_log log;

	struct ui_hit hits[UI_HITS_MAX];
	int nhits;
	enum ui_pane_id drawing;   /* the pane being drawn, owner of new hits */

	struct ui_play *play;      /* the lesson being played, NULL when none */

	bool quit;
	unsigned changed;          /* what the services below the loop changed since it last looked (enum ui_change) */
	struct frames clock;       /* time passing: reaps, observes at opt.hz, logs each event */
};

/* ui.c: the services below the loop */
/* A screen on lab, with no panes placed yet; its clock logs each event and notes each observation. */
void ui_init(struct ui *ui, struct lab *lab, const struct ui_options *opt);
void ui_free(struct ui *ui);
void ui_log(struct ui *ui, enum ui_role role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * The program groups as the latest frame's look saw them, borrowed until the
 * next look: reading 256 threads' /proc files once a frame, not once for
 * each pane, the trend and the keys.  Looked at now when there is no look
 * yet, or when a group has come or gone since.
 */
int ui_program_views(struct ui *ui, const struct program_view **views);
/*
 * What decides how the body is shared: a program's pane, groups of ptviz's
 * own, or both (layout.c).  A group started or ended beside a program changes
 * it, and the screen is laid out again.
 */
int ui_layout_shape(const struct ui *ui);
/* A program's events since the last turn, told in the log (pane_program.c); the changes. */
unsigned ui_program_events(struct ui *ui);
/* The program group's folded processes as last drawn (pane_program.c); NULL when none are. */
const struct program_fold *ui_program_fold(const struct ui *ui, uint32_t group);
/* Scrolls the log a page back (by > 0), a page on (by < 0), or to the newest (0); returns what changed. */
unsigned ui_log_scroll(struct ui *ui, int by);
/* Observes the lab now; what shows it is noted as changed. */
void ui_observe(struct ui *ui);
/* Opens overlay id over the groups (PANE_COUNT: none), closing the one open; the layout is noted as changed. */
void ui_overlay(struct ui *ui, enum ui_pane_id id);
/* An overlay's scrolling keys (arrows, j/k, pages, space, Home, End) applied to *scroll; false for any other key. */
bool ui_scroll_key(int key, int *scroll, int page);
void ui_hit_add(struct ui *ui, enum ui_hit_kind kind, WINDOW *win, int y, int x, int w, int a, int b);
/* The selection, resolved against the latest snapshot; false when nothing is selected. */
bool ui_selected(struct ui *ui, int *group, int *worker);
void ui_select(struct ui *ui, int group, int worker);
void ui_order_groups(struct ui *ui);

/* program_select.c: a program's process or thread as the selection (ptviz run) */
struct ui_task {
	char group[LAB_NAME_MAX + 1];
	uint32_t serial;         /* the group's */
	char id[LAB_ID_MAX];     /* "A2" or "A2.1" */
	char process[LAB_ID_MAX];   /* the process it is or is in: "A2" */
	bool thread;             /* a thread's row, not its process's */
	pid_t pid, tid;
	bool alive, paused, traced;
	bool files;              /* its group's files are shown */
};
/* The selected program task, read now; false when a worker of ptviz's own (or nothing) is selected, or it is gone. */
bool ui_task_selected(struct ui *ui, struct ui_task *t);
/* Moves the selection across ptviz's groups and then the program groups (dcol), or within one (drow). */
void ui_select_move(struct ui *ui, int dcol, int drow);
/* A click on a program's row: the group by its serial, the row as program_rows() lists them. */
void ui_select_task_row(struct ui *ui, uint32_t group, int row);
/* Did the program group's process id run exec (so that its memory is its own, not a copy of its parent's)? */
bool ui_program_execed(const struct ui *ui, uint32_t group, const char *id);
/* Keeps a selection that still means something, or picks the first worker (or a program's first process). */
void ui_select_check(struct ui *ui);

/* pane_header.c: a program in a few words, for the header and for q's question */
/* The program's name as a reader knows it: the last part of its path ("sleepers"), at most 24 characters. */
void ui_program_name(const struct program_view *v, char *name, size_t len);
/* How many of its processes and threads are alive. */
void ui_program_alive(const struct program_view *v, int *processes, int *threads);

/* pane_big_program.c: presenter mode's picture of the program groups, on a window w by h */
void ui_big_programs(struct ui *ui, WINDOW *win, int w, int h);
/* A line in letters three rows high, when it fits w columns and the rows above bottom.  Returns the rows used, or 0. */
int ui_big_letters(struct ui *ui, WINDOW *win, int y, int x, int w, int bottom, attr_t a, const char *text);

/* layout.c: every pane placed for the terminal's size; below UI_MIN_COLS x UI_MIN_ROWS, the too-small pane */
#define UI_MIN_COLS 80
#define UI_MIN_ROWS 24
void ui_layout(struct ui *ui);

/* theme.c */
void ui_theme_init(struct ui *ui);

/* draw.c: text clipped to a width in screen columns, or broken into lines */
int ui_width(const char *s);
int ui_put(WINDOW *win, int y, int x, int maxw, attr_t attr, const char *s);
int ui_putf(WINDOW *win, int y, int x, int maxw, attr_t attr, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
int ui_put_words(WINDOW *win, int y, int x, int maxw, attr_t attr, const char *s);
int ui_put_first(WINDOW *win, int y, int x, int maxw, attr_t attr, const char *const *texts);
/* As ui_put and ui_put_first, but a text too wide ends in an ellipsis (…) rather than at a word. */
int ui_put_cut(const struct ui *ui, WINDOW *win, int y, int x, int w, attr_t attr, const char *s);
int ui_put_first_cut(const struct ui *ui, WINDOW *win, int y, int x, int w, attr_t attr, const char *const *texts);
void ui_fill(WINDOW *win, int y, int x, int w, attr_t attr);
/*
 * Breaks text into lines of at most width columns, at spaces; a word longer
 * than a line is cut.  Returns the number of lines; starts[i] and lens[i]
 * say where each is in text.
 */
int ui_wrap(const char *text, int width, int *starts, int *lens, int max);
/* Digits grouped; abbreviated (12.3M) when wider than maxw. */
void ui_number(int64_t n, int maxw, char *buf, size_t len);
void ui_percent(double share, char *buf, size_t len);
const char *ui_cpu_glyph(const struct ui *ui, double share);
void ui_box(struct ui *ui, WINDOW *win, int y, int x, int h, int w);
void ui_rule(struct ui *ui, WINDOW *win, int y, int x, int w, const char *title);

#endif
