/* The measuring child: which measurement it runs, what it tells ptviz over its pipe, the tools all of them share. */
#include "bench_priv.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <bsd/string.h>

bool measure_write_all(int fd, const void *p, size_t len)
{
	const char *q = p;

	while (len > 0) {
		ssize_t n = write(fd, q, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		q += n;
		len -= (size_t)n;
	}
	return true;
}

static void measure_send(struct measure *m, const struct bench_msg *msg)
{
	/* One write of at most PIPE_BUF bytes is atomic: measure_write_all loops for EINTR only. */
	if (!measure_write_all(m->fd, msg, sizeof(*msg)))
		_exit(3);   /* ptviz is gone or stopped listening */
}

void measure_progress(struct measure *m, double fraction, const char *fmt, ...)
{
	static struct bench_msg msg;
	double now = bench_now();
	va_list ap;

	if (now - m->last_progress < 0.05)
		return;
	m->last_progress = now;
	memset(&msg, 0, sizeof(msg));
	msg.type = BENCH_MSG_PROGRESS;
	msg.fraction = fraction < 0 ? 0 : fraction > 1 ? 1 : fraction;
	va_start(ap, fmt);
	vsnprintf(msg.text, sizeof(msg.text), fmt, ap);
	va_end(ap);
	measure_send(m, &msg);
}

bool measure_fail(struct measure *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->error, sizeof(m->error), fmt, ap);
	va_end(ap);
	return false;
}

static int measure_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double measure_median(double *v, int n)
{
	if (n <= 0)
		return -1;
	qsort(v, (size_t)n, sizeof(*v), measure_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void measure_partner_setup(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
}

_Noreturn void bench_measure_main(enum bench_kind kind, const struct bench_options *opt, int fd)
{
	static struct bench_msg msg;
	struct measure m = { .fd = fd, .kind = kind, .opt = *opt };
	bool ok = false;

	/* A write to a pipe ptviz closed (a cancel) ends this child; no handler needed. */
	m.start = bench_now();
	memset(&msg, 0, sizeof(msg));
	msg.result.kind = kind;
	switch (kind) {
	case BENCH_CREATE:
		ok = measure_create(&m, &msg.result.u.create);
		break;
	case BENCH_FORKSIZE:
		ok = measure_forksize(&m, &msg.result.u.forksize);
		break;
	case BENCH_SWITCH:
		ok = measure_switch(&m, &msg.result.u.sw);
		break;
	case BENCH_IPC:
		ok = measure_ipc(&m, &msg.result.u.ipc);
		break;
	default:
		measure_fail(&m, "no such measurement");
		break;
	}
	msg.type = ok ? BENCH_MSG_RESULT : BENCH_MSG_ERROR;
	msg.fraction = 1;
	msg.result.valid = ok;
	msg.result.seconds = bench_now() - m.start;
	strlcpy(msg.text, ok ? "done" : m.error, sizeof(msg.text));
	measure_send(&m, &msg);
	_exit(ok ? 0 : 1);
}
