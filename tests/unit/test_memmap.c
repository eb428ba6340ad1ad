/* The memory-map model on real processes: each region's kind, rows as people read them, and the words for a worker's map. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lab/lab.h"
#include "small_lab.h"
#include "view/memmap.h"

static int memmap_global = 1;   /* initialised: in the program's own data */
static const char memmap_constant[] = "a string the program only reads";

/* The kind of the region that holds address in m, failing when none does. */
static enum memmap_kind kind_at(const struct memmap *m, uintptr_t address)
{
	int i = memmap_find(m, address);
	if (i < 0)
		fail_msg("no region holds 0x%lx", (unsigned long)address);
	return m->r[i].kind;
}

static bool has_kind(const struct memmap *m, enum memmap_kind kind)
{
	for (int i = 0; i < m->n; i++) {
		if (m->r[i].kind == kind)
			return true;
	}
	return false;
}

static pthread_barrier_t memmap_barrier;
static pthread_t memmap_peer;
static bool peer_waiting;   /* the thread waits at the barrier for the test to be done with the map */

/* Lets a thread the test left waiting go, and joins it. */
static void peer_release(void)
{
	if (!peer_waiting)
		return;
	pthread_barrier_wait(&memmap_barrier);
	pthread_join(memmap_peer, NULL);
	pthread_barrier_destroy(&memmap_barrier);
	peer_waiting = false;
}

static void *memmap_thread(void *arg)
{
	int local = 0;

	*(uintptr_t *)arg = (uintptr_t)&local;
	pthread_barrier_wait(&memmap_barrier);   /* the test reads the map */
	pthread_barrier_wait(&memmap_barrier);   /* ... and is done with it */
	return NULL;
}

/* What a test of the map holds, freed by the teardown however the test ends. */
static struct memmap map;
static char *small;                 /* a block on the heap, to be found in the map */
static void *shared = MAP_FAILED;   /* a shared page, the same */

static int map_teardown(void **state)
{
	peer_release();
	memmap_free(&map);
	free(small);
	small = NULL;
	if (shared != MAP_FAILED)
		munmap(shared, 4096);
	shared = MAP_FAILED;
	return *state != NULL ? small_lab_teardown(state) : 0;
}

/* The test's own process: its code, data, heap, stacks and a shared mapping, each sorted rightly. */
static void test_own_process_sorted(void **state)
{
	(void)state;
	char exe[256];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int on_stack = 0;
	uintptr_t thread_stack = 0;
	struct memmap *m = &map;

	assert_true(n > 0);
	exe[n] = '\0';
	small = malloc(64);
	assert_non_null(small);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(shared != MAP_FAILED);
	((char *)shared)[0] = 1;
	pthread_barrier_init(&memmap_barrier, NULL, 2);
	assert_int_equal(pthread_create(&memmap_peer, NULL, memmap_thread, &thread_stack), 0);
	pthread_barrier_wait(&memmap_barrier);
	peer_waiting = true;

	assert_true(memmap_read(getpid(), exe, &thread_stack, 1, m));
	assert_int_equal(m->error, 0);
	assert_int_equal(kind_at(m, (uintptr_t)test_own_process_sorted), MEMMAP_CODE);
	assert_int_equal(kind_at(m, (uintptr_t)&memmap_global), MEMMAP_GLOBALS);
	assert_int_equal(kind_at(m, (uintptr_t)memmap_constant), MEMMAP_RODATA);
	assert_int_equal(kind_at(m, (uintptr_t)&on_stack), MEMMAP_STACK);
	assert_int_equal(kind_at(m, thread_stack), MEMMAP_THREAD_STACK);
	assert_int_equal(kind_at(m, (uintptr_t)shared), MEMMAP_SHARED);
	enum memmap_kind heap = kind_at(m, (uintptr_t)small);
	assert_true(heap == MEMMAP_HEAP || heap == MEMMAP_ANON);   /* a thread's malloc arena is not [heap] */
	assert_true(has_kind(m, MEMMAP_LIBRARY));
	assert_true(has_kind(m, MEMMAP_KERNEL));
	assert_int_equal(memmap_find(m, 0), -1);
	/* smaps: what is in memory is private or shared, and the whole is the sum of its regions. */
	assert_true(m->rss > 0);
	assert_true(m->private_kb + m->shared_kb <= m->rss + 4);
	memmap_free(m);
	assert_null(m->r);

	/* Without the thread's stack named, the same region is only private memory. */
	assert_true(memmap_read(getpid(), exe, NULL, 0, m));
	assert_int_equal(kind_at(m, thread_stack), MEMMAP_ANON);
	memmap_free(m);

	peer_release();
}

static void test_gone_process(void **state)
{
	(void)state;
	struct memmap *m = &map;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	assert_false(memmap_read(pid, NULL, NULL, 0, m));
	assert_true(m->error != 0);
	assert_int_equal(m->n, 0);
	memmap_free(m);
}

/* Every kind has words of its own. */
static void test_kind_names(void **state)
{
	(void)state;
	for (int k = MEMMAP_CODE; k <= MEMMAP_OTHER; k++) {
		assert_string_not_equal(memmap_kind_name((enum memmap_kind)k), "?");
		for (int j = MEMMAP_CODE; j < k; j++)
			assert_string_not_equal(memmap_kind_name((enum memmap_kind)k), memmap_kind_name((enum memmap_kind)j));
	}
}

