/*
 * A fuzz target for the lesson parser: libFuzzer's entry point, plus the shared mutating driver (fuzz_driver.h)
 * so that gcc builds it and it runs briefly as an ordinary test (-DPTVIZ_LIBFUZZER leaves the driver out).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson/lesson.h"
#include "view/letters.h"

static int fuzz_pick(const char *group, void *ctx)
{
	(void)ctx;
	return (int)strlen(group);
}

/* What a parsed lesson promises the player; a broken promise aborts, which the fuzzer reports. */
static void fuzz_check(const struct lesson *l)
{
	int step = 0;

	if (l->title == NULL || l->nitems < 1 || l->nsteps < 1 || l->name == NULL || l->source == NULL)
		abort();
	for (int i = 0; i < l->nitems; i++) {
		const struct lesson_item *it = &l->items[i];
		if (it->line < 1 || it->column < 1 || it->step != step || it->step >= l->nsteps)
			abort();
		switch (it->kind) {
		case LESSON_PAUSE:
		case LESSON_ANSWER:
			step++;
			break;
		case LESSON_CAPTION:
			if (it->text == NULL || strlen(it->text) > 4 * LESSON_CAPTION_MAX)
				abort();
			break;
		case LESSON_FOCUS:
			if (it->text == NULL || (strcmp(it->text, "registers") != 0 && strcmp(it->text, "survivors") != 0))
				abort();
			break;
		case LESSON_HEADLINE:
			if (it->text == NULL || it->text[0] == '\0' || strlen(it->text) > LESSON_HEADLINE_MAX ||
			    !letters_cover(it->text))
				abort();
			break;
		case LESSON_WAIT:
		case LESSON_MEASURE:
			if (!(it->seconds >= 0 && it->seconds <= LESSON_WAIT_MAX))
				abort();
			break;
		case LESSON_ASK: {
			const struct lesson_ask *a = &it->ask;
			if (a->question == NULL || a->why == NULL || a->nanswers < 2 || a->nanswers > LESSON_ANSWERS_MAX ||
			    a->correct < 1 || a->correct > a->nanswers || a->answer_item <= i || a->answer_item > l->nitems)
				abort();
			if (a->answer_item < l->nitems && l->items[a->answer_item].kind != LESSON_PAUSE &&
			    l->items[a->answer_item].kind != LESSON_ANSWER)
				abort();
			for (int k = 0; k < a->nanswers; k++) {
				if (a->answers[k] == NULL || a->answers[k][0] == '\0')
					abort();
			}
			break;
		}
		case LESSON_SHOW:
			if (it->text == NULL)
				abort();
			break;
		case LESSON_COMMANDS: {
			char out[LESSON_LINE_MAX + 64], msg[256];
			if (it->cmds.n < 1 || it->text == NULL)
				abort();
			/* A line the parser took must survive its chance picks and parse again. */
			if (it->chance) {
				struct cmd_list list;
				struct cmd_error err;
				if (!lesson_fill_chance(it->text, fuzz_pick, NULL, out, sizeof(out), msg, sizeof(msg)))
					break;
				if (cmd_parse(out, it->line, &list, &err))
					cmd_list_free(&list);
			}
			break;
		}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lesson l;
	struct lesson_error err;
	char msg[LESSON_MSG_MAX + 300];

	if (lesson_parse((const char *)data, size, "fuzz.lesson", &l, &err)) {
		fuzz_check(&l);
		lesson_free(&l);
	} else {
		if (err.message[0] == '\0' || err.line < 0 || err.column < 0 || (err.line > 0 && err.column < 1) ||
		    l.items != NULL || l.nitems != 0)
			abort();
		lesson_error_format(&err, msg, sizeof(msg));
	}
	return 0;
}

#ifndef PTVIZ_LIBFUZZER

static const char fuzz_name[] = "fuzz_lesson";
static const char fuzz_seed_text[] = "title T\nsummary S\ncaption c\nspawn threads 2\nask Q | a | b | correct=1 | why=w\n"
                                     "wait 1\npause\nshow map T?\nmeasure 0.5\ninject segv T?\nshow none\n";

/* Words that make mutations land in the grammar's corners. */
static const char *const fuzz_tokens[] = {
	"title ", "summary ", "caption ", "pause", "answer", "pause T2", "wait ", "measure ", "ask ", "show map ", "show none",
	" | ", "|", "correct=", "correct=1", "correct=9", "why=", "why=because", "\n", "\r\n", "\t", " ", "#", ";",
	"T?", "P?", "T1", "PB12", "0", "1", "2.5", ".", "-1", "600", "601", "1e309", "nan", "spawn threads 4",
	"inject segv ", "schedule 1 2 1 2 1 2", "step", "run 0.1", "\xc3\xa9", "\xe2\x80\x94", "\xff", "\xc0\xaf",
	"\xed\xa0\x80", "\x01", "\x7f", "\xc2\x85", "\xf0\x9f\x98\x80", "\xf4\x90\x80\x80",
};

/* The lesson dictionary has no rule of its own to keep. */
static bool fuzz_dict_check(const char *path, char **tokens, int n)
{
	(void)path, (void)tokens;
	return n > 0;
}

#include "fuzz_driver.h"

#endif
