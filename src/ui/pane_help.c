/* The help overlay: the keys, from the key table, and what each pane shows and why. */
#include <stdio.h>
#include <string.h>

#include "keys.h"

/* The help's own: how far it is scrolled. */
struct help_view {
	int scroll;
};

struct help_section {
	const char *title;
	const char *text;
};

/* Written for someone seeing ptviz for the first time. */
static const struct help_section help_panes[] = {
	{ "The columns",
	  "Each column is one group of workers running the same loop, counter++, as fast as it can: threads on the "
	  "left, processes on the right. Nothing is simulated: every figure is read from the running workers, "
	  "from their memory and from /proc, at the rate in the top line." },
	{ "The top line",
	  "The workload, the sync mode, how often the screen looks (10 Hz) and the time since ptviz started. "
	  "When other programs on this machine use a tenth of a CPU or more, it says how much: 'other programs "
	  "use 1.4 of 2 CPUs' means that over the last second the CPUs were busy 1.4 CPUs' worth with work that "
	  "is neither ptviz's nor its workers'. The workers share the CPUs with those programs, and get less. "
	  "When fewer frames come than asked for, '10 Hz' becomes '6 of 10 Hz'." },
	{ "Memory",
	  "Threads: one counter at one address, because the threads of a process share all of its memory; each "
	  "thread owns only its stack, so every stack address differs. Processes: the counter sits at the SAME "
	  "address in each, yet holds a different value, because fork() gave each process its own copy. ptviz's "
	  "own copy stays 0. With 'spawn processes N shared' the counter lives in one MAP_SHARED segment that "
	  "ptviz maps too, so the value shown is the live one; ptviz's ordinary global counter, at another "
	  "address, stays 0. ps -eLf shows one task more than the threads listed: the host's main thread, which started them "
	  "and only waits." },
	{ "Workers",
	  "Each worker's line shows its thread or process id, its state (R running, S sleeping) and what it "
	  "has done. With room to spare a second line says where its stack or counter is and which CPU it last "
	  "ran on, and a third charts its share of one CPU: a bar for each half second, a full block when it "
	  "ran all that time, with the share now beside it, then the part of the group's increments it did. "
	  "A pale {shade} is next to nothing: the worker waited, was paused or dead, or there is no figure yet. "
	  "Two busy workers on two CPUs show full blocks; pinned to one ('cpus 1') they take turns and each "
	  "shows half. Workers that wait ('workload io') barely use a CPU, however many there are. In step mode "
	  "the third line is the CPU time used and the share of the work as a bar." },
	{ "Counters",
	  "'increments' is the work the workers did, 'counter' is what memory holds. counter++ is three steps "
	  "(load, add, store); two threads can load the same value and one update vanishes. Those are the lost "
	  "updates, with the rate per second beside them. Press l (mutex) or a (atomic) and the chart goes flat; "
	  "r races again. On a tall screen the chart grows to several rows: each column is one frame, its "
	  "height the updates lost per second then, scaled to the tallest shown (the top figure). Separate "
	  "processes have no combined counter: their copies add up to a sum only on paper. Where nothing can "
	  "be lost (private copies, a lock, the GIL) or the workload is another (io, cpu ...), the chart shows "
	  "the group's increments per second instead, a bar for each half second, on one scale for every "
	  "group under the same workload: four waiting threads stand four times as tall as one." },
	{ "Survivors",
	  "Who is still running. A fault in one thread (x) kills its whole process: every thread dies in the same "
	  "instant. A fault in one process kills only that process; the others keep counting. Separate address "
	  "spaces cost more, and protect more." },
	{ "Event log",
	  "What happened and when: spawns, deaths and their causes, and every command a key ran. Keys are "
	  "shortcuts for commands you can type yourself after ':'. PgUp and PgDn scroll it, End returns to the "
	  "newest; a message repeated is shown once, counted (xN)." },
	{ "Memory map (m)",
	  "The selected worker's process as the kernel sees it (/proc/PID/maps and smaps): program code, "
	  "globals, heap, stacks, libraries, shared segments. 'shared' counts pages physically shared with "
	  "other processes: with ptviz since fork until written (copy-on-write; the first write makes a "
	  "private copy), or the same file in the page cache. 'seen by' is another question: which workers can "
	  "address the region. So program code can be shared with ptviz and yet seen by one worker only." },
	{ "Costs (c)",
	  "What the textbook says threads and processes cost, timed on this machine: 1 starting one and "
	  "waiting for it (pthread_create, fork, posix_spawn), 2 fork while holding more and more memory, "
	  "3 a switch between two threads or two processes on one CPU and on any, 4 messages by pipe, "
	  "socket, shared memory and a shared variable. Each runs in a child process of its own, so the "
	  "groups go on; the figures are medians, with the CPU count and kernel they belong to. Esc or c "
	  "cancels a measurement, or closes the view; ':bench NAME' does the same as the keys." },
	{ "Lessons (ptviz --lesson NAME)",
	  "A lesson plays commands with captions on these same workers. The bar above the keys says "
	  "what to look at, which step this is, and what comes next. At a pause, Space or Enter goes on; "
	  "during a wait, it cuts the wait short. A question comes before the answer: the audience "
	  "predicts with 1 to 9, the lesson shows what happens, then gives the answer and why. Backspace plays the current step again from the pause before it: the lab is reset and the "
	  "commands before the step run again at once. Every other key works as usual. 'ptviz --lessons' "
	  "lists them all." },
};

