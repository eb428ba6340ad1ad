/* What the unit tests on real workers share: a lab with small caps, and a failure that gives the engine's reason. */
#ifndef PTVIZ_SMALL_LAB_H
#define PTVIZ_SMALL_LAB_H

/* Include after <cmocka.h>. */
#include "lab/lab.h"

static inline struct lab *small_lab(int max_threads, int max_processes)
{
	struct lab_config cfg;
	struct lab_error err;

	lab_config_defaults(&cfg);
	cfg.max_threads = max_threads;
	cfg.max_processes = max_processes;
	struct lab *lab = lab_new(&cfg, &err);
	if (lab == NULL)
		fail_msg("lab_new: %s", err.msg);
	return lab;
}

/*
 * A test's lab, made before the test and freed after it however the test ends (cmocka's setup
 * and teardown): a failed assertion jumps out of the test past its own frees, and would leave the
 * lab's workers running and its memory lost.  The test takes the lab from *state.  A file whose
 * tests gather more (a report, a trend) keeps it where its own teardown frees it, then this.
 */
static inline int small_lab_setup(void **state)
{
	*state = small_lab(4, 4);
	return 0;
}

static inline int small_lab_teardown(void **state)
{
	lab_free(*state);
	*state = NULL;
	return 0;
}

static inline void must(bool ok, const struct lab_error *err)
{
	if (!ok)
		fail_msg("%s", err->msg);
}

#endif
