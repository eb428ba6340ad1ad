/* Tests of --watch's engine: globals found in small C programs (PIE or not, DWARF or not, stripped, static), read live, and each bad input's message. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>

#include "lab/symbols.h"
#include "lesson/example.h"

/* The programs, by name, from the command line (tests/meson.build); NULL when not built. */
enum program { PIE, NOPIE, NODEBUG, STRIPPED, FORK, STATIC, STATIC_G, NPROGRAMS };
static const char *program_names[NPROGRAMS] = { "symbols_pie", "symbols_nopie", "symbols_nodebug",
	                                             "symbols_stripped", "symbols_fork", "symbols_static",
	                                             "symbols_static_g" };
static const char *programs[NPROGRAMS];

/* A program started by a test: its stdin to write lines to, its stdout to read them from. */
struct running {
	pid_t pid;
	pid_t child;   /* symbols_fork's child, a grandchild of the test */
	FILE *in, *out;
};
#define EXAMPLE_CHILDREN 3   /* fork_counter's */

/* At most one running at a time; the teardown ends it, failed test or not. */
static struct running run = { .pid = -1, .child = -1 };
static char script[64];   /* a temporary script, removed by the teardown */

/* Starts path with one argument (or none), its stdin and stdout piped to the test. */
static void start_path(const char *path, const char *arg)
{
	int to[2], from[2];

	assert_int_equal(pipe2(to, O_CLOEXEC), 0);
	assert_int_equal(pipe2(from, O_CLOEXEC), 0);
	run.pid = fork();
	assert_true(run.pid >= 0);
	if (run.pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(to[0], 0);
		dup2(from[1], 1);
		execl(path, path, arg, (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	run.in = fdopen(to[1], "w");
	run.out = fdopen(from[0], "r");
	assert_non_null(run.in);
	assert_non_null(run.out);
}

/* Starts one of the test programs and waits for its "ready". */
static void start(enum program which, char *ready, size_t len)
{
	assert_non_null(programs[which]);
	start_path(programs[which], NULL);
	assert_non_null(fgets(ready, (int)len, run.out));
	assert_true(strncmp(ready, "ready", 5) == 0);
}

/*
 * Ends, by PID, every child of parent (read from /proc/PID/stat's ppid): a program's children the
 * test did not learn of. Their PIDs go to pids, to be reaped once their parent is gone.
 */
static int kill_children_of(pid_t parent, pid_t *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && n < max) {
		char path[300], stat[512];
		int pid = atoi(de->d_name), ppid = 0;
		FILE *f;
		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if ((f = fopen(path, "re")) == NULL)
			continue;
		const char *after_name = fgets(stat, sizeof(stat), f) != NULL ? strrchr(stat, ')') : NULL;
		fclose(f);
		if (after_name != NULL && sscanf(after_name, ") %*c %d", &ppid) == 1 && ppid == parent) {
			kill(pid, SIGKILL);
			pids[n++] = pid;
		}
	}
	closedir(d);
	return n;
}

/* Ends what the test started, by PID, and reaps it: the program, its child (this test is their subreaper). */
static int teardown(void **state)
{
	(void)state;
	if (run.in != NULL)
		fclose(run.in);
	if (run.out != NULL)
		fclose(run.out);
	if (run.child > 0)
		kill(run.child, SIGKILL);
	pid_t children[16];
	int n = 0;
	if (run.pid > 0) {
		kill(run.pid, SIGSTOP);   /* no more children while they are ended */
		n = kill_children_of(run.pid, children, 16);
		kill(run.pid, SIGKILL);
		waitpid(run.pid, NULL, 0);
	}
	/* Its children, now this test's (it is their subreaper): reaped, never left as zombies. */
	for (int i = 0; i < n; i++)
		waitpid(children[i], NULL, 0);
	if (run.child > 0)
		waitpid(run.child, NULL, 0);
	run = (struct running){ .pid = -1, .child = -1 };
	if (script[0] != '\0')
		unlink(script);
	script[0] = '\0';
	return 0;
}

/* Finds spec in the program at path, and says why not when it is not found. */
static void find_in(const char *path, const char *spec, struct symbol_watch *w)
{
	char msg[SYMBOL_MSG_MAX];

	if (!symbol_find(path, spec, w, msg, sizeof(msg)))
		fail_msg("%s in %s: %s", spec, path, msg);
}

static void find(enum program which, const char *spec, struct symbol_watch *w)
{
	find_in(programs[which], spec, w);
}

/* The message for spec in exe, which must not be found, holding each of the words given. */
static void refused(const char *exe, const char *spec, ...)
{
	struct symbol_watch w;
	char msg[SYMBOL_MSG_MAX];
	va_list ap;

	if (symbol_find(exe, spec, &w, msg, sizeof(msg)))
		fail_msg("%s in %s was found; expected a refusal", spec, exe);
	print_message("%s: %s\n", spec, msg);
	va_start(ap, spec);
	for (const char *word; (word = va_arg(ap, const char *)) != NULL;) {
		if (strstr(msg, word) == NULL)
			fail_msg("the message for %s lacks '%s': %s", spec, word, msg);
	}
	va_end(ap);
}

/* spec's value in process pid as text. */
static void value_in(const struct symbol_watch *w, pid_t pid, char *text, size_t len, uint64_t *address)
{
	char msg[SYMBOL_MSG_MAX];
	uint64_t base;
	struct symbol_value v;

	if (!symbol_load_base(w, pid, &base, msg, sizeof(msg)) || !symbol_read(w, pid, base, &v, msg, sizeof(msg)))
		fail_msg("%s in process %d: %s", w->name, (int)pid, msg);
	symbol_value_format(w, &v, text, len);
	if (address != NULL)
		*address = v.address;
}

static void assert_watch(enum program which, pid_t pid, const char *spec, const char *type, size_t size,
                         const char *want)
{
	struct symbol_watch w;
	char text[64];

	find(which, spec, &w);
	value_in(&w, pid, text, sizeof(text), NULL);
	print_message("%-10s %-18s %zu bytes = %s\n", spec, w.type, w.size, text);
	assert_string_equal(w.type, type);
	assert_int_equal(w.size, size);
	if (want != NULL)
		assert_string_equal(text, want);
}

/* A PIE built with -g: each type from DWARF, each value as the program holds it, and a change seen live. */
static void test_pie_dwarf(void **state)
{
	(void)state;
	char ready[64], line[64], text[64], where[64];
	struct symbol_watch w;
	uint64_t address;

	start(PIE, ready, sizeof(ready));
	assert_watch(PIE, run.pid, "counter", "int", 4, "42");
	assert_watch(PIE, run.pid, "big", "long int", 8, "-5000000000");
	assert_watch(PIE, run.pid, "small", "unsigned char", 1, "200");
	assert_watch(PIE, run.pid, "neg16", "short int", 2, "-300");
	assert_watch(PIE, run.pid, "ratio", "double", 8, "2.5");
	assert_watch(PIE, run.pid, "half", "float", 4, "0.5");
	assert_watch(PIE, run.pid, "flag", "_Bool", 1, "true");
	assert_watch(PIE, run.pid, "count_t", "size_t", 8, "7");
	assert_watch(PIE, run.pid, "colour", "enum colour", 4, "2");
	assert_watch(PIE, run.pid, "steady", "int", 4, "-7");
	assert_watch(PIE, run.pid, "hidden", "int", 4, "9");
	/* The pointer holds counter's address in that process. */
	find(PIE, "counter", &w);
	assert_true(w.pie && w.from_dwarf);
	value_in(&w, run.pid, text, sizeof(text), &address);
	snprintf(where, sizeof(where), "0x%llx", (unsigned long long)address);
	assert_watch(PIE, run.pid, "where", "pointer", 8, where);
	/* The load address is the program's own, not the one the linker gave. */
	assert_true(address != w.link_address);
	/* Live: the program adds one, the next read sees it. */
	fputs("inc\n", run.in);
	fflush(run.in);
	assert_non_null(fgets(line, sizeof(line), run.out));
	assert_string_equal(line, "counter 43\n");
	value_in(&w, run.pid, text, sizeof(text), NULL);
	assert_string_equal(text, "43");
	/* A function's static variable, by its name in the source: one line read. */
	assert_watch(PIE, run.pid, "lines", "int", 4, "1");
}

/* Not position independent: the address is the linker's. */
static void test_not_pie(void **state)
{
	(void)state;
	char ready[64], text[64];
	struct symbol_watch w;
	uint64_t address;

	start(NOPIE, ready, sizeof(ready));
	find(NOPIE, "counter", &w);
	assert_false(w.pie);
	value_in(&w, run.pid, text, sizeof(text), &address);
	assert_string_equal(text, "42");
	assert_true(address == w.link_address);
	assert_watch(NOPIE, run.pid, "big", "long int", 8, "-5000000000");
}

/* No DWARF: the type must be given, and is held to the symbol's size. */
static void test_no_dwarf(void **state)
{
	(void)state;
	char ready[64];

	refused(programs[NODEBUG], "counter", "no debug information", "-g", "counter:int32", NULL);
	refused(programs[NODEBUG], "big", "big:int64", NULL);
	refused(programs[NODEBUG], "counter:int64", "holds 4 bytes", NULL);
	start(NODEBUG, ready, sizeof(ready));
	assert_watch(NODEBUG, run.pid, "counter:int32", "int32", 4, "42");
	assert_watch(NODEBUG, run.pid, "counter:uint32_t", "uint32", 4, "42");
	assert_watch(NODEBUG, run.pid, "big:long", "long", 8, "-5000000000");
	assert_watch(NODEBUG, run.pid, "ratio:double", "double", 8, "2.5");
	assert_watch(NODEBUG, run.pid, "small:int8", "int8", 1, "-56");
}

/* Stripped, and static and stripped: no symbol table, said so. */
static void test_stripped(void **state)
{
	(void)state;
	refused(programs[STRIPPED], "counter", "no symbol table", "stripped", NULL);
	if (programs[STATIC] == NULL) {
		print_message("no static program (a sanitizer build): its one check is not made\n");
		return;
	}
	refused(programs[STATIC], "counter", "no symbol table", "static", NULL);
}

/* Static, with its symbols and DWARF: found and read where the linker put it. */
static void test_static(void **state)
{
	(void)state;
	char ready[64], text[64];
	struct symbol_watch w;
	uint64_t address;

	if (programs[STATIC_G] == NULL) {
		print_message("no static program (a sanitizer build): its checks are not made\n");
		return;
	}
	start(STATIC_G, ready, sizeof(ready));
	find(STATIC_G, "counter", &w);
	assert_false(w.pie);
	value_in(&w, run.pid, text, sizeof(text), &address);
	assert_string_equal(text, "42");
	assert_true(address == w.link_address);
	assert_watch(STATIC_G, run.pid, "ratio", "double", 8, "2.5");
}

/* What is not a number of 1, 2, 4 or 8 bytes; a type given reads its first bytes. */
static void test_not_a_number(void **state)
{
	(void)state;
	char ready[64];

	refused(programs[PIE], "origin", "a struct point of 8 bytes", "origin:int32", NULL);
	refused(programs[PIE], "grid", "an array of int (32 bytes)", NULL);
	refused(programs[PIE], "wide", "long double", "16 bytes", NULL);
	start(PIE, ready, sizeof(ready));
	assert_watch(PIE, run.pid, "origin:int32", "int32", 4, "3");
}

/* A name misspelt names the close ones; thread-locals, functions, imports and types are refused. */
static void test_wrong_names(void **state)
{
	(void)state;
	refused(programs[PIE], "countr", "not a global variable", "did you mean counter or count_t?", NULL);
	refused(programs[PIE], "Ratio", "did you mean ratio?", NULL);
	refused(programs[PIE], "nothing_like_it", "declare it outside any function", NULL);
	refused(programs[PIE], "per_thread", "thread-local", NULL);
	refused(programs[PIE], "main", "a function", NULL);
	refused(programs[PIE], "printf", "a function", NULL);
	refused(programs[PIE], "counter:int33", "unknown type 'int33'", "int32", NULL);
	refused(programs[PIE], ":int32", "no name to watch", NULL);
}

/* Programs that are not there, not programs, or interpreters. */
static void test_bad_programs(void **state)
{
	(void)state;
	refused("./no_such_program", "x", "program './no_such_program' not found", NULL);
	refused("no_such_program_on_path", "x", "not found on $PATH", NULL);
	refused("/tmp", "x", "not a program", "folder", NULL);
	refused("/etc/passwd", "x", "not executable", NULL);
	if (access("/usr/bin/python3", X_OK) == 0)
		refused("/usr/bin/python3", "counter", "Python variable is an object in the interpreter's heap", NULL);
	/* A script, run by env python3: the same reason. */
	strcpy(script, "/tmp/ptviz-test-script-XXXXXX");
	int fd = mkstemp(script);
	assert_true(fd >= 0);
	const char text[] = "#!/usr/bin/env python3\ncounter = 0\n";
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	fchmod(fd, 0700);
	close(fd);
	refused(script, "counter", "Python variable", NULL);
	refused("/bin/sh", "x", "it runs the shell", NULL);
	refused("/bin/true", "x", "not a global variable", "stripped", NULL);
}

/* After fork: one address in parent and child, a value each; the parent's unchanged by the child's write. */
static void test_fork(void **state)
{
	(void)state;
	char ready[64], parent_value[64], child_value[64];
	struct symbol_watch w;
	uint64_t parent_at, child_at;
	int parent, child;

	start(FORK, ready, sizeof(ready));
	assert_int_equal(sscanf(ready, "ready %d %d", &parent, &child), 2);
	assert_int_equal(parent, run.pid);
	run.child = child;
	find(FORK, "counter", &w);
	value_in(&w, parent, parent_value, sizeof(parent_value), &parent_at);
	value_in(&w, child, child_value, sizeof(child_value), &child_at);
	print_message("parent %d: counter at 0x%llx = %s; child %d: at 0x%llx = %s\n", parent,
	              (unsigned long long)parent_at, parent_value, child, (unsigned long long)child_at, child_value);
	assert_true(parent_at == child_at);
	assert_string_equal(parent_value, "41");
	assert_string_equal(child_value, "1007");
}

/* A process that runs another program, and one that has ended. */
static void test_other_process(void **state)
{
	(void)state;
	char ready[64], msg[SYMBOL_MSG_MAX];
	struct symbol_watch w;
	struct symbol_value v;
	uint64_t base;

	find(PIE, "counter", &w);
	assert_false(symbol_load_base(&w, getpid(), &base, msg, sizeof(msg)));
	assert_non_null(strstr(msg, "not part of it"));
	start(PIE, ready, sizeof(ready));
	assert_true(symbol_load_base(&w, run.pid, &base, msg, sizeof(msg)));
	pid_t gone = run.pid;
	kill(gone, SIGKILL);
	waitpid(gone, NULL, 0);
	run.pid = -1;
	assert_false(symbol_read(&w, gone, base, &v, msg, sizeof(msg)));
	print_message("ended: %s\n", msg);
	assert_non_null(strstr(msg, "has ended"));
	/* Another user's process (init's, root's): a normal user may not read it. */
	if (geteuid() == 0) {
		print_message("as root, every process may be read: the check of another user's is made as a normal user\n");
		return;
	}
	assert_false(symbol_read(&w, 1, base, &v, msg, sizeof(msg)));
	print_message("another user's: %s\n", msg);
	assert_non_null(strstr(msg, "not allowed to read 'counter' in process 1"));
}

/* The examples by name: a compiled one, scripts with and without their ending, a C source's program, and a wrong name. */
static void test_examples_found(void **state)
{
	(void)state;
	char path[4096], msg[1024];

	assert_true(example_find("fork_counter", path, sizeof(path), msg, sizeof(msg)));
	assert_true(strstr(path, "/fork_counter") != NULL && access(path, X_OK) == 0);
	assert_null(example_interpreter(path));
	assert_true(example_find("fork_counter.c", path, sizeof(path), msg, sizeof(msg)));
	assert_true(access(path, X_OK) == 0 && strstr(path, ".c") == NULL);
	assert_true(example_find("gil_pair", path, sizeof(path), msg, sizeof(msg)));
	assert_string_equal(strrchr(path, '/'), "/gil_pair.py");
	assert_string_equal(example_interpreter(path), "python3");
	assert_true(example_find("event_loop.js", path, sizeof(path), msg, sizeof(msg)));
	assert_string_equal(example_interpreter(path), "node");
	assert_false(example_find("no_such_example", path, sizeof(path), msg, sizeof(msg)));
	print_message("%s\n", msg);
	assert_non_null(strstr(msg, "no example 'no_such_example'"));
	assert_non_null(strstr(msg, "fork_counter"));
	assert_non_null(strstr(msg, "io_threads.py"));
	assert_false(example_find("../etc/passwd", path, sizeof(path), msg, sizeof(msg)));
	setenv("PTVIZ_EXAMPLES_DIR", "/nonexistent-ptviz-examples", 1);
	bool found = example_find("fork_counter", path, sizeof(path), msg, sizeof(msg));
	unsetenv("PTVIZ_EXAMPLES_DIR");
	print_message("%s\n", msg);
	assert_false(found);
	assert_non_null(strstr(msg, "PTVIZ_EXAMPLES_DIR names /nonexistent-ptviz-examples, which is not a folder"));
}

/* The example fork_counter with --watch counter: one address in the parent and its three children; the parent's 100 unchanged. */
static void test_fork_counter_example(void **state)
{
	(void)state;
	char path[4096], msg[1024], line[256], text[64];
	pid_t children[EXAMPLE_CHILDREN];
	int n = 0;
	struct symbol_watch w;
	uint64_t parent_at, child_at;

	assert_true(example_find("fork_counter", path, sizeof(path), msg, sizeof(msg)));
	find_in(path, "counter", &w);
	assert_true(w.pie && w.from_dwarf);
	start_path(path, "5");
	/* Each child says its pid after its first second of counting. */
	while (n < EXAMPLE_CHILDREN && fgets(line, sizeof(line), run.out) != NULL) {
		int k, pid;
		if (sscanf(line, "child %d (pid %d)", &k, &pid) == 2 && k >= 1 && k <= EXAMPLE_CHILDREN) {
			bool seen = false;
			for (int i = 0; i < n; i++)
				seen = seen || children[i] == pid;
			if (!seen)
				children[n++] = pid;
		}
	}
	assert_int_equal(n, EXAMPLE_CHILDREN);
	value_in(&w, run.pid, text, sizeof(text), &parent_at);
	print_message("parent %d: counter at 0x%llx = %s\n", (int)run.pid, (unsigned long long)parent_at, text);
	assert_string_equal(text, "100");
	for (int i = 0; i < n; i++) {
		value_in(&w, children[i], text, sizeof(text), &child_at);
		print_message("child %d: counter at 0x%llx = %s\n", (int)children[i], (unsigned long long)child_at, text);
		assert_true(child_at == parent_at);
		assert_true(atoi(text) >= 110);
	}
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *base = strrchr(argv[i], '/');
		base = base != NULL ? base + 1 : argv[i];
		for (int p = 0; p < NPROGRAMS; p++) {
			if (strcmp(base, program_names[p]) == 0)
				programs[p] = argv[i];
		}
	}
	for (int p = 0; p < NPROGRAMS; p++) {
		if (programs[p] == NULL && p != STATIC && p != STATIC_G) {
			fprintf(stderr, "test_symbols: give the path of %s (tests/meson.build does)\n", program_names[p]);
			return 2;
		}
	}
	/* symbols_fork's child is this test's grandchild: reaped here, never left a zombie. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_pie_dwarf, teardown),
		cmocka_unit_test_teardown(test_not_pie, teardown),
		cmocka_unit_test_teardown(test_no_dwarf, teardown),
		cmocka_unit_test_teardown(test_stripped, teardown),
		cmocka_unit_test_teardown(test_static, teardown),
		cmocka_unit_test_teardown(test_not_a_number, teardown),
		cmocka_unit_test_teardown(test_wrong_names, teardown),
		cmocka_unit_test_teardown(test_bad_programs, teardown),
		cmocka_unit_test_teardown(test_fork, teardown),
		cmocka_unit_test_teardown(test_other_process, teardown),
		cmocka_unit_test_teardown(test_examples_found, teardown),
		cmocka_unit_test_teardown(test_fork_counter_example, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