#define HELP_SYNTAX_COLUMN 38

static const char *help_key_name(int key, char *buf, size_t len)
{
	if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(buf, len, "F%d", key - KEY_F(0));
	else if (key == KEY_UP)
		snprintf(buf, len, "Up");
	else if (key == KEY_DOWN)
		snprintf(buf, len, "Down");
	else if (key == KEY_LEFT)
		snprintf(buf, len, "Left");
	else if (key == KEY_RIGHT)
		snprintf(buf, len, "Right");
	else if (key == KEY_PPAGE)
		snprintf(buf, len, "PgUp");
	else if (key == KEY_NPAGE)
		snprintf(buf, len, "PgDn");
	else if (key == KEY_END)
		snprintf(buf, len, "End");
	else if (key == KEY_BTAB)
		snprintf(buf, len, "S-Tab");
	else if (key == '\t')
		snprintf(buf, len, "Tab");
	else if (key == ' ')
		snprintf(buf, len, "Space");
	else if (key == '\r' || key == '\n' || key == KEY_ENTER)
		snprintf(buf, len, "Enter");   /* ^J is what many terminals send for Enter */
	else if (key == KEY_BACKSPACE || key == 127 || key == 8)
		snprintf(buf, len, "Bksp");
	else if (key > 0 && key < 32)
		snprintf(buf, len, "^%c", key + '@');
	else
		snprintf(buf, len, "%c", key);
	return buf;
}

/* Emits one line, or only counts it: the same code lays out and draws. */
struct help_out {
	struct ui *ui;
	WINDOW *win;
	int y, h, w, scroll;
};

static void help_line(struct help_out *o, int x, attr_t a, const char *text)
{
	int row = o->y - o->scroll;

	if (o->win != NULL && row >= 1 && row < o->h - 1)
		ui_put(o->win, row, x, o->w - x - 2, a, text);
	o->y++;
}

/* Holds words together: a command is never split across two lines.  Shown as a space. */
#define HELP_GLUE '\x1f'

/*
 * Copies text, with {shade} as the CPU charts' pale glyph and %w as WORKER, and glues the words of
 * each 'quoted command' together.  A quote opens a command only after a space, '(' or the start,
 * so an apostrophe (ptviz's) does not.
 */
static void help_prepare(const struct ui *ui, const char *text, char *out, size_t len)
{
	size_t o = 0;
	bool quoted = false;

	for (const char *p = text; *p != '\0' && o + 1 < len; p++) {
		const char *insert = NULL;
		size_t skip = 0;
		if (strncmp(p, "{shade}", 7) == 0) {
			insert = ui->g.shade;
			skip = 6;
		} else if (p[0] == '%' && p[1] == 'w') {
			insert = "WORKER";
			skip = 1;
		}
		if (insert != NULL) {
			for (; *insert != '\0' && o + 1 < len; insert++)
				out[o++] = *insert;
			p += skip;
			continue;
		}
		if (*p == '\'' && !quoted && (p == text || p[-1] == ' ' || p[-1] == '('))
			quoted = true;
		else if (*p == '\'' && quoted)
			quoted = false;
		out[o++] = quoted && *p == ' ' ? HELP_GLUE : *p;
	}
	out[o] = '\0';
}

