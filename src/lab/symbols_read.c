/* A watched global in a running process: its load address from /proc/PID/maps, its value read with process_vm_readv, and the value as text. */
#include "symbols_priv.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

/* What process pid runs, for a message: its /proc/PID/exe, or "?" when it cannot be read. */
static void process_program(pid_t pid, char *buf, size_t len)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, buf, len - 1);
	if (n <= 0)
		snprintf(buf, len, "?");
	else
		buf[n] = '\0';
}

/* One line of /proc/PID/maps is the mapping of w's file at offset 0. */
static bool maps_line_is_exe(const char *line, const struct symbol_watch *w, uint64_t *start)
{
	unsigned long long lo, hi, offset, inode;
	unsigned int maj, min;
	int path_at = 0;

	if (sscanf(line, "%llx-%llx %*s %llx %x:%x %llu %n", &lo, &hi, &offset, &maj, &min, &inode, &path_at) < 6 ||
	    offset != 0)
		return false;
	/* The file by device and inode; by its path too, as an overlay file system shows another device. */
	bool same_file = inode == (unsigned long long)w->ino && makedev(maj, min) == w->dev;
	if (!same_file && inode == (unsigned long long)w->ino && path_at > 0) {
		const char *path = line + path_at;
		size_t n = strcspn(path, "\n");
		char real[PATH_MAX];
		same_file = realpath(w->path, real) != NULL && strlen(real) == n && strncmp(path, real, n) == 0;
	}
	if (same_file)
		*start = lo;
	return same_file;
}

bool symbol_load_base(const struct symbol_watch *w, pid_t pid, uint64_t *base, char *msg, size_t msglen)
{
	char path[64], line[PATH_MAX + 128];
	FILE *f;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (f == NULL) {
		snprintf(msg, msglen, "cannot read the memory map of process %d: %s", (int)pid,
		         errno == ENOENT ? "it has ended" : strerror(errno));
		return false;
	}
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = maps_line_is_exe(line, w, base);
	fclose(f);
	if (!found) {
		char prog[PATH_MAX];
		process_program(pid, prog, sizeof(prog));
		if (prog[0] == '?' && kill(pid, 0) != 0 && errno == ESRCH)
			snprintf(msg, msglen, "process %d has ended", (int)pid);
		else
			snprintf(msg, msglen, "process %d runs %s, not %s: it has no '%s' of that program (it called exec, "
			         "or is not part of it)", (int)pid, prog, w->path, w->name);
		return false;
	}
	if (!w->pie)
		*base = w->link_base;
	return true;
}

uint64_t symbol_address(const struct symbol_watch *w, uint64_t base)
{
	return base + (w->link_address - w->link_base);
}

/* Yama's ptrace_scope in words, for a refusal: "it is 1 here", or "this kernel has no Yama". */
static const char *yama_scope(char *words, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	int scope = -1;

	if (f == NULL)
		return "this kernel has no Yama";
	if (fscanf(f, "%d", &scope) == 1)
		snprintf(words, len, "it is %d here", scope);
	else
		snprintf(words, len, "its value is unknown here");
	fclose(f);
	return words;
}

/* Why process_vm_readv failed, in words. */
static void read_failed(const struct symbol_watch *w, pid_t pid, uint64_t addr, int err, char *msg, size_t msglen)
{
	char scope[32];

	if (err == ESRCH)
		snprintf(msg, msglen, "process %d has ended", (int)pid);
	else if (err == EPERM)
		snprintf(msg, msglen, "not allowed to read '%s' in process %d: reading another process's memory needs "
		         "the same user, and with Yama's ptrace_scope at 1 a process ptviz started (%s)", w->name,
		         (int)pid, yama_scope(scope, sizeof(scope)));
	else if (err == EFAULT)
		snprintf(msg, msglen, "'%s' is not mapped in process %d at 0x%" PRIx64, w->name, (int)pid, addr);
	else
		snprintf(msg, msglen, "cannot read '%s' in process %d: %s", w->name, (int)pid, strerror(err));
}

/* The bytes read, as w's kind says. */
static void decode(const struct symbol_watch *w, const unsigned char *bytes, struct symbol_value *v)
{
	int8_t i8;
	int16_t i16;
	int32_t i32;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	float f;

	if (w->kind == SYMBOL_FLOAT) {
		if (w->size == 4) {
			memcpy(&f, bytes, 4);
			v->d = f;
		} else {
			memcpy(&v->d, bytes, 8);
		}
		return;
	}
	if (w->kind == SYMBOL_SIGNED) {
		switch (w->size) {
		case 1: memcpy(&i8, bytes, 1); v->i = i8; return;
		case 2: memcpy(&i16, bytes, 2); v->i = i16; return;
		case 4: memcpy(&i32, bytes, 4); v->i = i32; return;
		default: memcpy(&v->i, bytes, 8); return;
		}
	}
	switch (w->size) {
	case 1: memcpy(&u8, bytes, 1); v->u = u8; return;
	case 2: memcpy(&u16, bytes, 2); v->u = u16; return;
	case 4: memcpy(&u32, bytes, 4); v->u = u32; return;
	default: memcpy(&v->u, bytes, 8); return;
	}
}

bool symbol_read(const struct symbol_watch *w, pid_t pid, uint64_t base, struct symbol_value *v, char *msg,
                 size_t msglen)
{
	unsigned char bytes[8] = { 0 };
	uint64_t addr = symbol_address(w, base);
	struct iovec local = { .iov_base = bytes, .iov_len = w->size };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = w->size };

	memset(v, 0, sizeof(*v));
	v->address = addr;
	if (w->size == 0 || w->size > sizeof(bytes)) {
		snprintf(msg, msglen, "'%s' has no size ptviz can read (%zu bytes)", w->name, w->size);
		return false;
	}
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	if (n != (ssize_t)w->size) {
		read_failed(w, pid, addr, n < 0 ? errno : EFAULT, msg, msglen);
		return false;
	}
	decode(w, bytes, v);
	return true;
}

int symbol_value_format(const struct symbol_watch *w, const struct symbol_value *v, char *buf, size_t len)
{
	switch (w->kind) {
	case SYMBOL_SIGNED:
		return snprintf(buf, len, "%" PRId64, v->i);
	case SYMBOL_UNSIGNED:
		return snprintf(buf, len, "%" PRIu64, v->u);
	case SYMBOL_BOOL:
		return v->u <= 1 ? snprintf(buf, len, "%s", v->u ? "true" : "false")
		                 : snprintf(buf, len, "true (%" PRIu64 ")", v->u);
	case SYMBOL_FLOAT:
		return snprintf(buf, len, "%.6g", v->d);
	case SYMBOL_POINTER:
		return v->u == 0 ? snprintf(buf, len, "NULL") : snprintf(buf, len, "0x%" PRIx64, v->u);
	}
	return snprintf(buf, len, "?");
}
