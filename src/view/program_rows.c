/* A program's processes and threads as rows the keys move through, and what the screen says of each: its files. */
#include "program_rows.h"

#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "story.h"

int program_thread_rows(const struct program_process *pp)
{
	return !pp->alive && pp->nthreads == 1 ? 0 : pp->nthreads;
}

int program_rows(const struct program_view *v, struct program_row *rows, int max)
{
	int n = 0;

	for (int i = 0; i < v->nprocesses && n < max; i++) {
		rows[n++] = (struct program_row){ i, -1 };
		for (int j = 0; j < program_thread_rows(&v->processes[i]) && n < max; j++)
			rows[n++] = (struct program_row){ i, j };
	}
	return n;
}

const char *program_row_id(const struct program_view *v, struct program_row r)
{
	const struct program_process *pp = &v->processes[r.process];

	return r.thread < 0 ? pp->id : pp->threads[r.thread].id;
}

int program_row_find(const struct program_view *v, const char *id)
{
	int n = 0;

	for (int i = 0; i < v->nprocesses; i++) {
		const struct program_process *pp = &v->processes[i];
		if (strcmp(pp->id, id) == 0)
			return n;
		n++;
		for (int j = 0; j < program_thread_rows(pp); j++, n++) {
			if (strcmp(pp->threads[j].id, id) == 0)
				return n;
		}
	}
	return -1;
}

const struct program_view *program_view_by_serial(const struct program_view *views, int n, uint32_t group)
{
	for (int i = 0; i < n; i++) {
		if (views[i].serial == group)
			return &views[i];
	}
	return NULL;
}

bool program_row_task(const struct program_view *v, const char *id, const struct program_process **pp,
                       const struct program_thread **th)
{
	for (int i = 0; i < v->nprocesses; i++) {
		const struct program_process *p = &v->processes[i];
		*pp = p;
		*th = NULL;
		if (strcmp(p->id, id) == 0)
			return true;
		for (int j = 0; j < p->nthreads; j++) {
			*th = &p->threads[j];
			if (strcmp(p->threads[j].id, id) == 0)
				return true;
		}
	}
	*pp = NULL;
	*th = NULL;
	return false;
}

bool program_row_paused(const struct program_process *pp, const struct program_thread *th)
{
	char state = th != NULL ? th->state : pp->state;

	return (th != NULL && th->paused) || state == 'T' || state == 't';
}

const struct program_process *program_parent(const struct program_view *v, const struct program_process *pp)
{
	for (int i = 0; i < v->nprocesses; i++) {
		const struct program_process *o = &v->processes[i];
		/* A PID names the parent only while both lived at once: it started before the child. */
		if (o != pp && o->pid == pp->first_ppid && o->started_at <= pp->started_at)
			return o;
	}
	return NULL;
}

void program_thread_names(const struct program_process *pp, bool alive, char *buf, size_t len)
{
	const char *first = NULL, *last = NULL;
	int count = 0;

	for (int j = 0; j < pp->nthreads; j++) {
		if (alive && !pp->threads[j].alive)
			continue;
		first = first != NULL ? first : pp->threads[j].id;
		last = pp->threads[j].id;
		count++;
	}
	if (count == 0)
		snprintf(buf, len, "none");
	else if (count == 1)
		snprintf(buf, len, "%s", first);
	else
		snprintf(buf, len, "%s%s%s", first, count == 2 ? " " : "-", last);
}

void program_files_text(const struct program_process *pp, int from, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < pp->nfds && at < len; i++) {
		if (pp->fds[i].fd < from)
			continue;
		char name[48];
		int last = i;
		story_file(pp->fds[i].target, name, sizeof(name));
		/* Runs of descriptors open on the same file read as one: "0-2 /dev/pts/3". */
		while (last + 1 < pp->nfds && pp->fds[last + 1].fd == pp->fds[last].fd + 1 &&
		       strcmp(pp->fds[last + 1].target, pp->fds[i].target) == 0)
			last++;
		int n = last > i ? snprintf(buf + at, len - at, "%s%d-%d %s", at ? ", " : "", pp->fds[i].fd,
		                            pp->fds[last].fd, name)
		                 : snprintf(buf + at, len - at, "%s%d %s", at ? ", " : "", pp->fds[i].fd, name);
		at += n > 0 ? (size_t)n : 0;
		i = last;
	}
	if (pp->fds_total > pp->nfds && at < len)
		snprintf(buf + at, len - at, "%s%d more", at ? ", " : "", pp->fds_total - pp->nfds);
}
