/* The command line: argv read into struct options, checked, and --help. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "options.h"

/* The command language, from its records: each usage at the next tab stop, as many to a line as fit. */
static void options_usage_commands(FILE *f)
{
	enum { INDENT = 2, STOP = 19, WIDTH = 80 };
	int col = 0;   /* where the line has reached; 0: a new line */

	for (const struct cmd_entry *e = cmd_entries; e->name != NULL; e++) {
		for (size_t u = 0; u < sizeof(e->usage) / sizeof(e->usage[0]) && e->usage[u].syntax != NULL; u++) {
			char text[256];
			cmd_usage_text(&e->usage[u], text, sizeof(text));
			int len = (int)strlen(text);
			int at = col == 0 ? INDENT : INDENT + (col + 2 - INDENT + STOP - 1) / STOP * STOP;
			if (col > 0 && at + len > WIDTH) {
				fputc('\n', f);
				col = 0;
				at = INDENT;
			}
			fprintf(f, "%*s%s", at - col, "", text);
			col = at + len;
		}
	}
	fputc('\n', f);
}

void options_usage(FILE *f)
{
	fprintf(f,
	        "usage: ptviz [--empty] [--hz N] [options]\n"
	        "       ptviz -c 'COMMANDS' [--json]\n"
	        "       ptviz --batch FILE [--json]\n"
	        "       ptviz --lesson NAME|FILE [--from N] [--autoplay] [--check]    ptviz --lessons\n"
	        "       ptviz --bench [create|forksize|switch|ipc|all] [--json]\n"
	        "       ptviz run [--json] [--every S] [--pipe] [--stdin FILE] [--keep] -- PROGRAM [ARGS]   (ptviz run --help)\n"
	        "\n"
	        "Start real threads and real processes, break them, and watch what they share.\n"
	        "\n"
	        "With no -c, --batch or --demo, ptviz opens its screen on 4 threads and 4 processes.\n"
	        "\n"
	        "      --empty            open the screen with no groups\n"
	        "      --frames N         leave the screen after N frames (tests, benchmarks)\n"
	        "  -c, --command TEXT     run commands without a screen (separate them with ';')\n"
	        "  -b, --batch FILE       run the commands in FILE without a screen ('-' for stdin)\n"
	        "  -j, --json             with -c or --batch: one JSON object per line\n"
	        "      --demo             run a short demonstration without a screen\n"
	        "      --hz N             observations (and screen frames) per second (default 10; 0 for none)\n"
	        "      --max-threads N    threads allowed in one group (default %d)\n"
	        "      --max-processes N  processes allowed in total (default %d)\n"
	        "      --bench [NAME]     measure costs without a screen: create, forksize, switch, ipc (default all)\n"
	        "      --bench-time S     about how long each measurement takes (default %.0f s; also for 'bench' and c)\n"
	        "      --bench-max-mib N  forksize: the largest memory held while forking (default %d)\n"
	        "      --lessons          list the built-in lessons, one line each\n"
	        "      --lesson NAME|FILE play a lesson in the screen (Space: next, Backspace: again, q: leave)\n"
	        "      --check            with --lesson: only check the lesson file; no terminal needed\n"
	        "      --autoplay         with --lesson: pauses and questions pass by themselves; leave at the end\n"
	        "      --from N           with --lesson: start at step N (the steps before it run at once)\n"
	        "      --speed X          with --lesson: its waits and autoplay's reading time pass X times faster\n"
	        "      --seed N           fix what is picked at random (a lesson's T?); shown in the top line\n"
	        "      --big              presenter mode: headlines in large letters, large figures, less detail\n"
	        "      --theme NAME       'normal' (default), or 'contrast': bold white on black, for a projector\n"
	        "      --no-keybar        hide the key bar (recordings)\n"
	        "  -h, --help             show this help\n"
	        "  -V, --version          show the version\n"
	        "\n"
	        "Commands:\n",
	        LAB_DEFAULT_MAX_THREADS, LAB_DEFAULT_MAX_PROCESSES, BENCH_DEFAULT_SECONDS, BENCH_DEFAULT_MAX_MIB);
	options_usage_commands(f);
	fprintf(f, "\n"
	        "Example: ptviz -c 'spawn threads 4; spawn processes 4; run 2; report'\n");
}

