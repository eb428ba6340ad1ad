/* A failed test leaves nothing behind: its lab's workers are ended and the lab freed by the teardown, however the test ends. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lab/lab.h"
#include "small_lab.h"

/* The workers the failing test started, by pid. */
static pid_t started[4];
static int nstarted;

/* Starts two processes, then fails, as a test whose assertion does not hold: the jump out skips any free after it. */
static void test_fails_on_purpose(void **state)
{
	struct lab *lab = *state;
	struct lab_error err;

	must(lab_spawn(lab, LAB_PROCESSES, 2, false, NULL, &err), &err);
	const struct lab_group *g = lab_find_group(lab, "P");
	for (int i = 0; i < g->nworkers && nstarted < 4; i++)
		started[nstarted++] = g->workers[i].pid;
	fail_msg("this failure is on purpose: the teardown must still end P1 and P2 and free the lab");
}

int main(void)
{
	const struct CMUnitTest failing[] = {
		cmocka_unit_test_setup_teardown(test_fails_on_purpose, small_lab_setup, small_lab_teardown),
	};
	int failed = cmocka_run_group_tests_name("a test that fails on purpose", failing, NULL, NULL);
	int left = 0;

	/* lab_free ends every worker and reaps it, so its pid is gone (a leak of the lab shows under the sanitizers). */
	for (int i = 0; i < nstarted; i++) {
		if (kill(started[i], 0) == 0 || errno != ESRCH) {
			fprintf(stderr, "worker pid %d is still there after its test failed: the teardown did not end it\n",
			        (int)started[i]);
			left++;
		}
	}
	if (failed != 1 || nstarted != 2 || left > 0) {
		fprintf(stderr, "FAIL: %d test(s) failed (1 on purpose), %d worker(s) started, %d left behind\n", failed,
		        nstarted, left);
		return 1;
	}
	printf("PASS: the failed test left no worker behind\n");
	return 0;
}
