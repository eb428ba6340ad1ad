/* ptviz: options, then the screen or the screenless front end over one engine. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/unistd.h>

#include "batch/batch.h"
#include "bench/bench.h"
#include "cmd/cmd.h"
#include "lab/lab.h"
#include "lesson/lesson.h"
#include "ui/ui.h"

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

/* The command language, from its records: each usage at the next tab stop, as many to a line as fit. */
static void usage_commands(FILE *f)
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

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: ptviz [--empty] [--hz N] [options]\n"
	        "       ptviz -c 'COMMANDS' [--json]\n"
	        "       ptviz --batch FILE [--json]\n"
	        "       ptviz --lesson NAME|FILE [--autoplay] [--check]    ptviz --lessons\n"
	        "       ptviz --bench [create|forksize|switch|ipc|all] [--json]\n"
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
	        "      --speed X          with --lesson: its waits pass X times faster (default 1)\n"
	        "      --seed N           fix what is picked at random (a lesson's T?); shown in the top line\n"
	        "      --big              large figures, fewer details: for the back of a lecture hall\n"
	        "      --no-keybar        hide the key bar (recordings)\n"
	        "  -h, --help             show this help\n"
	        "  -V, --version          show the version\n"
	        "\n"
	        "Commands:\n",
	        LAB_DEFAULT_MAX_THREADS, LAB_DEFAULT_MAX_PROCESSES, BENCH_DEFAULT_SECONDS, BENCH_DEFAULT_MAX_MIB);
	usage_commands(f);
	fprintf(f, "\n"
	        "Example: ptviz -c 'spawn threads 4; spawn processes 4; run 2; report'\n");
}

static bool parse_int(const char *opt, const char *s, int lo, int hi, int *out)
{
	char *end;

	errno = 0;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi) {
		fprintf(stderr, "ptviz: %s '%s': expected a whole number from %d to %d\n", opt, s, lo, hi);
		return false;
	}
	*out = (int)v;
	return true;
}

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

