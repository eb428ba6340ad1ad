/* The bottom line: the key bar, built from the key table. */
#include <string.h>

#include "keys.h"
#include "lesson_play.h"

/*
 * Whether the bar lists the keys that act on a program's tasks: one is selected, or a program is
 * all there is.  The keys for ptviz's own groups (threads, race, lock ...) mean nothing there.
 */
static bool keybar_for_program(const struct ui *ui)
{
	return selection_is_program(&ui->sel) || (lab_ngroups(ui->lab) == 0 && program_count(ui->lab) > 0);
}

/* A key's name in the bar: at a question, the answers' own keys ("1-2"), not every digit. */
static const char *keybar_name(const struct ui *ui, const struct ui_binding *b, bool program, char *buf, size_t len)
{
	if (b->when == UI_WHEN_ASK && ui_play_answer_keys(ui, buf, len)[0] != '\0')
		return buf;
	if (program && b->program_name != NULL && ui->utf8)
		return b->program_name;
	return b->name;
}

/* The binding's label in the bar; NULL when it is left out.  A lesson's keys keep theirs; p says what it will do. */
static const char *keybar_label(struct ui *ui, const struct ui_binding *b, bool program)
{
	struct ui_task t;

	if (!program || b->when != UI_WHEN_ALWAYS)
		return b->bar;
	bool selected = ui_task_selected(ui, &t);
	/* A task that has ended takes no signal: x, b, K and p are left out for it. */
	bool signals = b->keys[0] == 'x' || b->keys[0] == 'b' || b->keys[0] == 'K' || b->keys[0] == 'p';
	if (signals && selected && !t.alive)
		return NULL;
	if (b->keys[0] == 'p' && selected && t.paused)
		return "Resume";
	return b->program_bar;
}

static int keybar_item_width(struct ui *ui, const struct ui_binding *b, bool program)
{
	char keys[16];

	return ui_width(keybar_name(ui, b, program, keys, sizeof(keys))) + ui_width(keybar_label(ui, b, program));
}

/* The bindings in the bar's order: the table's, but on a program the selection's keys come second, after help. */
static int keybar_order(bool program, int n, int *order)
{
	int k = 0;
	bool placed = !program;

	for (int i = 0; i < n; i++) {
		if (program && ui_bindings[i].program_name != NULL)
			continue;
		order[k++] = i;
		for (int j = 0; j < n && !placed && ui_bindings[i].when == UI_WHEN_ALWAYS; j++) {
			if (ui_bindings[j].program_name != NULL)
				order[k++] = j;
		}
		placed |= ui_bindings[i].when == UI_WHEN_ALWAYS;
	}
	return k;
}

/*
 * At a narrow width whole items go, the least needed first (highest keep, rightmost first), so
 * no label is ever cut; F1 Help and q Quit (keep 0) always stay, and so does the selection when
 * it can.
 */
static void keybar_draw(struct ui *ui, struct ui_pane *p)
{
	WINDOW *win = p->win;
	bool shown[64];
	int n = ui_nbindings < 64 ? ui_nbindings : 64, total = 0, count = 0, x = 0, w = p->w;
	char sel[48] = "";
	int gi, wi;
	bool program = keybar_for_program(ui);

	if (selection_is_program(&ui->sel))
		snprintf(sel, sizeof(sel), "selected %s", ui->sel.task);
	else if (ui_selected(ui, &gi, &wi))
		snprintf(sel, sizeof(sel), "selected %s", lab_group_at(ui->lab, gi)->workers[wi].id);
	int selw = sel[0] != '\0' ? ui_width(sel) + 1 : 0;
	for (int i = 0; i < n; i++) {
		shown[i] = keybar_label(ui, &ui_bindings[i], program) != NULL && ui_binding_active(ui, &ui_bindings[i]);
		if (shown[i]) {
			total += keybar_item_width(ui, &ui_bindings[i], program);
			count++;
		}
	}
	for (int keep = 9; keep > 0; keep--) {
		for (int i = n - 1; i >= 0 && total + count - 1 + selw > w; i--) {
			if (shown[i] && ui_bindings[i].keep == keep) {
				shown[i] = false;
				total -= keybar_item_width(ui, &ui_bindings[i], program);
				count--;
			}
		}
	}
	if (total + count - 1 + selw > w)
		sel[0] = '\0';
	int order[64], norder = keybar_order(program, n, order);
	for (int k = 0; k < norder && x < w; k++) {
		int i = order[k];
		const struct ui_binding *b = &ui_bindings[i];
		if (!shown[i])
			continue;
		int x0 = x;
		char keys[16];
		x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEY], keybar_name(ui, b, program, keys, sizeof(keys)));
		x += ui_put(win, 0, x, w - x, ui->role[ROLE_KEYLABEL], keybar_label(ui, b, program));
		ui_hit_add(ui, HIT_KEY, win, 0, x0, x - x0, i, 0);
		if (x < w)
			x += ui_put(win, 0, x, 1, ui->role[ROLE_NORMAL], " ");
	}
	/* The rest of the line says what the selection is, so x, K and p never surprise. */
	if (sel[0] != '\0') {
		int sw = ui_width(sel);
		if (w - x >= sw)
			ui_put(win, 0, w - sw, sw, ui->role[ROLE_SECONDARY], sel);
	}
}

const struct ui_pane_ops ui_keybar_ops = {
	.name = "keybar",
	.shows = UI_LAB | UI_SELECTION | UI_LESSON,
	.draw = keybar_draw,
};
