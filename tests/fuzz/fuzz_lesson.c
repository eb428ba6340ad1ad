/*
 * A fuzz target for the lesson parser: libFuzzer's entry point, plus a small mutating driver of its own so
 * that gcc builds it and it runs briefly as an ordinary test (-DPTVIZ_LIBFUZZER leaves the driver out).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "lesson/lesson.h"
#include "view/letters.h"

#define FUZZ_MAX 8192

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

/* Words that make mutations land in the grammar's corners. */
static const char *const fuzz_tokens[] = {
	"title ", "summary ", "caption ", "pause", "answer", "pause T2", "wait ", "measure ", "ask ", "show map ", "show none",
	" | ", "|", "correct=", "correct=1", "correct=9", "why=", "why=because", "\n", "\r\n", "\t", " ", "#", ";",
	"T?", "P?", "T1", "PB12", "0", "1", "2.5", ".", "-1", "600", "601", "1e309", "nan", "spawn threads 4",
	"inject segv ", "schedule 1 2 1 2 1 2", "step", "run 0.1", "\xc3\xa9", "\xe2\x80\x94", "\xff", "\xc0\xaf",
	"\xed\xa0\x80", "\x01", "\x7f", "\xc2\x85", "\xf0\x9f\x98\x80", "\xf4\x90\x80\x80",
};

struct fuzz_input {
	size_t len;
	unsigned char *data;
};

static uint64_t fuzz_state;

static uint64_t fuzz_random(void)
{
	uint64_t z = (fuzz_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t fuzz_below(size_t n)
{
	return n > 0 ? (size_t)(fuzz_random() % n) : 0;
}

static void fuzz_insert(unsigned char *buf, size_t *len, size_t at, const void *what, size_t n)
{
	if (*len + n > FUZZ_MAX)
		return;
	memmove(buf + at + n, buf + at, *len - at);
	memcpy(buf + at, what, n);
	*len += n;
}

/* One to four random edits: flips, insertions, deletions, tokens, copies, splices from another input. */
static size_t fuzz_mutate(unsigned char *buf, size_t len, const struct fuzz_input *corpus, int ncorpus)
{
	int edits = 1 + (int)fuzz_below(4);

	for (int e = 0; e < edits; e++) {
		size_t at = fuzz_below(len + 1);
		switch (fuzz_below(7)) {
		case 0:
			if (len > 0)
				buf[fuzz_below(len)] ^= (unsigned char)(1u << fuzz_below(8));
			break;
		case 1: {
			unsigned char c = (unsigned char)fuzz_random();
			fuzz_insert(buf, &len, at, &c, 1);
			break;
		}
		case 2: {
			size_t n = fuzz_below(len - at + 1);
			if (n > 64)
				n = fuzz_below(64);
			memmove(buf + at, buf + at + n, len - at - n);
			len -= n;
			break;
		}
		case 3:
		case 4: {
			const char *t = fuzz_tokens[fuzz_below(sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]))];
			fuzz_insert(buf, &len, at, t, strlen(t));
			break;
		}
		case 5: {
			/* Copy a piece of itself elsewhere (a line twice, an ask after an ask). */
			size_t from = fuzz_below(len + 1), n = fuzz_below(len - from + 1);
			unsigned char tmp[256];
			if (n > sizeof(tmp))
				n = sizeof(tmp);
			memcpy(tmp, buf + from, n);
			fuzz_insert(buf, &len, at, tmp, n);
			break;
		}
		default: {
			const struct fuzz_input *o = &corpus[fuzz_below((size_t)ncorpus)];
			size_t from = fuzz_below(o->len + 1), n = fuzz_below(o->len - from + 1);
			if (n > 512)
				n = 512;
			fuzz_insert(buf, &len, at, o->data + from, n);
			break;
		}
		}
	}
	return len;
}

static int fuzz_add(struct fuzz_input **corpus, int *n, const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = malloc(FUZZ_MAX);
	size_t len;

	if (f == NULL || data == NULL) {
		fprintf(stderr, "fuzz_lesson: cannot read %s\n", path);
		if (f != NULL)
			fclose(f);
		free(data);
		return -1;
	}
	len = fread(data, 1, FUZZ_MAX, f);
	fclose(f);
	struct fuzz_input *more = realloc(*corpus, (size_t)(*n + 1) * sizeof(**corpus));
	if (more == NULL) {
		free(data);
		return -1;
	}
	*corpus = more;
	(*corpus)[*n].data = data;
	(*corpus)[(*n)++].len = len;
	return 0;
}

int main(int argc, char **argv)
{
	static const char seed_text[] = "title T\nsummary S\ncaption c\nspawn threads 2\nask Q | a | b | correct=1 | why=w\n"
	                                "wait 1\npause\nshow map T?\nmeasure 0.5\ninject segv T?\nshow none\n";
	struct fuzz_input *corpus = NULL;
	int ncorpus = 0;
	long iterations = 5000000;
	double seconds = 3;
	fuzz_state = 1;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
			iterations = atol(argv[++i]);
		} else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			seconds = atof(argv[++i]);
		} else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
			fuzz_state = strtoull(argv[++i], NULL, 10);
		} else if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *de;
			while (d != NULL && (de = readdir(d)) != NULL) {
				char path[4096];
				if (de->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
				if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && fuzz_add(&corpus, &ncorpus, path) != 0)
					return 1;
			}
			if (d != NULL)
				closedir(d);
		} else if (fuzz_add(&corpus, &ncorpus, argv[i]) != 0) {
			return 1;
		}
	}
	struct fuzz_input *more = realloc(corpus, (size_t)(ncorpus + 1) * sizeof(*corpus));
	if (more == NULL)
		return 1;
	corpus = more;
	corpus[ncorpus].data = (unsigned char *)strdup(seed_text);
	corpus[ncorpus++].len = sizeof(seed_text) - 1;

	/* Every input as it is first, then mutants, until the iterations or the time run out. */
	for (int i = 0; i < ncorpus; i++)
		LLVMFuzzerTestOneInput(corpus[i].data, corpus[i].len);
	unsigned char *buf = malloc(FUZZ_MAX);
	struct timespec t0, t;
	long done = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (; done < iterations; done++) {
		const struct fuzz_input *in = &corpus[fuzz_below((size_t)ncorpus)];
		memcpy(buf, in->data, in->len);
		size_t len = fuzz_mutate(buf, in->len, corpus, ncorpus);
		LLVMFuzzerTestOneInput(buf, len);
		if ((done & 255) == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 > seconds)
				break;
		}
	}
	printf("fuzz_lesson: %d inputs, %ld mutants, no failure\n", ncorpus, done);
	free(buf);
	for (int i = 0; i < ncorpus; i++)
		free(corpus[i].data);
	free(corpus);
	return 0;
}

#endif
