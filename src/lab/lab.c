/* The lab itself: its lifetime, its clock, finding groups and workers by name or serial, and the queue of events. */
#include "lab_priv.h"
#include "program.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include <bsd/string.h>

#include "memory.h"
#include "worker.h"

/* ---- messages ---- */

bool lab_fail_arg(struct lab_error *err, int arg, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->arg = arg;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return false;
}

void lab_note(struct lab_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	size_t len = strlen(err->msg);
	if (len > 0 && len + 2 < sizeof(err->msg)) {
		strlcat(err->msg, "; ", sizeof(err->msg));
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(err->msg + len, sizeof(err->msg) - len, fmt, ap);
	va_end(ap);
}

/* ---- time ---- */

double lab_now(const struct lab *lab)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - lab->t0.tv_sec) + (double)(now.tv_nsec - lab->t0.tv_nsec) / 1e9;
}

int64_t lab_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* ---- lookup ---- */

int64_t lab_parent_counter(void)
{
	return atomic_load(&worker_counter);
}

uintptr_t lab_counter_address(void)
{
	return (uintptr_t)&worker_counter;
}

enum lab_sync lab_sync_default(const struct lab *lab)
{
	return lab->default_sync;
}

void lab_instrument_range(const struct lab *lab, uintptr_t *start, uintptr_t *end)
{
	*start = (uintptr_t)lab->in.gates;
	*end = *start + lab->in.size;
}

bool lab_segment_range(const struct lab *lab, const struct lab_group *g, uintptr_t *start, uintptr_t *end)
{
	const struct worker_segment *seg = g->gate >= 0 ? lab->segments[g->gate] : NULL;

	*start = *end = 0;
	if (seg == NULL)
		return false;
	*start = (uintptr_t)seg;
	*end = *start + sizeof(*seg);
	return true;
}

int lab_ngroups(const struct lab *lab)
{
	return lab->ngroups;
}

const struct lab_group *lab_group_at(const struct lab *lab, int i)
{
	return i >= 0 && i < lab->ngroups ? &lab->groups[i] : NULL;
}

struct lab_group *lab_group_named(struct lab *lab, const char *name)
{
	for (int i = 0; i < lab->ngroups; i++) {
		if (strcmp(lab->groups[i].name, name) == 0)
			return &lab->groups[i];
	}
	return NULL;
}

const struct lab_group *lab_find_group(const struct lab *lab, const char *name)
{
	return lab_group_named((struct lab *)lab, name);
}

uint32_t lab_serial_next(struct lab *lab)
{
	return ++lab->last_serial;
}

const struct lab_group *lab_group_by_serial(const struct lab *lab, uint32_t serial)
{
	for (int i = 0; serial != 0 && i < lab->ngroups; i++) {
		if (lab->groups[i].serial == serial)
			return &lab->groups[i];
	}
	return NULL;
}

const struct lab_worker *lab_worker_by_serial(const struct lab *lab, uint32_t serial,
                                              const struct lab_group **group)
{
	for (int i = 0; serial != 0 && i < lab->ngroups; i++) {
		const struct lab_group *g = &lab->groups[i];
		for (int j = 0; j < g->nworkers; j++) {
			if (g->workers[j].serial != serial)
				continue;
			if (group != NULL)
				*group = g;
			return &g->workers[j];
		}
	}
	return NULL;
}

int lab_group_index(const struct lab *lab, const struct lab_group *g)
{
	for (int i = 0; g != NULL && i < lab->ngroups; i++) {
		if (&lab->groups[i] == g)
			return i;
	}
	return -1;
}

/* Splits "PB12" into "PB" and 12; false when it is not shaped as a worker's name. */
static bool lab_split_id(const char *id, char name[LAB_NAME_MAX + 1], long *number)
{
	size_t letters = strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
	char *end;

	if (letters == 0 || letters > LAB_NAME_MAX || id[letters] < '1' || id[letters] > '9')
		return false;
	*number = strtol(id + letters, &end, 10);
	if (*end != '\0')
		return false;
	memcpy(name, id, letters);
	name[letters] = '\0';
	return true;
}

/* The worker named id ("PB12") and its group; NULL when there is none. */
struct lab_worker *lab_worker_named(struct lab *lab, const char *id, struct lab_group **group)
{
	char name[LAB_NAME_MAX + 1];
	long number;

	if (!lab_split_id(id, name, &number))
		return NULL;
	struct lab_group *g = lab_group_named(lab, name);
	if (g == NULL || number < 1 || number > g->nworkers)
		return NULL;
	if (group != NULL)
		*group = g;
	return &g->workers[number - 1];
}

const struct lab_worker *lab_find_worker(const struct lab *lab, const char *id,
                                         const struct lab_group **group)
{
	struct lab_group *g = NULL;
	const struct lab_worker *w = lab_worker_named((struct lab *)lab, id, &g);

	if (group != NULL)
		*group = g;
	return w;
}

