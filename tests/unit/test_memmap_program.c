/* Who sees each region of a program's process: its own written pages, a file's pages that every process mapping it shares. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../src/view/memmap_program.h"

static struct program_thread threads[5][2];
static struct program_process procs[5];
static struct program_view view;
static struct memmap_region r[8];
static struct memmap m = { .r = r, .n = 8 };

/* A1 with two threads, A2 forked from it with one; the map of a process as it reads after exec and fork. */
static int setup(void **state)
{
	(void)state;
	memset(&view, 0, sizeof(view));
	memset(procs, 0, sizeof(procs));
	memset(threads, 0, sizeof(threads));
	strcpy(view.name, "A");
	view.nprocesses = 2;
	view.processes = procs;
	for (int i = 0; i < 5; i++) {
		snprintf(procs[i].id, sizeof(procs[i].id), "A%d", i + 1);
		procs[i].pid = getpid();
		procs[i].alive = true;
		procs[i].threads = threads[i];
		procs[i].nthreads = i == 0 ? 2 : 1;
		for (int j = 0; j < procs[i].nthreads; j++) {
			snprintf(threads[i][j].id, sizeof(threads[i][j].id), "A%d.%d", i + 1, j + 1);
			threads[i][j].alive = true;
		}
	}
	memset(r, 0, sizeof(r));
	r[0] = (struct memmap_region){ .perms = "r-xp", .kind = MEMMAP_CODE, .path = "/usr/bin/fork_counter" };
	r[1] = (struct memmap_region){ .perms = "r--p", .kind = MEMMAP_RODATA, .path = "/usr/bin/fork_counter" };
	r[2] = (struct memmap_region){ .perms = "rw-p", .kind = MEMMAP_GLOBALS, .path = "/usr/bin/fork_counter" };
	r[3] = (struct memmap_region){ .perms = "rw-p", .kind = MEMMAP_HEAP, .path = "[heap]" };
	r[4] = (struct memmap_region){ .perms = "r--p", .kind = MEMMAP_LIBRARY, .path = "/usr/lib/x86_64-linux-gnu/libc.so.6" };
	r[5] = (struct memmap_region){ .perms = "r--p", .kind = MEMMAP_LIBRARY,
	                               .path = "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" };
	r[6] = (struct memmap_region){ .perms = "r-xp", .kind = MEMMAP_KERNEL, .path = "[vdso]" };
	r[7] = (struct memmap_region){ .perms = "rw-s", .kind = MEMMAP_SHARED, .path = "/dev/shm/counter" };
	return 0;
}

static const char *seen(const struct memmap_program *w, int i, int width)
{
	static char text[128];
	memmap_program_seen_by_fit(w, &r[i], width, text, sizeof(text));
	assert_true((int)strlen(text) <= width || width < 13);
	return text;
}

/* A library's pages are every process's that uses it: never "A2 only", in 23 columns (100 wide) or 14 (80 wide). */
static void test_library_shared(void **state)
{
	struct memmap_program c = { .v = &view, .pp = &procs[1], .parent = &procs[0], .map = &m };
	(void)state;
	assert_string_equal(seen(&c, 4, 200), "every process using libc.so.6");
	assert_string_equal(seen(&c, 4, 23), "all using libc.so.6");
	assert_string_equal(seen(&c, 4, 14), "any libc user");
	assert_string_equal(seen(&c, 5, 23), "all who map it");
	assert_string_equal(seen(&c, 6, 14), "every process");
	assert_string_equal(seen(&c, 7, 23), "all who map the file");
	assert_string_equal(seen(&c, 7, 14), "all who map it");
}

/* The program's code and constants: the same pages in each process running it. */
static void test_code_shared(void **state)
{
	struct memmap_program c = { .v = &view, .pp = &procs[1], .parent = &procs[0], .map = &m };
	(void)state;
	strcpy(c.peers, "A1-A4");
	assert_string_equal(seen(&c, 0, 23), "A1-A4 + all running it");
	assert_string_equal(seen(&c, 1, 23), "all of A1-A4");
	assert_string_equal(seen(&c, 0, 14), "all of A1-A4");
	strcpy(c.peers, "A1-A2, A5-A9");
	assert_string_equal(seen(&c, 0, 14), "all running it");
	/* Alone in its group (or the group not known): every run of the program still shares them. */
	strcpy(c.peers, "A2");
	assert_string_equal(seen(&c, 0, 23), "all running it");
	c.peers[0] = '\0';
	assert_string_equal(seen(&c, 1, 23), "all running it");
}

/* Written pages are the process's own: its threads', or after fork a copy of its parent's. */
static void test_written_private(void **state)
{
	struct memmap_program a = { .v = &view, .pp = &procs[0], .map = &m };
	struct memmap_program c = { .v = &view, .pp = &procs[1], .parent = &procs[0], .map = &m };
	struct memmap_program e = { .v = &view, .pp = &procs[1], .exec_parent = &procs[0], .map = &m };
	(void)state;
	assert_string_equal(seen(&a, 2, 14), "A1.1 A1.2");
	assert_string_equal(seen(&a, 3, 14), "A1.1 A1.2");
	assert_string_equal(seen(&c, 2, 14), "copy of A1's");
	assert_string_equal(seen(&c, 3, 14), "copy of A1's");
	assert_string_equal(seen(&e, 3, 14), "A2 only");
}

/* The group's live processes running the same file: this test's own pid stands for them; pid 1 runs another. */
static void test_peers(void **state)
{
	struct memmap_program c = { .v = &view, .pp = &procs[1], .map = &m };
	char text[64];
	(void)state;
	view.nprocesses = 5;
	memmap_program_peers(&c, text, sizeof(text));
	assert_string_equal(text, "A1-A5");
	procs[2].pid = 1;
	procs[3].alive = false;
	memmap_program_peers(&c, text, sizeof(text));
	assert_string_equal(text, "A1-A2, A5");
	procs[0].alive = false;
	memmap_program_peers(&c, text, sizeof(text));
	assert_string_equal(text, "A2, A5");
	/* Too many to say in the room given: none said. */
	memmap_program_peers(&c, text, 5);
	assert_string_equal(text, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_library_shared, setup),
		cmocka_unit_test_setup(test_code_shared, setup),
		cmocka_unit_test_setup(test_written_private, setup),
		cmocka_unit_test_setup(test_peers, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
