/* The channel's queue and the tasks' figures in words, one wording for the screen and the text report. */
#include "work_text.h"

#include <stdio.h>

#include "story.h"

double work_tasks_ceiling(const struct lab_group *g, int cpus)
{
	if (g->tasks.cpu_us_per_task <= 0 || cpus <= 0)
		return 0;
	return (double)cpus * 1e6 / g->tasks.cpu_us_per_task;
}

void work_tasks_how(const struct lab_group *g, char *buf, size_t len)
{
	const char *one = g->kind == LAB_THREADS ? "thread" : "process";
	char rate[40];

	if (g->tasks.rate > 0)
		snprintf(rate, sizeof(rate), "%d a second", g->tasks.rate);
	else
		snprintf(rate, sizeof(rate), "as fast as taken");
	if (g->tasks.pool > 0)
		snprintf(buf, len, "pool of %d %s%s, %s", g->tasks.pool, one, g->tasks.pool == 1 ? "" : g->kind == LAB_THREADS ? "s" : "es",
		         rate);
	else
		snprintf(buf, len, "a %s per task, %s", one, rate);
}

/* "12 µs", "3.4 ms": a wait in the unit that reads best. */
static void work_duration(double us, char *buf, size_t len)
{
	if (us < 1000)
		snprintf(buf, len, "%.0f us", us);
	else if (us < 1e6)
		snprintf(buf, len, "%.1f ms", us / 1000);
	else
		snprintf(buf, len, "%.1f s", us / 1e6);
}

static void work_channel_text(const struct lab_group *g, char lines[2][WORK_TEXT_MAX])
{
	const struct lab_channel *c = &g->channel;
	char sent[32], got[32], queue[32], most[32], room[32], full[32];
	const char *owner = g->nworkers > 0 ? g->workers[0].id : "1";

	story_number(c->sent, sent, sizeof(sent));
	story_number(c->received, got, sizeof(got));
	story_number(c->queue, queue, sizeof(queue));
	story_number(c->queue_max, most, sizeof(most));
	story_number(c->capacity, room, sizeof(room));
	story_number(c->full, full, sizeof(full));
	snprintf(lines[0], WORK_TEXT_MAX, "queue %s of %s%s (longest %s); %s sent, %s counted by %s", queue, room,
	         c->queue >= c->capacity ? " FULL" : "", most, sent, got, owner);
	char now[64] = "";
	if (c->in_queue >= 0) {
		char n[32];
		story_number(c->in_queue, n, sizeof(n));
		snprintf(now, sizeof(now), "; %s in the %s now", n, g->kind == LAB_THREADS ? "ring" : "pipe");
	}
	snprintf(lines[1], WORK_TEXT_MAX, "%s %s; senders found it full %s times%s", owner,
	         g->kind == LAB_THREADS ? "alone writes the counter, no lock" : "reads a pipe, alone writes its counter",
	         full, now);
}

static void work_tasks_text(const struct lab_group *g, int cpus, char lines[2][WORK_TEXT_MAX])
{
	const struct lab_tasks *t = &g->tasks;
	char how[64], wait[24], longest[24], done[32];
	double ceiling = work_tasks_ceiling(g, cpus);
	const char *one = g->kind == LAB_THREADS ? (t->alive == 1 ? "thread" : "threads")
	                                         : (t->alive == 1 ? "process" : "processes");

	work_tasks_how(g, how, sizeof(how));
	story_number(t->done, done, sizeof(done));
	/* The figures first, so a narrow column still shows them: the rest may be cut. */
	if (ceiling > 0)
		snprintf(lines[0], WORK_TEXT_MAX, "%.0f tasks/s, %.1f us CPU each: %s; %d CPUs could do %.0f/s", t->per_s,
		         t->cpu_us_per_task, how, cpus, ceiling);
	else
		snprintf(lines[0], WORK_TEXT_MAX, "%.0f tasks/s, %s done: %s", t->per_s, done, how);
	work_duration(t->wait_us, wait, sizeof(wait));
	work_duration(t->wait_max_us, longest, sizeof(longest));
	snprintf(lines[1], WORK_TEXT_MAX, "waits %s to start (longest %s); %d %s alive (most %d); %lld KiB", wait, longest,
	         t->alive, one, t->alive_max, (long long)(t->memory_kib > 0 ? t->memory_kib : 0));
}

bool work_text(const struct lab_group *g, int cpus, char lines[2][WORK_TEXT_MAX])
{
	if (g->workload == LAB_WORK_CHANNEL)
		work_channel_text(g, lines);
	else if (g->workload == LAB_WORK_TASKS)
		work_tasks_text(g, cpus, lines);
	else
		return false;
	return true;
}
