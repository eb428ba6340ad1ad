/* The screenless front end's own record, shared by its files (batch.c runs, batch_text.c words the report). */
#ifndef PTVIZ_BATCH_PRIV_H
#define PTVIZ_BATCH_PRIV_H

#include "batch.h"

#include <stdbool.h>
#include <stdio.h>

#include "../view/frames.h"
#include "../view/report.h"
#include "batch_life.h"

struct batch {
	struct lab *lab;
	const struct batch_options *opt;
	FILE *out, *errout;
	int sigfd;
	bool interrupted;
	struct frames clock;     /* time passing: every event printed as it comes */
	struct life life;        /* each worker's life over the last seconds, sampled every frame */
};

/* The report as text, a paragraph per group (batch_text.c). */
void batch_report_text(struct batch *b, const struct report *r);

#endif
