/* Memory per worker: each process's smaps_rollup at most once a second, each thread's touched stack pages, and `touch`. */
#include "lab_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memory.h"

/*
 * Reading smaps_rollup makes the kernel walk every page table of the
 * process (some tens of microseconds for a worker, more for a host of many
 * threads), so each process is read at most once every LAB_MEMORY_EVERY_S,
 * and a pass spends at most LAB_MEMORY_BUDGET_NS on it: the rest wait for the
 * next pass, oldest first by their due time.
 */
#define LAB_MEMORY_EVERY_S 1.0
#define LAB_MEMORY_BUDGET_NS (500L * 1000)
/*
 * A pass that has taken this long already (a crowded machine) reads no
 * memory, so the frame rate comes first; but never for longer than
 * LAB_MEMORY_PUT_OFF_NS, or memory would never be read on a busy machine.
 */
#define LAB_MEMORY_LATE_NS (10L * 1000 * 1000)
#define LAB_MEMORY_PUT_OFF_NS (3000L * 1000 * 1000)

/* When each process is read next: a process worker by its slot, a thread host by its group's gate. */
struct lab_memory {
	int nslots;
	uint32_t *slot_serial;   /* the worker the due time is for (a slot is reused) */
	double *slot_due;
	uintptr_t *stack_lo, *stack_hi;  /* a thread's stack mapping, found once in its host's maps (0: not yet) */
	int gate_next[LAB_MAX_GROUPS];   /* the thread whose stack is read next: a pass reads what its budget allows */
	int64_t read_ns;                 /* when a pass last read memory (lab_ns) */
	uint32_t gate_serial[LAB_MAX_GROUPS];
	double gate_due[LAB_MAX_GROUPS];
};

/* The figures of one process, in KiB. */
struct lab_rollup {
	uint64_t rss, pss, uss;
};

/* Parses the text of /proc/PID/smaps_rollup: Rss, Pss and the private pages; false when Rss is missing. */
bool lab_memory_parse_rollup(const char *text, uint64_t *rss, uint64_t *pss, uint64_t *uss)
{
	static const char *const keys[] = { "Rss:", "Pss:", "Private_Clean:", "Private_Dirty:", "Private_Hugetlb:" };
	uint64_t v[5] = { 0 };
	bool have_rss = false;

	for (const char *line = text; line != NULL && *line != '\0';) {
		for (int k = 0; k < 5; k++) {
			size_t n = strlen(keys[k]);
			if (strncmp(line, keys[k], n) == 0) {
				v[k] = strtoull(line + n, NULL, 10);
				have_rss |= k == 0;
			}
		}
		line = strchr(line, '\n');
		line = line != NULL ? line + 1 : NULL;
	}
	*rss = v[0];
	*pss = v[1];
	*uss = v[2] + v[3] + v[4];
	return have_rss;
}

static bool lab_memory_read_rollup(pid_t pid, struct lab_rollup *r)
{
	char path[48], buf[4096];

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return lab_memory_parse_rollup(buf, &r->rss, &r->pss, &r->uss);
}

static struct lab_memory *lab_memory_of(struct lab *lab)
{
	if (lab->memory != NULL)
		return lab->memory;
	struct lab_memory *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->nslots = lab->in.nslots;
	m->slot_serial = calloc((size_t)m->nslots, sizeof(*m->slot_serial));
	m->slot_due = calloc((size_t)m->nslots, sizeof(*m->slot_due));
	m->stack_lo = calloc((size_t)m->nslots, sizeof(*m->stack_lo));
	m->stack_hi = calloc((size_t)m->nslots, sizeof(*m->stack_hi));
	if (m->slot_serial == NULL || m->slot_due == NULL || m->stack_lo == NULL || m->stack_hi == NULL) {
		lab->memory = m;
		lab_memory_free(lab);
		return NULL;
	}
	lab->memory = m;
	return m;
}

void lab_memory_free(struct lab *lab)
{
	if (lab->memory == NULL)
		return;
	free(lab->memory->slot_serial);
	free(lab->memory->slot_due);
	free(lab->memory->stack_lo);
	free(lab->memory->stack_hi);
	free(lab->memory);
	lab->memory = NULL;
}

/* Is it time to read this one?  A serial not seen before is due at once. */
static bool lab_memory_due(uint32_t *serial, double *due, uint32_t now_serial, double now)
{
	if (*serial != now_serial) {
		*serial = now_serial;
		*due = 0;
	}
	return now >= *due;
}

/* Present pages of the mapping [start, end) of a process, from its pagemap (bit 63: in RAM, 62: swapped). */
static uint64_t lab_memory_present(int pagemap, uintptr_t start, uintptr_t end, long page)
{
	uint64_t entries[128], present = 0;

	for (uintptr_t a = start; a < end;) {
		size_t want = (size_t)((end - a) / (uintptr_t)page);
		if (want > 128)
			want = 128;
		ssize_t n = pread(pagemap, entries, want * sizeof(uint64_t), (off_t)(a / (uintptr_t)page * sizeof(uint64_t)));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(uint64_t); i++)
			present += (entries[i] >> 62) != 0;
		a += (uintptr_t)(n / (ssize_t)sizeof(uint64_t)) * (uintptr_t)page;
	}
	return present;
}