/* " (why)" after a refused value, from cmd_number, or nothing. */
static const char *options_why(const char *words, char *buf, size_t len)
{
	if (words[0] == '\0')
		return "";
	snprintf(buf, len, " (%s)", words);
	return buf;
}

/* A whole number from lo to hi, written as the command language writes numbers (cmd_number). */
static bool options_int(const char *opt, const char *s, int lo, int hi, int *out)
{
	char words[96], why[128];
	double v;

	if (!cmd_number(s, false, &v, words, sizeof(words)) || v < lo || v > hi) {
		fprintf(stderr, "ptviz: %s '%s'%s: expected a whole number from %d to %d\n", opt, s,
		        options_why(words, why, sizeof(why)), lo, hi);
		return false;
	}
	*out = (int)v;
	return true;
}

enum { OPT_MAX_THREADS = 256, OPT_MAX_PROCESSES, OPT_HZ, OPT_DEMO, OPT_EMPTY, OPT_FRAMES };
enum { OPT_LESSON = 384, OPT_LESSONS, OPT_CHECK, OPT_AUTOPLAY, OPT_SPEED, OPT_SEED, OPT_BIG, OPT_NO_KEYBAR, OPT_FROM, OPT_THEME };
enum { OPT_BENCH = 320, OPT_BENCH_TIME, OPT_BENCH_MAX_MIB };

static const struct option options_long[] = {
	{ "command", required_argument, NULL, 'c' },
	{ "batch", required_argument, NULL, 'b' },
	{ "json", no_argument, NULL, 'j' },
	{ "demo", no_argument, NULL, OPT_DEMO },
	{ "hz", required_argument, NULL, OPT_HZ },
	{ "empty", no_argument, NULL, OPT_EMPTY },
	{ "frames", required_argument, NULL, OPT_FRAMES },
	{ "max-threads", required_argument, NULL, OPT_MAX_THREADS },
	{ "max-processes", required_argument, NULL, OPT_MAX_PROCESSES },
	{ "bench", optional_argument, NULL, OPT_BENCH },
	{ "bench-time", required_argument, NULL, OPT_BENCH_TIME },
	{ "bench-max-mib", required_argument, NULL, OPT_BENCH_MAX_MIB },
	{ "lesson", required_argument, NULL, OPT_LESSON },
	{ "lessons", no_argument, NULL, OPT_LESSONS },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "autoplay", no_argument, NULL, OPT_AUTOPLAY },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "big", no_argument, NULL, OPT_BIG },
	{ "no-keybar", no_argument, NULL, OPT_NO_KEYBAR },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* --speed: how many times faster a lesson's waits pass. */
static bool options_speed(struct options *o, const char *arg)
{
	char words[96], why[128];

	if (!cmd_number(arg, true, &o->screen.speed, words, sizeof(words)) ||
	    !(o->screen.speed >= 0.1 && o->screen.speed <= 1000)) {
		fprintf(stderr, "ptviz: --speed '%s'%s: expected a factor from 0.1 to 1000 as a decimal number, e.g. 2\n", arg,
		        options_why(words, why, sizeof(why)));
		return false;
	}
	return true;
}

/* --seed: what is picked at random falls the same way each run. */
static bool options_seed(struct options *o, const char *arg)
{
	char *end;

	errno = 0;
	o->screen.seed = strtoul(arg, &end, 10);
	if (!isdigit((unsigned char)*arg) || *end != '\0' || errno != 0) {
		fprintf(stderr, "ptviz: --seed '%s': expected a whole number from 0, e.g. 42\n", arg);
		return false;
	}
	o->screen.seeded = true;
	return true;
}

/* --theme: the colours, by name. */
static bool options_theme(struct options *o, const char *arg)
{
	if (strcmp(arg, "contrast") == 0 || strcmp(arg, "normal") == 0) {
		o->screen.contrast = strcmp(arg, "contrast") == 0;
		return true;
	}
	fprintf(stderr, "ptviz: --theme '%s': expected 'normal' or 'contrast' (bold white on black, for a projector)\n",
	        arg);
	return false;
}

