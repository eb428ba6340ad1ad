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

static inline void must(bool ok, const struct lab_error *err)
{
	if (!ok)
		fail_msg("%s", err->msg);
}

#endif
