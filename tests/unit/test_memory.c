/* Memory per worker: smaps_rollup parsed, a process's own pages against a thread's and a green thread's, copy-on-write, one read a second. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lab/lab.h"
#include "lab/memory.h"
#include "small_lab.h"
#include "view/frames.h"
#include "view/memcost.h"

static void test_rollup_parsed(void **state)
{
	static const char text[] =
		"55d0c2a4b000-7ffd8f3fe000 ---p 00000000 00:00 0                          [rollup]\n"
		"Rss:                1960 kB\nPss:                 531 kB\nPss_Anon:            120 kB\n"
		"Shared_Clean:       1800 kB\nShared_Dirty:         28 kB\nPrivate_Clean:         8 kB\n"
		"Private_Dirty:       124 kB\nReferenced:         1960 kB\n";
	uint64_t rss, pss, uss;

	(void)state;
	assert_true(lab_memory_parse_rollup(text, &rss, &pss, &uss));
	assert_int_equal(rss, 1960);
	assert_int_equal(pss, 531);
	assert_int_equal(uss, 132);
	assert_false(lab_memory_parse_rollup("Pss: 3 kB\n", &rss, &pss, &uss));
}

static void test_cost_words(void **state)
{
	char buf[32], alt[4][160];
	struct lab_worker w[2] = { { .alive = true }, { .alive = true } };
	struct lab_group g = { .kind = LAB_THREADS, .nworkers = 2, .workers = w };
	struct memcost mc;

	(void)state;
	memcost_kib(12, buf, sizeof(buf));
	assert_string_equal(buf, "12 KiB");
	memcost_kib(20 * 1024 + 512, buf, sizeof(buf));
	assert_string_equal(buf, "20.5 MiB");
	assert_false(memcost_of(&g, &mc));
	w[0].memory = (struct lab_memory_use){ .known = true, .stack_kib = 8, .uss_kib = 8 };
	w[1].memory = (struct lab_memory_use){ .known = true, .stack_kib = 16, .uss_kib = 16 };
	g.memory = (struct lab_memory_use){ .known = true, .uss_kib = 200, .rss_kib = 900, .pss_kib = 300 };
	assert_true(memcost_of(&g, &mc));
	assert_int_equal(mc.per_worker_kib, 12);
	assert_int_equal(memcost_lines(&g, &mc, false, alt, 4), 4);
	assert_string_equal(alt[0], "   memory: one more thread ~ 12 KiB (its stack's touched pages) - host's own 200 KiB");
	g.green.kernels = 1;
	assert_int_equal(memcost_lines(&g, &mc, true, alt, 4), 4);
	assert_string_equal(alt[0], "   memory: one more green thread \u2248 12 KiB (its 64 KiB stack's touched pages) \u00b7 host's own 200 KiB");
	assert_string_equal(memcost_worker_word(&g), "green thread");
	assert_int_equal(memcost_bar_eighths(12, 480, 10), 2);
	assert_int_equal(memcost_bar_eighths(1, 1000000, 10), 1);
	assert_int_equal(memcost_bar_eighths(480, 480, 10), 80);
}

static const struct lab_worker *worker(struct lab *lab, const char *id)
{
	const struct lab_worker *w = lab_find_worker(lab, id, NULL);

	assert_non_null(w);
	return w;
}

/* One more process costs its own pages; one more thread only the stack pages it touched. */
static void test_process_owns_more_than_thread(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	must(lab_spawn(lab, LAB_PROCESSES, 2, false, NULL, &err), &err);
	lab_observe(lab);
	lab_read_memory(lab);
	const struct lab_worker *t1 = worker(lab, "T1"), *p1 = worker(lab, "P1");
	print_message("T1: stack %llu KiB, pss %llu KiB, rss %llu KiB; P1: uss %llu KiB, pss %llu KiB, rss %llu KiB\n",
	              (unsigned long long)t1->memory.stack_kib, (unsigned long long)t1->memory.pss_kib,
	              (unsigned long long)t1->memory.rss_kib, (unsigned long long)p1->memory.uss_kib,
	              (unsigned long long)p1->memory.pss_kib, (unsigned long long)p1->memory.rss_kib);
	assert_true(t1->memory.known && p1->memory.known);
	/* A thread's stack is 256 KiB of address space; it touches a page or a few of it. */
	assert_true(t1->memory.stack_kib >= 4 && t1->memory.stack_kib < 256);
	assert_int_equal(t1->memory.uss_kib, t1->memory.stack_kib);
	assert_true(p1->memory.uss_kib > t1->memory.uss_kib);
	const struct lab_group *g = lab_find_group(lab, "T");
	assert_true(g->memory.known && g->memory.rss_kib >= g->memory.uss_kib);
}

/*
 * One more green thread costs the pages of its 64 KiB stack it touched, as
 * a thread does; the thread's stack mapping also holds what glibc keeps for
 * it (its thread control block and thread-local storage) at the top, so a
 * kernel thread touches more.  Neither figure holds the kernel task a
 * thread has and a green thread has not.
 */
