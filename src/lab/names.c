/* Names of kinds, sync modes, faults, ends, signals, workloads, steps and activities, for messages and reports. */
#include "lab_priv.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

/* ---- names ---- */

const char *lab_kind_name(enum lab_kind kind)
{
	return kind == LAB_THREADS ? "threads" : "processes";
}

const char *lab_sync_name(enum instr_sync sync)
{
	switch (sync) {
	case INSTR_SYNC_MUTEX: return "mutex";
	case INSTR_SYNC_ATOMIC: return "atomic";
	default: return "none";
	}
}

const char *lab_fault_name(enum instr_fault fault)
{
	switch (fault) {
	case INSTR_FAULT_SEGV: return "segv";
	case INSTR_FAULT_ABORT: return "abort";
	case INSTR_FAULT_EXIT: return "exit";
	case INSTR_FAULT_LOOP: return "loop";
	case INSTR_FAULT_BLOCK: return "block";
	default: return "none";
	}
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

const char *lab_workload_name(enum instr_workload workload)
{
	switch (workload) {
	case INSTR_WORK_COUNTER: return "counter";
	case INSTR_WORK_WITHDRAW: return "withdraw";
	case INSTR_WORK_DEADLOCK: return "deadlock";
	case INSTR_WORK_IO: return "io";
	case INSTR_WORK_CPU: return "cpu";
	case INSTR_WORK_EVENTLOOP: return "eventloop";
	}
	return "?";
}

const char *lab_step_name(enum instr_step step)
{
	static const char *const names[] = { "load", "add", "store", "fetch-add", "check", "fetch-sub" };

	return (unsigned)step < sizeof(names) / sizeof(names[0]) ? names[step] : "?";
}

const char *lab_activity_name(enum instr_state state)
{
	switch (state) {
	case INSTR_FREE: return "free";
	case INSTR_STARTING: return "starting";
	case INSTR_RUNNING: return "running";
	case INSTR_PAUSED: return "paused";
	case INSTR_FAULTING: return "faulting";
	case INSTR_LOOPING: return "looping";
	case INSTR_ENDED: return "ended";
	case INSTR_STEPWAIT: return "waiting for a step";
	case INSTR_LOCKWAIT: return "waiting for a lock";
	case INSTR_IOWAIT: return "waiting for I/O";
	case INSTR_BLOCKING: return "running a long task";
	}
	return "?";
}