/* "T, P, PB": the groups there are, for messages that say what would be right. */
static const char *lab_group_list(const struct lab *lab)
{
	static char buf[LAB_MAX_GROUPS * (LAB_NAME_MAX + 2) + 1];
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < lab->ngroups; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ", " : "", lab->groups[i].name);
	return buf;
}

/* The group whose name differs from name only in case, or NULL. */
static const struct lab_group *lab_group_caseless(const struct lab *lab, const char *name)
{
	for (int i = 0; i < lab->ngroups; i++) {
		if (strcasecmp(lab->groups[i].name, name) == 0)
			return &lab->groups[i];
	}
	return NULL;
}

/* Says why name is no group, and what is there instead. */
bool lab_no_group(const struct lab *lab, const char *name, struct lab_error *err)
{
	const struct lab_group *g = lab_group_caseless(lab, name);

	if (lab->ngroups == 0)
		return lab_fail(err, "no group named '%s': there are no groups yet; spawn one first, e.g. 'spawn threads 4'",
		                name);
	if (g != NULL)
		return lab_fail(err, "no group named '%s': names are case-sensitive; did you mean %s?", name, g->name);
	return lab_fail(err, "no group named '%s': the groups are %s", name, lab_group_list(lab));
}

/* Says why id is no worker: its group is missing, or its number is past the group's end. */
bool lab_no_worker(const struct lab *lab, const char *id, struct lab_error *err)
{
	char name[LAB_NAME_MAX + 1];
	long number;

	if (lab->ngroups == 0)
		return lab_fail(err, "no worker named '%s': there are no workers yet; spawn some first, e.g. 'spawn threads 4'",
		                id);
	if (!lab_split_id(id, name, &number))
		return lab_fail(err, "no worker named '%s': a worker is its group's name and a number, e.g. %s1", id,
		                lab->groups[0].name);
	const struct lab_group *g = lab_group_named((struct lab *)lab, name);
	if (g != NULL && g->nworkers == 1)
		return lab_fail(err, "no worker named '%s': %s has only %s1", id, g->name, g->name);
	if (g != NULL)
		return lab_fail(err, "no worker named '%s': %s has %s1..%s%d", id, g->name, g->name, g->name, g->nworkers);
	g = lab_group_caseless(lab, name);
	if (g != NULL)
		return lab_fail(err, "no worker named '%s': names are case-sensitive; did you mean %s%ld?", id, g->name,
		                number);
	return lab_fail(err, "no worker named '%s': there is no group %s; the groups are %s", id, name,
	                lab_group_list(lab));
}

/* Lists the live workers of a group, for messages that suggest what would be right. */
const char *lab_live_list(const struct lab_group *g)
{
	static char buf[160];
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < g->nworkers && len + LAB_ID_MAX + 6 < sizeof(buf); i++) {
		if (g->workers[i].alive)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "",
			                        g->workers[i].id);
	}
	if (len == 0)
		strlcpy(buf, "none", sizeof(buf));
	return buf;
}

/* ---- events ---- */

struct lab_event *lab_event_push(struct lab *lab, enum lab_event_kind kind, const struct lab_group *g, int nids)
{
	if (lab->head + lab->nevents == lab->cap) {
		if (lab->head > 0) {
			memmove(lab->events, lab->events + lab->head, (size_t)lab->nevents * sizeof(*lab->events));
			lab->head = 0;
		}
		if (lab->nevents == lab->cap) {
			int cap = lab->cap ? lab->cap * 2 : 16;
			struct lab_event *ev = realloc(lab->events, (size_t)cap * sizeof(*ev));
			if (ev == NULL)
				return NULL;
			lab->events = ev;
			lab->cap = cap;
		}
	}
	struct lab_event *ev = &lab->events[lab->head + lab->nevents];
	memset(ev, 0, sizeof(*ev));
	ev->ids = calloc((size_t)(nids > 0 ? nids : 1), sizeof(*ev->ids));
	ev->pids = calloc((size_t)(nids > 0 ? nids : 1), sizeof(*ev->pids));
	if (ev->ids == NULL || ev->pids == NULL) {
		free(ev->ids);
		free(ev->pids);
		return NULL;
	}
	lab->nevents++;
	ev->kind = kind;
	ev->t = lab_now(lab);
	strlcpy(ev->group, g->name, sizeof(ev->group));
	ev->group_serial = g->serial;
	ev->group_kind = g->kind;
	ev->status = -1;
	return ev;
}

bool lab_next_event(struct lab *lab, struct lab_event *ev)
{
	if (lab->nevents == 0)
		return false;
	*ev = lab->events[lab->head];
	lab->head++;
	lab->nevents--;
	if (lab->nevents == 0)
		lab->head = 0;
	return true;
}

