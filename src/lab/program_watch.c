/* --watch and the watch command: a program's globals found in each process's executable and read in every process, live. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/string.h>

#include "lab_priv.h"
#include "program_priv.h"

/* The file process pid runs, as a path to show, and its identity; false when it has ended (or is a zombie). */
static bool watch_exe_of(pid_t pid, char *path, size_t len, dev_t *dev, ino_t *ino)
{
	char link[48];
	struct stat st;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(link, path, len - 1);
	if (n <= 0 || stat(link, &st) != 0)
		return false;
	path[n] = '\0';
	*dev = st.st_dev;
	*ino = st.st_ino;
	return true;
}

/* Is this ptviz itself: the program's first process before its exec? */
static bool watch_is_ptviz(dev_t dev, ino_t ino)
{
	struct stat st;

	return stat("/proc/self/exe", &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

/* The group's entry for an executable, added when new; NULL past PROGRAM_WATCH_EXES executables. */
static struct program_watch_exe *watch_exe_entry(struct program *p, dev_t dev, ino_t ino, int *index)
{
	for (int i = 0; i < p->nwatch_exes; i++) {
		if (p->watch_exes[i]->dev == dev && p->watch_exes[i]->ino == ino) {
			*index = i;
			return p->watch_exes[i];
		}
	}
	if (p->nwatch_exes == PROGRAM_WATCH_EXES)
		return NULL;
	struct program_watch_exe *e = calloc(1, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->dev = dev;
	e->ino = ino;
	*index = p->nwatch_exes;
	p->watch_exes[p->nwatch_exes++] = e;
	return e;
}

/* Looks for every watched name not yet looked for in e (the file at path); says once why one cannot be watched. */
static void watch_look_up(struct program *p, struct program_watch_exe *e, const char *path)
{
	char msg[SYMBOL_MSG_MAX];

	for (int i = 0; i < p->opt.nwatch; i++) {
		if (e->looked[i])
			continue;
		e->looked[i] = true;
		e->found[i] = symbol_find(path, p->opt.watch[i], &e->w[i], msg, sizeof(msg));
		if (!e->found[i])
			program_note(p, "%s: --watch %s is left out: %s", p->name, p->opt.watch[i], msg);
	}
}

/* Finds the executable process t runs, once (lock held; again after an exec); false while it cannot be read. */
static bool watch_exe_known(struct program *p, struct program_task *t)
{
	char path[SYMBOL_PATH_MAX];
	dev_t dev;
	ino_t ino;
	int index;

	/* Traced, an exec is told (program_watch_forget); through /proc the file is looked at each time. */
	if (t->watch_based && p->traced)
		return true;
	if (!watch_exe_of(t->pid, path, sizeof(path), &dev, &ino))
		return false;
	if (t->watch_based && dev == t->exe_dev && ino == t->exe_ino)
		return true;
	if (watch_is_ptviz(dev, ino))
		return false;   /* the first process, before its exec */
	/* New, or an exec the tracer did not tell (followed through /proc): found again. */
	program_watch_forget(t);
	struct program_watch_exe *e = watch_exe_entry(p, dev, ino, &index);
	if (e == NULL)
		return false;
	if (e->path[0] == '\0')
		strlcpy(e->path, path, sizeof(e->path));
	t->exe_dev = dev;
	t->exe_ino = ino;
	t->watch_exe = index;
	t->watch_based = true;
	return true;
}

/* Its load address, once per process (a child made by fork has its parent's; exec gives a new one). */
static bool watch_base(struct program_task *t, const struct symbol_watch *w)
{
	char msg[SYMBOL_MSG_MAX];

	if (!t->base_loaded)
		t->base_loaded = symbol_load_base(w, t->pid, &t->watch_base, msg, sizeof(msg));
	return t->base_loaded;
}

/*
 * Reads name i in process t; a failure other than its ending is told once for the group.  Read into a
 * value of its own: a read that fails (a process on its way out has no memory left to read) clears
 * what it was given, and the last value read must stay to be shown.
 */
static void watch_read_one(struct program *p, struct program_task *t, const struct symbol_watch *w, int i)
{
	struct program_watch_value *v = &t->watch[i];
	struct symbol_value read;
	char msg[SYMBOL_MSG_MAX], path[64];
	dev_t dev;
	ino_t ino;

	if (symbol_read(w, t->pid, t->watch_base, &read, msg, sizeof(msg))) {
		v->value = read;
		strlcpy(v->name, p->opt.watch[i], sizeof(v->name));
		strlcpy(v->type, w->type, sizeof(v->type));
		v->kind = w->kind;
		v->now = true;
		symbol_value_format(w, &v->value, v->text, sizeof(v->text));
		return;
	}
	v->now = false;
	if (!p->watch_read_told && watch_exe_of(t->pid, path, sizeof(path), &dev, &ino)) {
		p->watch_read_told = true;
		program_note(p, "%s: %s cannot be read in %s%d: %s", p->name, p->opt.watch[i], p->name, t->number, msg);
	}
}

void program_watch_read(struct program *p, struct program_task *t, struct program_process *pp)
{
	if (p->opt.nwatch == 0)
		return;
	for (int i = 0; i < p->opt.nwatch; i++)
		t->watch[i].now = false;
	if (t->alive && watch_exe_known(p, t)) {
		struct program_watch_exe *e = p->watch_exes[t->watch_exe];
		watch_look_up(p, e, e->path);
		for (int i = 0; i < p->opt.nwatch; i++) {
			if (e->found[i] && watch_base(t, &e->w[i]))
				watch_read_one(p, t, &e->w[i], i);
		}
	}
	/* The values read this time, or the last ones read before the process ended. */
	for (int i = 0; i < p->opt.nwatch; i++) {
		if (t->watch[i].name[0])
			pp->watch[pp->nwatch++] = t->watch[i];
	}
}

void program_watch_forget(struct program_task *t)
{
	t->watch_based = false;
	t->base_loaded = false;
	memset(t->watch, 0, sizeof(t->watch));
}

void program_watch_free(struct program *p)
{
	for (int i = 0; i < p->nwatch_exes; i++)
		free(p->watch_exes[i]);
	p->nwatch_exes = 0;
	/* Called as the group is freed: the stat files its looks kept open go too. */
	follow_look_free(p);
}

/* The group named, or the newest when none is; NULL with err set. */
static struct program *watch_group(struct lab *lab, const char *group, struct lab_error *err)
{
	struct program_set *s = lab->programs;

	if (s == NULL || s->n == 0) {
		lab_fail(err, "watch reads a global of a program: start one first, e.g. 'spawn program ./fork_counter', "
		         "then 'watch counter'");
		return NULL;
	}
	if (group == NULL)
		return s->groups[s->n - 1];
	for (int i = 0; i < s->n; i++) {
		if (strcmp(s->groups[i]->name, group) == 0)
			return s->groups[i];
	}
	lab_fail(err, "watch %s: there is no program group named %s (watch works on groups made with 'spawn program')",
	         group, group);
	return NULL;
}

/* Can spec be watched in the first live process that runs the program (not ptviz before its exec)? */
static bool watch_check(struct program *p, const char *spec, struct lab_error *err)
{
	char path[SYMBOL_PATH_MAX], msg[SYMBOL_MSG_MAX];
	struct symbol_watch w;
	dev_t dev;
	ino_t ino;

	for (int i = 0; i < p->ntasks; i++) {
		const struct program_task *t = &p->tasks[i];
		if (!t->used || !t->leader || !t->alive || !watch_exe_of(t->pid, path, sizeof(path), &dev, &ino) ||
		    watch_is_ptviz(dev, ino))
			continue;
		if (!symbol_find(path, spec, &w, msg, sizeof(msg)))
			return lab_fail(err, "watch %s: %s", spec, msg);
		return true;
	}
	return true;   /* no process to look in now: each one is looked in as it is read */
}

bool program_watch(struct lab *lab, const char *spec, const char *group, struct lab_error *err)
{
	struct program *p = watch_group(lab, group, err);
	bool ok = false;

	if (p == NULL)
		return false;
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < p->opt.nwatch; i++) {
		if (strcmp(p->opt.watch[i], spec) == 0) {
			pthread_mutex_unlock(&p->lock);
			return lab_fail(err, "%s already watches %s", p->name, spec);
		}
	}
	if (p->opt.nwatch == PROGRAM_WATCH_MAX)
		lab_fail(err, "%s watches %d globals already, the most it can", p->name, PROGRAM_WATCH_MAX);
	else if (watch_check(p, spec, err) && (p->watch_store[p->opt.nwatch] = strdup(spec)) != NULL) {
		p->opt.watch[p->opt.nwatch] = p->watch_store[p->opt.nwatch];
		p->opt.nwatch++;
		ok = true;
	}
	pthread_mutex_unlock(&p->lock);
	return ok;
}
