/* The directives: title, summary, headline, focus, caption, pause, wait, measure, ask, answer, show; chance picks in commands. */
#include "lesson_priv.h"

#include "../view/letters.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	char words[96] = "", why[128] = "";
	bool ok = n < sizeof(num);
	double v = 0;
	if (ok) {
		memcpy(num, s, n);
		num[n] = '\0';
		ok = cmd_number(num, true, &v, words, sizeof(words)) && v >= min && v <= LESSON_WAIT_MAX;
	}
	if (words[0] != '\0')
		snprintf(why, sizeof(why), " (%s)", words);
	if (!ok)
		return lesson_fail(p, ln, s, "bad duration '%.*s'%s: expected seconds as a decimal number, e.g. '%s 2' or "
		                   "'%s 0.5', from %g to %.0f",
		                   (int)(n > 24 ? 24 : n), s, why, word, word, min, LESSON_WAIT_MAX);
	*out = v;
	char after[48];
	snprintf(after, sizeof(after), "%s %s", word, num);
	return lesson_end(p, ln, e, after);
}

/* headline TEXT: one per step, short, and only characters the large letters have. */
static bool lesson_headline(struct parser *p, const struct line *ln, const char *word, const char *rest)
{
	const char *s = skip_space(rest);

	if (*s == '\0')
		return lesson_fail(p, ln, s, "headline needs text, about eight words, e.g. 'headline One thread crashes, all die'");
	if (p->headline_line != 0)
		return lesson_fail(p, ln, word, "a second headline in this step: the first is on line %d (a pause ends a step)",
		                   p->headline_line);
	for (const char *q = s; *q != '\0'; q++) {
		if (letters_glyph(*q) != NULL)
			continue;
		int n = 1;
		while (((unsigned char)q[n] & 0xc0) == 0x80)
			n++;
		return lesson_fail(p, ln, q, "'%.*s' has no large letter: a headline uses letters, digits, spaces and "
		                   ". , : ; ! ? - + ' \" / ( ) = %% * < > _", n, q);
	}
	struct lesson_item *it = lesson_push(p, ln, word, LESSON_HEADLINE);
	if (it == NULL || !lesson_text(p, ln, s, s + strlen(s), LESSON_HEADLINE_MAX, "headline", &it->text))
		return false;
	p->headline_line = ln->number;
	return true;
}

/* focus registers|survivors: what the step is about, drawn large under --big. */
static bool lesson_focus(struct parser *p, const struct line *ln, const char *word, const char *rest)
{
	static const char *const what[] = { "registers", "survivors" };
	const char *s = skip_space(rest), *e = s;

	while (*e != '\0' && !is_space(*e) && *e != '#')
		e++;
	for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++) {
		if ((size_t)(e - s) != strlen(what[i]) || strncmp(s, what[i], (size_t)(e - s)) != 0)
			continue;
		char after[32];
		snprintf(after, sizeof(after), "focus %s", what[i]);
		if (!lesson_end(p, ln, e, after))
			return false;
		struct lesson_item *it = lesson_push(p, ln, word, LESSON_FOCUS);
		return it != NULL && ((it->text = strdup(what[i])) != NULL || lesson_fail(p, ln, s, "out of memory"));
	}
	if (e == s)
		return lesson_fail(p, ln, s, "focus needs what to draw large: 'focus registers' (step mode's registers and "
		                             "next steps) or 'focus survivors' (who is alive)");
	return lesson_fail(p, ln, s, "cannot focus on '%.*s': expected 'focus registers' or 'focus survivors'",
	                   (int)(e - s > 24 ? 24 : e - s), s);
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

/* correct=N: the right answer's number, given once. */
static bool ask_correct(struct parser *p, const struct line *ln, struct lesson_ask *a, const char *s, const char *e,
                        const char **correct_at)
{
	char *end;

	if (*correct_at != NULL)
		return lesson_fail(p, ln, s, "a second correct=: give the right answer's number once");
	errno = 0;
	long v = strtol(s + 8, &end, 10);
	if (!isdigit((unsigned char)s[8]) || end != e || errno != 0 || v < 1 || v > LESSON_ANSWERS_MAX)
		return lesson_fail(p, ln, s + 8, "bad correct=%.*s: expected the number of the right answer, e.g. correct=2",
		                   (int)(e - s - 8 > 12 ? 12 : e - s - 8), s + 8);
	a->correct = (int)v;
	*correct_at = s + 8;
	return true;
}

