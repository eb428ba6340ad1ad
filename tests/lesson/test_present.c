/* Unit tests of presenting: autoplay's reading time, the large letters, numbers kept with their units, the IPC verdict's words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bench/bench.h"
#include "lesson/lesson.h"
#include "view/letters.h"
#include "view/units.h"

static void test_words(void **state)
{
	(void)state;
	assert_int_equal(lesson_words(""), 0);
	assert_int_equal(lesson_words("   "), 0);
	assert_int_equal(lesson_words("one"), 1);
	assert_int_equal(lesson_words("  two  words "), 2);
	assert_int_equal(lesson_words("counter++ is three\tmachine steps: load, add, store."), 8);
}

/* A caption of about 28 words needs about 9 s at three words a second, never the 2.5 s it once had. */
static void test_hold_reads_three_words_a_second(void **state)
{
	(void)state;
	assert_float_equal(lesson_hold_seconds(28, 2.5, 1), 28 / 3.0, 1e-9);
	assert_true(lesson_hold_seconds(28, 2.5, 1) >= 6.0);
	assert_float_equal(lesson_hold_seconds(30, 2.5, 1), 10.0, 1e-9);
	/* A short caption still stays the floor. */
	assert_float_equal(lesson_hold_seconds(3, 2.5, 1), 2.5, 1e-9);
	assert_float_equal(lesson_hold_seconds(0, 4.0, 1), 4.0, 1e-9);
}

static void test_hold_scales_with_speed(void **state)
{
	(void)state;
	assert_float_equal(lesson_hold_seconds(30, 2.5, 2), 5.0, 1e-9);
	assert_float_equal(lesson_hold_seconds(30, 2.5, 0.5), 20.0, 1e-9);
	assert_float_equal(lesson_hold_seconds(3, 2.5, 2), 1.25, 1e-9);
	/* 0 is --speed left out: as written. */
	assert_float_equal(lesson_hold_seconds(30, 2.5, 0), 10.0, 1e-9);
}

static void test_letters_cover_the_headline_set(void **state)
{
	(void)state;
	const char *set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:;!?-+'\"/()=%*<>_";
	for (const char *c = set; *c != '\0'; c++) {
		const struct letters_glyph *g = letters_glyph(*c);
		if (g == NULL)
			fail_msg("no large letter for '%c'", *c);
		assert_true(g->width >= 1 && g->width <= 5);
		for (int r = 0; r < 5; r++)
			assert_true(g->rows[r] < (1u << g->width));
	}
	assert_null(letters_glyph('#'));
	assert_null(letters_glyph('\t'));
	assert_false(letters_cover("caf\xc3\xa9"));
	assert_true(letters_cover("One thread crashes, all die!"));
}

/* Three rows, each as wide as letters_width says, in blocks (UTF-8) or in plain ASCII. */
static void test_letters_draw(void **state)
{
	(void)state;
	char rows[LETTERS_ROWS][LETTERS_ROW_MAX];

	assert_int_equal(letters_width("HI", LETTERS_HALF), 7);
	assert_true(letters_draw("HI", LETTERS_ASCII, rows));
	assert_string_equal(rows[0], "# # \"#\"");
	assert_string_equal(rows[1], "#\"#  # ");
	assert_string_equal(rows[2], "\" \" \"\"\"");
	assert_true(letters_draw("HI", LETTERS_HALF, rows));
	assert_string_equal(rows[0], "\xe2\x96\x88 \xe2\x96\x88 \xe2\x96\x80\xe2\x96\x88\xe2\x96\x80");
	assert_int_equal(letters_width("a#b", LETTERS_HALF), -1);
	assert_false(letters_draw("a#b", LETTERS_HALF, rows));
}

