/* ptviz's entry: the options read, then the screen or the screenless front end started on an engine of its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/unistd.h>

#include "crash.h"
#include "lesson/lesson.h"
#include "options.h"

extern char **environ;

static const char demo_script[] =
	"# Threads share one counter; each process has its own copy at the same address.\n"
	"spawn threads 4\n"
	"spawn processes 4\n"
	"run 2\n"
	"report\n"
	"# A fault in a process ends only that process ...\n"
	"inject segv P3\n"
	"# ... a fault in a thread ends its whole process, every thread with it.\n"
	"inject segv T3\n"
	"run 0.5\n"
	"report\n";

/*
 * Reads a whole command file.  Returns NULL with a message when it cannot be
 * read or is not text: a NUL byte would silently cut the script short.
 */
static char *read_all(FILE *f, const char *name)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	while (buf != NULL) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
		if (len + 1 == cap) {
			char *bigger = realloc(buf, cap * 2);
			if (bigger == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	if (buf == NULL) {
		fprintf(stderr, "ptviz: out of memory reading '%s'\n", name);
		return NULL;
	}
	if (ferror(f)) {
		fprintf(stderr, "ptviz: cannot read '%s': %s\n", name, strerror(errno));
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	const char *nul = memchr(buf, '\0', len);
	if (nul != NULL) {
		int line = 1, column = 1;
		for (const char *p = buf; p < nul; p++) {
			column = *p == '\n' ? 1 : column + 1;
			line += *p == '\n';
		}
		fprintf(stderr, "ptviz: %s:%d:%d: a NUL byte: expected a text file of commands\n", name, line, column);
		free(buf);
		return NULL;
	}
	return buf;
}

/* The screen on a new lab: a lesson opened (or only checked) first; it needs a terminal. */
static int main_screen(struct options *o)
{
	static struct lesson lesson;
	struct ui_options *uopt = &o->screen;

	if (o->lesson_name != NULL) {
		int lrc = lesson_open(o->lesson_name, o->check, &lesson, stdout, stderr);
		if (lrc >= 0)
			return lrc;
		if (uopt->from_step > lesson.nsteps) {
			fprintf(stderr, "ptviz: --from %d: '%s' has %d step%s\n", uopt->from_step, lesson.title, lesson.nsteps,
			        lesson.nsteps == 1 ? "" : "s");
			lesson_free(&lesson);
			return 2;
		}
		uopt->lesson = &lesson;
		uopt->empty = true;
	}
	if (!uopt->seeded)
		uopt->seed = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);
	uopt->hz = o->batch.hz;
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		if (uopt->lesson != NULL) {
			fprintf(stderr, "ptviz: a lesson plays in the screen, which needs a terminal; to check the file "
			                "without one: ptviz --lesson %s --check\n", o->lesson_name);
			lesson_free(&lesson);
			return 2;
		}
		fprintf(stderr, "ptviz: the screen needs a terminal; without one, run commands with -c 'COMMANDS' or --batch FILE\n"
		                "  e.g. ptviz -c 'spawn threads 4; spawn processes 4; run 2; report'\n");
		return 2;
	}
	struct lab_error err = { 0 };
	struct lab *lab = lab_new(&o->lab, &err);
	if (lab == NULL) {
		fprintf(stderr, "ptviz: %s\n", err.msg);
		return 1;
	}
	int rc = ui_run(lab, uopt);
	lab_free(lab);
	lesson_free(uopt->lesson != NULL ? &lesson : NULL);
	return rc;
}

/* The commands of -c, --batch FILE or --demo, as text; NULL, said on stderr, when they cannot be had. */
static char *main_batch_text(struct options *o)
{
	char *text;

	if (o->file != NULL) {
		FILE *f = strcmp(o->file, "-") == 0 ? stdin : fopen(o->file, "r");
		if (f == NULL) {
			fprintf(stderr, "ptviz: cannot open '%s': %s\n", o->file, strerror(errno));
			return NULL;
		}
		text = read_all(f, o->file);
		if (f != stdin)
			fclose(f);
		if (text == NULL)
			return NULL;
		o->batch.source = o->file;
	} else if (o->command != NULL) {
		text = strdup(o->command);
	} else {
		text = strdup(demo_script);
		o->batch.source = "demo";
	}
	if (text == NULL)
		fprintf(stderr, "ptviz: out of memory\n");
	return text;
}

/* The screenless front end on a new lab. */
static int main_batch(struct options *o)
{
	char *text = main_batch_text(o);

	if (text == NULL)
		return 2;
	struct lab_error err = { 0 };
	struct lab *lab = lab_new(&o->lab, &err);
	if (lab == NULL) {
		fprintf(stderr, "ptviz: %s\n", err.msg);
		free(text);
		return 1;
	}
	int rc = batch_run(lab, text, &o->batch, stdout, stderr);
	lab_free(lab);
	free(text);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc;

	crash_catch();
	setproctitle_init(argc, argv, environ);
	if ((rc = options_parse(&o, argc, argv)) >= 0)
		return rc;
	bench_set_defaults(&o.bench);
	if (o.bench_run)
		return bench_report_main(o.bench_name, o.batch.json);
	/* Lessons: listed, checked, or played in the screen. */
	if (o.lessons)
		return lesson_list(stdout, stderr);
	if ((rc = options_check_lesson(&o)) >= 0)
		return rc;
	if (o.command == NULL && o.file == NULL && !o.demo)
		return main_screen(&o);
	return main_batch(&o);
}
