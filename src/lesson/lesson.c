/* The lesson parser: a lesson's text cut into lines, each checked and turned into items; no screen here. */
#include "lesson_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#define LESSON_FILE_MAX (1024 * 1024)

/* Columns count characters, not bytes, so an editor lands on the right place after a '×' or '—'. */
static int lesson_column(const char *s, const char *at)
{
	int col = 1;

	for (const char *q = s; q < at && *q != '\0'; q++) {
		if (((unsigned char)*q & 0xc0) != 0x80)
			col++;
	}
	return col;
}

bool lesson_fail(struct parser *p, const struct line *ln, const char *at, const char *fmt, ...)
{
	va_list ap;

	p->err->line = ln != NULL ? ln->number : 0;
	p->err->column = ln != NULL ? lesson_column(ln->s, at) : 0;
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
	va_end(ap);
	return false;
}

void lesson_error_format(const struct lesson_error *err, char *buf, size_t len)
{
	if (err->line > 0)
		snprintf(buf, len, "%s:%d:%d: %s", err->source, err->line, err->column, err->message);
	else
		snprintf(buf, len, "%s: %s", err->source, err->message);
}

/* Length of one UTF-8 character at s, 0 when it is not valid UTF-8 (or a control character). */
static int utf8_char(const unsigned char *s, unsigned long *cp)
{
	unsigned char c = s[0];
	int n;
	unsigned long v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and code points past Unicode's end. */
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

bool lesson_text(struct parser *p, const struct line *ln, const char *start, const char *end, int max,
                 const char *what, char **out)
{
	int chars = 0;

	start = skip_space(start);
	while (end > start && is_space(end[-1]))
		end--;
	for (const char *q = start; q < end;) {
		unsigned long cp;
		int n = utf8_char((const unsigned char *)q, &cp);
		if (n == 0)
			return lesson_fail(p, ln, q, "a byte 0x%02x that is not UTF-8: expected UTF-8 text",
			                   (unsigned char)*q);
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp < 0xa0))
			return lesson_fail(p, ln, q, "a control character (0x%02lx) in the %s: expected plain text", cp, what);
		if (++chars > max)
			return lesson_fail(p, ln, q, "the %s is too long: at most %d characters, so it reads at a glance", what,
			                   max);
		q += n;
	}
	char *s = strndup(start, (size_t)(end - start));
	if (s == NULL)
		return lesson_fail(p, ln, start, "out of memory");
	for (char *q = s; *q != '\0'; q++) {
		if (*q == '\t')
			*q = ' ';
	}
	*out = s;
	return true;
}

struct lesson_item *lesson_push(struct parser *p, const struct line *ln, const char *at, enum lesson_kind kind)
{
	struct lesson *l = p->l;