/* A library's four mappings are one row; two private regions side by side stay two. */
static void test_rows_merge(void **state)
{
	(void)state;
	struct memmap_region r[] = {
		{ .start = 0x1000, .end = 0x3000, .kind = MEMMAP_CODE, .path = "/bin/x", .private_kb = 8 },
		{ .start = 0x10000, .end = 0x11000, .kind = MEMMAP_LIBRARY, .path = "/lib/libc.so.6", .shared_kb = 4 },
		{ .start = 0x11000, .end = 0x13000, .kind = MEMMAP_LIBRARY, .path = "/lib/libc.so.6", .shared_kb = 8 },
		{ .start = 0x13000, .end = 0x14000, .kind = MEMMAP_LIBRARY, .path = "/lib/libc.so.6", .private_kb = 4 },
		{ .start = 0x14000, .end = 0x15000, .kind = MEMMAP_LIBRARY, .path = "/lib/libm.so.6" },
		{ .start = 0x20000, .end = 0x21000, .kind = MEMMAP_ANON },
		{ .start = 0x21000, .end = 0x22000, .kind = MEMMAP_ANON },
	};
	struct memmap m = { .r = r, .n = 7 };
	struct memmap_row rows[8];

	assert_int_equal(memmap_rows(&m, rows, 8), 5);
	assert_int_equal(rows[1].first, 1);
	assert_int_equal(rows[1].last, 3);
	assert_int_equal(rows[1].kb, 16);
	assert_int_equal(rows[1].shared_kb, 12);
	assert_int_equal(rows[1].private_kb, 4);
	assert_int_equal(rows[2].first, 4);
	assert_int_equal(rows[4].first, 6);
	/* No more rows than asked for. */
	assert_int_equal(memmap_rows(&m, rows, 2), 2);
}

/* The label of the region holding address in the map read for whose; the row it heads. */
static void label_at(const struct memmap_whose *whose, const struct memmap *m, uintptr_t address, char *label,
                     size_t llen, char *seen, size_t slen)
{
	int i = memmap_find(m, address);
	if (i < 0)
		fail_msg("no region holds 0x%lx", (unsigned long)address);
	memmap_label(whose, &m->r[i], false, label, llen);
	memmap_seen_by(whose, &m->r[i], seen, slen);
}

/* A worker's map in words: who can see what, where the counter is, and ptviz's own panel. */
static void test_worker_words(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;
	char label[96], seen[64];
	struct memmap *m = &map;

	must(lab_spawn(lab, LAB_THREADS, 2, false, NULL, &err), &err);
	must(lab_spawn(lab, LAB_PROCESSES, 2, true, "S", &err), &err);
	must(lab_spawn(lab, LAB_PROCESSES, 2, false, NULL, &err), &err);
	lab_observe(lab);

	/* The thread host: one map for both threads, each stack named, the counter among the globals. */
	const struct lab_group *t = lab_find_group(lab, "T");
	struct memmap_whose host = { lab, t, t->host, "T1" };
	assert_true(memmap_read_whose(&host, m));
	label_at(&host, m, t->workers[1].stack_address, label, sizeof(label), seen, sizeof(seen));
	assert_string_equal(label, "thread stack of T2");
	assert_string_equal(seen, "T1..T2");
	label_at(&host, m, t->counter_address, label, sizeof(label), seen, sizeof(seen));
	assert_string_equal(label, "globals <- counter");
	uintptr_t panel, panel_end;
	lab_instrument_range(lab, &panel, &panel_end);
	label_at(&host, m, panel, label, sizeof(label), seen, sizeof(seen));
	assert_string_equal(label, "ptviz's instrument panel");
	assert_string_equal(seen, "all + ptviz");
	memmap_free(m);

	/* A shared process: the counter is in its group's segment, seen by the group and ptviz. */
	const struct lab_group *s = lab_find_group(lab, "S");
	struct memmap_whose p1 = { lab, s, s->workers[0].pid, "S1" };
	assert_true(memmap_read_whose(&p1, m));
	label_at(&p1, m, s->counter_address, label, sizeof(label), seen, sizeof(seen));
	assert_string_equal(label, "shared segment of group S <- counter");
	assert_string_equal(seen, "S1..S2 + ptviz");
	memmap_free(m);

	/* A private process: the same counter address, its own copy, seen by it alone. */
	const struct lab_group *p = lab_find_group(lab, "P");
	struct memmap_whose p2 = { lab, p, p->workers[1].pid, "P2" };
	assert_true(memmap_read_whose(&p2, m));
	label_at(&p2, m, p->counter_address, label, sizeof(label), seen, sizeof(seen));
	assert_string_equal(label, "globals <- counter");
	assert_string_equal(seen, "P2 only");
	/* Forked after S, it has S's segment too. */
	int i = memmap_find(m, s->counter_address);
	assert_true(i >= 0);
	memmap_seen_by(&p2, &m->r[i], seen, sizeof(seen));
	assert_string_equal(seen, "S1..S2 + ptviz + this");
	memmap_label(&p2, &m->r[i], true, label, sizeof(label));
	assert_string_equal(label, "shared segment of group S");
	memmap_free(m);

}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_own_process_sorted, map_teardown),
		cmocka_unit_test_teardown(test_gone_process, map_teardown),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_rows_merge),
		cmocka_unit_test_setup_teardown(test_worker_words, small_lab_setup, map_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
