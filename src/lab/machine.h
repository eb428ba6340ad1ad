/* What the machine is doing, the engine's side: a log of observation passes and of how busy the CPUs were, and their figures. */
#ifndef PTVIZ_LAB_MACHINE_H
#define PTVIZ_LAB_MACHINE_H

#include <stdint.h>

#include "lab.h"

/* Passes kept, and the seconds their rate and durations are taken over. */
#define MACHINE_PASSES_KEPT 256
#define MACHINE_PASS_WINDOW_NS (3000LL * 1000 * 1000)
/*
 * How busy the CPUs are is sampled with a pass at most every 90 ms (each
 * pass at 10 Hz), and told over about the last second: the samples kept
 * reach back about three.  Less than a quarter of a second tells nothing.
 */
#define MACHINE_SAMPLES_KEPT 32
#define MACHINE_SAMPLE_EVERY_NS (90LL * 1000 * 1000)
#define MACHINE_CPU_WINDOW_NS (1000LL * 1000 * 1000)
#define MACHINE_CPU_LEAST_NS (250LL * 1000 * 1000)

/* When each pass began and how long it took, newest at next - 1. */
struct machine_passes {
	int64_t at_ns[MACHINE_PASSES_KEPT];
	int64_t took_ns[MACHINE_PASSES_KEPT];
	int next, n;
	uint64_t passes;         /* every pass since the lab started */
};

/* One look at the CPUs: busy time of the whole machine, and of ptviz's own tree. */
struct machine_sample {
	int64_t at_ns;
	int64_t busy_ns;         /* /proc/stat: time every CPU spent running anything */
	int64_t own_ns;          /* ptviz and every worker it started, alive or dead */
};

struct machine_cpu {
	struct machine_sample s[MACHINE_SAMPLES_KEPT];
	int next, n;
	/* The CPU time of each group's workers at the last sample, so a group taken out of the list still counts. */
	uint32_t group_serial[LAB_MAX_GROUPS];
	int64_t group_ns[LAB_MAX_GROUPS];
	int ngroups;
	int64_t gone_ns;         /* the workers of groups no longer in the list */
};

struct machine_log {
	struct machine_passes passes;
	struct machine_cpu cpu;
};

void machine_passes_add(struct machine_passes *p, int64_t at_ns, int64_t took_ns);
/* The figures of the passes over the last few seconds before the newest. */
void machine_passes_read(const struct machine_passes *p, struct lab_observation *o);
void machine_cpu_add(struct machine_cpu *c, int64_t at_ns, int64_t busy_ns, int64_t own_ns);
/* Other programs' and ptviz's share of cpus CPUs over about the last second of samples (cpus and load1 left alone). */
void machine_cpu_read(const struct machine_cpu *c, int cpus, struct lab_machine *m);
/* Busy time of every CPU from the first line of /proc/stat, in ns; false when it cannot be read. */
bool machine_read_busy(int64_t *busy_ns);

/* Called at the end of each observation pass that began at began_ns: logs it, and now and then samples the CPUs. */
void lab_note_pass(struct lab *lab, int64_t began_ns);

#endif
