/* The command language's parser: text to a list of commands, or an error with line and column. */
#include "cmd_priv.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

bool cmd_fail(struct cmd_error *err, int line, int column, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return false;
}

void cmd_words_join(const char *const *words, const char *sep, const char *last, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; words[i] != NULL; i++) {
		if (i > 0)
			strlcat(buf, words[i + 1] == NULL ? last : sep, len);
		strlcat(buf, words[i], len);
	}
}

/* ---- the words after the verb ---- */

bool cmd_is_name(const char *s, bool allow_number)
{
	size_t letters = 0;

	while (isalpha((unsigned char)s[letters]))
		letters++;
	if (letters == 0 || letters > LAB_NAME_MAX)
		return false;
	if (s[letters] == '\0')
		return true;
	if (!allow_number || s[letters] < '1' || s[letters] > '9')
		return false;
	for (size_t i = letters; s[i] != '\0'; i++) {
		if (!isdigit((unsigned char)s[i]) || i - letters >= 6)
			return false;
	}
	return true;
}

bool cmd_arg_end(const struct cmd_statement *st, int i, struct cmd_error *err)
{
	if (i < st->nwords)
		return cmd_fail(err, st->line, st->words[i].column, "unexpected '%s' after '%s'",
		                st->words[i].text, st->words[i - 1].text);
	return true;
}

bool cmd_arg_word(const struct cmd_statement *st, int i, const char *const *words, const char *needs,
                  const char *what, int *index, struct cmd_error *err)
{
	char expected[256];

	if (i >= st->nwords) {
		cmd_words_join(words, ", ", " or ", expected, sizeof(expected));
		return cmd_fail(err, st->line, st->end_column, "%s needs %s: %s", st->words[0].text, needs, expected);
	}
	const struct cmd_word *w = &st->words[i];
	for (int k = 0; words[k] != NULL; k++) {
		if (strcmp(w->text, words[k]) == 0) {
			*index = k;
			return true;
		}
	}
	cmd_words_join(words, ", ", " or ", expected, sizeof(expected));
	return cmd_fail(err, st->line, w->column, "unknown %s '%s': expected %s", what, w->text, expected);
}

bool cmd_arg_target(const struct cmd_statement *st, int i, struct cmd *c, const char *what, const char *example,
                    bool allow_all, bool allow_worker, struct cmd_error *err)
{
	if (i >= st->nwords)
		return cmd_fail(err, st->line, st->end_column, "%s needs %s, e.g. '%s'",
		                st->words[0].text, what, example);
	const struct cmd_word *w = &st->words[i];
	bool ok = (allow_all && strcmp(w->text, "all") == 0) || cmd_is_name(w->text, allow_worker);
	if (!ok || w->too_long)
		return cmd_fail(err, st->line, w->column, "bad name '%s': expected %s, e.g. '%s'",
		                w->text, what, example);
	strlcpy(c->target, w->text, sizeof(c->target));
	c->target_column = w->column;
	return true;
}

bool cmd_arg_worker(const struct cmd_statement *st, int i, struct cmd *c, const char *what, const char *example,
                    struct cmd_error *err)
{
	if (i < st->nwords && !cmd_is_name(st->words[i].text, true))
		return cmd_fail(err, st->line, st->words[i].column,
		                "bad worker '%s': expected a worker such as T3 or P2", st->words[i].text);
	if (i < st->nwords && cmd_is_name(st->words[i].text, false))
		return cmd_fail(err, st->line, st->words[i].column, "'%s' is a group, not a worker: %s, e.g. '%s1'",
		                st->words[i].text, what, st->words[i].text);
	return cmd_arg_target(st, i, c, "a worker", example, false, true, err);
}

bool cmd_arg_group(const struct cmd_statement *st, int i, struct cmd *c, const char *example, struct cmd_error *err)
{
	if (i >= st->nwords)
		return true;
	return cmd_arg_target(st, i, c, "a group", example, false, false, err) && cmd_arg_end(st, i + 1, err);
}

/* ---- one command ---- */

/*
 * Where it starts, and its text as written, for echoes and history: runs of
 * blanks outside quotes become one space, so a command padded with blanks
 * still fits whole; what still does not fit is cut, and marked so.
 */
static void statement_begin(const struct cmd_statement *st, struct cmd *c)
{
	size_t len = 0;
	bool quoted = false;

	memset(c, 0, sizeof(*c));
	c->line = st->line;
	c->column = st->column;
	for (size_t i = 0; i < st->len; i++) {
		char ch = st->start[i];
		bool blank = isspace((unsigned char)ch) && !quoted;
		quoted ^= ch == '"';
		if (blank && (len == 0 || c->text[len - 1] == ' '))
			continue;
		if (len + 1 >= sizeof(c->text)) {
			c->text_cut = true;
			break;
		}
		c->text[len++] = blank ? ' ' : ch;
	}
	while (len > 0 && c->text[len - 1] == ' ')
		len--;
	c->text[len] = '\0';
}

