/* A program's rows as the keys move through them, its files in words, its process's map named for its tasks, its threads' CPU histories. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/view/memmap_program.h"
#include "../../src/view/program_fold.h"
#include "../../src/view/program_rows.h"
#include "../../src/view/program_trend.h"

static struct program_thread threads1[3], threads2[1];
static struct program_process procs[2];
static struct program_view view;

/* A1 with three threads (pid 100), A2 forked from it (pid 200) with one. */
static int setup(void **state)
{
	(void)state;
	memset(&view, 0, sizeof(view));
	memset(procs, 0, sizeof(procs));
	memset(threads1, 0, sizeof(threads1));
	memset(threads2, 0, sizeof(threads2));
	view.serial = 7;
	strcpy(view.name, "A");
	view.nprocesses = 2;
	view.processes = procs;
	strcpy(procs[0].id, "A1");
	procs[0].pid = 100;
	procs[0].first_ppid = 50;
	procs[0].alive = true;
	procs[0].nthreads = 3;
	procs[0].threads = threads1;
	for (int j = 0; j < 3; j++) {
		snprintf(threads1[j].id, sizeof(threads1[j].id), "A1.%d", j + 1);
		threads1[j].tid = 100 + j;
		threads1[j].alive = true;
	}
	strcpy(procs[1].id, "A2");
	procs[1].pid = 200;
	procs[1].first_ppid = 100;
	procs[1].started_at = 1.0;
	procs[1].alive = true;
	procs[1].nthreads = 1;
	procs[1].threads = threads2;
	strcpy(threads2[0].id, "A2.1");
	threads2[0].tid = 200;
	threads2[0].alive = true;
	return 0;
}

static void test_rows_in_order(void **state)
{
	struct program_row rows[16];
	(void)state;
	int n = program_rows(&view, rows, 16);
	assert_int_equal(n, 6);
	assert_string_equal(program_row_id(&view, rows[0]), "A1");
	assert_string_equal(program_row_id(&view, rows[3]), "A1.3");
	assert_string_equal(program_row_id(&view, rows[4]), "A2");
	assert_int_equal(program_row_find(&view, "A2.1"), 5);
	assert_int_equal(program_row_find(&view, "A3"), -1);
}

static void test_move_stays_in_group(void **state)
{
	char id[LAB_ID_MAX];
	(void)state;
	assert_true(program_row_move_shown(&view, NULL, "A1", 1, id, sizeof(id)));
	assert_string_equal(id, "A1.1");
	assert_true(program_row_move_shown(&view, NULL, "A1.3", 1, id, sizeof(id)));
	assert_string_equal(id, "A2");
	assert_true(program_row_move_shown(&view, NULL, "A2.1", 5, id, sizeof(id)));
	assert_string_equal(id, "A2.1");
	assert_true(program_row_move_shown(&view, NULL, "A1", -1, id, sizeof(id)));
	assert_string_equal(id, "A1");
	/* A name that is gone: the first row. */
	assert_true(program_row_move_shown(&view, NULL, "A9", 1, id, sizeof(id)));
	assert_string_equal(id, "A1");
}

/* A process that ended with its one thread is one row; a move from that thread starts at its process. */
static void test_ended_alone_one_row(void **state)
{
	struct program_row rows[16];
	char id[LAB_ID_MAX];
	(void)state;
	procs[1].alive = false;
	threads2[0].alive = false;
	assert_int_equal(program_thread_rows(&procs[1]), 0);
	assert_int_equal(program_rows(&view, rows, 16), 5);
	assert_int_equal(program_row_find(&view, "A2.1"), -1);
	assert_true(program_row_move_shown(&view, NULL, "A2.1", -1, id, sizeof(id)));
	assert_string_equal(id, "A1.3");
	/* One that ended with threads still lists them, each saying it ended with its process. */
	procs[0].alive = false;
	assert_int_equal(program_thread_rows(&procs[0]), 3);
}

static void test_task_and_parent(void **state)
{
	const struct program_process *pp;
	const struct program_thread *th;
	char names[48];
	(void)state;
	assert_true(program_row_task(&view, "A1.2", &pp, &th));
	assert_string_equal(pp->id, "A1");
	assert_int_equal(th->tid, 101);
	assert_true(program_row_task(&view, "A2", &pp, &th));
	assert_null(th);
	assert_ptr_equal(program_parent(&view, &procs[1]), &procs[0]);
	assert_null(program_parent(&view, &procs[0]));
	program_thread_names(&procs[0], true, names, sizeof(names));
	assert_string_equal(names, "A1.1-A1.3");
	threads1[2].alive = false;
	program_thread_names(&procs[0], true, names, sizeof(names));
	assert_string_equal(names, "A1.1 A1.2");
	assert_ptr_equal(program_view_by_serial(&view, 1, 7), &view);
	threads1[1].state = 'S';
	assert_false(program_row_paused(&procs[0], &threads1[1]));
	threads1[1].paused = true;
	assert_true(program_row_paused(&procs[0], &threads1[1]));
	procs[1].state = 't';   /* stopped while traced */
	assert_true(program_row_paused(&procs[1], NULL));
	assert_null(program_view_by_serial(&view, 1, 8));
}

