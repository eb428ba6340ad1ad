/* setenv and chdir, done by a worker itself, and every worker's environment and directory read where they live. */
#include "lab_priv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <bsd/string.h>

#include "annex.h"

/* How many entries of an environment ptviz looks through, at most. */
#define LAB_ENV_ENTRIES_MAX 1024

/* Reads len bytes at address in pid's memory; how many it could (a string may end near an unmapped page). */
static ssize_t lab_env_peek(pid_t pid, uintptr_t address, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)address, len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}

/*
 * The variable name in the environment of pid, read from its memory:
 * environ (at the address the worker published) points to an array of
 * pointers to "NAME=VALUE" strings, ended by NULL.
 */
static void lab_env_read(pid_t pid, uintptr_t environ_address, const char *name, struct lab_worker_env *e)
{
	uint64_t array, entries[64];
	size_t nl = strlen(name);
	char text[LAB_ENV_TEXT_MAX + 40];

	e->read = false;
	e->has = false;
	e->value[0] = '\0';
	if (environ_address == 0 || lab_env_peek(pid, environ_address, &array, sizeof(array)) != sizeof(array))
		return;
	e->read = true;
	for (int at = 0; array != 0 && at < LAB_ENV_ENTRIES_MAX; at += 64) {
		ssize_t got = lab_env_peek(pid, (uintptr_t)array + (uintptr_t)at * 8, entries, sizeof(entries));
		for (int i = 0; got > 0 && i < got / 8; i++) {
			if (entries[i] == 0)
				return;
			ssize_t n = lab_env_peek(pid, (uintptr_t)entries[i], text, sizeof(text) - 1);
			if (n <= 0)
				continue;
			text[n] = '\0';
			if ((size_t)n > nl && strncmp(text, name, nl) == 0 && text[nl] == '=') {
				e->has = true;
				strlcpy(e->value, text + nl + 1, sizeof(e->value));
				return;
			}
		}
		if (got < (ssize_t)sizeof(entries))
			return;
	}
}

/* Is name in /proc/PID/environ, the environment the process began with (the strings exec left on its stack)? */
static bool lab_env_at_start(pid_t pid, const char *name)
{
	char path[64], buf[16384];
	size_t nl = strlen(name);

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	for (ssize_t at = 0; at < n; at += (ssize_t)strnlen(buf + at, (size_t)(n - at)) + 1) {
		if ((size_t)(n - at) > nl && strncmp(buf + at, name, nl) == 0 && buf[at + (ssize_t)nl] == '=')
			return true;
	}
	return false;
}

