/* A worker puts itself in a seccomp filter that refuses to open files, and tries to get around it through a sibling (escape). */
#include "worker_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "annex.h"

#if defined(__x86_64__)
#define WORKER_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define WORKER_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/*
 * The mailbox: a global in the worker's own memory, part of the program and
 * not of ptviz's panel.  A sandboxed worker leaves a path here and asks its
 * siblings to look; whoever shares this memory sees it.  After fork each
 * process has its own copy at the same address, which no sibling reads.
 */
struct worker_mailbox {
	_Atomic int32_t from;    /* the number of the worker that asks, 0 when none does */
	_Atomic int32_t fd;      /* the descriptor a sibling opened for it, -1 none */
	_Atomic int32_t helper;  /* that sibling's number */
	char path[64];
};
static struct worker_mailbox worker_mailbox = { 0, -1, 0, "" };

uint64_t worker_mailbox_address(void)
{
	return (uint64_t)(uintptr_t)&worker_mailbox;
}

/*
 * Every call that makes a new open file fails with EPERM; everything else is
 * allowed.  Without SECCOMP_FILTER_FLAG_TSYNC the filter is the calling
 * thread's alone (and its future children's): in a thread host, its siblings
 * go on unfiltered.
 */
static int32_t worker_sandbox(struct instr_slot *s)
{
#ifdef WORKER_AUDIT_ARCH
	static const int refused[] = {
#ifdef __NR_open
		__NR_open,
#endif
#ifdef __NR_creat
		__NR_creat,
#endif
#ifdef __NR_openat2
		__NR_openat2,
#endif
		__NR_openat, __NR_open_by_handle_at, __NR_memfd_create,
	};
	enum { N = sizeof(refused) / sizeof(refused[0]) };
	struct sock_filter f[4 + N + 2];
	int k = 0;

	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, WORKER_AUDIT_ARCH, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	/* Call i jumps, past the calls after it and the allow, to the refusal. */
	for (int i = 0; i < N; i++)
		f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)refused[i],
		                                      (unsigned char)(N - i), 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
	struct sock_fprog prog = { (unsigned short)k, f };

	/* Without privilege a filter needs no_new_privs: no exec may then gain what the filter took. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		return -errno;
	atomic_store(&worker_annex(s)->sandboxed, 1);
	return 0;
#else
	(void)s;
	return -ENOSYS;
#endif
}

/* The sandboxed worker tries the file itself, then leaves its path in the mailbox: its own open's -errno, or 0. */
static int32_t worker_post(struct instr_slot *s)
{
	int32_t own = 0;
	int fd = open(ANNEX_ESCAPE_PATH, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	else
		own = -errno;
	strncpy(worker_mailbox.path, ANNEX_ESCAPE_PATH, sizeof(worker_mailbox.path) - 1);
	atomic_store(&worker_mailbox.fd, -1);
	atomic_store(&worker_mailbox.helper, 0);
	atomic_store(&worker_mailbox.from, (int32_t)s->number);
	return own;
}

/* A sibling looks in the mailbox of its own memory: the fd it opened for the one asking, 0 when nobody asks, or -errno. */
static int32_t worker_serve(struct instr_slot *s)
{
	int32_t from = atomic_load(&worker_mailbox.from);

	if (from == 0 || from == (int32_t)s->number || atomic_load(&worker_mailbox.fd) >= 0)
		return 0;
	int fd = open(worker_mailbox.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	atomic_store(&worker_mailbox.helper, (int32_t)s->number);
	atomic_store(&worker_mailbox.fd, fd);
	return fd;
}

/* The one that asked reads what a sibling opened, through the descriptor table: the fd, or -ENOENT when none did. */
static int32_t worker_collect(struct instr_slot *s)
{
	struct instr_annex *a = worker_annex(s);
	int fd = atomic_load(&worker_mailbox.fd);
	char line[ANNEX_TEXT_MAX];

	atomic_store(&worker_mailbox.from, 0);
	atomic_store(&a->helper, atomic_load(&worker_mailbox.helper));
	if (fd < 0)
		return -ENOENT;
	ssize_t n = pread(fd, line, sizeof(line) - 1, 0);
	if (n < 0)
		return -errno;
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	memcpy(a->text, line, sizeof(line));
	return fd;
}

int32_t worker_sandbox_request(struct instr_slot *s, uint32_t ask)
{
	switch (ask) {
	case INSTR_ASK_SANDBOX:
		return worker_sandbox(s);
	case INSTR_ASK_POST:
		return worker_post(s);
	case INSTR_ASK_SERVE:
		return worker_serve(s);
	default:
		return worker_collect(s);
	}
}