/* The options with a number: false, with the reason printed, when it is not one that fits. */
static bool options_number(struct options *o, int opt, const char *arg)
{
	int frames;

	switch (opt) {
	case OPT_FRAMES:
		if (!options_int("--frames", arg, 1, 1000000000, &frames))
			return false;
		o->screen.frames = frames;
		return true;
	case OPT_HZ:
		return options_int("--hz", arg, 0, 1000, &o->batch.hz);
	case OPT_MAX_THREADS:
		return options_int("--max-threads", arg, 1, LAB_LIMIT_THREADS, &o->lab.max_threads);
	case OPT_MAX_PROCESSES:
		return options_int("--max-processes", arg, 1, LAB_LIMIT_PROCESSES, &o->lab.max_processes);
	case OPT_BENCH_TIME:
		return bench_option_parse(&o->bench, "--bench-time", arg);
	case OPT_BENCH_MAX_MIB:
		return bench_option_parse(&o->bench, "--bench-max-mib", arg);
	case OPT_SPEED:
		return options_speed(o, arg);
	case OPT_SEED:
		return options_seed(o, arg);
	case OPT_FROM:
		return options_int("--from", arg, 1, 10000, &o->screen.from_step);
	case OPT_THEME:
		return options_theme(o, arg);
	default:
		return false;
	}
}

/* One option from getopt_long: -1 to read on, or the exit status (0 after --help or --version). */
static int options_one(struct options *o, int opt, const char *arg)
{
	switch (opt) {
	case 'c': o->command = arg; break;
	case 'b': o->file = arg; break;
	case 'j': o->batch.json = true; break;
	case OPT_DEMO: o->demo = true; break;
	case OPT_EMPTY: o->screen.empty = true; break;
	case OPT_BENCH:
		o->bench_run = true;
		o->bench_name = arg;
		break;
	case OPT_LESSON: o->lesson_name = arg; break;
	case OPT_LESSONS: o->lessons = true; break;
	case OPT_CHECK: o->check = true; break;
	case OPT_AUTOPLAY: o->screen.autoplay = true; break;
	case OPT_BIG: o->screen.big = true; break;
	case OPT_NO_KEYBAR: o->screen.no_keybar = true; break;
	case OPT_FRAMES:
	case OPT_HZ:
	case OPT_MAX_THREADS:
	case OPT_MAX_PROCESSES:
	case OPT_BENCH_TIME:
	case OPT_BENCH_MAX_MIB:
	case OPT_SPEED:
	case OPT_SEED:
	case OPT_FROM:
	case OPT_THEME:
		return options_number(o, opt, arg) ? -1 : 2;
	case 'h': options_usage(stdout); return 0;
	case 'V': printf("ptviz %s\n", PTVIZ_VERSION); return 0;
	default:
		fprintf(stderr, "Try 'ptviz --help'.\n");
		return 2;
	}
	return -1;
}

int options_parse(struct options *o, int argc, char **argv)
{
	int opt, rc;

	memset(o, 0, sizeof(*o));
	lab_config_defaults(&o->lab);
	bench_options_defaults(&o->bench);
	o->batch = (struct batch_options){ .json = false, .hz = 10, .source = "-c" };
	o->screen = (struct ui_options){ .hz = 10, .empty = false, .frames = 0 };
	while ((opt = getopt_long(argc, argv, "c:b:jhV", options_long, NULL)) != -1) {
		if ((rc = options_one(o, opt, optarg)) >= 0)
			return rc;
	}
	/* `--bench create` as well as `--bench=create`. */
	if (o->bench_run && o->bench_name == NULL && optind < argc)
		o->bench_name = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "ptviz: unexpected argument '%s'\nTry 'ptviz --help'.\n", argv[optind]);
		return 2;
	}
	if ((o->command != NULL) + (o->file != NULL) + o->demo + o->bench_run > 1) {
		fprintf(stderr, "ptviz: -c, --batch, --demo and --bench each choose what to run: give only one\n");
		return 2;
	}
	return -1;
}

int options_check_lesson(const struct options *o)
{
	if ((o->check || o->screen.autoplay || o->screen.speed > 0 || o->screen.from_step > 0) && o->lesson_name == NULL) {
		fprintf(stderr, "ptviz: --check, --autoplay, --speed and --from go with --lesson NAME|FILE (ptviz --lessons "
		                "lists them)\n");
		return 2;
	}
	if (o->lesson_name != NULL && (o->command != NULL || o->file != NULL || o->demo)) {
		fprintf(stderr, "ptviz: --lesson plays in the screen: leave out -c, --batch and --demo\n");
		return 2;
	}
	return -1;
}
