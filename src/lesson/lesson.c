/* The lesson parser and the places built-in lessons are found; no screen here. */
#include "lesson.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/string.h>

#ifndef PTVIZ_LESSONS_INSTALLED
#define PTVIZ_LESSONS_INSTALLED "/usr/local/share/ptviz/lessons"
#endif
#ifndef PTVIZ_LESSONS_SOURCE
#define PTVIZ_LESSONS_SOURCE ""
#endif

#define LESSON_FILE_MAX (1024 * 1024)
#define LESSON_SUFFIX ".lesson"

/* One line being parsed: its text and where it sits. */
struct line {
	const char *s;     /* NUL-terminated, without the newline */
	int number;
};

struct parser {
	struct lesson *l;
	struct lesson_error *err;
	int step;
	int open_ask_line;     /* an ask not yet followed by a pause or an answer, 0 when none */
	int unanswered;        /* the last ask has no answer line yet */
	int title_line, summary_line;
};

static bool lesson_fail(struct parser *p, const struct line *ln, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

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

static bool lesson_fail(struct parser *p, const struct line *ln, const char *at, const char *fmt, ...)
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

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_space(const char *s)
{
	while (is_space(*s))
		s++;
	return s;
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

/*
 * Checks directive text in [start, end) of the line: UTF-8, no control
 * characters, at most max characters.  Copies it, trimmed, tabs as spaces.
 */
static bool lesson_text(struct parser *p, const struct line *ln, const char *start, const char *end, int max,
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

static struct lesson_item *lesson_push(struct parser *p, const struct line *ln, const char *at,
                                       enum lesson_kind kind)
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

/* The end of a directive that takes nothing more: spaces, then a comment or nothing. */
static bool lesson_end(struct parser *p, const struct line *ln, const char *rest, const char *after)
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

static bool lesson_header(struct parser *p, const struct line *ln, const char *word, const char *rest, bool title)
{
	const char *what = title ? "title" : "summary";
	int *seen = title ? &p->title_line : &p->summary_line;
	char **field = title ? &p->l->title : &p->l->summary;

	if (p->l->nitems > 0)
		return lesson_fail(p, ln, word, "'%s' belongs at the top, before the first caption or command", what);
	if (*seen != 0)
		return lesson_fail(p, ln, word, "a second %s: the first is on line %d", what, *seen);
	rest = skip_space(rest);
	if (*rest == '\0')
		return lesson_fail(p, ln, rest, "%s needs text, e.g. '%s'", what,
		                   title ? "title Crash blast radius" : "summary A thread's crash ends its whole process");
	if (!lesson_text(p, ln, rest, rest + strlen(rest), title ? LESSON_TITLE_MAX : LESSON_SUMMARY_MAX, what, field))
		return false;
	*seen = ln->number;
	return true;
}

static bool lesson_seconds(struct parser *p, const struct line *ln, const char *word, const char *rest, double min,
                           double *out)
{
	char num[32];
	const char *s = skip_space(rest), *e = s;

	while (*e != '\0' && !is_space(*e) && *e != '#')
		e++;
	if (e == s)
		return lesson_fail(p, ln, s, "%s needs seconds, e.g. '%s 2' or '%s 0.5'", word, word, word);
	size_t n = (size_t)(e - s);
	bool ok = n < sizeof(num);
	double v = 0;
	if (ok) {
		char *end;
		memcpy(num, s, n);
		num[n] = '\0';
		errno = 0;
		v = strtod(num, &end);
		ok = (isdigit((unsigned char)num[0]) || num[0] == '.') && *end == '\0' && errno == 0 && isfinite(v) &&
		     v >= min && v <= LESSON_WAIT_MAX;
	}
	if (!ok)
		return lesson_fail(p, ln, s, "bad duration '%.*s': expected seconds from %g to %.0f, e.g. '%s 2' or '%s 0.5'",
		                   (int)(n > 24 ? 24 : n), s, min, LESSON_WAIT_MAX, word, word);
	*out = v;
	char after[48];
	snprintf(after, sizeof(after), "%s %s", word, num);
	return lesson_end(p, ln, e, after);
}

/* A worker as the command language names it (letters, then a number from 1), or GROUP? for a chance pick. */
static bool lesson_worker_name(const char *s, size_t n)
{
	size_t letters = 0;

	while (letters < n && isalpha((unsigned char)s[letters]))
		letters++;
	if (letters == 0 || letters > LAB_NAME_MAX || letters == n)
		return false;
	if (s[letters] == '?')
		return letters + 1 == n;
	if (s[letters] < '1' || s[letters] > '9' || n - letters > 6)
		return false;
	for (size_t i = letters; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static bool lesson_show(struct parser *p, const struct line *ln, const char *word, const char *rest)
{
	const char *s = skip_space(rest), *e = s;

	while (*e != '\0' && !is_space(*e))
		e++;
	if (e - s == 4 && strncmp(s, "none", 4) == 0) {
		if (!lesson_end(p, ln, e, "show none"))
			return false;
		struct lesson_item *it = lesson_push(p, ln, word, LESSON_SHOW);
		return it != NULL && (it->text = strdup("")) != NULL;
	}
	if (e - s != 3 || strncmp(s, "map", 3) != 0) {
		if (e == s)
			return lesson_fail(p, ln, s, "show needs what to show: 'show map T1' (its process's memory map) or 'show none'");
		return lesson_fail(p, ln, s, "cannot show '%.*s': expected 'show map WORKER' or 'show none'", (int)(e - s), s);
	}
	const char *w = skip_space(e), *we = w;
	while (*we != '\0' && !is_space(*we) && *we != '#')
		we++;
	if (we == w)
		return lesson_fail(p, ln, w, "show map needs a worker, e.g. 'show map P1' (or P? for one picked by chance)");
	if (!lesson_worker_name(w, (size_t)(we - w)))
		return lesson_fail(p, ln, w, "bad worker '%.*s': expected a worker such as T1 or P2, or P? for one picked by chance",
		                   (int)(we - w > 24 ? 24 : we - w), w);
	char after[48];
	snprintf(after, sizeof(after), "show map %.*s", (int)(we - w > 16 ? 16 : we - w), w);
	if (!lesson_end(p, ln, we, after))
		return false;
	struct lesson_item *it = lesson_push(p, ln, word, LESSON_SHOW);
	if (it == NULL)
		return false;
	it->text = strndup(w, (size_t)(we - w));
	it->chance = we[-1] == '?';
	return it->text != NULL || lesson_fail(p, ln, w, "out of memory");
}

/* One '|'-separated part of an ask, trimmed: [*s, *e). */
static void ask_part(const char *from, const char **s, const char **e)
{
	const char *q = skip_space(from), *end = q;

	while (*end != '\0' && *end != '|')
		end++;
	*s = q;
	*e = end;
	while (*e > *s && is_space((*e)[-1]))
		(*e)--;
}

static bool lesson_ask(struct parser *p, const struct line *ln, const char *word, const char *rest)
{
	const char *s, *e, *q = rest;
	const char *correct_at = NULL;
	bool have_correct = false, in_keys = false;

	if (p->open_ask_line != 0)
		return lesson_fail(p, ln, word,
		                   "the ask on line %d has had no answer yet: put an 'answer' (or a 'pause') before this ask",
		                   p->open_ask_line);
	ask_part(q, &s, &e);
	if (e == s)
		return lesson_fail(p, ln, s,
		                   "ask needs a question and answers, e.g. 'ask Which survive? | none | the others | "
		                   "correct=2 | why=each process has its own memory'");
	struct lesson_item *it = lesson_push(p, ln, word, LESSON_ASK);
	if (it == NULL)
		return false;
	/* From here on the item owns what is copied; on error the caller frees the lesson. */
	if (!lesson_text(p, ln, s, e, LESSON_QUESTION_MAX, "question", &it->ask.question))
		return false;
	q = e;
	while (*q == ' ' || *q == '\t')
		q++;
	while (*q == '|') {
		const char *bar = q;
		ask_part(q + 1, &s, &e);
		q = e;
		while (*q != '\0' && *q != '|')
			q++;
		if (strncmp(s, "correct=", 8) == 0) {
			if (have_correct)
				return lesson_fail(p, ln, s, "a second correct=: give the right answer's number once");
			char *end;
			errno = 0;
			long v = strtol(s + 8, &end, 10);
			if (!isdigit((unsigned char)s[8]) || end != e || errno != 0 || v < 1 || v > LESSON_ANSWERS_MAX)
				return lesson_fail(p, ln, s + 8, "bad correct=%.*s: expected the number of the right answer, e.g. correct=2",
				                   (int)(e - s - 8 > 12 ? 12 : e - s - 8), s + 8);
			it->ask.correct = (int)v;
			correct_at = s + 8;
			have_correct = true;
			in_keys = true;
			continue;
		}
		if (strncmp(s, "why=", 4) == 0) {
			if (it->ask.why != NULL)
				return lesson_fail(p, ln, s, "a second why=: say why once");
			if (e == s + 4)
				return lesson_fail(p, ln, s + 4, "why= is empty: say in a sentence why the right answer is right");
			if (!lesson_text(p, ln, s + 4, e, LESSON_WHY_MAX, "why", &it->ask.why))
				return false;
			in_keys = true;
			continue;
		}
		if (in_keys)
			return lesson_fail(p, ln, s, "an answer after correct= or why=: list the answers first");
		if (e == s)
			return lesson_fail(p, ln, bar + 1, "an empty answer between two '|'");
		if (it->ask.nanswers == LESSON_ANSWERS_MAX)
			return lesson_fail(p, ln, s, "too many answers: at most %d, so each has a key 1 to %d", LESSON_ANSWERS_MAX,
			                   LESSON_ANSWERS_MAX);
		if (!lesson_text(p, ln, s, e, LESSON_ANSWER_MAX, "answer", &it->ask.answers[it->ask.nanswers]))
			return false;
		it->ask.nanswers++;
	}
	const char *eol = ln->s + strlen(ln->s);
	if (it->ask.nanswers < 2)
		return lesson_fail(p, ln, eol, "ask needs at least two answers after the question, each after a '|'");
	if (!have_correct)
		return lesson_fail(p, ln, eol, "ask needs the right answer's number: add '| correct=N' (N from 1 to %d)",
		                   it->ask.nanswers);
	if (it->ask.correct > it->ask.nanswers)
		return lesson_fail(p, ln, correct_at, "correct=%d, but there are only %d answers", it->ask.correct,
		                   it->ask.nanswers);
	if (it->ask.why == NULL)
		return lesson_fail(p, ln, eol, "ask needs the reason: add '| why=TEXT', shown with the answer");
	p->open_ask_line = ln->number;
	p->unanswered = 1;
	p->l->nasks++;
	return true;
}

/* Chance picks are checked as GROUP1, so the command language can check the rest of the line. */
static int chance_one(const char *group, void *ctx)
{
	(void)group;
	(void)ctx;
	return 1;
}

bool lesson_fill_chance(const char *line, int (*pick)(const char *group, void *ctx), void *ctx, char *out,
                        size_t outlen, char *msg, size_t msglen)
{
	size_t o = 0;
	const char *q = line;

	if (msg != NULL && msglen > 0)
		msg[0] = '\0';
	while (*q != '\0') {
		bool word_start = q == line || is_space(q[-1]) || q[-1] == ';';
		if (*q == '#') {
			/* A comment: copied as it is. */
			size_t n = strlen(q);
			if (o + n >= outlen)
				goto too_long;
			memcpy(out + o, q, n);
			o += n;
			break;
		}
		size_t letters = 0;
		while (word_start && isalpha((unsigned char)q[letters]))
			letters++;
		if (letters > 0 && letters <= LAB_NAME_MAX && q[letters] == '?' &&
		    (q[letters + 1] == '\0' || is_space(q[letters + 1]) || q[letters + 1] == ';' || q[letters + 1] == '#')) {
			char group[LAB_NAME_MAX + 1];
			memcpy(group, q, letters);
			group[letters] = '\0';
			int n = pick(group, ctx);
			if (n <= 0) {
				if (msg != NULL)
					snprintf(msg, msglen, "%s?: group %s has no live worker to pick", group, group);
				return false;
			}
			int w = snprintf(out + o, outlen - o, "%s%d", group, n);
			if (w < 0 || (size_t)w >= outlen - o)
				goto too_long;
			o += (size_t)w;
			q += letters + 1;
			continue;
		}
		if (o + 1 >= outlen)
			goto too_long;
		out[o++] = *q++;
	}
	out[o] = '\0';
	return true;
too_long:
	if (msg != NULL)
		snprintf(msg, msglen, "the line is too long once its workers are picked");
	if (outlen > 0)
		out[0] = '\0';
	return false;
}

static bool lesson_commands(struct parser *p, const struct line *ln, const char *start)
{
	char filled[LESSON_LINE_MAX + 64];
	struct cmd_list list;
	struct cmd_error cerr;

	if (!lesson_fill_chance(ln->s, chance_one, NULL, filled, sizeof(filled), NULL, 0))
		return lesson_fail(p, ln, start, "the line is too long");
	if (!cmd_parse(filled, ln->number, &list, &cerr)) {
		/* The command language counts bytes from the start of the line; a chance pick is as long as its stand-in. */
		const char *at = ln->s;
		for (int c = 1; c < cerr.column && *at != '\0'; c++)
			at++;
		return lesson_fail(p, ln, at, "%s", cerr.message);
	}
	if (list.n == 0) {
		cmd_list_free(&list);
		return true;
	}
	struct lesson_item *it = lesson_push(p, ln, start, LESSON_COMMANDS);
	if (it == NULL) {
		cmd_list_free(&list);
		return false;
	}
	it->cmds = list;
	it->chance = strcmp(filled, ln->s) != 0;
	it->text = strdup(ln->s);
	return it->text != NULL || lesson_fail(p, ln, start, "out of memory");
}

static bool lesson_line(struct parser *p, const struct line *ln)
{
	const char *start = skip_space(ln->s);
	const char *e = start;

	if (*start == '\0' || *start == '#')
		return true;
	while (*e != '\0' && !is_space(*e))
		e++;
	size_t n = (size_t)(e - start);
#define IS(w) (n == sizeof(w) - 1 && strncmp(start, w, n) == 0)
	if (IS("title"))
		return lesson_header(p, ln, start, e, true);
	if (IS("summary"))
		return lesson_header(p, ln, start, e, false);
	if (p->title_line == 0)
		return lesson_fail(p, ln, start, "a lesson begins with 'title TEXT' (and may add 'summary TEXT') before its "
		                                 "first caption or command");
	if (IS("caption")) {
		struct lesson_item *it = lesson_push(p, ln, start, LESSON_CAPTION);
		return it != NULL && lesson_text(p, ln, e, e + strlen(e), LESSON_CAPTION_MAX, "caption", &it->text);
	}
	if (IS("pause") && (*skip_space(e) == '\0' || *skip_space(e) == '#')) {
		struct lesson_item *it = lesson_push(p, ln, start, LESSON_PAUSE);
		if (it == NULL)
			return false;
		p->open_ask_line = 0;
		p->step++;
		return true;
	}
	if (IS("answer")) {
		if (!p->unanswered)
			return lesson_fail(p, ln, start, "answer: there is no question to answer; an 'ask' comes first");
		if (!lesson_end(p, ln, e, "answer"))
			return false;
		if (lesson_push(p, ln, start, LESSON_ANSWER) == NULL)
			return false;
		p->open_ask_line = 0;
		p->unanswered = 0;
		p->step++;
		return true;
	}
	if (IS("wait") || IS("measure")) {
		bool wait = IS("wait");
		double s = 0;
		if (!lesson_seconds(p, ln, wait ? "wait" : "measure", e, wait ? 0.0 : 0.1, &s))
			return false;
		struct lesson_item *it = lesson_push(p, ln, start, wait ? LESSON_WAIT : LESSON_MEASURE);
		if (it == NULL)
			return false;
		it->seconds = s;
		return true;
	}
	if (IS("ask"))
		return lesson_ask(p, ln, start, e);
	if (IS("show"))
		return lesson_show(p, ln, start, e);
#undef IS
	return lesson_commands(p, ln, start);
}

static void lesson_item_free(struct lesson_item *it)
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

bool lesson_parse(const char *text, size_t len, const char *source, struct lesson *out, struct lesson_error *err)
{
	struct parser p = { .l = out, .err = err };
	char buf[LESSON_LINE_MAX + 1];
	size_t at = 0;
	int number = 0;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	strlcpy(err->source, source != NULL ? source : "-", sizeof(err->source));
	out->source = strdup(err->source);
	out->name = lesson_name_of(err->source);
	if (out->source == NULL || out->name == NULL) {
		ok = lesson_fail(&p, NULL, NULL, "out of memory");
		goto done;
	}
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
			ok = lesson_fail(&p, &ln, buf + strlen(buf), "a NUL byte: expected a text file");
			break;
		}
		if (n > LESSON_LINE_MAX) {
			ok = lesson_fail(&p, &ln, buf + LESSON_LINE_MAX, "the line is too long: at most %d bytes",
			                 LESSON_LINE_MAX);
			break;
		}
		ok = lesson_line(&p, &ln);
	}
	if (!ok)
		goto done;
	if (p.title_line == 0) {
		struct line first = { "", 1 };
		ok = lesson_fail(&p, &first, first.s, "a lesson begins with 'title TEXT' (and may add 'summary TEXT')");
		goto done;
	}
	if (out->nitems == 0) {
		ok = lesson_fail(&p, NULL, NULL, "nothing to play: add a caption or a command after the title");
		goto done;
	}
	enum lesson_kind last = out->items[out->nitems - 1].kind;
	out->nsteps = last == LESSON_PAUSE || last == LESSON_ANSWER ? p.step : p.step + 1;
	/* Where each answer shows: its answer line, else the first pause after it, else the end. */
	for (int i = 0; i < out->nitems; i++) {
		struct lesson_ask *a = &out->items[i].ask;
		int pause = -1;
		if (out->items[i].kind != LESSON_ASK)
			continue;
		a->answer_item = out->nitems;
		for (int j = i + 1; j < out->nitems && out->items[j].kind != LESSON_ASK; j++) {
			if (out->items[j].kind == LESSON_ANSWER) {
				a->answer_item = j;
				break;
			}
			if (out->items[j].kind == LESSON_PAUSE && pause < 0)
				pause = j;
		}
		if (a->answer_item == out->nitems && pause >= 0)
			a->answer_item = pause;
	}
done:
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

/* ---- where built-in lessons live ---- */

static bool is_dir(const char *path)
{
	struct stat st;

	return path != NULL && path[0] != '\0' && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int lesson_dirs(const char **dirs, int max)
{
	const char *env = getenv("PTVIZ_LESSONS_DIR");
	int n = 0;

	if (env != NULL && env[0] != '\0') {
		if (max > 0)
			dirs[n++] = env;
		return n;
	}
	if (n < max)
		dirs[n++] = PTVIZ_LESSONS_INSTALLED;
	if (n < max && PTVIZ_LESSONS_SOURCE[0] != '\0')
		dirs[n++] = PTVIZ_LESSONS_SOURCE;
	return n;
}

/* The first folder that exists, NULL when none does. */
static const char *lesson_dir(void)
{
	const char *dirs[4];
	int n = lesson_dirs(dirs, 4);

	for (int i = 0; i < n; i++) {
		if (is_dir(dirs[i]))
			return dirs[i];
	}
	return NULL;
}

static int lesson_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lesson names in dir, sorted; free each and the array. */
static int lesson_names(const char *dir, char ***names)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0, cap = 0;

	*names = NULL;
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), s = strlen(LESSON_SUFFIX);
		if (de->d_name[0] == '.' || len <= s || strcmp(de->d_name + len - s, LESSON_SUFFIX) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **more = realloc(*names, (size_t)cap * sizeof(*more));
			if (more == NULL)
				break;
			*names = more;
		}
		(*names)[n] = strndup(de->d_name, len - s);
		if ((*names)[n] != NULL)
			n++;
	}
	closedir(d);
	if (n > 0)
		qsort(*names, (size_t)n, sizeof(**names), lesson_name_cmp);
	return n;
}

static void lesson_names_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

bool lesson_find(const char *what, char *path, size_t pathlen, char *msg, size_t msglen)
{
	const char *dirs[4];
	int nd = lesson_dirs(dirs, 4);

	msg[0] = '\0';
	if (strchr(what, '/') != NULL || ends_with(what, LESSON_SUFFIX)) {
		if (access(what, R_OK) != 0) {
			snprintf(msg, msglen, "cannot open lesson '%s': %s", what, strerror(errno));
			return false;
		}
		strlcpy(path, what, pathlen);
		return true;
	}
	for (int i = 0; i < nd; i++) {
		if (!is_dir(dirs[i]))
			continue;
		snprintf(path, pathlen, "%s/%s%s", dirs[i], what, LESSON_SUFFIX);
		if (access(path, R_OK) == 0)
			return true;
	}
	const char *dir = lesson_dir();
	if (dir == NULL) {
		snprintf(msg, msglen, "no lesson '%s': no folder of lessons found (looked in %s%s%s)", what, dirs[0],
		         nd > 1 ? " and " : "", nd > 1 ? dirs[1] : "");
		return false;
	}
	char **names;
	int n = lesson_names(dir, &names);
	size_t o = (size_t)snprintf(msg, msglen, "no lesson '%s': expected a file or one of", what);
	for (int i = 0; i < n && o < msglen; i++)
		o += (size_t)snprintf(msg + o, msglen - o, "%s %s", i > 0 ? "," : "", names[i]);
	if (o < msglen)
		snprintf(msg + o, msglen - o, " (ptviz --lessons says what each is about)");
	lesson_names_free(names, n);
	return false;
}

int lesson_list(FILE *out, FILE *err)
{
	const char *dirs[4];
	int nd = lesson_dirs(dirs, 4);
	const char *dir = lesson_dir();
	int rc = 0;

	if (dir == NULL) {
		fprintf(err, "ptviz: no folder of lessons found (looked in %s%s%s)\n", nd > 0 ? dirs[0] : "",
		        nd > 1 ? " and " : "", nd > 1 ? dirs[1] : "");
		return 1;
	}
	char **names;
	int n = lesson_names(dir, &names);
	if (n == 0) {
		fprintf(err, "ptviz: no lessons in %s\n", dir);
		return 1;
	}
	fprintf(out, "Lessons in %s; play one with: ptviz --lesson NAME\n", dir);
	for (int i = 0; i < n; i++) {
		char path[4096], msg[LESSON_MSG_MAX + 300];
		struct lesson l;
		struct lesson_error le;
		snprintf(path, sizeof(path), "%s/%s%s", dir, names[i], LESSON_SUFFIX);
		if (!lesson_load(path, &l, &le)) {
			lesson_error_format(&le, msg, sizeof(msg));
			fprintf(out, "  %-12s (cannot be played: see below)\n", names[i]);
			fprintf(err, "%s\n", msg);
			rc = 1;
			continue;
		}
		fprintf(out, "  %-12s %s\n", names[i], l.summary != NULL ? l.summary : l.title);
		lesson_free(&l);
	}
	lesson_names_free(names, n);
	return rc;
}

int lesson_open(const char *what, bool check, struct lesson *out, FILE *outf, FILE *errf)
{
	char path[4096], msg[LESSON_MSG_MAX + 600];
	struct lesson_error err;

	if (!lesson_find(what, path, sizeof(path), msg, sizeof(msg))) {
		fprintf(errf, "ptviz: %s\n", msg);
		return 2;
	}
	if (!lesson_load(path, out, &err)) {
		/* FILE:LINE:COLUMN: message, as compilers say it, so an editor can jump there. */
		lesson_error_format(&err, msg, sizeof(msg));
		fprintf(errf, "%s\n", msg);
		return 2;
	}
	if (check) {
		fprintf(outf, "%s: OK: '%s', %d step%s, %d question%s\n", path, out->title, out->nsteps,
		        out->nsteps == 1 ? "" : "s", out->nasks, out->nasks == 1 ? "" : "s");
		lesson_free(out);
		return 0;
	}
	return -1;
}