static bool unknown_command(const struct cmd_statement *st, struct cmd_error *err)
{
	const char *names[64];
	char expected[512];
	int n = 0;

	for (const struct cmd_entry *e = cmd_entries; e->name != NULL && n < 63; e++)
		names[n++] = e->name;
	names[n] = NULL;
	cmd_words_join(names, ", ", " or ", expected, sizeof(expected));
	return cmd_fail(err, st->line, st->words[0].column, "unknown command '%s': expected %s", st->words[0].text,
	                expected);
}

static bool parse_statement(const struct cmd_statement *st, struct cmd *c, struct cmd_error *err)
{
	statement_begin(st, c);
	/* A program's words are its own, read again from the text, as long and as many as it needs. */
	if (st->nwords >= 2 && strcmp(st->words[0].text, "spawn") == 0 && strcmp(st->words[1].text, "program") == 0) {
		c->entry = cmd_entry_find("spawn");
		c->verb = CMD_SPAWN;
		return cmd_parse_spawn_program(st, c, err);
	}
	for (int i = 0; i < st->nwords; i++) {
		if (st->words[i].too_long)
			return cmd_fail(err, st->line, st->words[i].column, "word too long: '%.20s...'",
			                st->words[i].text);
	}
	const struct cmd_entry *e = cmd_entry_find(st->words[0].text);
	if ((e == NULL || !e->list) && (st->too_many || st->nwords > CMD_MAX_PLAIN_WORDS))
		return cmd_fail(err, st->line, st->words[CMD_MAX_PLAIN_WORDS].column,
		                "too many words in one command: separate commands with ';' or a new line");
	if (e == NULL)
		return unknown_command(st, err);
	c->entry = e;
	c->verb = e->verb;
	return e->parse(st, c, err);
}

/* ---- the text ---- */

static bool list_push(struct cmd_list *list, const struct cmd *c)
{
	if (list->n == list->cap) {
		int cap = list->cap ? list->cap * 2 : 16;
		struct cmd *items = realloc(list->items, (size_t)cap * sizeof(*items));
		if (items == NULL)
			return false;
		list->items = items;
		list->cap = cap;
	}
	list->items[list->n++] = *c;
	return true;
}

void cmd_list_free(struct cmd_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* Where the parser is in the text. */
struct cursor {
	const char *p;
	int line, column;
};

/* A word, kept when there is room for it (its characters, its column); *at is just past it. */
static void read_word(struct cmd_statement *st, struct cursor *at)
{
	if (st->nwords == 0) {
		st->line = at->line;
		st->column = at->column;
		st->start = at->p;
	}
	struct cmd_word *w = st->nwords < CMD_MAX_WORDS ? &st->words[st->nwords] : NULL;
	if (w == NULL)
		st->too_many = true;
	else
		w->column = at->column;
	size_t len = 0;
	bool quoted = false;   /* inside double quotes, blanks, ';' and '#' are the word's own */
	while (((unsigned char)*at->p > ' ' && *at->p != 0x7f && ((*at->p != ';' && *at->p != '#') || quoted)) ||
	       (quoted && (*at->p == ' ' || *at->p == '\t'))) {
		quoted ^= *at->p == '"';
		if (w != NULL) {
			if (len + 1 < sizeof(w->text))
				w->text[len++] = *at->p;
			else
				w->too_long = true;
		}
		at->p++;
		at->column++;
	}
	if (w != NULL) {
		w->text[len] = '\0';
		st->nwords++;
	}
	st->end_column = at->column;
	st->len = (size_t)(at->p - st->start);
}

/* A statement ends: parsed and kept, when it has words. */
static bool end_statement(struct cmd_statement *st, struct cmd_list *out, struct cmd_error *err)
{
	struct cmd c;

	if (st->nwords > 0 && (!parse_statement(st, &c, err) || !list_push(out, &c))) {
		if (err->message[0] == '\0')
			cmd_fail(err, st->line, st->column, "out of memory");
		return false;
	}
	memset(st, 0, sizeof(*st));
	return true;
}

bool cmd_parse(const char *text, int first_line, struct cmd_list *out, struct cmd_error *err)
{
	struct cmd_statement st;
	struct cursor at = { text, first_line, 1 };

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	memset(&st, 0, sizeof(st));
	for (;;) {
		char ch = *at.p;

		if (ch == '#') {
			/* A comment runs to the end of the line. */
			while (*at.p != '\0' && *at.p != '\n') {
				at.p++;
				at.column++;
			}
		} else if (ch == '\0' || ch == '\n' || ch == ';') {
			if (!end_statement(&st, out, err)) {
				cmd_list_free(out);
				return false;
			}
			if (ch == '\0')
				return true;
			at.line += ch == '\n';
			at.column = ch == '\n' ? 1 : at.column + 1;
			at.p++;
		} else if (ch == ' ' || ch == '\t' || ch == '\r') {
			at.p++;
			at.column++;
		} else if ((unsigned char)ch < 0x20 || ch == 0x7f) {
			cmd_list_free(out);
			return cmd_fail(err, at.line, at.column, "unexpected control character 0x%02x", (unsigned char)ch);
		} else {
			read_word(&st, &at);
		}
	}
}
