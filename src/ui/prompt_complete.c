/* Tab in the ':' prompt: the word under the cursor completed from the command table and the lab's names, or the words that fit listed. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <bsd/string.h>

#include "command.h"
#include "prompt.h"
#include "prompt_priv.h"

/* Words that fit so far: the first PROMPT_CHOICES kept, all counted. */
struct prompt_fit {
	struct prompt *p;
	const char *typed;
	int len;
	bool any_case;
};

static void prompt_fit_add(struct prompt_fit *f, const char *word)
{
	struct prompt *p = f->p;

	if (f->any_case ? strncasecmp(word, f->typed, (size_t)f->len) != 0 : strncmp(word, f->typed, (size_t)f->len) != 0)
		return;
	for (int i = 0; i < p->nchoices; i++) {
		if (strcmp(p->choices[i], word) == 0)
			return;
	}
	if (p->nchoices < PROMPT_CHOICES)
		strlcpy(p->choices[p->nchoices++], word, sizeof(p->choices[0]));
	p->choices_total++;
}

/* One alternative of a usage's word: a placeholder (WORKER, GROUP) stands for the names in the lab now. */
static void prompt_fit_alternative(struct prompt_fit *f, struct ui *ui, const char *alt, int len)
{
	char word[CMD_WORD_MAX];

	snprintf(word, sizeof(word), "%.*s", len, alt);
	for (int g = 0; g < lab_ngroups(ui->lab); g++) {
		const struct lab_group *grp = lab_group_at(ui->lab, g);
		if (strcmp(word, "GROUP") == 0)
			prompt_fit_add(f, grp->name);
		for (int w = 0; strcmp(word, "WORKER") == 0 && w < grp->nworkers; w++)
			prompt_fit_add(f, grp->workers[w].id);
	}
	if (islower((unsigned char)word[0]))
		prompt_fit_add(f, word);
}

/* The words a usage line allows as its nth word ("inject {} WORKER": 1 the faults, 2 the workers). */
static void prompt_fit_usage(struct prompt_fit *f, struct ui *ui, const struct cmd_usage *u, const char *const *words, int nth)
{
	const char *s = u->syntax;

	for (int i = 0; i < nth && s != NULL; i++) {
		s = strchr(s, ' ');
		if (s != NULL)
			s++;
	}
	if (s == NULL || *s == '\0')
		return;
	int n = (int)strcspn(s, " ");
	if (strncmp(s, "{}", 2) == 0 || strncmp(s, "[{}]", 4) == 0) {
		const char *const *list = u->words != NULL ? u->words : words;
		for (int i = 0; list != NULL && list[i] != NULL; i++)
			prompt_fit_add(f, list[i]);
		return;
	}
	while (n > 0) {
		while (n > 0 && (*s == '[' || *s == '|')) {
			s++;
			n--;
		}
		int alt = (int)strcspn(s, "|]");
		if (alt > n)
			alt = n;
		if (alt > 0)
			prompt_fit_alternative(f, ui, s, alt);
		s += alt;
		n -= alt;
	}
}

/* Every word that may stand nth in a command starting with first, and that starts as typed. */
static void prompt_fit_all(struct prompt_fit *f, struct ui *ui, const char *first, int nth)
{
	f->p->nchoices = 0;
	f->p->choices_total = 0;
	if (nth == 0) {
		for (int i = 0; cmd_entries[i].name != NULL; i++)
			prompt_fit_add(f, cmd_entries[i].name);
		prompt_fit_add(f, "help");   /* the screen's own: it opens the help */
		return;
	}
	const struct cmd_entry *e = cmd_entry_find(first);
	/* resume is told by pause's record, the one before it */
	const struct cmd_entry *told = e != NULL && e->usage[0].syntax == NULL && e > cmd_entries ? e - 1 : e;
	for (size_t u = 0; told != NULL && u < sizeof(told->usage) / sizeof(told->usage[0]); u++) {
		if (told->usage[u].syntax != NULL)
			prompt_fit_usage(f, ui, &told->usage[u], e->words, nth);
	}
}

/* Where the word under the cursor starts, the command's first word, and how many words come before it. */
static int prompt_word(const struct prompt *p, char *first, size_t len, int *nth)
{
	int start = p->cur;

	*nth = 0;
	first[0] = '\0';
	while (start > 0 && p->buf[start - 1] != ' ' && p->buf[start - 1] != ';')
		start--;
	int cmd_start = start;
	while (cmd_start > 0 && p->buf[cmd_start - 1] != ';')
		cmd_start--;
	for (int i = cmd_start; i < start; i++) {
		if (p->buf[i] != ' ' && (i == cmd_start || p->buf[i - 1] == ' ')) {
			if (*nth == 0)
				snprintf(first, len, "%.*s", (int)strcspn(p->buf + i, " ;"), p->buf + i);
			(*nth)++;
		}
	}
	return start;
}

/* Tab: one word fits, it is completed; several, they are listed and the part they share is typed; none, it says so. */
void prompt_complete(struct ui *ui, struct prompt *p)
{
	char first[CMD_WORD_MAX], text[PROMPT_MAX];
	int nth;

	p->no_choice[0] = '\0';
	if (p->cur != p->len)
		return;
	int start = prompt_word(p, first, sizeof(first), &nth);
	struct prompt_fit f = { p, p->buf + start, p->cur - start, false };
	prompt_fit_all(&f, ui, first, nth);
	if (p->choices_total == 0) {
		f.any_case = true;   /* 'P' for pause */
		prompt_fit_all(&f, ui, first, nth);
	}
	if (p->choices_total == 0) {
		if (nth == 0)
			snprintf(p->no_choice, sizeof(p->no_choice), "no command starts with '%.*s': F1 lists them", f.len, f.typed);
		else
			snprintf(p->no_choice, sizeof(p->no_choice), "nothing to list here for '%.40s': F1 shows what it takes", first);
		return;
	}
	/* The part every choice shares, typed at once. */
	int common = (int)strlen(p->choices[0]);
	for (int i = 1; i < p->nchoices; i++) {
		int k = 0;
		while (k < common && p->choices[i][k] == p->choices[0][k])
			k++;
		common = k;
	}
	if (p->choices_total == 1) {
		snprintf(text, sizeof(text), "%.*s%s ", start, p->buf, p->choices[0]);
		p->nchoices = 0;
	} else if (common >= f.len) {
		snprintf(text, sizeof(text), "%.*s%.*s", start, p->buf, common, p->choices[0]);
	} else {
		return;
	}
	prompt_set(p, text);
}
