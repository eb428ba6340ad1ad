/* Inside the measuring child: the four measurements, and what it tells ptviz over its pipe. */
#ifndef PTVIZ_BENCH_MEASURE_H
#define PTVIZ_BENCH_MEASURE_H

#include "bench.h"

enum bench_msg_type { BENCH_MSG_PROGRESS, BENCH_MSG_RESULT, BENCH_MSG_ERROR };

/* One record on the pipe; no larger than PIPE_BUF, so each write arrives whole. */
struct bench_msg {
	int type;
	double fraction;
	char text[96];
	struct bench_result result;
};

_Static_assert(sizeof(struct bench_msg) <= PIPE_BUF, "a bench message must fit one atomic pipe write");

/* Runs one measurement and reports on fd; never returns. */
_Noreturn void bench_measure_main(enum bench_kind kind, const struct bench_options *opt, int fd);

#endif
