/* Commands from the screen: run through the command language, echoed in the log, and the screen's own verbs (report, quit, bench) acted on. */
#include <inttypes.h>
#include <string.h>

#include <bsd/string.h>

#include "../view/machine_words.h"
#include "../view/report.h"
#include "../view/story.h"
#include "command.h"
#include "keys.h"
#include "pane_costs.h"

/* The report, a line per group in the log; the events its observation brought come first. */
static void command_report(struct ui *ui)
{
	struct report r;
	char a[32], b[32], c[32], words[384];

	if (!report_gather(&r, ui->lab)) {
		ui_log(ui, ROLE_ERROR, "report: out of memory");
		return;
	}
	frames_drain(&ui->clock);
	ui_log(ui, ROLE_NOTE, "report: ptviz's own counter @0x%" PRIxPTR " = %lld (it never runs the workload)",
	       r.parent_counter_address, (long long)r.parent_counter);
	machine_words_report(&r.machine, words, sizeof(words));
	ui_log(ui, ROLE_NOTE, "report: %s", words);
	machine_words_passes(&r.observation, words, sizeof(words));
	ui_log(ui, ROLE_NOTE, "report: %s", words);
	if (r.ngroups == 0)
		ui_log(ui, ROLE_NOTE, "report: no groups; t or s starts some");
	for (int i = 0; i < r.ngroups; i++) {
		const struct report_group *rg = &r.groups[i];
		const struct lab_group *g = rg->g;
		story_number(g->increments, a, sizeof(a));
		story_number(g->counter, b, sizeof(b));
		story_number(g->lost, c, sizeof(c));
		if (rg->one_counter)
			ui_log(ui, ROLE_NOTE, "report: %s %d/%d %s alive, sync %s, increments %s, counter %s, lost %s (%.1f%%)",
			       g->name, g->alive, g->nworkers, rg->noun, lab_sync_name(g->sync), a, b, c, rg->lost_percent);
		else
			ui_log(ui, ROLE_NOTE,
			       "report: %s %d/%d %s alive, sync %s, increments %s, private copies add up to %s but no counter "
			       "holds that, lost %s",
			       g->name, g->alive, g->nworkers, rg->noun, lab_sync_name(g->sync), a, b, c);
	}
	report_free(&r);
}

bool ui_exec(struct ui *ui, const struct cmd *c, struct cmd_error *err)
{
	char note[LAB_MSG_MAX];

	ui_log(ui, ROLE_COMMAND, ":%s", c->text);
	bool ok = cmd_exec(ui->lab, c, err, note, sizeof(note));
	frames_drain(&ui->clock);
	if (!ok) {
		ui_log(ui, ROLE_ERROR, "%s", err->message);
		return false;
	}
	if (note[0] != '\0')
		ui_log(ui, ROLE_NOTE, "%s", note);
	switch (c->verb) {
	case CMD_RUN:
		ui_log(ui, ROLE_NOTE, "time runs on its own here: the screen stays live ('run' waits only in -c and --batch)");
		break;
	case CMD_REPORT:
		command_report(ui);
		break;
	case CMD_QUIT:
		ui->quit = true;
		break;
	case CMD_BENCH:
		ui->changed |= ui_costs_start(ui, c->bench);
		break;
	default:
		break;
	}
	return true;
}

/*
 * ':help' and ':?' open the help, and ':help WORDS' opens it at WORDS: the screen's own, so
 * they are not in the command language that scripts and lessons speak.  False for any other text.
 */
static bool command_help(struct ui *ui, const char *text)
{
	while (*text == ' ')
		text++;
	size_t n = strncmp(text, "help", 4) == 0 ? 4 : text[0] == '?' ? 1 : 0;
	if (n == 0 || (text[n] != '\0' && text[n] != ' '))
		return false;
	char words[64];
	text += n;
	while (*text == ' ')
		text++;
	strlcpy(words, text, sizeof(words));
	for (n = strlen(words); n > 0 && words[n - 1] == ' '; n--)
		words[n - 1] = '\0';
	ui_help_open(ui, words);
	return true;
}

bool ui_command(struct ui *ui, const char *text, struct cmd_error *err)
{
	struct cmd_list list;
	bool ok = true;

	if (command_help(ui, text))
		return true;
	if (!cmd_parse(text, 1, &list, err)) {
		ui_log(ui, ROLE_ERROR, "%s: column %d: %s", text, err->column, err->message);
		return false;
	}
	for (int i = 0; i < list.n && ok; i++)
		ok = ui_exec(ui, &list.items[i], err);
	cmd_list_free(&list);
	ui_observe(ui);
	return ok;
}
