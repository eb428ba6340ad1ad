/* A check that needs free CPUs and did not get them: said with why, and skipped alone (include after <cmocka.h>). */
/*
 * Such a check is judged by the CPU its workers had, never by how long the
 * test let time pass: on a busy machine they may get none for seconds.
 */
#ifndef PTVIZ_TESTS_NOT_JUDGED_H
#define PTVIZ_TESTS_NOT_JUDGED_H

#include <stdarg.h>
#include <stdio.h>

static void not_judged(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));

static void not_judged(const char *what, const char *fmt, ...)
{
	char why[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	print_message("SKIP one check: %s cannot be judged: %s\n", what, why);
}

#endif