static void test_green_thread_costs_less_than_thread(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn(lab, LAB_THREADS, 2, false, "T", &err), &err);
	must(lab_spawn_green(lab, 4, 1, false, "G", &err), &err);
	must(lab_spawn(lab, LAB_PROCESSES, 2, false, "P", &err), &err);
	const struct lab_worker *t1 = worker(lab, "T1"), *g1 = worker(lab, "G1"), *p1 = worker(lab, "P1");
	for (int i = 0; i < 50 && !(t1->memory.stack_kib > 0 && g1->memory.stack_kib > 0); i++) {
		lab_observe(lab);
		lab_read_memory(lab);
	}
	struct memcost t, g, p;
	assert_true(memcost_of(lab_find_group(lab, "T"), &t));
	assert_true(memcost_of(lab_find_group(lab, "G"), &g));
	assert_true(memcost_of(lab_find_group(lab, "P"), &p));
	print_message("one more thread %llu KiB (T1 stack %llu), green thread %llu KiB (G1 stack %llu), process %llu KiB\n",
	              (unsigned long long)t.per_worker_kib, (unsigned long long)t1->memory.stack_kib,
	              (unsigned long long)g.per_worker_kib, (unsigned long long)g1->memory.stack_kib,
	              (unsigned long long)p.per_worker_kib);
	assert_true(g1->memory.known && g1->memory.stack_kib >= 4 && g1->memory.stack_kib < 64);
	assert_int_equal(g1->memory.uss_kib, g1->memory.stack_kib);
	assert_true(g.per_worker_kib < t.per_worker_kib);
	assert_true(g.per_worker_kib < p.per_worker_kib);
	assert_true(p1->memory.uss_kib > 0);
}

static uint64_t own_kib(struct lab *lab, const char *id)
{
	const struct lab_group *g;
	const struct lab_worker *w = lab_find_worker(lab, id, &g);

	lab_read_memory(lab);
	return g->kind == LAB_THREADS ? g->memory.uss_kib : w->memory.uss_kib;
}

/* Copy-on-write: a process's private pages grow as it writes; its sibling's do not; a thread host copies once for all. */
static void test_touch_copies_on_write(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn(lab, LAB_PROCESSES, 2, false, NULL, &err), &err);
	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	lab_observe(lab);
	uint64_t p1 = own_kib(lab, "P1"), p2 = own_kib(lab, "P2"), host = own_kib(lab, "T1");
	must(lab_touch(lab, "P1", 1024, &err), &err);
	print_message("%s\n", err.msg);
	uint64_t p1_after = own_kib(lab, "P1"), p2_after = own_kib(lab, "P2");
	print_message("P1 %llu -> %llu KiB, P2 %llu -> %llu KiB\n", (unsigned long long)p1, (unsigned long long)p1_after,
	              (unsigned long long)p2, (unsigned long long)p2_after);
	assert_true(p1_after >= p1 + 1000);
	assert_true(p2_after < p2 + 256);
	/* The same pages again: copied already, nothing more. */
	must(lab_touch(lab, "P1", 1024, &err), &err);
	assert_true(own_kib(lab, "P1") < p1_after + 256);

	must(lab_touch(lab, "T1", 1024, &err), &err);
	uint64_t host_after = own_kib(lab, "T1");
	must(lab_touch(lab, "T2", 1024, &err), &err);
	uint64_t host_again = own_kib(lab, "T2");
	print_message("host %llu -> %llu (T1 wrote) -> %llu KiB (T2 wrote the same pages)\n", (unsigned long long)host,
	              (unsigned long long)host_after, (unsigned long long)host_again);
	assert_true(host_after >= host + 1000);
	assert_true(host_again < host_after + 256);
	assert_false(lab_touch(lab, "P1", LAB_TOUCH_MAX_KIB + 1, &err));
	assert_non_null(strstr(err.msg, "from 1 to"));
}

static int reads;

static void count_reads(void *ctx, const struct lab *lab)
{
	struct lab_pass pass;

	(void)ctx;
	lab_last_pass(lab, &pass);
	reads += pass.memory_reads;
}

/* smaps_rollup is costly: each process is read at most once a second, however many frames there are. */
static void test_read_once_a_second(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;
	struct frames clock;

	must(lab_spawn(lab, LAB_PROCESSES, 3, false, NULL, &err), &err);
	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	lab_observe(lab);
	reads = 0;
	double t0 = lab_now(lab);
	frames_start(&clock, lab, 20, &(struct frames_hooks){ .frame = count_reads });
	frames_run(&clock, 2.0, -1);
	double span = lab_now(lab) - t0;
	/* Four processes (three, and the threads' host), each read at most once in every second begun. */
	int most = 4 * (int)(span / 1.0 + 1);
	print_message("%d reads of smaps_rollup in %.2f s for 4 processes (at most %d)\n", reads, span, most);
	assert_true(reads >= 1 && reads <= most);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rollup_parsed),
		cmocka_unit_test(test_cost_words),
		cmocka_unit_test_setup_teardown(test_process_owns_more_than_thread, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_green_thread_costs_less_than_thread, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_touch_copies_on_write, small_lab_setup, small_lab_teardown),
		cmocka_unit_test_setup_teardown(test_read_once_a_second, small_lab_setup, small_lab_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