/* why=TEXT: why the right answer is right, said once. */
static bool ask_why(struct parser *p, const struct line *ln, struct lesson_ask *a, const char *s, const char *e)
{
	if (a->why != NULL)
		return lesson_fail(p, ln, s, "a second why=: say why once");
	if (e == s + 4)
		return lesson_fail(p, ln, s + 4, "why= is empty: say in a sentence why the right answer is right");
	return lesson_text(p, ln, s + 4, e, LESSON_WHY_MAX, "why", &a->why);
}

/* One answer the audience may choose: they all come before correct= and why=. */
static bool ask_answer(struct parser *p, const struct line *ln, struct lesson_ask *a, const char *bar, const char *s,
                       const char *e, bool after_keys)
{
	if (after_keys)
		return lesson_fail(p, ln, s, "an answer after correct= or why=: list the answers first");
	if (e == s)
		return lesson_fail(p, ln, bar + 1, "an empty answer between two '|'");
	if (a->nanswers == LESSON_ANSWERS_MAX)
		return lesson_fail(p, ln, s, "too many answers: at most %d, so each has a key 1 to %d", LESSON_ANSWERS_MAX,
		                   LESSON_ANSWERS_MAX);
	if (!lesson_text(p, ln, s, e, LESSON_ANSWER_MAX, "answer", &a->answers[a->nanswers]))
		return false;
	a->nanswers++;
	return true;
}

/* What a question needs by the end of its line: two answers, the right one's number, and why. */
static bool ask_complete(struct parser *p, const struct line *ln, const struct lesson_ask *a, const char *correct_at)
{
	const char *eol = ln->s + strlen(ln->s);

	if (a->nanswers < 2)
		return lesson_fail(p, ln, eol, "ask needs at least two answers after the question, each after a '|'");
	if (correct_at == NULL)
		return lesson_fail(p, ln, eol, "ask needs the right answer's number: add '| correct=N' (N from 1 to %d)",
		                   a->nanswers);
	if (a->correct > a->nanswers)
		return lesson_fail(p, ln, correct_at, "correct=%d, but there are only %d answers", a->correct, a->nanswers);
	if (a->why == NULL)
		return lesson_fail(p, ln, eol, "ask needs the reason: add '| why=TEXT', shown with the answer");
	return true;
}

static bool lesson_ask(struct parser *p, const struct line *ln, const char *word, const char *rest)
{
	const char *s, *e, *q = rest;
	const char *correct_at = NULL;

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
	struct lesson_ask *a = &it->ask;
	/* From here on the item owns what is copied; on error the caller frees the lesson. */
	if (!lesson_text(p, ln, s, e, LESSON_QUESTION_MAX, "question", &a->question))
		return false;
	q = e;
	while (*q == ' ' || *q == '\t')
		q++;
	while (*q == '|') {
		const char *bar = q;
		bool ok;
		ask_part(q + 1, &s, &e);
		q = e;
		while (*q != '\0' && *q != '|')
			q++;
		if (strncmp(s, "correct=", 8) == 0)
			ok = ask_correct(p, ln, a, s, e, &correct_at);
		else if (strncmp(s, "why=", 4) == 0)
			ok = ask_why(p, ln, a, s, e);
		else
			ok = ask_answer(p, ln, a, bar, s, e, correct_at != NULL || a->why != NULL);
		if (!ok)
			return false;
	}
	if (!ask_complete(p, ln, a, correct_at))
		return false;
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

bool lesson_line(struct parser *p, const struct line *ln)
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
		p->headline_line = 0;
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
		p->headline_line = 0;
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
	if (IS("headline"))
		return lesson_headline(p, ln, start, e);
	if (IS("focus"))
		return lesson_focus(p, ln, start, e);
	if (IS("ask"))
		return lesson_ask(p, ln, start, e);
	if (IS("show"))
		return lesson_show(p, ln, start, e);
	if (IS("needs"))
		return lesson_needs(p, ln, start, e);
#undef IS
	return lesson_commands(p, ln, start);
}