enum { OPT_MAX_THREADS = 256, OPT_MAX_PROCESSES, OPT_HZ, OPT_DEMO, OPT_EMPTY, OPT_FRAMES };
enum { OPT_LESSON = 384, OPT_LESSONS, OPT_CHECK, OPT_AUTOPLAY, OPT_SPEED, OPT_SEED, OPT_BIG, OPT_NO_KEYBAR };
enum { OPT_BENCH = 320, OPT_BENCH_TIME, OPT_BENCH_MAX_MIB };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
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
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct lab_config cfg;
	struct batch_options bopt = { .json = false, .hz = 10, .source = "-c" };
	const char *command = NULL, *file = NULL;
	struct ui_options uopt = { .hz = 10, .empty = false, .frames = 0 };
	bool demo = false;
	const char *lesson_name = NULL;
	bool lessons = false, check = false;
	bool bench = false;
	const char *bench_name = NULL;
	struct bench_options bench_opt;
	int opt, frames = 0;

	setproctitle_init(argc, argv, environ);
	lab_config_defaults(&cfg);
	bench_options_defaults(&bench_opt);
	while ((opt = getopt_long(argc, argv, "c:b:jhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': command = optarg; break;
		case 'b': file = optarg; break;
		case 'j': bopt.json = true; break;
		case OPT_DEMO: demo = true; break;
		case OPT_EMPTY: uopt.empty = true; break;
		case OPT_FRAMES:
			if (!parse_int("--frames", optarg, 1, 1000000000, &frames))
				return 2;
			uopt.frames = frames;
			break;
		case OPT_HZ:
			if (!parse_int("--hz", optarg, 0, 1000, &bopt.hz))
				return 2;
			break;
		case OPT_MAX_THREADS:
			if (!parse_int("--max-threads", optarg, 1, LAB_LIMIT_THREADS, &cfg.max_threads))
				return 2;
			break;
		case OPT_MAX_PROCESSES:
			if (!parse_int("--max-processes", optarg, 1, LAB_LIMIT_PROCESSES, &cfg.max_processes))
				return 2;
			break;
		case OPT_BENCH:
			bench = true;
			bench_name = optarg;
			break;
		case OPT_BENCH_TIME:
		case OPT_BENCH_MAX_MIB:
			if (!bench_option_parse(&bench_opt, opt == OPT_BENCH_TIME ? "--bench-time" : "--bench-max-mib", optarg))
				return 2;
			break;
		case OPT_LESSON: lesson_name = optarg; break;
		case OPT_LESSONS: lessons = true; break;
		case OPT_CHECK: check = true; break;
		case OPT_AUTOPLAY: uopt.autoplay = true; break;
		case OPT_BIG: uopt.big = true; break;
		case OPT_NO_KEYBAR: uopt.no_keybar = true; break;
		case OPT_SPEED: {
			char *end;
			uopt.speed = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' || !(uopt.speed >= 0.1 && uopt.speed <= 1000)) {
				fprintf(stderr, "ptviz: --speed '%s': expected a factor from 0.1 to 1000, e.g. 2\n", optarg);
				return 2;
			}
			break;
		}
		case OPT_SEED: {
			char *end;
			errno = 0;
			uopt.seed = strtoul(optarg, &end, 10);
			if (!isdigit((unsigned char)*optarg) || *end != '\0' || errno != 0) {
				fprintf(stderr, "ptviz: --seed '%s': expected a whole number from 0, e.g. 42\n", optarg);
				return 2;
			}
			uopt.seeded = true;
			break;
		}
		case 'h': usage(stdout); return 0;
		case 'V': printf("ptviz %s\n", PTVIZ_VERSION); return 0;
		default:
			fprintf(stderr, "Try 'ptviz --help'.\n");
			return 2;
		}
	}
	/* `--bench create` as well as `--bench=create`. */
	if (bench && bench_name == NULL && optind < argc)
		bench_name = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "ptviz: unexpected argument '%s'\nTry 'ptviz --help'.\n", argv[optind]);
		return 2;
	}
	if ((command != NULL) + (file != NULL) + demo + bench > 1) {
		fprintf(stderr, "ptviz: -c, --batch, --demo and --bench each choose what to run: give only one\n");
		return 2;
	}
	bench_set_defaults(&bench_opt);
	if (bench)
		return bench_report_main(bench_name, bopt.json);

	/* Lessons: listed, checked, or played in the screen. */
	if (lessons)
		return lesson_list(stdout, stderr);
	if ((check || uopt.autoplay || uopt.speed > 0) && lesson_name == NULL) {
		fprintf(stderr, "ptviz: --check, --autoplay and --speed go with --lesson NAME|FILE (ptviz --lessons lists them)\n");
		return 2;
	}
	static struct lesson lesson;
	if (lesson_name != NULL) {
		if (command != NULL || file != NULL || demo) {
			fprintf(stderr, "ptviz: --lesson plays in the screen: leave out -c, --batch and --demo\n");
			return 2;
		}
		int lrc = lesson_open(lesson_name, check, &lesson, stdout, stderr);
		if (lrc >= 0)
			return lrc;
		uopt.lesson = &lesson;
		uopt.empty = true;
	}
	if (!uopt.seeded)
		uopt.seed = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16);

	uopt.hz = bopt.hz;
	if (command == NULL && file == NULL && !demo) {
		/* The screen. */
		if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
			if (uopt.lesson != NULL) {
				fprintf(stderr, "ptviz: a lesson plays in the screen, which needs a terminal; to check the file "
				                "without one: ptviz --lesson %s --check\n", lesson_name);
				lesson_free(&lesson);
				return 2;
			}
			fprintf(stderr, "ptviz: the screen needs a terminal; without one, run commands with -c 'COMMANDS' or --batch FILE\n"
			                "  e.g. ptviz -c 'spawn threads 4; spawn processes 4; run 2; report'\n");
			return 2;
		}
		struct lab_error uerr = { 0 };
		struct lab *ulab = lab_new(&cfg, &uerr);
		if (ulab == NULL) {
			fprintf(stderr, "ptviz: %s\n", uerr.msg);
			return 1;
		}
		int urc = ui_run(ulab, &uopt);
		lab_free(ulab);
		lesson_free(uopt.lesson != NULL ? &lesson : NULL);
		return urc;
	}

	char *text = NULL;
	if (file != NULL) {
		FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
		if (f == NULL) {
			fprintf(stderr, "ptviz: cannot open '%s': %s\n", file, strerror(errno));
			return 2;
		}
		text = read_all(f, file);
		if (f != stdin)
			fclose(f);
		if (text == NULL)
			return 2;
		bopt.source = file;
	} else if (command != NULL) {
		text = strdup(command);
	} else {
		text = strdup(demo_script);
		bopt.source = "demo";
	}
	if (text == NULL) {
		fprintf(stderr, "ptviz: out of memory\n");
		return 2;
	}

	struct lab_error err = { 0 };
	struct lab *lab = lab_new(&cfg, &err);
	if (lab == NULL) {
		fprintf(stderr, "ptviz: %s\n", err.msg);
		free(text);
		return 1;
	}
	int rc = batch_run(lab, text, &bopt, stdout, stderr);
	lab_free(lab);
	free(text);
	return rc;
}
