/* The engine's vocabularies as words: the tables of vocab.h expanded once, for names, parsing and completion. */
#include "vocab.h"

#include <stddef.h>

const char *const lab_sync_words[] = { VOCAB_SYNCS(VOCAB_WORD) NULL };
const char *const lab_inject_words[] = { VOCAB_INJECTS(VOCAB_WORD) NULL };
const char *const lab_workload_words[] = { VOCAB_WORKLOADS(VOCAB_WORD) NULL };

static const char *const step_words[] = { VOCAB_STEPS(VOCAB_WORD) };
static const char *const activity_words[] = { VOCAB_ACTIVITIES(VOCAB_WORD) };

/* The word at index i of a table of n, or what to say outside it. */
static const char *vocab_word(const char *const *words, unsigned n, unsigned i, const char *outside)
{
	return i < n ? words[i] : outside;
}

const char *lab_sync_name(enum lab_sync sync)
{
	return vocab_word(lab_sync_words, 0 VOCAB_SYNCS(VOCAB_ONE), (unsigned)sync, "none");
}

const char *lab_fault_name(enum lab_fault fault)
{
	return vocab_word(lab_inject_words, 0 VOCAB_INJECTS(VOCAB_ONE), (unsigned)fault - LAB_FAULT_SEGV, "none");
}

const char *lab_workload_name(enum lab_workload workload)
{
	return vocab_word(lab_workload_words, 0 VOCAB_WORKLOADS(VOCAB_ONE), (unsigned)workload, "?");
}

const char *lab_step_name(enum lab_step step)
{
	return vocab_word(step_words, 0 VOCAB_STEPS(VOCAB_ONE), (unsigned)step, "?");
}

const char *lab_activity_name(enum lab_activity state)
{
	return vocab_word(activity_words, 0 VOCAB_ACTIVITIES(VOCAB_ONE), (unsigned)state, "?");
}
