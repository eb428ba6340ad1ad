/* The costs lab: creation, fork size, switching and IPC, measured in a child of their own. */
#ifndef PTVIZ_BENCH_H
#define PTVIZ_BENCH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

/* The measurements, one row each: X(ID, "name"); `bench all` and `--bench` with no name take every one. */
#define BENCH_KINDS(X) \
	X(CREATE, "create") \
	X(FORKSIZE, "forksize") \
	X(SWITCH, "switch") \
	X(IPC, "ipc")

#define BENCH_KIND_ENUM(id, name) BENCH_##id,
enum bench_kind { BENCH_KINDS(BENCH_KIND_ENUM) BENCH_COUNT, BENCH_ALL = BENCH_COUNT };

/* How long and how big: the same for the screen, -c/--batch and --bench. */
struct bench_options {
	double seconds;    /* about how long each measurement takes */
	int max_mib;       /* forksize: the largest memory the measuring child holds */
};

#define BENCH_DEFAULT_SECONDS 4.0
#define BENCH_DEFAULT_MAX_MIB 1024
#define BENCH_MIN_SECONDS 0.1
#define BENCH_MAX_SECONDS 600.0
#define BENCH_LIMIT_MIB 16384

/* The machine a figure belongs to. */
struct bench_machine {
	int cpus;          /* online */
	int allowed;       /* in this process's affinity mask */
	char kernel[96];   /* "Linux 6.1.0-18-amd64 x86_64" */
	char model[64];    /* "Intel(R) Xeon(R) ..." or "" */
};

/* create: one operation is start and wait for the end, in µs (medians over batches). */
struct bench_create {
	double thread_us, fork_us, spawn_us;   /* spawn_us < 0: /bin/true could not be run */
	int thread_n, fork_n, spawn_n;         /* operations timed */
	/* 100,000 green threads alive at once (src/lab/green_cost.c); green_n 0: not measured */
	int green_n;
	double green_create_ms;   /* CPU time to create them all: a stack and a context each */
	double green_run_ms;      /* CPU time to switch to each once and back as it ends */
	long green_kib;           /* resident memory they added, all alive; -1 unknown */
	int green_stack;          /* the stack each had, bytes */
};

#define BENCH_SIZES_MAX 16
struct bench_forksize_point {
	int mib;
	double fork_us;         /* 4 KiB pages, the median */
	double fork_min_us;     /* the fastest: what a busy moment cannot make slower */
	double fork_huge_us;    /* the same size asked for with MADV_HUGEPAGE */
	double thread_us;       /* pthread_create + join beside the same memory */
	double huge_mib;        /* how much of it the kernel really backed with huge pages */
	int reps;
};
struct bench_forksize {
	int npoints;
	struct bench_forksize_point p[BENCH_SIZES_MAX];
	double fork_us_per_mib, fork_huge_us_per_mib, thread_us_per_mib;   /* least-squares slopes */
	char thp_mode[16];      /* from /sys/kernel/mm/transparent_hugepage/enabled: always, madvise, never, "" */
	int capped_mib;         /* > 0: the largest size was lowered to this to fit in free memory */
};

/* switch: µs per round trip through two pipes (two switches each way). */
struct bench_switch {
	double threads_pinned_us, processes_pinned_us;
	double threads_unpinned_us, processes_unpinned_us;
	int pinned_cpu;
	long round_trips;       /* timed, per configuration */
};

enum bench_ipc_method { BENCH_IPC_PIPE, BENCH_IPC_SOCKET, BENCH_IPC_SHM, BENCH_IPC_THREADS, BENCH_IPC_METHODS };
#define BENCH_IPC_SIZES 2
struct bench_ipc {
	int bytes[BENCH_IPC_SIZES];                                   /* message sizes */
	double mb_per_s[BENCH_IPC_SIZES][BENCH_IPC_METHODS];          /* 1 MB = 10^6 bytes */
	double msgs_per_s[BENCH_IPC_SIZES][BENCH_IPC_METHODS];
};

struct bench_result {
	enum bench_kind kind;
	bool valid;
	double seconds;         /* how long it took */
	time_t when;
	struct bench_machine machine;
	struct bench_options opt;
	union {
		struct bench_create create;
		struct bench_forksize forksize;
		struct bench_switch sw;
		struct bench_ipc ipc;
	} u;
};

enum bench_state { BENCH_IDLE, BENCH_RUNNING };

/* What bench_dispatch found. */
enum bench_news {
	BENCH_NEWS_NONE,
	BENCH_NEWS_PROGRESS,    /* fraction and progress changed */
	BENCH_NEWS_DONE,        /* one measurement ended: its result, or error[] says why not */
};

