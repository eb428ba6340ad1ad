/* What the machine is doing, in words: the header's machine line and the report's, from the engine's figures. */
#include "machine_words.h"

#include <stdio.h>

static const char *machine_words_cpus(int cpus)
{
	return cpus == 1 ? "CPU" : "CPUs";
}

bool machine_words_other(const struct lab_machine *m, bool named, bool brief, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!m->measured || m->other_cpu < (named ? MACHINE_WORDS_OTHER_STAYS : MACHINE_WORDS_OTHER_LEAST))
		return false;
	snprintf(buf, len, brief ? "others use %.1f/%d %s" : "other programs use %.1f of %d %s", m->other_cpu, m->cpus,
	         machine_words_cpus(m->cpus));
	return true;
}

bool machine_words_rate(const struct lab_observation *o, int target, bool behind, char *buf, size_t len)
{
	if (target <= 0) {
		snprintf(buf, len, "on events");
		return false;
	}
	/* Counted long enough: two seconds, or a hundred passes at a high rate (the engine keeps 256). */
	bool counted = o->window_s >= MACHINE_WORDS_RATE_SECONDS || o->window_s * o->hz >= 100;
	if (!counted || o->hz >= target - (behind ? 0.2 : 0.5)) {
		snprintf(buf, len, "%d Hz", target);
		return false;
	}
	snprintf(buf, len, o->hz >= target - 1 ? "%.1f of %d Hz" : o->hz >= 1 ? "%.0f of %d Hz" : "%.1f of %d Hz", o->hz,
	         target);
	return true;
}

void machine_words_report(const struct lab_machine *m, char *buf, size_t len)
{
	char load[64] = "";

	if (m->load1 >= 0)
		snprintf(load, sizeof(load), ", load average %.2f over the last minute", m->load1);
	if (!m->measured) {
		snprintf(buf, len, "machine: %d %s%s; what other programs use is not known yet (ptviz has looked for less "
		         "than a quarter of a second)", m->cpus, machine_words_cpus(m->cpus), load);
		return;
	}
	snprintf(buf, len, "machine: %d %s%s; over the last %.1f s other programs used %.1f of %d %s, ptviz and its "
	         "workers %.1f", m->cpus, machine_words_cpus(m->cpus), load, m->window_s, m->other_cpu, m->cpus,
	         machine_words_cpus(m->cpus), m->own_cpu);
}

/* A pass's duration: µs when short, ms when long. */
static void machine_words_duration(double us, char *buf, size_t len)
{
	snprintf(buf, len, us < 1000 ? "%.0f µs" : "%.1f ms", us < 1000 ? us : us / 1000);
}

void machine_words_passes(const struct lab_observation *o, char *buf, size_t len)
{
	char median[32], p90[32];

	machine_words_duration(o->pass_median_us, median, sizeof(median));
	machine_words_duration(o->pass_p90_us, p90, sizeof(p90));
	if (o->passes == 0)
		snprintf(buf, len, "observation: no pass before this report (time has not run)");
	else if (o->hz <= 0)
		snprintf(buf, len, "observation: %llu pass%s, too few in the last %.0f s for a rate; the last took %s",
		         (unsigned long long)o->passes, o->passes == 1 ? "" : "es", MACHINE_WORDS_PASS_SECONDS, median);
	else
		snprintf(buf, len, "observation: %llu passes, %.1f a second over the last %.1f s; a pass took %s (the "
		         "median), nine in ten %s or less", (unsigned long long)o->passes, o->hz, o->window_s, median, p90);
}
