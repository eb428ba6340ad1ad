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
#include "run_options.h"

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

/*
 * The commands of -c, --batch FILE or --demo, as text, and their length; NULL, said on
 * stderr, when they cannot be had: *rc is 2 when --batch names nothing that can be
 * read (a bad option), 1 when memory runs out.  What the text holds is batch_run's to judge.
 */
static char *main_batch_text(struct options *o, size_t *len, int *rc)
{
	char *text;

	*rc = 1;
	if (o->file != NULL) {
		FILE *f = strcmp(o->file, "-") == 0 ? stdin : fopen(o->file, "r");
		if (f == NULL) {
			fprintf(stderr, "ptviz: cannot open '%s': %s\n", o->file, strerror(errno));
			*rc = 2;
			return NULL;
		}
		errno = 0;
		text = batch_read(f, len);
		*rc = text == NULL && errno != ENOMEM ? 2 : 1;
		if (text == NULL)
			fprintf(stderr, "ptviz: cannot read '%s': %s\n", o->file, strerror(errno ? errno : ENOMEM));
		if (f != stdin)
			fclose(f);
		o->batch.source = o->file;
		return text;
	}
	text = strdup(o->command != NULL ? o->command : demo_script);
	if (o->command == NULL)
		o->batch.source = "demo";
	if (text == NULL)
		fprintf(stderr, "ptviz: out of memory\n");
	*len = text != NULL ? strlen(text) : 0;
	return text;
}

/* The screenless front end on a new lab. */
static int main_batch(struct options *o)
{
	size_t len;
	int rc;
	char *text = main_batch_text(o, &len, &rc);

	if (text == NULL)
		return rc;
	struct lab_error err = { 0 };
	struct lab *lab = lab_new(&o->lab, &err);
	if (lab == NULL) {
		fprintf(stderr, "ptviz: %s\n", err.msg);
		free(text);
		return 1;
	}
	rc = batch_run(lab, text, len, &o->batch, stdout, stderr);
	lab_free(lab);
	free(text);
	return rc;
}

/* ptviz run on a terminal, without --json: the screen on the program's group. */
static int main_run_screen(const struct run_options *ro)
{
	struct lab_config cfg;
	struct lab_error err = { 0 };
	struct ui_options uopt = { .hz = 10, .empty = true };

	lab_config_defaults(&cfg);
	struct lab *lab = lab_new(&cfg, &err);
	if (lab == NULL) {
		fprintf(stderr, "ptviz: %s\n", err.msg);
		return 1;
	}
	if (!program_spawn(lab, &ro->program, ro->argv, NULL, &err)) {
		fprintf(stderr, "ptviz: %s\n", err.msg);
		lab_free(lab);
		return 127;
	}
	uopt.seed = (unsigned long)time(NULL);
	int rc = ui_run(lab, &uopt);
	program_end_all(lab, ro->program.keep);
	if (rc == 0)
		rc = program_all_ended(lab) ? program_exit_code(lab) : 0;
	lab_free(lab);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	int rc;

	crash_catch();
	setproctitle_init(argc, argv, environ);
	/* ptviz run [options] -- PROGRAM [ARGS]: a program ptviz did not write, followed live. */
	if (argc > 1 && strcmp(argv[1], "run") == 0) {
		struct run_options ro;
		if ((rc = run_options_parse(&ro, argc - 1, argv + 1)) >= 0)
			return rc;
		if (!ro.json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			return main_run_screen(&ro);
		return batch_program_run(&ro, stdout, stderr);
	}
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
