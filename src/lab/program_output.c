/* A program's output: read from its pseudo-terminal or pipes by a thread of its own, kept as lines and told as events. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "lab_priv.h"
#include "program_priv.h"

/* One whole line (lock held): kept for the screen and told as an event. */
static void output_line(struct program *p, int stream, const char *text, int len)
{
	static const char *const names[2][2] = { { "tty", "tty" }, { "stdout", "stderr" } };
	struct program_event ev;

	if (len > 0 && text[len - 1] == '\r')
		len--;
	char *kept = p->lines[p->nlines % PROGRAM_LINES];
	snprintf(kept, PROGRAM_LINE_MAX + 8, "%.*s", len, text);
	p->nlines++;
	program_event_fill(p, &ev, PROGRAM_EVENT_OUTPUT, NULL);
	strlcpy(ev.stream, names[p->opt.pipe][stream], sizeof(ev.stream));
	snprintf(ev.text, sizeof(ev.text), "%.*s", len, text);
	program_event_push(p, &ev);
}

/* What was read, cut at newlines; a line too long for a piece is told in pieces. */
static void output_take(struct program *p, int stream, const char *buf, ssize_t n)
{
	char *part = p->partial[stream];
	int *len = &p->partial_len[stream];

	pthread_mutex_lock(&p->lock);
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || *len == PROGRAM_LINE_MAX) {
			output_line(p, stream, part, *len);
			*len = 0;
			if (buf[i] == '\n')
				continue;
		}
		part[(*len)++] = buf[i];
	}
	pthread_mutex_unlock(&p->lock);
}

static void output_flush(struct program *p)
{
	pthread_mutex_lock(&p->lock);
	for (int s = 0; s < 2; s++) {
		if (p->partial_len[s] > 0)
			output_line(p, s, p->partial[s], p->partial_len[s]);
		p->partial_len[s] = 0;
	}
	pthread_mutex_unlock(&p->lock);
}

static void *output_main(void *arg)
{
	struct program *p = arg;
	char buf[4096];
	int open = (p->out_fd >= 0) + (p->err_fd >= 0);

	while (open > 0) {
		struct pollfd pfd[3] = { { p->reader_stop, POLLIN, 0 }, { p->out_fd, POLLIN, 0 }, { p->err_fd, POLLIN, 0 } };
		if (poll(pfd, 3, -1) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			break;
		for (int s = 0; s < 2; s++) {
			if (pfd[1 + s].revents == 0)
				continue;
			ssize_t n = read(pfd[1 + s].fd, buf, sizeof(buf));
			if (n > 0) {
				output_take(p, s, buf, n);
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			/* The end: every writer closed it (EIO on a pseudo-terminal whose last user left). */
			open--;
			if (s == 0)
				p->out_fd = -1 - p->out_fd;   /* kept, to close; poll skips a negative fd */
			else
				p->err_fd = -1 - p->err_fd;
		}
	}
	output_flush(p);
	return NULL;
}

bool output_start(struct program *p, struct lab_error *err)
{
	p->reader_stop = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->reader_stop < 0)
		return lab_fail(err, "cannot start the program's output reader: %s", strerror(errno));
	return true;
}

/* Starts the reader once the descriptors are open (program_launch calls it). */
bool output_run(struct program *p, struct lab_error *err)
{
	sigset_t all, old;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&p->reader, NULL, output_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return lab_fail(err, "cannot start the program's output reader: %s", strerror(r));
	p->reader_started = true;
	return true;
}

void output_stop(struct program *p)
{
	uint64_t one = 1;

	if (p->reader_started) {
		/*
		 * What the program wrote before it ended is read first: once every
		 * task is gone the reader meets the end by itself.  While tasks live
		 * (--keep, or one that would not die) it is told to stop.
		 */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 300 * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		if (!p->finished || p->opt.keep || pthread_timedjoin_np(p->reader, NULL, &until) != 0) {
			if (write(p->reader_stop, &one, sizeof(one)) < 0) {
				/* An eventfd's counter does not fill with one write. */
			}
			pthread_join(p->reader, NULL);
		}
		p->reader_started = false;
	}
	int fds[3] = { p->out_fd, p->err_fd, p->reader_stop };
	for (int i = 0; i < 3; i++) {
		int fd = fds[i] < -1 ? -1 - fds[i] : fds[i];
		if (fd >= 0)
			close(fd);
	}
	p->out_fd = p->err_fd = p->reader_stop = -1;
}
