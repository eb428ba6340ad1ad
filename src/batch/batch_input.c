/* The screenless front end's input: a whole command file read, and checked to be text before anything runs. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

char *batch_read(FILE *f, size_t *len)
{
	size_t cap = 4096;
	char *buf = malloc(cap);

	*len = 0;
	while (buf != NULL) {
		size_t n = fread(buf + *len, 1, cap - *len - 1, f);
		*len += n;
		if (n == 0)
			break;
		if (*len + 1 == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (bigger == NULL) {
				free(buf);
				return NULL;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (buf == NULL || ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

bool batch_text_check(const char *text, size_t len, struct cmd_error *err)
{
	const char *nul = memchr(text, '\0', len);
	int line = 1, column = 1;

	if (nul == NULL)
		return true;
	for (const char *p = text; p < nul; p++) {
		column = *p == '\n' ? 1 : column + 1;
		line += *p == '\n';
	}
	err->line = line;
	err->column = column;
	snprintf(err->message, sizeof(err->message),
	         "a NUL byte on line %d: a NUL byte is not text; expected a text file of commands", line);
	return false;
}
