/* The soak: thousands of cycles of spawn, inject, fork, open, kill and reset through the screenless front end, with what ptviz holds printed by blocks, and each figure's slope. */
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch/batch.h"
#include "lab/lab.h"

/* What ptviz holds after a block: it should not grow with the cycles. */
struct holding {
	double fds, rss_kib, threads, zombies, ms_per_cycle;
};

static double soak_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

/* A "Name:  value" line of /proc/self/status. */
static double status_field(const char *name)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	double v = -1;
	size_t n = strlen(name);

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			v = atof(line + n + 1);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Children of this process that have exited and not been reaped. */
static int count_zombies(void)
{
	DIR *d = opendir("/proc");
	int n = 0;
	pid_t me = getpid();

	if (d == NULL)
		return -1;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		char path[300], buf[512];
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (f == NULL)
			continue;
		size_t len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		char state;
		int ppid;
		const char *close = strrchr(buf, ')');
		if (close != NULL && sscanf(close + 1, " %c %d", &state, &ppid) == 2 && ppid == me && state == 'Z')
			n++;
	}
	closedir(d);
	return n;
}

/* One block of cycles, as one screenless run on the same engine.  Each cycle injects the next fault in turn. */
static char *block_text(int cycles, int first)
{
	static const char *const faults[] = { "segv", "abort", "exit", "loop", "block" };
	size_t cap = (size_t)cycles * 200 + 1, len = 0;
	char *text = malloc(cap);

	if (text == NULL)
		return NULL;
	for (int i = 0; i < cycles; i++) {
		const char *f = faults[(first + i) % 5];
		len += (size_t)snprintf(text + len, cap - len,
		                        "spawn threads 2; spawn processes 3; files on\n"
		                        "inject %s T1; inject %s P1; fork P2; open P3\n"
		                        "run 0.01; kill P3; reset\n", f, f);
	}
	return text;
}

static void holding_read(struct holding *h, double seconds, int cycles)
{
	h->fds = count_fds();
	h->rss_kib = status_field("VmRSS");
	h->threads = status_field("Threads");
	h->zombies = count_zombies();
	h->ms_per_cycle = seconds * 1000 / cycles;
}

/* Least-squares slope of y over the block index, per 1,000 cycles. */
static double slope(const struct holding *h, int n, size_t field, int block)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0;

	for (int i = 0; i < n; i++) {
		double x = (double)(i + 1) * block, y = *(const double *)((const char *)&h[i] + field);
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
	}
	double d = n * sxx - sx * sx;
	return d == 0 ? 0 : (n * sxy - sx * sy) / d * 1000;
}

static void print_slopes(const struct holding *h, int n, int block)
{
	printf("  slope per 1,000 cycles: fds %+.2f  RSS %+.1f KiB  threads %+.2f  zombies %+.2f  ms/cycle %+.3f\n",
	       slope(h, n, offsetof(struct holding, fds), block), slope(h, n, offsetof(struct holding, rss_kib), block),
	       slope(h, n, offsetof(struct holding, threads), block),
	       slope(h, n, offsetof(struct holding, zombies), block),
	       slope(h, n, offsetof(struct holding, ms_per_cycle), block));
}

int main(int argc, char **argv)
{
	int total = argc > 1 ? atoi(argv[1]) : 10000, block = argc > 2 ? atoi(argv[2]) : 1000;
	struct lab_config cfg;
	struct lab_error err = { 0 };

	if (total <= 0 || block <= 0 || total % block != 0 || total / block > 100) {
		fprintf(stderr, "usage: bench_soak [CYCLES [BLOCK]]: CYCLES a multiple of BLOCK, at most 100 blocks\n");
		return 2;
	}
	lab_config_defaults(&cfg);
	struct lab *lab = lab_new(&cfg, &err);
	if (lab == NULL) {
		fprintf(stderr, "bench_soak: %s\n", err.msg);
		return 1;
	}
	FILE *quiet = fopen("/dev/null", "w");
	struct batch_options opt = { .json = false, .hz = 10, .source = "soak" };
	struct holding h[100];
	int n = total / block, failed = 0;

	printf("soak: %d cycles of spawn threads 2 + processes 3, inject (segv, abort, exit, loop, block in turn),\n"
	       "      fork, open, kill, reset; by blocks of %d, through the screenless front end\n", total, block);
	printf("  %8s %6s %10s %8s %8s %10s\n", "cycles", "fds", "RSS KiB", "threads", "zombies", "ms/cycle");
	for (int b = 0; b < n; b++) {
		char *text = block_text(block, b * block);
		double t0 = soak_now();
		failed |= text == NULL || batch_run(lab, text, strlen(text), &opt, quiet, stderr) != 0;
		free(text);
		holding_read(&h[b], soak_now() - t0, block);
		printf("  %8d %6.0f %10.0f %8.0f %8.0f %10.2f\n", (b + 1) * block, h[b].fds, h[b].rss_kib, h[b].threads,
		       h[b].zombies, h[b].ms_per_cycle);
		fflush(stdout);
	}
	print_slopes(h, n, block);
	printf("  machine: %ld CPUs online, load %s", sysconf(_SC_NPROCESSORS_ONLN), "");
	FILE *la = fopen("/proc/loadavg", "r");
	char line[128] = "?\n";
	if (la != NULL) {
		if (fgets(line, sizeof(line), la) == NULL)
			strcpy(line, "?\n");
		fclose(la);
	}
	fputs(line, stdout);
	if (failed)
		printf("  a block's commands failed: see stderr\n");
	fclose(quiet);
	lab_free(lab);
	return failed;
}
