/* The instrument panel's annex: a slot's room for setenv, chdir, the sandbox, and the batches a worker delivered. */
#ifndef PTVIZ_ANNEX_H
#define PTVIZ_ANNEX_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "instr.h"

/* The batches workload: increments in one batch; its result is delivered when the last is done. */
#define ANNEX_BATCH 1000000
/* A request's text (NAME=VALUE, a directory), then a worker's answer (the first line of a file it read). */
#define ANNEX_TEXT_MAX 80
/* The file a sandboxed worker tries to read (escape): every user may read it, and it is no secret of ptviz's. */
#define ANNEX_ESCAPE_PATH "/etc/passwd"

/*
 * One a slot, in the same shared mapping as the slots and, like them, kept
 * apart from the demonstrated memory.  The worker publishes where its own
 * environ and mailbox live (in its process's memory, which ptviz reads with
 * process_vm_readv); what it delivered is kept here because it must outlive
 * the process that did the work.
 */
struct instr_annex {
	_Atomic uint64_t environ_address;  /* &environ in its process */
	_Atomic uint64_t mailbox_address;  /* &worker_mailbox in its process (escape) */
	_Atomic int64_t delivered;         /* batches: the increments of the batches it delivered */
	_Atomic uint32_t sandboxed;        /* 1 once its seccomp filter is in place */
	_Atomic int32_t helper;            /* escape: the number of the sibling that opened the file, 0 none */
	char text[ANNEX_TEXT_MAX];
	uint8_t pad[128 - 32 - ANNEX_TEXT_MAX];
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct instr_annex) == 128, "an annex is two cache lines");

/* What ptviz asks of a thread host's main thread (gate->main_ask). */
enum annex_main {
	ANNEX_MAIN_WAIT = 0,   /* it waits for its threads to end, as it does unless told */
	ANNEX_MAIN_RETURN,     /* it returns from main at once, joining nobody */
	ANNEX_MAIN_JOIN,       /* it says "no more batches", joins every thread, then returns */
};

/* ---- worker side (worker_env.c, worker_sandbox.c, worker_join.c) ---- */

/* Where the worker's annex is: the panel, kept once in each worker process. */
void worker_annex_panel(struct instr *in);
struct instr_annex *worker_annex(struct instr_slot *s);
/* A worker starts: publishes where environ and its mailbox live, and nothing delivered yet. */
void worker_annex_start(struct instr_slot *s);
/* Carries out an annex request (setenv, chdir, sandbox, escape); false when ask is none of them. */
bool worker_annex_request(struct instr_slot *s, uint32_t ask, int32_t *answer);
/* The sandbox's part of it: the filter, and the three steps of an escape. */
int32_t worker_sandbox_request(struct instr_slot *s, uint32_t ask);
/*
 * batches: the worker has done a whole batch (done is a multiple of
 * ANNEX_BATCH) and delivers its result.  True when the program said there is
 * no more work (join): the thread then ends.
 */
bool worker_batch_delivered(struct instr_slot *s, int64_t done);
/* The thread host's main thread after it started its threads: waits, returns or joins as asked. */
_Noreturn void worker_host_wait(struct instr_gate *g, pthread_t *threads, int n);
/* A thread left worker_run: its host's main thread may have no one left to wait for. */
void worker_thread_left(struct instr_gate *g);

#endif
