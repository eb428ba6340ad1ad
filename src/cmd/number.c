/* The numbers the command language and lessons take: decimal, as a person writes them, with why one is refused. */
#include "cmd_priv.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

/* Digits from p on: how many. */
static size_t number_digits(const char *p)
{
	size_t n = 0;

	while (isdigit((unsigned char)p[n]))
		n++;
	return n;
}

/*
 * Why text, which is not a number as the language writes them, might have been
 * meant as one: hexadecimal, an exponent, infinity, not-a-number.  "" when it is
 * simply not a number.
 */
static void number_why_not(const char *text, char *why, size_t len)
{
	const char *p = text + (text[0] == '+' || text[0] == '-');
	char *end;

	why[0] = '\0';
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		strlcpy(why, "written in hexadecimal", len);
		return;
	}
	if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0) {
		strlcpy(why, "infinity", len);
		return;
	}
	if (strncasecmp(p, "nan", 3) == 0) {
		strlcpy(why, "'not a number'", len);
		return;
	}
	errno = 0;
	double v = strtod(text, &end);
	if (*end != '\0' || strpbrk(p, "eE") == NULL)
		return;
	/* An exponent: say what it came to, so the decimal form can be written instead. */
	if (errno == ERANGE && v == 0)
		strlcpy(why, "written with an exponent, and too small to tell from 0", len);
	else if (errno == ERANGE || !isfinite(v) || fabs(v) >= 1e15)
		strlcpy(why, "written with an exponent, and far too large", len);
	else
		snprintf(why, len, "written with an exponent: in decimal, %.15g", v);
}

bool cmd_number(const char *text, bool fraction, double *out, char *why, size_t len)
{
	const char *p = text + (text[0] == '+' || text[0] == '-');
	size_t whole = number_digits(p), part = 0;
	bool point = p[whole] == '.';

	why[0] = '\0';
	if (point)
		part = number_digits(p + whole + 1);
	if (whole + part == 0 || p[whole + point + part] != '\0') {
		number_why_not(text, why, len);
		return false;
	}
	if (point && !fraction) {
		strlcpy(why, "a fraction, where a whole number is needed", len);
		return false;
	}
	/* Only digits, a point and a sign are left: strtod reads them in decimal, and nothing else. */
	errno = 0;
	double v = strtod(text, NULL);
	if (errno == ERANGE && v == 0) {
		strlcpy(why, "too small to tell from 0", len);
		return false;
	}
	*out = v == 0 ? 0 : v;   /* "-0" is 0 */
	return true;
}

/* " (why)" after a refused word, or nothing when there is no more to say. */
const char *cmd_why_said(const char *why, char *buf, size_t len)
{
	if (why[0] == '\0')
		return "";
	snprintf(buf, len, " (%s)", why);
	return buf;
}

/* A whole number from lo to hi (cmd_number's form); false with why, " (...)" or "", when it is not one. */
bool cmd_whole_number(const char *text, long lo, long hi, long *out, char *why, size_t len)
{
	char words[96];
	double v;

	why[0] = '\0';
	if (!cmd_number(text, false, &v, words, sizeof(words))) {
		cmd_why_said(words, why, len);
		return false;
	}
	if (v < (double)lo || v > (double)hi)
		return false;
	*out = (long)v;
	return true;
}