static void test_files_text(void **state)
{
	char text[200];
	(void)state;
	procs[0].nfds = procs[0].fds_total = 4;
	procs[0].fds[0] = (struct lab_fd){ 0, "/dev/null" };
	procs[0].fds[1] = (struct lab_fd){ 1, "/dev/pts/3" };
	procs[0].fds[2] = (struct lab_fd){ 2, "/dev/pts/3" };
	procs[0].fds[3] = (struct lab_fd){ 3, "pipe:[812]" };
	program_files_text(&procs[0], 0, text, sizeof(text));
	assert_string_equal(text, "0 /dev/null, 1-2 /dev/pts/3, 3 pipe:[812]");
	procs[0].fds_total = 6;
	program_files_text(&procs[0], 3, text, sizeof(text));
	assert_string_equal(text, "3 pipe:[812], 2 more");
}

static void test_map_words(void **state)
{
	struct memmap_region r[3];
	struct memmap m = { .r = r, .n = 3 };
	struct memmap_program w = { .v = &view, .pp = &procs[0], .map = &m, .nstacks = 1 };
	char text[96];
	(void)state;
	memset(r, 0, sizeof(r));
	r[0] = (struct memmap_region){ .start = 0x1000, .end = 0x2000, .perms = "---p", .kind = MEMMAP_GUARD };
	r[1] = (struct memmap_region){ .start = 0x2000, .end = 0x82000, .perms = "rw-p", .kind = MEMMAP_THREAD_STACK };
	r[2] = (struct memmap_region){ .start = 0x83000, .end = 0x103000, .perms = "rw-p", .kind = MEMMAP_ANON };
	r[2].start = 0x82000 + 0x1000;
	w.stack[0] = 0x3000;
	strcpy(w.stack_of[0], "A1.2");
	memmap_program_label(&w, &r[1], false, text, sizeof(text));
	assert_string_equal(text, "stack of A1.2");
	memmap_program_seen_by(&w, &r[1], text, sizeof(text));
	assert_string_equal(text, "A1.1-A1.3");
	memmap_program_unplaced(&w, text, sizeof(text));
	assert_string_equal(text, "A1.1, A1.3");
	/* The forked child: its writable pages are copies of its parent's until written. */
	struct memmap_program c = { .v = &view, .pp = &procs[1], .parent = &procs[0], .map = &m };
	memmap_program_seen_by(&c, &r[2], text, sizeof(text));
	assert_string_equal(text, "copy of A1's");
	procs[1].nwatch = 1;
	strcpy(procs[1].watch[0].name, "counter:int32");
	procs[1].watch[0].value.address = 0x90000;
	memmap_program_label(&c, &r[2], false, text, sizeof(text));
	assert_string_equal(text, "private memory <- counter");
}

/* A thread's CPU history: its share of a CPU per half second, kept by name; an ended thread or a group gone takes it. */
static void test_cpu_history(void **state)
{
	struct program_trend pt = { 0 };
	double share = 0;
	(void)state;
	threads1[1].cpu_ns = 0;
	program_trend_update(&pt, &view, 1, 10.0);
	threads1[1].cpu_ns = 250000000;   /* a quarter second of CPU in half a second */
	program_trend_update(&pt, &view, 1, 10.5);
	const struct trend_series *s = program_trend_cpu(&pt, 7, "A1.2");
	assert_non_null(s);
	assert_true(trend_now(s, &share));
	assert_true(share > 0.49 && share < 0.51);
	assert_null(program_trend_cpu(&pt, 7, "A1.9"));
	/* A thread that ended takes its history with it; its siblings keep theirs. */
	assert_non_null(program_trend_cpu(&pt, 7, "A1.1"));
	threads1[1].alive = false;
	program_trend_update(&pt, &view, 1, 10.8);
	assert_null(program_trend_cpu(&pt, 7, "A1.2"));
	assert_non_null(program_trend_cpu(&pt, 7, "A1.1"));
	threads1[1].alive = true;
	program_trend_update(&pt, NULL, 0, 11.0);
	assert_null(program_trend_cpu(&pt, 7, "A1.2"));
	program_trend_free(&pt);
}

/* A shell that ran 40 short commands and then sleeps: A1 alive, A2-A41 ended (A41 by a signal), A42 alive. */
static struct program_thread shell_threads[42];
static struct program_process shell[42];
static struct program_view shell_view;