	if (l->nitems == l->cap) {
		int cap = l->cap ? l->cap * 2 : 32;
		struct lesson_item *items = realloc(l->items, (size_t)cap * sizeof(*items));
		if (items == NULL) {
			lesson_fail(p, ln, at, "out of memory");
			return NULL;
		}
		l->items = items;
		l->cap = cap;
	}
	struct lesson_item *it = &l->items[l->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->line = ln->number;
	it->column = lesson_column(ln->s, at);
	it->step = p->step;
	return it;
}

bool lesson_end(struct parser *p, const struct line *ln, const char *rest, const char *after)
{
	rest = skip_space(rest);
	if (*rest != '\0' && *rest != '#') {
		const char *e = rest;
		while (*e != '\0' && !is_space(*e))
			e++;
		return lesson_fail(p, ln, rest, "unexpected '%.*s' after '%s': expected the end of the line", (int)(e - rest),
		                   rest, after);
	}
	return true;
}

void lesson_item_free(struct lesson_item *it)
{
	free(it->text);
	cmd_list_free(&it->cmds);
	free(it->ask.question);
	for (int i = 0; i < LESSON_ANSWERS_MAX; i++)
		free(it->ask.answers[i]);
	free(it->ask.why);
}

void lesson_free(struct lesson *l)
{
	if (l == NULL)
		return;
	for (int i = 0; i < l->nitems; i++)
		lesson_item_free(&l->items[i]);
	free(l->items);
	free(l->source);
	free(l->name);
	free(l->title);
	free(l->summary);
	memset(l, 0, sizeof(*l));
}

static char *lesson_name_of(const char *source)
{
	const char *base = strrchr(source, '/');
	base = base != NULL ? base + 1 : source;
	size_t n = strlen(base), s = strlen(LESSON_SUFFIX);
	if (n > s && strcmp(base + n - s, LESSON_SUFFIX) == 0)
		n -= s;
	return strndup(base, n);
}

/* Each line of text in turn, cut at its newline (and a '\r' before it); stops at the first error. */
static bool lesson_lines(struct parser *p, const char *text, size_t len)
{
	char buf[LESSON_LINE_MAX + 1];
	size_t at = 0;
	int number = 0;
	bool ok = true;

	while (ok && at < len) {
		const char *s = text + at;
		const char *nl = memchr(s, '\n', len - at);
		size_t n = nl != NULL ? (size_t)(nl - s) : len - at;
		struct line ln = { buf, ++number };
		at += n + (nl != NULL);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		size_t keep = n > LESSON_LINE_MAX ? LESSON_LINE_MAX : n;
		memcpy(buf, s, keep);
		buf[keep] = '\0';
		const char *nul = memchr(s, '\0', n);
		if (nul != NULL) {
			buf[nul - s < (ptrdiff_t)keep ? nul - s : (ptrdiff_t)keep] = '\0';
			return lesson_fail(p, &ln, buf + strlen(buf), "a NUL byte: expected a text file");
		}
		if (n > LESSON_LINE_MAX)
			return lesson_fail(p, &ln, buf + LESSON_LINE_MAX, "the line is too long: at most %d bytes",
			                   LESSON_LINE_MAX);
		ok = lesson_line(p, &ln);
	}
	return ok;
}

/* Where each answer shows: its answer line, else the first pause after it, else the end. */
static void lesson_place_answers(struct lesson *l)
{
	for (int i = 0; i < l->nitems; i++) {
		struct lesson_ask *a = &l->items[i].ask;
		int pause = -1;
		if (l->items[i].kind != LESSON_ASK)
			continue;
		a->answer_item = l->nitems;
		for (int j = i + 1; j < l->nitems && l->items[j].kind != LESSON_ASK; j++) {
			if (l->items[j].kind == LESSON_ANSWER) {
				a->answer_item = j;
				break;
			}
			if (l->items[j].kind == LESSON_PAUSE && pause < 0)
				pause = j;
		}
		if (a->answer_item == l->nitems && pause >= 0)
			a->answer_item = pause;
	}
}

/* Once every line is read: a lesson has a title and something to play; its steps are counted, its answers placed. */
static bool lesson_complete(struct parser *p)
{
	struct lesson *l = p->l;

	if (p->title_line == 0) {
		struct line first = { "", 1 };
		return lesson_fail(p, &first, first.s, "a lesson begins with 'title TEXT' (and may add 'summary TEXT')");
	}
	if (l->nitems == 0)
		return lesson_fail(p, NULL, NULL, "nothing to play: add a caption or a command after the title");
	enum lesson_kind last = l->items[l->nitems - 1].kind;
	l->nsteps = last == LESSON_PAUSE || last == LESSON_ANSWER ? p->step : p->step + 1;
	lesson_place_answers(l);
	return true;
}

bool lesson_parse(const char *text, size_t len, const char *source, struct lesson *out, struct lesson_error *err)
{
	struct parser p = { .l = out, .err = err };
	bool ok;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	strlcpy(err->source, source != NULL ? source : "-", sizeof(err->source));
	out->source = strdup(err->source);
	out->name = lesson_name_of(err->source);
	if (out->source == NULL || out->name == NULL)
		ok = lesson_fail(&p, NULL, NULL, "out of memory");
	else
		ok = lesson_lines(&p, text, len) && lesson_complete(&p) && lesson_needs_apply(&p);
	if (!ok)
		lesson_free(out);
	return ok;
}
bool lesson_load(const char *path, struct lesson *out, struct lesson_error *err)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t len;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	strlcpy(err->source, path, sizeof(err->source));
	if (f == NULL) {
		snprintf(err->message, sizeof(err->message), "cannot open: %s", strerror(errno));
		return false;
	}
	buf = malloc(LESSON_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		snprintf(err->message, sizeof(err->message), "out of memory");
		return false;
	}
	len = fread(buf, 1, LESSON_FILE_MAX + 1, f);
	bool bad = ferror(f);
	int e = errno;
	fclose(f);
	if (bad || len > LESSON_FILE_MAX) {
		snprintf(err->message, sizeof(err->message), bad ? "cannot read: %s" : "too big for a lesson: at most %s",
		         bad ? strerror(e) : "1 MiB");
		free(buf);
		return false;
	}
	bool ok = lesson_parse(buf, len, path, out, err);
	free(buf);
	return ok;
}

int lesson_words(const char *text)
{
	int n = 0;

	for (const char *q = text; q != NULL && *q != '\0'; q++) {
		if (!is_space(*q) && (q == text || is_space(q[-1])))
			n++;
	}
	return n;
}

double lesson_hold_seconds(int words, double floor, double speed)
{
	double seconds = words / LESSON_READ_WORDS_PER_SECOND;

	if (seconds < floor)
		seconds = floor;
	return speed > 0 ? seconds / speed : seconds;
}
