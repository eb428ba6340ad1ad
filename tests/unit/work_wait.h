/* What the channel and tasks tests share: observing a group until its figures meet a condition, with a hang guard. */
#ifndef PTVIZ_WORK_WAIT_H
#define PTVIZ_WORK_WAIT_H

/* Include after <cmocka.h> and small_lab.h. */
#include <unistd.h>

/* A condition on a group's figures. */
typedef bool work_met_fn(const struct lab_group *g, const void *arg);

/*
 * Observes the lab every 50 ms until the group named meets met, or guard_s
 * seconds pass (a hang guard only: on a busy machine the workers may get
 * little CPU, and the caller then skips its check with a message).
 */
static inline const struct lab_group *work_wait(struct lab *lab, const char *name, work_met_fn *met, const void *arg,
                                                double guard_s)
{
	double t0 = lab_now(lab);

	for (;;) {
		lab_observe(lab);
		const struct lab_group *g = lab_find_group(lab, name);
		if (g == NULL)
			fail_msg("group %s is gone", name);
		if (met(g, arg))
			return g;
		if (lab_now(lab) - t0 > guard_s)
			return NULL;
		usleep(50 * 1000);
	}
}

/* The CPU the group's workers have had, by /proc: what a skip message reports. */
static inline double work_cpu_ms(const struct lab_group *g)
{
	uint64_t ns = 0;

	for (int i = 0; i < g->nworkers; i++)
		ns += g->workers[i].cpu_ns;
	return (double)ns / 1e6;
}

#endif
