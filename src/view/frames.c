/* The clock that lets time pass, one for every front end and test: reap as workers end, observe at the frame rate, hand on each event. */
#include "frames.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <string.h>

void frames_start(struct frames *f, struct lab *lab, int hz, const struct frames_hooks *hooks)
{
	memset(f, 0, sizeof(*f));
	f->lab = lab;
	f->period = hz > 0 ? 1.0 / hz : 0.0;
	f->next = lab_now(lab);
	if (hooks != NULL)
		f->hooks = *hooks;
}

int frames_wait_ms(const struct frames *f, double until)
{
	double now = lab_now(f->lab);

	if (f->period > 0 && (until < 0 || f->next < until))
		until = f->next;
	if (until < 0)
		return -1;
	int ms = (int)ceil((until - now) * 1000.0);
	return ms > 0 ? ms : 0;
}

void frames_drain(struct frames *f)
{
	struct lab_event ev;

	while (lab_next_event(f->lab, &ev)) {
		if (f->hooks.event != NULL)
			f->hooks.event(f->hooks.ctx, &ev);
		lab_event_clear(&ev);
	}
}

void frames_observe(struct frames *f)
{
	lab_observe(f->lab);
	if (f->hooks.frame != NULL)
		f->hooks.frame(f->hooks.ctx, f->lab);
	frames_drain(f);
}

bool frames_step(struct frames *f, bool lab_ready)
{
	double now = lab_now(f->lab);
	bool due = f->period > 0 && now >= f->next;

	if (lab_ready)
		lab_dispatch(f->lab);
	if (due || (lab_ready && f->observe_deaths))
		frames_observe(f);
	if (due) {
		f->next += f->period;
		if (f->next < now)
			f->next = now + f->period;
	}
	frames_drain(f);
	return due;
}

bool frames_run(struct frames *f, double seconds, int stop_fd)
{
	double end = lab_now(f->lab) + seconds;

	f->next = lab_now(f->lab) + f->period;
	while (lab_now(f->lab) < end) {
		struct pollfd pfd[2] = { { lab_fd(f->lab), POLLIN, 0 }, { stop_fd, POLLIN, 0 } };
		if (poll(pfd, stop_fd >= 0 ? 2 : 1, frames_wait_ms(f, end)) < 0 && errno != EINTR)
			break;
		if (f->hooks.stop != NULL && f->hooks.stop(f->hooks.ctx))
			return false;
		frames_step(f, pfd[0].revents & POLLIN);
	}
	lab_dispatch(f->lab);
	frames_drain(f);
	return true;
}
