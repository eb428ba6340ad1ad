/* Names of kinds, ends and signals, for messages and reports (the vocabularies' names are in vocab.c). */
#include "lab_priv.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

const char *lab_kind_name(enum lab_kind kind)
{
	return kind == LAB_THREADS ? "threads" : "processes";
}

const char *lab_end_name(enum lab_end end)
{
	switch (end) {
	case LAB_END_FAULT: return "fault";
	case LAB_END_SIBLING: return "sibling";
	case LAB_END_KILLED: return "killed";
	case LAB_END_ENDED: return "ended";
	case LAB_END_SIGNAL: return "signal";
	case LAB_END_EXITED: return "exited";
	case LAB_END_RETURNED: return "returned";
	default: return "alive";
	}
}

const char *lab_signal_name(int sig)
{
	static char buf[32];
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev == NULL) {
		snprintf(buf, sizeof(buf), "signal %d", sig);
		return buf;
	}
	snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	return buf;
}

