/* Workers in sessions of their own (session.c): the leader that forks a group's processes, and how a new child joins ptviz's tree. */
#ifndef PTVIZ_SESSION_H
#define PTVIZ_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

/* Runs in the i-th child the leader forks; never returns. */
typedef void (*lab_session_child)(int i, void *ctx);

/*
 * Forks a session leader, which forks n children (child(i, ctx) in each) and
 * exits; ptviz adopts them (as child subreaper for the while, unless it
 * already is one: subreaper says so).  Fills pids[] and returns how many
 * started; on a shortfall *error is the errno of the fork that failed (EAGAIN
 * if the leader stopped answering).  Call from ptviz's main thread.
 */
int lab_session_fork(int n, pid_t *pids, lab_session_child child, void *ctx, bool subreaper, int *error);

/*
 * In a new child, first thing: dies with ptviz (PR_SET_PDEATHSIG) and exits
 * at once if ptviz is already gone.  A child ptviz forked itself leads a
 * session of its own; a child of a session leader waits to be adopted by
 * ptviz, then takes a process group of its own in the leader's session.
 */
void lab_session_join(pid_t parent);

#endif