static void help_wrap(struct help_out *o, int x, int hang, attr_t a, const char *text)
{
	int width = o->w - x - 3;
	char line[512], buf[2048];
	bool first = true;

	help_prepare(o->ui, text, buf, sizeof(buf));
	text = buf;
	while (*text != '\0') {
		/* Columns, not bytes: the shade glyph is three bytes wide in UTF-8 and one cell on screen. */
		int len = (int)strlen(text);
		int take = len, cols = 0, last_space = 0;
		for (int i = 0; i < len; i++) {
			if (((unsigned char)text[i] & 0xc0) == 0x80)
				continue;
			if (cols == width) {
				take = text[i] == ' ' || last_space == 0 ? i : last_space;
				break;
			}
			if (text[i] == ' ')
				last_space = i;
			cols++;
		}
		if (take == 0) {
			/* No room at all: one character a line, so the loop still ends. */
			take = 1;
			while (((unsigned char)text[take] & 0xc0) == 0x80)
				take++;
		}
		snprintf(line, sizeof(line), "%.*s", take, text);
		for (char *c = line; *c != '\0'; c++) {
			if (*c == HELP_GLUE)
				*c = ' ';
		}
		help_line(o, x, a, line);
		if (first) {
			first = false;
			x += hang;
			width -= hang;
		}
		text += take;
		while (*text == ' ')
			text++;
	}
}

/* One key line: its keys, what it does and, held together at the end, the command it runs. */
static void help_key_line(struct help_out *o, const struct ui_binding *b)
{
	char keys[64], k[16], line[512], cmd[160];

	keys[0] = '\0';
	if (b->keys[0] == 0)
		snprintf(keys, sizeof(keys), "%s", b->name);
	for (int j = 0; j < 4 && b->keys[j] != 0; j++) {
		const char *name = help_key_name(b->keys[j], k, sizeof(k));
		if (j > 0 && strstr(keys, name) != NULL)
			continue; /* Enter, KEY_ENTER and ^J are one key to the reader */
		if (j > 0)
			strncat(keys, " ", sizeof(keys) - strlen(keys) - 1);
		strncat(keys, name, sizeof(keys) - strlen(keys) - 1);
	}
	if (b->command != NULL) {
		/* "= :" and every word of the command glued, so the command never breaks. */
		size_t n = (size_t)snprintf(cmd, sizeof(cmd), "=%c:", HELP_GLUE);
		for (const char *p = b->command; *p != '\0' && n + 1 < sizeof(cmd); p++)
			cmd[n++] = *p == ' ' ? HELP_GLUE : *p;
		cmd[n] = '\0';
		snprintf(line, sizeof(line), "%-14s %s  %s", keys, b->help, cmd);
	} else {
		snprintf(line, sizeof(line), "%-14s %s", keys, b->help);
	}
	help_wrap(o, 4, 15, o->ui->role[ROLE_NORMAL], line);
}

static void help_keys(struct help_out *o, bool lesson_keys)
{
	for (int i = 0; i < ui_nbindings; i++) {
		const struct ui_binding *b = &ui_bindings[i];
		if ((b->when != UI_WHEN_ALWAYS) == lesson_keys)
			help_key_line(o, b);
	}
}

/* A line of a command's record (src/cmd/verbs.c): its syntax glued and padded to one column, what it does beside it. */
static void help_command(struct help_out *o, const struct cmd_usage *usage)
{
	char syntax[256], line[512];
	int n = 0;

	cmd_usage_text(usage, syntax, sizeof(syntax));
	for (const char *p = syntax; *p != '\0' && n < 200; p++)
		line[n++] = *p == ' ' ? HELP_GLUE : *p;
	if (n >= HELP_SYNTAX_COLUMN - 1) {
		/* Too long for the column: what it does goes on the next line, in the column. */
		line[n] = '\0';
		help_wrap(o, 4, 0, o->ui->role[ROLE_NORMAL], line);
		help_wrap(o, 4 + HELP_SYNTAX_COLUMN, 0, o->ui->role[ROLE_NORMAL], usage->help);
		return;
	}
	while (n < HELP_SYNTAX_COLUMN - 1)
		line[n++] = HELP_GLUE;
	snprintf(line + n, sizeof(line) - (size_t)n, " %s", usage->help);
	help_wrap(o, 4, HELP_SYNTAX_COLUMN, o->ui->role[ROLE_NORMAL], line);
}