/* Is the mapping kept for the worker's slot its stack?  (A slot serves another worker later.) */
static bool lab_memory_stack_known(const struct lab_memory *m, const struct lab_worker *w)
{
	return w->stack_address >= m->stack_lo[w->slot] && w->stack_address < m->stack_hi[w->slot];
}

/*
 * Where each live thread's stack is: the mapping of the host's
 * /proc/PID/maps that holds the address of its stack variable.  A stack does
 * not move, so the maps (long for a host of many threads) are read only
 * while some thread's stack has not been found.
 */
static void lab_memory_find_stacks(struct lab_memory *m, struct lab_group *g)
{
	char path[48], line[512];
	bool missing = false;

	for (int i = 0; i < g->nworkers && !missing; i++)
		missing = g->workers[i].alive && !lab_memory_stack_known(m, &g->workers[i]);
	if (!missing)
		return;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)g->host);
	FILE *maps = fopen(path, "re");
	if (maps == NULL)
		return;
	while (fgets(line, sizeof(line), maps) != NULL) {
		uintptr_t start, end;
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &start, &end) != 2)
			continue;
		for (int i = 0; i < g->nworkers; i++) {
			struct lab_worker *w = &g->workers[i];
			if (w->alive && w->stack_address >= start && w->stack_address < end) {
				m->stack_lo[w->slot] = start;
				m->stack_hi[w->slot] = end;
			}
		}
	}
	fclose(maps);
}

/*
 * How many pages of each live thread's stack are in RAM (touched: the kernel
 * gives a stack page only when it is first written), from the host's
 * pagemap, starting where the last pass stopped and going on while the
 * budget lasts; a thread not reached keeps its last figure.
 */
static void lab_memory_stacks(struct lab_memory *m, struct lab_group *g, int64_t until)
{
	char path[48];
	long page = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;

	lab_memory_find_stacks(m, g);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)g->host);
	int pagemap = open(path, O_RDONLY | O_CLOEXEC);
	if (pagemap < 0)
		return;
	int *next = &m->gate_next[g->gate];
	for (int k = 0; k < g->nworkers; k++) {
		*next = *next % g->nworkers;
		struct lab_worker *w = &g->workers[(*next)++];
		if (w->alive && lab_memory_stack_known(m, w))
			w->memory.stack_kib =
				lab_memory_present(pagemap, m->stack_lo[w->slot], m->stack_hi[w->slot], page) * (uint64_t)page / 1024;
		if (lab_ns() >= until)
			break;
	}
	close(pagemap);
}

/* A thread group: its host's figures for the group, and for each thread its stack and its share. */
static void lab_memory_read_threads(struct lab *lab, struct lab_memory *m, struct lab_group *g, int64_t until)
{
	struct lab_rollup r;
	double now = lab_now(lab);

	if (!g->host_alive || !lab_memory_read_rollup(g->host, &r))
		return;
	g->memory = (struct lab_memory_use){ .known = true, .rss_kib = r.rss, .pss_kib = r.pss, .uss_kib = r.uss,
		                             .read_at = now };
	lab_memory_stacks(m, g, until);
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (!w->alive)
			continue;
		w->memory.known = true;
		w->memory.rss_kib = r.rss;
		w->memory.pss_kib = g->alive > 0 ? r.pss / (uint64_t)g->alive : r.pss;
		w->memory.uss_kib = w->memory.stack_kib;
		w->memory.read_at = now;
	}
}

static void lab_memory_read_process(struct lab *lab, struct lab_worker *w)
{
	struct lab_rollup r;

	if (!w->alive || !lab_memory_read_rollup(w->pid, &r))
		return;
	w->memory = (struct lab_memory_use){ .known = true, .rss_kib = r.rss, .pss_kib = r.pss, .uss_kib = r.uss,
		                             .read_at = lab_now(lab) };
}

/* A process group's figures: its live processes' summed. */
static void lab_memory_sum(struct lab_group *g)
{
	struct lab_memory_use sum = { 0 };

	for (int i = 0; i < g->nworkers; i++) {
		const struct lab_memory_use *m = &g->workers[i].memory;
		if (!g->workers[i].alive || !m->known)
			continue;
		sum.known = true;
		sum.rss_kib += m->rss_kib;
		sum.pss_kib += m->pss_kib;
		sum.uss_kib += m->uss_kib;
		sum.read_at = m->read_at > sum.read_at ? m->read_at : sum.read_at;
	}
	g->memory = sum;
}

