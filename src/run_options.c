/* The command line of ptviz run: its options read into struct run_options, checked, and its help. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "cmd/cmd.h"
#include "lab/symbols.h"
#include "run_options.h"

void run_usage(FILE *f)
{
	fprintf(f,
	        "usage: ptviz run [--json] [--every S] [--pipe] [--stdin FILE] [--core] [--keep] [--no-trace]\n"
	        "                 [--watch NAME[:TYPE]]... -- PROGRAM [ARGS]\n"
	        "\n"
	        "Run a program and follow every process and thread it starts, live: when each starts and ends,\n"
	        "by which signal or exit status, and which threads ended with their process.\n"
	        "\n"
	        "  -j, --json         one JSON object per line: start, end, exec, output, note and report events\n"
	        "      --every S      a report every S seconds (default 1), and one when the last process ends\n"
	        "      --pipe         the program's output through pipes (default: a pseudo-terminal, as alone)\n"
	        "      --stdin FILE   the program's standard input (default: empty)\n"
	        "      --core         leave the core file limit as it is (default: 0, no core files)\n"
	        "      --keep         leave the program running when ptviz quits (default: its tree is ended)\n"
	        "      --no-trace     follow through /proc only, as when tracing is refused\n"
	        "      --watch NAME[:TYPE]  a global of the program to read in every process\n"
	        "  -h, --help         show this help\n"
	        "\n"
	        "ptviz exits with the program's status (128 + N for signal N).\n"
	        "Example: ptviz run --json -- python3 -c 'import os; os.fork()'\n");
}

enum { RUN_EVERY = 256, RUN_PIPE, RUN_STDIN, RUN_CORE, RUN_KEEP, RUN_NO_TRACE, RUN_WATCH };

static const struct option run_long[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "every", required_argument, NULL, RUN_EVERY },
	{ "pipe", no_argument, NULL, RUN_PIPE },
	{ "stdin", required_argument, NULL, RUN_STDIN },
	{ "core", no_argument, NULL, RUN_CORE },
	{ "keep", no_argument, NULL, RUN_KEEP },
	{ "no-trace", no_argument, NULL, RUN_NO_TRACE },
	{ "watch", required_argument, NULL, RUN_WATCH },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A type --watch NAME:TYPE may give: one of the symbol reader's names ("int32", "bool"; "int32_t" as "int32"). */
static bool run_watch_type(const char *type)
{
	char word[SYMBOL_TYPE_MAX];
	size_t n = strlcpy(word, type, sizeof(word));

	if (n == 0 || n >= sizeof(word))
		return false;
	if (n > 2 && strcmp(word + n - 2, "_t") == 0 && strcmp(word, "size_t") != 0)
		word[n -= 2] = '\0';
	const char *list = symbol_type_names();
	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

/* --watch NAME[:TYPE]: a C name, and a type ptviz can show; the program's file is read once it runs. */
static bool run_watch(struct run_options *ro, const char *arg)
{
	size_t name = strcspn(arg, ":");
	bool ok = name > 0 && (arg[0] == '_' || (arg[0] | 32) >= 'a') && (arg[0] | 32) <= 'z';

	for (size_t i = 0; ok && i < name; i++)
		ok = arg[i] == '_' || (arg[i] >= '0' && arg[i] <= '9') || ((arg[i] | 32) >= 'a' && (arg[i] | 32) <= 'z');
	if (!ok) {
		fprintf(stderr, "ptviz run: --watch '%s': expected the name of a global variable, e.g. --watch counter "
		                "or --watch counter:int32\n", arg);
		return false;
	}
	if (arg[name] == ':' && !run_watch_type(arg + name + 1)) {
		fprintf(stderr, "ptviz run: --watch '%s': unknown type '%s': expected one of %s\n", arg, arg + name + 1,
		        symbol_type_names());
		return false;
	}
	if (ro->program.nwatch == PROGRAM_WATCH_MAX) {
		fprintf(stderr, "ptviz run: at most %d --watch\n", PROGRAM_WATCH_MAX);
		return false;
	}
	ro->program.watch[ro->program.nwatch++] = arg;
	return true;
}

static int run_one(struct run_options *ro, int opt, const char *arg)
{
	double v;
	char why[96];

	switch (opt) {
	case 'j': ro->json = true; break;
	case RUN_PIPE: ro->program.pipe = true; break;
	case RUN_STDIN: ro->program.stdin_file = arg; break;
	case RUN_CORE: ro->program.core = true; break;
	case RUN_KEEP: ro->program.keep = true; break;
	case RUN_NO_TRACE: ro->program.no_trace = true; break;
	case RUN_WATCH: return run_watch(ro, arg) ? -1 : 2;
	case RUN_EVERY:
		if (!cmd_number(arg, true, &v, why, sizeof(why)) || !(v >= 0.05 && v <= 3600)) {
			fprintf(stderr, "ptviz run: --every '%s'%s%s%s: expected seconds from 0.05 to 3600, e.g. 0.5\n", arg,
			        why[0] ? " (" : "", why, why[0] ? ")" : "");
			return 2;
		}
		ro->every = v;
		break;
	case 'h': run_usage(stdout); return 0;
	default:
		fprintf(stderr, "Try 'ptviz run --help'.\n");
		return 2;
	}
	return -1;
}

int run_options_parse(struct run_options *ro, int argc, char **argv)
{
	int opt, rc;

	memset(ro, 0, sizeof(*ro));
	program_options_defaults(&ro->program);
	ro->every = 1;
	optind = 1;
	/* '+': the first word that is not an option is the program; its own options are its own. */
	while ((opt = getopt_long(argc, argv, "+jh", run_long, NULL)) != -1) {
		if ((rc = run_one(ro, opt, optarg)) >= 0)
			return rc;
	}
	if (optind >= argc) {
		fprintf(stderr, "ptviz run: which program?  e.g. ptviz run --json -- ./a.out\n");
		return 2;
	}
	ro->argv = argv + optind;
	return -1;
}