static void lab_cwd_read(const struct lab_worker *w, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/cwd", (int)w->pid, (int)w->tid);
	ssize_t n = readlink(path, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* One process's environment is read once: a thread host's threads share it, by definition. */
static void lab_group_env(struct lab *lab, struct lab_group *g)
{
	const struct lab_worker *first = NULL;

	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (!w->alive)
			continue;
		w->env.sandboxed = atomic_load(&lab->in.annex[w->slot].sandboxed) != 0;
		if (lab->cwd_watched)
			lab_cwd_read(w, w->env.cwd, sizeof(w->env.cwd));
		if (lab->env_name[0] == '\0')
			continue;
		if (first != NULL && first->pid == w->pid) {
			w->env.read = first->env.read;
			w->env.has = first->env.has;
			w->env.at_start = first->env.at_start;
			strlcpy(w->env.value, first->env.value, sizeof(w->env.value));
			continue;
		}
		lab_env_read(w->pid, (uintptr_t)atomic_load(&lab->in.annex[w->slot].environ_address), lab->env_name, &w->env);
		w->env.at_start = lab_env_at_start(w->pid, lab->env_name);
		first = w;
	}
}

void lab_observe_env_and_batches(struct lab *lab)
{
	for (int i = 0; i < lab->ngroups; i++) {
		struct lab_group *g = &lab->groups[i];
		int64_t counted, delivered;
		int cut;
		lab_batches_read(lab, g, &counted, &delivered, &cut);
		lab_group_env(lab, g);
	}
}

const char *lab_env_name(const struct lab *lab)
{
	return lab->env_name;
}

bool lab_cwd_watched(const struct lab *lab)
{
	return lab->cwd_watched;
}

/* A request whose text goes to the worker through its annex; its answer in *answer. */
static struct lab_worker *lab_text_request(struct lab *lab, const char *id, enum instr_ask ask, const char *text,
                                           struct lab_group **g, int32_t *answer, struct lab_error *err)
{
	struct lab_worker *w = lab_requestable(lab, id, g, err);

	if (w == NULL)
		return NULL;
	struct instr_annex *a = &lab->in.annex[w->slot];
	memset(a->text, 0, sizeof(a->text));
	strlcpy(a->text, text, sizeof(a->text));
	return lab_request(lab, *g, w, ask, 0, answer, err) ? w : NULL;
}

/* NAME=VALUE, with a name a shell would take: letters, digits and _, not a digit first. */
static bool lab_assignment_valid(const char *text, char *name, size_t len)
{
	const char *eq = strchr(text, '=');

	if (eq == NULL || eq == text || (size_t)(eq - text) >= len || isdigit((unsigned char)text[0]) ||
	    strlen(text) >= ANNEX_TEXT_MAX)
		return false;
	for (const char *p = text; p < eq; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	}
	memcpy(name, text, (size_t)(eq - text));
	name[eq - text] = '\0';
	return true;
}

bool lab_setenv(struct lab *lab, const char *id, const char *assignment, struct lab_error *err)
{
	struct lab_group *g = NULL;
	char name[sizeof(lab->env_name)];
	int32_t answer;

	if (!lab_assignment_valid(assignment, name, sizeof(name)))
		return lab_fail_arg(err, 1, "bad '%s': expected NAME=VALUE, a name of letters, digits and _ (not a digit "
		                    "first, at most %zu), e.g. 'setenv T1 COLOR=red'", assignment, sizeof(name) - 1);
	struct lab_worker *w = lab_text_request(lab, id, INSTR_ASK_SETENV, assignment, &g, &answer, err);
	if (w == NULL)
		return false;
	if (answer < 0)
		return lab_fail(err, "%s could not setenv: %s", w->id, strerror(-answer));
	strlcpy(lab->env_name, name, sizeof(lab->env_name));
	lab_observe_env_and_batches(lab);
	uintptr_t at = (uintptr_t)atomic_load(&lab->in.annex[w->slot].environ_address);
	if (g->kind == LAB_THREADS)
		lab_note(err, "%s called setenv(\"%s\"): a process has one environment (environ at 0x%lx in pid %d), so every "
		         "thread of %s has %s now; /proc/%d/environ still shows what the process started with",
		         w->id, name, (unsigned long)at, (int)w->pid, g->name, name, (int)w->pid);
	else
		lab_note(err, "%s called setenv(\"%s\") in its own environment (environ at 0x%lx in pid %d); the other "
		         "processes of %s have their own copies, without it", w->id, name, (unsigned long)at, (int)w->pid,
		         g->name);
	return true;
}

bool lab_chdir(struct lab *lab, const char *id, const char *dir, struct lab_error *err)
{
	struct lab_group *g = NULL;
	int32_t answer;

	if (strlen(dir) >= ANNEX_TEXT_MAX)
		return lab_fail_arg(err, 1, "the directory '%s' is too long: at most %d characters", dir, ANNEX_TEXT_MAX - 1);
	struct lab_worker *w = lab_text_request(lab, id, INSTR_ASK_CHDIR, dir, &g, &answer, err);
	if (w == NULL)
		return false;
	if (answer < 0)
		return lab_fail_arg(err, 1, "%s could not chdir to %s: %s; a directory that exists would do, e.g. "
		                    "'chdir %s /tmp'", w->id, dir, strerror(-answer), w->id);
	lab->cwd_watched = true;
	lab_observe_env_and_batches(lab);
	if (g->kind == LAB_THREADS)
		lab_note(err, "%s called chdir(\"%s\"): a process has one working directory, so every thread of %s is in "
		         "%s now (/proc/%d/task/TID/cwd)", w->id, dir, g->name, w->env.cwd, (int)w->pid);
	else
		lab_note(err, "%s called chdir(\"%s\"): only its own directory changed (/proc/%d/cwd is %s); the other "
		         "processes of %s stay where they were", w->id, dir, (int)w->pid, w->env.cwd, g->name);
	return true;
}