void lab_event_clear(struct lab_event *ev)
{
	free(ev->ids);
	free(ev->pids);
	ev->ids = NULL;
	ev->pids = NULL;
	ev->nids = 0;
}

/* ---- lifetime ---- */

void lab_config_defaults(struct lab_config *cfg)
{
	cfg->max_threads = LAB_DEFAULT_MAX_THREADS;
	cfg->max_processes = LAB_DEFAULT_MAX_PROCESSES;
	cfg->normal_workers = lab_normal_workers_default();
}

/*
 * ptviz keeps two files open for every worker (its stat and schedstat), so
 * hundreds of workers need more than the usual soft limit of 1024.  The soft
 * limit may be raised to the hard one without privilege; ptviz waits with
 * poll, never select, so a descriptor past 1024 is no harm.  Workers close
 * what they do not keep (lab_child_isolate).
 */
static void lab_open_files_raise(void)
{
	struct rlimit files;

	if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
		files.rlim_cur = files.rlim_max;
		setrlimit(RLIMIT_NOFILE, &files);
	}
}

struct lab *lab_new(const struct lab_config *cfg, struct lab_error *err)
{
	struct lab *lab = calloc(1, sizeof(*lab));
	sigset_t chld;

	if (lab == NULL) {
		lab_fail(err, "out of memory");
		return NULL;
	}
	lab->cfg = *cfg;
	lab->sigfd = -1;
	lab_open_files_raise();
	lab->main_tid = gettid();
	lab->prio.normal_workers = cfg->normal_workers > 0 ? cfg->normal_workers : lab_normal_workers_default();
	clock_gettime(CLOCK_MONOTONIC, &lab->t0);

	int nslots = cfg->max_threads * LAB_MAX_GROUPS + cfg->max_processes;
	lab->slot_used = calloc((size_t)nslots, 1);
	lab->workers_private = calloc((size_t)nslots, sizeof(*lab->workers_private));
	if (lab->slot_used == NULL || lab->workers_private == NULL || !instr_map(&lab->in, LAB_MAX_GROUPS, nslots)) {
		lab_fail(err, "cannot map the instrument panel for %d workers: %s", nslots, strerror(errno));
		goto fail;
	}

	/* Child exits arrive through a signalfd, so SIGCHLD must not be delivered the usual way. */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &chld, &lab->old_mask);
	lab->sigfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (lab->sigfd < 0) {
		lab_fail(err, "signalfd: %s", strerror(errno));
		goto fail;
	}
	return lab;
fail:
	lab_free(lab);
	return NULL;
}

void lab_free(struct lab *lab)
{
	struct lab_event ev;

	if (lab == NULL)
		return;
	program_set_free(lab);
	lab_reset(lab);
	while (lab_next_event(lab, &ev))
		lab_event_clear(&ev);
	free(lab->events);
	if (lab->sigfd >= 0) {
		close(lab->sigfd);
		pthread_sigmask(SIG_SETMASK, &lab->old_mask, NULL);
	}
	instr_unmap(&lab->in);
	free(lab->slot_used);
	free(lab->workers_private);
	lab_memory_free(lab);
	free(lab);
}

int lab_fd(const struct lab *lab)
{
	return lab->sigfd;
}

/* ---- groups: their life, and the groups a command names ---- */

void lab_group_count_alive(struct lab_group *g)
{
	g->alive = 0;
	for (int i = 0; i < g->nworkers; i++)
		g->alive += g->workers[i].alive;
}

uint32_t lab_group_bit(struct lab *lab, const struct lab_group *g)
{
	return 1u << (g - lab->groups);
}

bool lab_group_has_life(const struct lab_group *g)
{
	for (int i = 0; i < g->nworkers; i++) {
		if (g->workers[i].alive)
			return true;
	}
	return false;
}

/*
 * The groups a command that changes what workers do applies to: the one
 * named, or every group with a live worker.  A dead group keeps its record
 * as it was when it died.
 */
bool lab_groups_mask(struct lab *lab, const char *group, uint32_t *mask, struct lab_error *err)
{
	lab_dispatch(lab);
	if (group == NULL) {
		if (lab->ngroups == 0)
			return lab_fail(err, "no groups yet: spawn one first, e.g. 'spawn threads 2'");
		*mask = 0;
		for (int i = 0; i < lab->ngroups; i++) {
			if (lab_group_has_life(&lab->groups[i]))
				*mask |= 1u << i;
		}
		return true;
	}
	struct lab_group *g = lab_group_named(lab, group);
	if (g == NULL)
		return lab_no_group(lab, group, err);
	if (!lab_group_has_life(g))
		return lab_fail(err, "every worker of %s is dead: nothing of it runs to change; 'spawn' starts new ones",
		                g->name);
	*mask = lab_group_bit(lab, g);
	return true;
}