/* A runner: at most one measuring child at a time; `all` queues the four. */
struct bench {
	enum bench_state state;
	pid_t pid;                   /* the measuring child, 0 when none */
	int fd;                      /* its pipe, -1 when none */
	enum bench_kind kind;        /* measuring now, or last measured */
	enum bench_kind done;        /* the one that ended, when dispatch says BENCH_NEWS_DONE */
	bool done_ok;                /* ... with a result; else done_error says why not */
	char done_error[160];
	enum bench_kind queue[BENCH_COUNT];
	int nqueue, next;
	struct bench_options opt;
	double started;              /* CLOCK_MONOTONIC seconds */
	double fraction;             /* 0..1 of the one running */
	char progress[96];
	char error[160];             /* why the last one ended without a result; "" when it had one */
	bool cancelled;              /* the last one was cancelled */
	bool finished;               /* the running one has sent its result */
	unsigned char buf[PIPE_BUF];
	size_t have;
	bool has[BENCH_COUNT];
	struct bench_result last[BENCH_COUNT];
};

/* "create" ... "ipc", then "all" at BENCH_ALL, then NULL: what `bench` and --bench take. */
extern const char *const bench_names[BENCH_ALL + 2];

/* "create" ... "ipc", or "all"; false when unknown. */
bool bench_kind_parse(const char *name, enum bench_kind *kind);
const char *bench_kind_name(enum bench_kind kind);
const char *bench_ipc_method_name(enum bench_ipc_method m);
/* A duration in µs with as many decimals as it deserves: "7.85", "42.1", "121"; "-" when none. */
void bench_format_us(double us, char *buf, size_t len);
/*
 * forksize's slope in words: "+23.4 µs per MiB", or, when it is none or less (other work slowed the
 * small forks more than page tables slowed the big ones), "no growth seen (busy machine)".
 */
void bench_fork_slope_words(const struct bench_forksize *k, bool utf8, char *buf, size_t len);

void bench_options_defaults(struct bench_options *opt);
/* A command-line option: --bench-time SECONDS or --bench-max-mib N.  False, with a message on stderr, when bad. */
bool bench_option_parse(struct bench_options *opt, const char *flag, const char *value);
/* What the command line chose, for every front end. */
void bench_set_defaults(const struct bench_options *opt);
const struct bench_options *bench_defaults(void);

void bench_machine_read(struct bench_machine *m);

void bench_init(struct bench *b);
/*
 * Forks the measuring child for kind (or the first of all four) and returns at
 * once.  Fork only from the main thread.  False with b->error set when it
 * cannot start or one is running already.
 */
bool bench_start(struct bench *b, enum bench_kind kind, const struct bench_options *opt);
/* The pipe to poll for input, or -1 when nothing runs. */
int bench_fd(const struct bench *b);
/* Reads what the child sent, never blocking; reaps it and starts the next queued one. */
enum bench_news bench_dispatch(struct bench *b);
/* Kills the measuring child and everything it started, reaps them, and forgets the queue. */
void bench_cancel(struct bench *b);
bool bench_running(const struct bench *b);
/* The last result of kind, or NULL. */
const struct bench_result *bench_last(const struct bench *b, enum bench_kind kind);

/* bench_words.c: results in words; bench_report.c: as JSON, and the runs that wait for them. */
struct json_object;
/* utf8: µ and × where the terminal has them, "us" and "x" where not. */
void bench_report_text(const struct bench_result *r, bool utf8, FILE *out);
/* The result as an "event":"bench" object with "t"; the caller owns it. */
struct json_object *bench_report_json(const struct bench_result *r, double t);
/* One line of figures, for the screen's event log. */
void bench_report_line(const struct bench_result *r, bool utf8, char *buf, size_t len);
/* What the figures say, in plain words, from the figures themselves (one paragraph). */
void bench_report_verdict(const struct bench_result *r, bool utf8, char *buf, size_t len);

/*
 * Runs kind (or all) to the end, printing each result to out as text or JSON
 * lines, and progress to errout.  "t" in JSON counts from t0.  stop_fd, when
 * >= 0, is polled but never read: input there cancels the run, and the caller
 * reads it.  False with msg set when some measurement did not finish.
 */
bool bench_report_run(enum bench_kind kind, const struct bench_options *opt, bool json, bool utf8, double t0,
                      FILE *out, FILE *errout, int stop_fd, char *msg, size_t msglen);
/* The `bench NAME` command of -c and --batch, with the options of the command line. */
bool bench_report_command(const char *name, bool json, double t0, FILE *out, FILE *errout, int stop_fd, char *msg,
                          size_t msglen);
/* `ptviz --bench [NAME]`: returns the exit code (0 all measured, 1 one failed or interrupted, 2 bad name). */
int bench_report_main(const char *name, bool json);

#endif
