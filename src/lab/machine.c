/* What the machine is doing: how often the lab is observed and how long a pass takes, and the CPU other programs use. */
#include "lab_priv.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

void machine_passes_add(struct machine_passes *p, int64_t at_ns, int64_t took_ns)
{
	p->at_ns[p->next] = at_ns;
	p->took_ns[p->next] = took_ns;
	p->next = (p->next + 1) % MACHINE_PASSES_KEPT;
	if (p->n < MACHINE_PASSES_KEPT)
		p->n++;
	p->passes++;
}

static int machine_compare(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

void machine_passes_read(const struct machine_passes *p, struct lab_observation *o)
{
	int64_t took[MACHINE_PASSES_KEPT];
	int k = 0;

	memset(o, 0, sizeof(*o));
	o->passes = p->passes;
	if (p->n == 0)
		return;
	int newest = (p->next + MACHINE_PASSES_KEPT - 1) % MACHINE_PASSES_KEPT;
	int64_t last = p->at_ns[newest], first = last;
	/* From the newest back, while they began within the window. */
	for (int i = 0; i < p->n; i++) {
		int at = (newest + MACHINE_PASSES_KEPT - i) % MACHINE_PASSES_KEPT;
		if (last - p->at_ns[at] > MACHINE_PASS_WINDOW_NS)
			break;
		first = p->at_ns[at];
		took[k++] = p->took_ns[at];
	}
	o->window_s = (double)(last - first) / 1e9;
	if (k >= 2 && last > first)
		o->hz = (double)(k - 1) / o->window_s;
	qsort(took, (size_t)k, sizeof(took[0]), machine_compare);
	o->pass_median_us = (k % 2 ? (double)took[k / 2] : (double)(took[k / 2 - 1] + took[k / 2]) / 2) / 1e3;
	/* The nearest rank: the smallest duration that nine in ten are no longer than. */
	int rank = (9 * k + 9) / 10;
	o->pass_p90_us = (double)took[rank - 1] / 1e3;
}

void machine_cpu_add(struct machine_cpu *c, int64_t at_ns, int64_t busy_ns, int64_t own_ns)
{
	c->s[c->next] = (struct machine_sample){ at_ns, busy_ns, own_ns };
	c->next = (c->next + 1) % MACHINE_SAMPLES_KEPT;
	if (c->n < MACHINE_SAMPLES_KEPT)
		c->n++;
}

void machine_cpu_read(const struct machine_cpu *c, int cpus, struct lab_machine *m)
{
	m->measured = false;
	m->window_s = m->other_cpu = m->own_cpu = 0;
	if (c->n < 2)
		return;
	const struct machine_sample *now = &c->s[(c->next + MACHINE_SAMPLES_KEPT - 1) % MACHINE_SAMPLES_KEPT];
	/* The newest sample a second or more before now; the oldest when none is that old. */
	const struct machine_sample *base = &c->s[(c->next + MACHINE_SAMPLES_KEPT - c->n) % MACHINE_SAMPLES_KEPT];
	for (int i = 1; i < c->n; i++) {
		const struct machine_sample *s = &c->s[(c->next + MACHINE_SAMPLES_KEPT - 1 - i) % MACHINE_SAMPLES_KEPT];
		if (now->at_ns - s->at_ns >= MACHINE_CPU_WINDOW_NS) {
			base = s;
			break;
		}
	}
	int64_t span = now->at_ns - base->at_ns;
	if (span < MACHINE_CPU_LEAST_NS)
		return;
	m->measured = true;
	m->window_s = (double)span / 1e9;
	m->own_cpu = (double)(now->own_ns - base->own_ns) / (double)span;
	double other = (double)(now->busy_ns - now->own_ns - (base->busy_ns - base->own_ns)) / (double)span;
	/* The machine's ticks and ptviz's nanoseconds are counted apart: keep what they say within the CPUs there are. */
	m->other_cpu = other < 0 ? 0 : other > cpus ? cpus : other;
}

/* Reads a small /proc file whole into buf; false when it cannot. */
static bool machine_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t got = read(fd, buf, len - 1);
	close(fd);
	if (got <= 0)
		return false;
	buf[got] = '\0';
	return true;
}

bool machine_read_busy(int64_t *busy_ns)
{
	static long tick;
	char buf[512];
	unsigned long long user, nice, system, idle, iowait, irq, softirq;

	if (!machine_read_file("/proc/stat", buf, sizeof(buf)))
		return false;
	/* cpu  user nice system idle iowait irq softirq steal ...: the CPUs' own time in ticks; idle and iowait are not busy. */
	if (sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system, &idle, &iowait, &irq,
	           &softirq) != 7)
		return false;
	if (tick == 0)
		tick = sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100;
	*busy_ns = (int64_t)(user + nice + system + irq + softirq) * (1000000000LL / tick);
	return true;
}

/* ptviz's own CPU time, every thread of it. */
static int64_t machine_self_ns(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
	       ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

/*
 * The CPU time of ptviz's tree: ptviz, and every worker of the groups in the
 * list (a dead one keeps its last figure), and those of groups taken out of
 * the list since (kept in gone_ns).  A thread host's own main thread and a
 * worker's children sleep, and are left out.
 */
static int64_t machine_own_ns(struct lab *lab)
{
	struct machine_cpu *c = &lab->machine.cpu;
	uint32_t serial[LAB_MAX_GROUPS];
	int64_t ns[LAB_MAX_GROUPS], own = 0;

	for (int i = 0; i < lab->ngroups; i++) {
		const struct lab_group *g = &lab->groups[i];
		serial[i] = g->serial;
		ns[i] = 0;
		for (int j = 0; j < g->nworkers; j++)
			ns[i] += (int64_t)g->workers[j].cpu_ns;
		own += ns[i];
	}
	for (int k = 0; k < c->ngroups; k++) {
		bool listed = false;
		for (int i = 0; i < lab->ngroups && !listed; i++)
			listed = serial[i] == c->group_serial[k];
		if (!listed)
			c->gone_ns += c->group_ns[k];
	}
	memcpy(c->group_serial, serial, sizeof(serial[0]) * (size_t)lab->ngroups);
	memcpy(c->group_ns, ns, sizeof(ns[0]) * (size_t)lab->ngroups);
	c->ngroups = lab->ngroups;
	return machine_self_ns() + c->gone_ns + own;
}

void lab_note_pass(struct lab *lab, int64_t began_ns)
{
	struct machine_cpu *c = &lab->machine.cpu;
	int64_t busy;

	machine_passes_add(&lab->machine.passes, began_ns, lab->pass.total_ns);
	int64_t at = lab_ns();
	if (c->n > 0 && at - c->s[(c->next + MACHINE_SAMPLES_KEPT - 1) % MACHINE_SAMPLES_KEPT].at_ns < MACHINE_SAMPLE_EVERY_NS)
		return;
	if (machine_read_busy(&busy))
		machine_cpu_add(c, at, busy, machine_own_ns(lab));
}

void lab_observation_read(const struct lab *lab, struct lab_observation *o)
{
	machine_passes_read(&lab->machine.passes, o);
}

void lab_machine_read(const struct lab *lab, struct lab_machine *m)
{
	char buf[128];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(m, 0, sizeof(*m));
	m->cpus = cpus > 0 ? (int)cpus : 1;
	machine_cpu_read(&lab->machine.cpu, m->cpus, m);
	if (!machine_read_file("/proc/loadavg", buf, sizeof(buf)) || sscanf(buf, "%lf", &m->load1) != 1)
		m->load1 = -1;
}
