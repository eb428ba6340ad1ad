/* The words of spawn green after its count: on M, handoff. */
#include "cmd_priv.h"

#include <stdio.h>
#include <string.h>

bool cmd_parse_spawn_green(const struct cmd_statement *st, int *i, struct cmd *c, struct cmd_error *err)
{
	const int most = LAB_GREEN_KERNELS_MAX / 2;

	if (*i < st->nwords && strcmp(st->words[*i].text, "on") == 0) {
		if (*i + 1 >= st->nwords)
			return cmd_fail(err, st->line, st->end_column, "'on' needs how many kernel threads, e.g. 'on 2'");
		const struct cmd_word *w = &st->words[*i + 1];
		char words[96], why[104] = "";
		double v;
		bool number = cmd_number(w->text, false, &v, words, sizeof(words));
		if (!number && words[0] != '\0')
			snprintf(why, sizeof(why), " (%s)", words);
		if (!number || v < 1 || v > most)
			return cmd_fail(err, st->line, w->column, "bad count of kernel threads '%s'%s: expected 1 to %d, e.g. 'on 2'",
			                w->text, why, most);
		c->kernels = (int)v;
		*i += 2;
	}
	if (*i < st->nwords && strcmp(st->words[*i].text, "handoff") == 0) {
		c->handoff = true;
		*i += 1;
	}
	if (*i < st->nwords && strcmp(st->words[*i].text, "shared") == 0)
		return cmd_fail(err, st->line, st->words[*i].column,
		                "'shared' is only for processes: green threads share one host's memory");
	return true;
}
