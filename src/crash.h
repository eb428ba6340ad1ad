/* When ptviz itself crashes: the terminal given back, a message saying what happened, no core file left behind. */
#ifndef PTVIZ_CRASH_H
#define PTVIZ_CRASH_H

#include <stdbool.h>

/*
 * Catches the signals that mean a bug in ptviz (SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL, SIGABRT, SIGTRAP, SIGSYS).  On one, ptviz gives the terminal back,
 * says on stderr which signal and where, ends without a core file unless
 * PTVIZ_CORE is set in the environment, and dies of that signal, so its
 * exit status says what happened.
 */
void crash_catch(void);
/* What gives the terminal back (the screen's endwin), or NULL when nothing needs to. */
void crash_on_restore(void (*restore)(void));

#endif
