/*
 * The small mutating driver every fuzz target shares when it is built without libFuzzer, so that gcc builds it
 * and it runs briefly as an ordinary test.  Before including it, a target defines LLVMFuzzerTestOneInput,
 * fuzz_name, fuzz_seed_text, fuzz_tokens[] (words that make mutations land in its grammar's corners) and
 * fuzz_dict_check (what a dictionary given with --dict must hold).
 *
 *   fuzz_X [--seconds S] [--iterations N] [--seed N] [--dict FILE] [--lines FILE]... [FILE|DIR]...
 *
 * A FILE or every file in a DIR is one input; each line of a --lines FILE is one; a --dict FILE's words
 * (libFuzzer's name="value" lines) join the tokens.
 */
#ifndef PTVIZ_FUZZ_DRIVER_H
#define PTVIZ_FUZZ_DRIVER_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define FUZZ_MAX 8192
#define FUZZ_TOKEN_MAX 64

struct fuzz_input {
	size_t len;
	unsigned char *data;
};

/* Every input, and the tokens mutations insert: the target's own, then a dictionary's. */
struct fuzz_corpus {
	struct fuzz_input *inputs;
	int n;
	char **tokens;
	int ntokens;
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

/* A piece of another input, or of itself, copied in at at (a line twice, a command after a command). */
static void fuzz_splice(unsigned char *buf, size_t *len, size_t at, const struct fuzz_input *from, size_t most)
{
	unsigned char tmp[512];
	size_t start = fuzz_below(from->len + 1), n = fuzz_below(from->len - start + 1);

	if (n > most)
		n = most;
	memcpy(tmp, from->data + start, n);
	fuzz_insert(buf, len, at, tmp, n);
}

/* One to four random edits: flips, insertions, deletions, tokens, copies, splices from another input. */
static size_t fuzz_mutate(unsigned char *buf, size_t len, const struct fuzz_corpus *c)
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
			unsigned char ch = (unsigned char)fuzz_random();
			fuzz_insert(buf, &len, at, &ch, 1);
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
			const char *t = c->tokens[fuzz_below((size_t)c->ntokens)];
			fuzz_insert(buf, &len, at, t, strlen(t));
			break;
		}
		case 5: {
			struct fuzz_input self = { len, buf };
			fuzz_splice(buf, &len, at, &self, 256);
			break;
		}
		default:
			fuzz_splice(buf, &len, at, &c->inputs[fuzz_below((size_t)c->n)], 512);
			break;
		}
	}
	return len;
}

static int fuzz_add_bytes(struct fuzz_corpus *c, const void *data, size_t len)
{
	struct fuzz_input *more = realloc(c->inputs, (size_t)(c->n + 1) * sizeof(*more));
	unsigned char *copy = malloc(len > 0 ? len : 1);

	if (more != NULL)
		c->inputs = more;
	if (more == NULL || copy == NULL) {
		free(copy);
		return -1;
	}
	memcpy(copy, data, len);
	c->inputs[c->n].data = copy;
	c->inputs[c->n++].len = len;
	return 0;
}

static int fuzz_add_token(struct fuzz_corpus *c, const char *token)
{
	char **more = realloc(c->tokens, (size_t)(c->ntokens + 1) * sizeof(*more));
	char *copy = strdup(token);

	if (more != NULL)
		c->tokens = more;
	if (more == NULL || copy == NULL) {
		free(copy);
		return -1;
	}
	c->tokens[c->ntokens++] = copy;
	return 0;
}

/* The value of a dictionary line, name="value", with libFuzzer's \\, \" and \xNN escapes; "" for none. */
static void fuzz_dict_token(const char *line, char *token, size_t len)
{
	const char *q = line[0] != '#' ? strchr(line, '"') : NULL;
	size_t n = 0;

	for (q = q != NULL ? q + 1 : NULL; q != NULL && *q != '"' && *q != '\0' && n + 1 < len; q++) {
		unsigned x;
		if (q[0] == '\\' && q[1] == 'x' && sscanf(q + 2, "%2x", &x) == 1) {
			token[n++] = (char)x;
			q += 3;
		} else {
			token[n++] = q[0] == '\\' && q[1] != '\0' ? *++q : *q;
		}
	}
	token[n] = '\0';
}