static void shell_setup(double died_at)
{
	memset(&shell_view, 0, sizeof(shell_view));
	memset(shell, 0, sizeof(shell));
	memset(shell_threads, 0, sizeof(shell_threads));
	shell_view.serial = 9;
	shell_view.nprocesses = 42;
	shell_view.processes = shell;
	for (int i = 0; i < 42; i++) {
		struct program_process *pp = &shell[i];
		snprintf(pp->id, sizeof(pp->id), "A%d", i + 1);
		snprintf(shell_threads[i].id, sizeof(shell_threads[i].id), "A%d.1", i + 1);
		strcpy(pp->comm, i == 0 ? "sh" : i == 41 ? "sleep" : i <= 30 ? "bash" : i <= 36 ? "readlink" : "env");
		pp->alive = shell_threads[i].alive = i == 0 || i == 41;
		pp->died_at = pp->alive ? 0 : died_at;
		pp->nthreads = 1;
		pp->threads = &shell_threads[i];
	}
	shell[40].signal = 11;   /* A41 died of SIGSEGV: it keeps its rows */
	shell[40].status = -1;
}

/* When every row fits, nothing is folded; when not, old exits fold and the keys pass them by. */
static void test_fold_old_exits(void **state)
{
	struct program_fold f;
	char text[120], id[LAB_ID_MAX];
	struct program_row rows[100];
	(void)state;
	shell_setup(1.0);
	program_fold_plan(&shell_view, 2.0 + PROGRAM_FOLD_RECENT, 84, NULL, &f);
	assert_int_equal(f.nfolded, 0);
	program_fold_plan(&shell_view, 2.0 + PROGRAM_FOLD_RECENT, 20, NULL, &f);
	assert_int_equal(f.nfolded, 39);
	assert_false(program_fold_hides(&f, &shell_view, 0));
	assert_true(program_fold_hides(&f, &shell_view, 1));
	assert_false(program_fold_hides(&f, &shell_view, 40));
	program_fold_text(&shell_view, &f, 74, text, sizeof(text));
	assert_string_equal(text, "39 ended: 30 bash, 6 readlink, 3 env (all exit 0)");
	/* Shown: A1 and A42 with their one thread, A41 (ended) alone; Down from A1.1 goes to A41, past the folded. */
	assert_int_equal(program_rows_shown(&shell_view, &f, rows, 100), 5);
	assert_true(program_row_move_shown(&shell_view, &f, "A1.1", 1, id, sizeof(id)));
	assert_string_equal(id, "A41");
	assert_true(program_row_move_shown(&shell_view, &f, "A42.1", 3, id, sizeof(id)));
	assert_string_equal(id, "A42.1");
	/* The selected process is never folded; a plan for another group hides nothing here. */
	program_fold_plan(&shell_view, 2.0 + PROGRAM_FOLD_RECENT, 20, "A5", &f);
	assert_int_equal(f.nfolded, 38);
	assert_false(program_fold_hides(&f, &shell_view, 4));
	f.group = 3;
	assert_false(program_fold_hides(&f, &shell_view, 1));
}

/* Processes that ended in the last seconds keep their rows; a narrow summary says "others"; a non-zero exit is counted. */
static void test_fold_recent_and_narrow(void **state)
{
	struct program_fold f;
	char text[120];
	(void)state;
	shell_setup(10.0);
	program_fold_plan(&shell_view, 10.0 + PROGRAM_FOLD_RECENT / 2, 20, NULL, &f);
	assert_int_equal(f.nfolded, 0);
	shell[2].died_at = 1.0;
	shell[2].status = 1;
	shell[35].died_at = 1.0;
	program_fold_plan(&shell_view, 10.0 + PROGRAM_FOLD_RECENT / 2, 20, NULL, &f);
	assert_int_equal(f.nfolded, 2);
	program_fold_text(&shell_view, &f, 74, text, sizeof(text));
	assert_string_equal(text, "2 ended: 1 bash, 1 readlink (1 exit non-zero)");
	shell_setup(1.0);
	program_fold_plan(&shell_view, 20.0, 20, NULL, &f);
	program_fold_text(&shell_view, &f, 40, text, sizeof(text));
	assert_string_equal(text, "39 ended: 30 bash, 9 others (all exit 0)");
	program_fold_text(&shell_view, &f, 36, text, sizeof(text));
	assert_string_equal(text, "39 ended: 39 processes (all exit 0)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_rows_in_order, setup),
		cmocka_unit_test_setup(test_move_stays_in_group, setup),
		cmocka_unit_test_setup(test_ended_alone_one_row, setup),
		cmocka_unit_test_setup(test_task_and_parent, setup),
		cmocka_unit_test_setup(test_files_text, setup),
		cmocka_unit_test_setup(test_map_words, setup),
		cmocka_unit_test_setup(test_cpu_history, setup),
		cmocka_unit_test(test_fold_old_exits),
		cmocka_unit_test(test_fold_recent_and_narrow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
