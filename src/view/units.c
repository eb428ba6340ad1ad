/* Numbers kept with their units across line breaks. */
#include "units.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* Bytes of the word at s: up to the next space or the end. */
static size_t units_word(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && s[n] != ' ')
		n++;
	return n;
}

/* A unit is short and starts with no digit: "µs", "MB/s", "KiB", "s.", "×". */
static int units_is_unit(const char *s)
{
	size_t n = units_word(s);

	return n > 0 && n <= 6 && !isdigit((unsigned char)s[0]) && s[0] != '(';
}

void units_bind(const char *in, char *out, size_t len)
{
	size_t o = 0;

	if (len == 0)
		return;
	for (const char *q = in; *q != '\0'; q++) {
		bool bind = *q == ' ' && q > in && isdigit((unsigned char)q[-1]) && units_is_unit(q + 1);
		const char *put = bind ? UNITS_BIND : q;
		size_t n = bind ? sizeof(UNITS_BIND) - 1 : 1;
		if (o + n >= len)
			break;
		memcpy(out + o, put, n);
		o += n;
	}
	out[o] = '\0';
}

size_t units_unbind(const char *s, size_t n, char *out, size_t len)
{
	size_t o = 0, k = sizeof(UNITS_BIND) - 1;

	if (len == 0)
		return 0;
	for (size_t i = 0; i < n && o + 1 < len; i++) {
		if (i + k <= n && memcmp(s + i, UNITS_BIND, k) == 0) {
			out[o++] = ' ';
			i += k - 1;
			continue;
		}
		out[o++] = s[i];
	}
	out[o] = '\0';
	return o;
}
