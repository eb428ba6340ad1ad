/* When ptviz itself crashes: the terminal given back, a message on stderr saying what happened and where, and no core file left in the folder. */
#include "crash.h"

#include <execinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define CRASH_FRAMES 32

static void (*crash_restore)(void);
static volatile sig_atomic_t crash_in_progress;
static bool crash_keep_core;

/* Signals whose default action is to end the process with a core file, and that mean a bug of ptviz's. */
static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS };

static void crash_say(const char *s)
{
	ssize_t n = write(STDERR_FILENO, s, strlen(s));
	(void)n;
}

/*
 * Runs on ptviz's own crash.  Only what is safe in a signal handler, except
 * the terminal's restore (endwin), which a broken terminal would be worse
 * than.  The workers need nothing: each dies with ptviz (PR_SET_PDEATHSIG).
 */
static void crash_handler(int sig)
{
	void *frames[CRASH_FRAMES];

	if (crash_in_progress) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	crash_in_progress = 1;
	if (crash_restore != NULL)
		crash_restore();
	const char *name = sigabbrev_np(sig);
	crash_say("\nptviz crashed: SIG");
	crash_say(name != NULL ? name : "?");
	crash_say(", a bug in ptviz itself, not in a worker.\n"
	          "Its workers ended with it.  Where it was, innermost first:\n");
	int n = backtrace(frames, CRASH_FRAMES);
	backtrace_symbols_fd(frames, n, STDERR_FILENO);
	if (crash_keep_core) {
		crash_say("A core file goes where the system puts them (PTVIZ_CORE is set).\n");
	} else {
		struct rlimit none = { 0, 0 };
		setrlimit(RLIMIT_CORE, &none);
		crash_say("No core file was written; run with PTVIZ_CORE=1 to keep one.\n");
	}
	crash_say("Please report it with the lines above and what you were doing.\n");
	signal(sig, SIG_DFL);
	raise(sig);
}

void crash_catch(void)
{
	void *warm[1];

	/* The first backtrace loads the unwinder, which allocates: do it now, not in the handler. */
	backtrace(warm, 1);
	crash_keep_core = getenv("PTVIZ_CORE") != NULL;
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		signal(crash_signals[i], crash_handler);
}

void crash_on_restore(void (*restore)(void))
{
	crash_restore = restore;
}
