/* The needs directive: a lesson that runs an example with python3 or node says so, and plays, where it is missing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "../lab/symbols.h"
#include "lesson_priv.h"

bool lesson_needs(struct parser *p, const struct line *ln, const char *word, const char *rest)
{
	const char *s = skip_space(rest), *e = s;
	char path[SYMBOL_PATH_MAX], msg[SYMBOL_MSG_MAX];

	while (*e != '\0' && !is_space(*e))
		e++;
	size_t n = (size_t)(e - s);
	if (n == 0 || n >= sizeof(p->missing) || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789._+-") < n)
		return lesson_fail(p, ln, s, "needs names a program the lesson runs, e.g. 'needs python3' or 'needs node'");
	if (p->l->nitems > 0)
		return lesson_fail(p, ln, word, "needs comes before the lesson's first caption or command");
	if (!lesson_end(p, ln, e, "needs PROGRAM"))
		return false;
	char name[sizeof(p->missing)];
	memcpy(name, s, n);
	name[n] = '\0';
	if (p->missing[0] == '\0' && !symbol_program_path(name, path, sizeof(path), msg, sizeof(msg)))
		strlcpy(p->missing, name, sizeof(p->missing));
	return true;
}

/*
 * Once the whole lesson is read (and found right): when a program it needs is missing, it plays
 * one step that says so instead of its own, which would fail at their first command.
 */
bool lesson_needs_apply(struct parser *p)
{
	struct lesson *l = p->l;
	char text[LESSON_CAPTION_MAX];

	if (p->missing[0] == '\0')
		return true;
	int line = l->nitems > 0 ? l->items[0].line : 1;
	while (l->nitems > 0)
		lesson_item_free(&l->items[--l->nitems]);
	snprintf(text, sizeof(text), "This lesson runs a program with %s, which is not installed here, so it shows "
	         "nothing more. Install it (on Debian: apt install %s) and open the lesson again.", p->missing,
	         strcmp(p->missing, "node") == 0 ? "nodejs" : p->missing);
	struct line first = { "", line };
	struct lesson_item *it = lesson_push(p, &first, first.s, LESSON_CAPTION);
	if (it == NULL || (it->text = strdup(text)) == NULL)
		return lesson_fail(p, NULL, NULL, "out of memory");
	it->step = 0;
	l->nsteps = 1;
	l->nasks = 0;
	return true;
}
