/* The instrument panel's mapping and the futex calls that gate workers on it. */
#include "instr.h"
#include "work_tasks.h"

#include "annex.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct work_gate *work_gates;
struct work_slot *work_slots;
struct instr_slot *work_slots_of;

bool instr_map(struct instr *in, int ngates, int nslots)
{
	size_t gates = (size_t)ngates * sizeof(struct instr_gate);
	size_t slots = (size_t)nslots * sizeof(struct instr_slot);
	size_t annex = (size_t)nslots * sizeof(struct instr_annex);
	size_t work = (size_t)ngates * sizeof(struct work_gate) + (size_t)nslots * sizeof(struct work_slot);
	size_t size = gates + slots + annex + work;
	long page = sysconf(_SC_PAGESIZE);

	size = (size + (size_t)page - 1) & ~((size_t)page - 1);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return false;
	memset(in, 0, sizeof(*in));
	in->gates = p;
	in->slots = (struct instr_slot *)((char *)p + gates);
	in->annex = (struct instr_annex *)((char *)p + gates + slots);
	in->work_gates = (struct work_gate *)((char *)in->annex + annex);
	in->work_slots = (struct work_slot *)((char *)in->work_gates + (size_t)ngates * sizeof(struct work_gate));
	in->ngates = ngates;
	in->nslots = nslots;
	in->size = size;
	work_gates = in->work_gates;
	work_slots = in->work_slots;
	work_slots_of = in->slots;
	return true;
}

void instr_unmap(struct instr *in)
{
	if (in->gates != NULL)
		munmap(in->gates, in->size);
	memset(in, 0, sizeof(*in));
}

int instr_futex_wait(_Atomic uint32_t *word, uint32_t expected, long timeout_ns)
{
	struct timespec ts, *tsp = NULL;

	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / 1000000000L;
		ts.tv_nsec = timeout_ns % 1000000000L;
		tsp = &ts;
	}
	if (syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, expected, tsp, NULL, 0) == -1)
		return -errno;
	return 0;
}

void instr_futex_wake(_Atomic uint32_t *word, int n)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, n, NULL, NULL, 0);
}
