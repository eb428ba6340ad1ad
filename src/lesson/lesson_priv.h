/* What the lesson parser's files share: the line being read, the parser's state, the checks every directive uses. */
#ifndef PTVIZ_LESSON_PRIV_H
#define PTVIZ_LESSON_PRIV_H

#include "lesson.h"

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
	int headline_line;     /* the current step's headline, 0 when it has none yet */
	char missing[32];      /* a program named by 'needs' that is not installed, "" when none */
};

static inline bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static inline const char *skip_space(const char *s)
{
	while (is_space(*s))
		s++;
	return s;
}

/* ---- lesson.c: the parser's own checks ---- */

/* Says what is wrong at `at` in ln (ln NULL: the file as a whole); returns false. */
bool lesson_fail(struct parser *p, const struct line *ln, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/*
 * Checks directive text in [start, end) of the line: UTF-8, no control
 * characters, at most max characters.  Copies it, trimmed, tabs as spaces.
 */
bool lesson_text(struct parser *p, const struct line *ln, const char *start, const char *end, int max,
                 const char *what, char **out);
/* A new item of kind where `at` stands in ln, in the current step; NULL (and the error said) when out of memory. */
struct lesson_item *lesson_push(struct parser *p, const struct line *ln, const char *at, enum lesson_kind kind);
/* The end of a directive that takes nothing more: spaces, then a comment or nothing. */
bool lesson_end(struct parser *p, const struct line *ln, const char *rest, const char *after);

/* ---- lesson_directives.c ---- */

/* ---- lesson_needs.c ---- */

/* needs PROGRAM: checked at once; lesson_needs_apply, after the last line, replaces the lesson when it is missing. */
bool lesson_needs(struct parser *p, const struct line *ln, const char *word, const char *rest);
bool lesson_needs_apply(struct parser *p);
void lesson_item_free(struct lesson_item *it);

/* One line: a directive, or commands for the command language; blank lines and comments add nothing. */
bool lesson_line(struct parser *p, const struct line *ln);

/* lesson_find.c, for the examples too: the running program's folder (/proc/self/exe), and an installed
   folder as it sees it (under DESTDIR when it runs from DESTDIR + its bindir, a staged install). */
bool lesson_exe_dir(char *buf, size_t len);
const char *lesson_installed_dir(const char *exe, const char *installed);

#endif