/* Reads what is due in one group; false once the pass's budget is spent (the rest wait for the next pass). */
static bool lab_memory_group(struct lab *lab, struct lab_memory *m, struct lab_group *g, int64_t until)
{
	double now = lab_now(lab);

	if (g->kind == LAB_THREADS) {
		if (lab_memory_due(&m->gate_serial[g->gate], &m->gate_due[g->gate], g->serial, now) && g->host_alive) {
			lab_memory_read_threads(lab, m, g, until);
			m->gate_due[g->gate] = now + LAB_MEMORY_EVERY_S;
			lab->pass.memory_reads++;
		}
		return lab_ns() < until;
	}
	bool read = false;
	for (int i = 0; i < g->nworkers; i++) {
		struct lab_worker *w = &g->workers[i];
		if (!w->alive || !lab_memory_due(&m->slot_serial[w->slot], &m->slot_due[w->slot], w->serial, now))
			continue;
		if (lab_ns() >= until)
			break;
		lab_memory_read_process(lab, w);
		m->slot_due[w->slot] = now + LAB_MEMORY_EVERY_S;
		lab->pass.memory_reads++;
		read = true;
	}
	if (read || g->memory.known)
		lab_memory_sum(g);
	return lab_ns() < until;
}

static void lab_memory_pass(struct lab *lab, int64_t budget_ns)
{
	struct lab_memory *m = lab_memory_of(lab);
	int64_t t = lab_ns();

	if (m == NULL)
		return;
	for (int i = 0; i < lab->ngroups; i++) {
		if (lab->groups[i].gate >= 0 && !lab_memory_group(lab, m, &lab->groups[i], t + budget_ns))
			break;
	}
	lab->pass.memory_ns += lab_ns() - t;
}

void lab_observe_memory(struct lab *lab)
{
	const struct lab_pass *p = &lab->pass;
	int64_t so_far = p->dispatch_ns + p->proc_ns + p->begin_ns + p->wait_ns + p->read_ns + p->end_ns;
	int64_t now = lab_ns();

	if (lab->memory != NULL && so_far > LAB_MEMORY_LATE_NS && now - lab->memory->read_ns < LAB_MEMORY_PUT_OFF_NS)
		return;
	lab_memory_pass(lab, LAB_MEMORY_BUDGET_NS);
	if (lab->memory != NULL)
		lab->memory->read_ns = now;
}

/* Makes every process of the group (NULL: all) due now. */
static void lab_memory_due_now(struct lab *lab, const struct lab_group *only)
{
	struct lab_memory *m = lab_memory_of(lab);

	for (int i = 0; m != NULL && i < lab->ngroups; i++) {
		const struct lab_group *g = &lab->groups[i];
		if ((only != NULL && g != only) || g->gate < 0)
			continue;
		m->gate_due[g->gate] = 0;
		for (int j = 0; j < g->nworkers; j++)
			m->slot_due[g->workers[j].slot] = 0;
	}
}

void lab_read_memory(struct lab *lab)
{
	lab_memory_due_now(lab, NULL);
	lab_memory_pass(lab, INT64_MAX / 2);
}

/* The private pages (KiB) of the process a worker lives in, read now. */
static uint64_t lab_memory_private_now(struct lab *lab, struct lab_group *g, struct lab_worker *w)
{
	lab_memory_due_now(lab, g);
	struct lab_memory *m = lab_memory_of(lab);
	if (m != NULL)
		lab_memory_group(lab, m, g, INT64_MAX / 2);
	return g->kind == LAB_THREADS ? g->memory.uss_kib : w->memory.uss_kib;
}

bool lab_touch(struct lab *lab, const char *id, int kib, struct lab_error *err)
{
	struct lab_group *g = NULL;
	int32_t pages;

	if (kib < 1 || kib > LAB_TOUCH_MAX_KIB)
		return lab_fail_arg(err, 1, "bad size %d: expected KiB from 1 to %d, e.g. 'touch P1 1024'", kib,
		                    LAB_TOUCH_MAX_KIB);
	struct lab_worker *w = lab_requestable(lab, id, &g, err);
	if (w == NULL)
		return false;
	uint64_t before = lab_memory_private_now(lab, g, w);
	if (!lab_request(lab, g, w, INSTR_ASK_TOUCH, kib, &pages, err))
		return false;
	if (pages < 0)
		return lab_fail(err, "%s could not write its pages: %s", w->id, strerror(-pages));
	uint64_t after = lab_memory_private_now(lab, g, w);
	if (g->kind == LAB_THREADS)
		lab_note(err, "%s wrote %d pages (%d KiB) shared with ptviz since fork; host %s's private memory went from %"
		         PRIu64 " to %" PRIu64 " KiB: one copy, for every thread of %s", w->id, (int)pages, kib, g->name,
		         before, after, g->name);
	else
		lab_note(err, "%s wrote %d pages (%d KiB) shared with ptviz since fork; its private memory went from %" PRIu64
		         " to %" PRIu64 " KiB: each page copied for %s alone", w->id, (int)pages, kib, before, after, w->id);
	return true;
}