/* A file: one input (how 'f'), one input a line ('l'), or a token for every dictionary line ('d'). */
static int fuzz_add_file(struct fuzz_corpus *c, const char *path, char how)
{
	FILE *f = fopen(path, "rb");
	char *data = malloc(FUZZ_MAX + 1);
	size_t len = f != NULL && data != NULL ? fread(data, 1, FUZZ_MAX, f) : 0;
	int rc = f == NULL || data == NULL || ferror(f) ? -1 : 0;

	if (f != NULL)
		fclose(f);
	if (rc != 0)
		fprintf(stderr, "%s: cannot read %s\n", fuzz_name, path);
	else if (how == 'f')
		rc = fuzz_add_bytes(c, data, len);
	else
		data[len] = '\0';
	for (char *line = data, *next; rc == 0 && how != 'f' && *line != '\0'; line = next) {
		char token[FUZZ_TOKEN_MAX];
		next = line + strcspn(line, "\n");
		if (*next != '\0')
			*next++ = '\0';
		fuzz_dict_token(line, token, sizeof(token));
		if (how == 'l' && line[0] != '\0')
			rc = fuzz_add_bytes(c, line, strlen(line));
		else if (how == 'd' && token[0] != '\0')
			rc = fuzz_add_token(c, token);
	}
	free(data);
	return rc;
}

static int fuzz_add_dir(struct fuzz_corpus *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	while (rc == 0 && d != NULL && (de = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			rc = fuzz_add_file(c, path, 'f');
	}
	if (d != NULL)
		closedir(d);
	return d != NULL ? rc : -1;
}

/* Every input as it is first, then mutants, until the iterations or the seconds run out. */
static long fuzz_loop(const struct fuzz_corpus *c, long iterations, double seconds)
{
	unsigned char *buf = malloc(FUZZ_MAX);
	struct timespec t0, t;
	long done = 0;

	for (int i = 0; i < c->n; i++)
		LLVMFuzzerTestOneInput(c->inputs[i].data, c->inputs[i].len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (; buf != NULL && done < iterations; done++) {
		const struct fuzz_input *in = &c->inputs[fuzz_below((size_t)c->n)];
		memcpy(buf, in->data, in->len);
		size_t len = fuzz_mutate(buf, in->len, c);
		LLVMFuzzerTestOneInput(buf, len);
		if ((done & 255) == 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			if ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 > seconds)
				break;
		}
	}
	free(buf);
	return done;
}

static void fuzz_corpus_free(struct fuzz_corpus *c)
{
	for (int i = 0; i < c->n; i++)
		free(c->inputs[i].data);
	for (int i = 0; i < c->ntokens; i++)
		free(c->tokens[i]);
	free(c->inputs);
	free(c->tokens);
}

int main(int argc, char **argv)
{
	struct fuzz_corpus c = { 0 };
	long iterations = 5000000;
	double seconds = 3;
	int rc = 0, ndict = 0;
	fuzz_state = 1;

	for (size_t i = 0; rc == 0 && i < sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]); i++)
		rc = fuzz_add_token(&c, fuzz_tokens[i]);
	for (int i = 1; rc == 0 && i < argc; i++) {
		struct stat st;
		bool value = i + 1 < argc;
		if (strcmp(argv[i], "--iterations") == 0 && value)
			iterations = atol(argv[++i]);
		else if (strcmp(argv[i], "--seconds") == 0 && value)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0 && value)
			fuzz_state = strtoull(argv[++i], NULL, 10);
		else if ((strcmp(argv[i], "--lines") == 0 || strcmp(argv[i], "--dict") == 0) && value) {
			int before = c.ntokens;
			rc = fuzz_add_file(&c, argv[i + 1], argv[i][2]);
			if (rc == 0 && argv[i][2] == 'd' && !fuzz_dict_check(argv[i + 1], c.tokens + before, c.ntokens - before))
				rc = -1;
			ndict += argv[i][2] == 'd';
			i++;
		} else if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = fuzz_add_dir(&c, argv[i]);
		else
			rc = fuzz_add_file(&c, argv[i], 'f');
	}
	if (rc == 0)
		rc = fuzz_add_bytes(&c, fuzz_seed_text, strlen(fuzz_seed_text));
	if (rc == 0) {
		long done = fuzz_loop(&c, iterations, seconds);
		printf("%s: %d inputs, %d tokens (%d dictionar%s), %ld mutants, no failure\n", fuzz_name, c.n, c.ntokens,
		       ndict, ndict == 1 ? "y" : "ies", done);
	}
	fuzz_corpus_free(&c);
	return rc == 0 ? 0 : 1;
}

#endif