static void test_letters_wrap(void **state)
{
	(void)state;
	int starts[4], lens[4];
	const char *t = "One update lost";
	int w = letters_width("One update", LETTERS_HALF);

	assert_int_equal(letters_wrap(t, LETTERS_HALF, w, starts, lens, 4), 2);
	assert_int_equal(starts[0], 0);
	assert_int_equal(lens[0], 10);
	assert_int_equal(starts[1], 11);
	assert_int_equal(lens[1], 4);
	assert_int_equal(letters_wrap(t, LETTERS_HALF, 200, starts, lens, 4), 1);
	/* More lines than allowed, or a word too wide alone: 0, for plain text instead. */
	assert_int_equal(letters_wrap(t, LETTERS_HALF, w, starts, lens, 1), 0);
	assert_int_equal(letters_wrap(t, LETTERS_HALF, 5, starts, lens, 4), 0);
}

/* A number split from its unit: "20.6" at the end of one line and "µs" at the start of the next. */
static void test_units_stay_with_numbers(void **state)
{
	(void)state;
	char out[256], back[256];
	const char *text = "took 10.9 \xc2\xb5s between threads and 20.6 \xc2\xb5s (1.89\xc3\x97), 4 KiB messages at 8991 MB/s";

	units_bind(text, out, sizeof(out));
	assert_non_null(strstr(out, "20.6" UNITS_BIND "\xc2\xb5s"));
	assert_non_null(strstr(out, "10.9" UNITS_BIND "\xc2\xb5s"));
	assert_non_null(strstr(out, "4" UNITS_BIND "KiB"));
	assert_non_null(strstr(out, "8991" UNITS_BIND "MB/s"));
	/* Only after a number: words stay breakable. */
	assert_non_null(strstr(out, "took 10.9"));
	assert_non_null(strstr(out, " (1.89"));
	size_t n = units_unbind(out, strlen(out), back, sizeof(back));
	assert_int_equal(n, strlen(text));
	assert_string_equal(back, text);
}

/* The IPC verdict on big messages, for a pipe and a shared segment at these MB/s. */
static void ipc_verdict(double pipe, double shared, char *buf, size_t len)
{
	struct bench_result r;

	memset(&r, 0, sizeof(r));
	r.kind = BENCH_IPC;
	r.valid = true;
	r.u.ipc.bytes[0] = 64;
	r.u.ipc.bytes[1] = 64 * 1024;
	for (int m = 0; m < BENCH_IPC_METHODS; m++) {
		r.u.ipc.msgs_per_s[0][m] = 100000;
		r.u.ipc.mb_per_s[1][m] = 1000;
	}
	r.u.ipc.mb_per_s[1][BENCH_IPC_PIPE] = pipe;
	r.u.ipc.mb_per_s[1][BENCH_IPC_SHM] = shared;
	r.u.ipc.mb_per_s[1][BENCH_IPC_THREADS] = shared;
	bench_report_verdict(&r, false, buf, len);
}

/* The verdict reads which was faster from the figures: a pipe twice as fast never "comes close". */
static void test_ipc_verdict_reads_the_figures(void **state)
{
	(void)state;
	char buf[4096];

	ipc_verdict(8991, 4417, buf, sizeof(buf));
	assert_null(strstr(buf, "come close"));
	assert_non_null(strstr(buf, "even faster than shared memory (8991 MB/s against 4417)"));
	ipc_verdict(4000, 4417, buf, sizeof(buf));
	assert_non_null(strstr(buf, "come close (the best at 4000 MB/s against 4417"));
	ipc_verdict(1000, 4417, buf, sizeof(buf));
	assert_null(strstr(buf, "come close"));
	assert_non_null(strstr(buf, "shared memory stayed 4.4x as fast"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_hold_reads_three_words_a_second),
		cmocka_unit_test(test_hold_scales_with_speed),
		cmocka_unit_test(test_letters_cover_the_headline_set),
		cmocka_unit_test(test_letters_draw),
		cmocka_unit_test(test_letters_wrap),
		cmocka_unit_test(test_units_stay_with_numbers),
		cmocka_unit_test(test_ipc_verdict_reads_the_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