static int help_render(struct ui *ui, WINDOW *win, int h, int w, int scroll)
{
	struct help_out o = { ui, win, 1, h, w, scroll };
	bool in_lesson = ui->play != NULL;

	help_line(&o, 2, ui->role[ROLE_TITLE], "ptviz: real threads and real processes, side by side");
	help_wrap(&o, 2, 0, ui->role[ROLE_SECONDARY],
	          "Threads share one address space; processes each get their own. Break them on purpose and watch "
	          "what each side loses. Keys run commands; the command each one runs is shown after '=', with "
	          "WORKER for the selected worker.");
	/* A lesson's keys lead while one plays; otherwise they wait in their own section after the others. */
	for (int pass = 0; pass < 2; pass++) {
		bool lesson_keys = (pass == 0) == in_lesson;
		o.y++;
		help_line(&o, 2, ui->role[ROLE_TITLE], lesson_keys ? "Keys in a lesson" : "Keys");
		help_keys(&o, lesson_keys);
		if (!lesson_keys)
			help_wrap(&o, 4, 15, ui->role[ROLE_NORMAL],
			          "mouse          click a worker to select it, a key in the bottom bar to press it");
	}
	for (size_t i = 0; i < sizeof(help_panes) / sizeof(help_panes[0]); i++) {
		o.y++;
		help_line(&o, 2, ui->role[ROLE_TITLE], help_panes[i].title);
		help_wrap(&o, 4, 0, ui->role[ROLE_NORMAL], help_panes[i].text);
	}
	o.y++;
	help_line(&o, 2, ui->role[ROLE_TITLE], "Commands (after ':')");
	help_wrap(&o, 4, 0, ui->role[ROLE_SECONDARY],
	          "GROUP is a group such as T or P; without it a command applies to every group. WORKER is one "
	          "worker, such as T3. Separate commands with ';' or a new line; '#' starts a comment.");
	for (const struct cmd_entry *e = cmd_entries; e->name != NULL; e++) {
		for (size_t u = 0; u < sizeof(e->usage) / sizeof(e->usage[0]) && e->usage[u].syntax != NULL; u++)
			help_command(&o, &e->usage[u]);
	}
	return o.y;
}

static void help_draw(struct ui *ui, struct ui_pane *p)
{
	struct help_view *v = p->data;
	WINDOW *win = p->win;
	int h = p->h, w = p->w;
	int total = help_render(ui, NULL, h, w, 1 << 20);
	int room = h - 2;

	if (v->scroll > total - room)
		v->scroll = total - room;
	if (v->scroll < 0)
		v->scroll = 0;
	ui_box(ui, win, 0, 0, h, w);
	ui_put(win, 0, 2, w - 4, ui->role[ROLE_TITLE], " HELP ");
	help_render(ui, win, h, w, v->scroll);
	char hint[64];
	snprintf(hint, sizeof(hint), " Up/Down scroll %s Esc or ? closes ", ui->g.dot);
	int hw = ui_width(hint);
	ui_put(win, h - 1, w - 2 - hw, hw, ui->role[ROLE_NOTE], hint);
}

static unsigned help_key(struct ui *ui, struct ui_pane *p, int key)
{
	struct help_view *v = p->data;
	int page = p->h - 3;

	switch (key) {
	case 27:
	case 'q':
	case '?':
	case KEY_F(1):
		ui_overlay(ui, PANE_COUNT);
		return UI_HANDLED;
	}
	return ui_scroll_key(key, &v->scroll, page) ? UI_REDRAW : 0;
}

static void help_open(struct ui *ui, struct ui_pane *p)
{
	struct help_view *v = p->data;

	(void)ui;
	v->scroll = 0;
}

const struct ui_pane_ops ui_help_ops = {
	.name = "help",
	.size = sizeof(struct help_view),
	.shows = UI_FRAME,
	.draw = help_draw,
	.key = help_key,
	.open = help_open,
};
