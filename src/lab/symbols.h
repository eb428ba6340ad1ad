/* Watching a program's globals: a symbol found in an executable's ELF table (its type from DWARF), its address in each process, its value read live. */
#ifndef PTVIZ_LAB_SYMBOLS_H
#define PTVIZ_LAB_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Use:
 *   struct symbol_watch w;
 *   char msg[SYMBOL_MSG_MAX];
 *   if (!symbol_find(path, "counter", &w, msg, sizeof(msg)))   -- or "counter:int32" without DWARF
 *           say(msg);
 *   uint64_t base;                                             -- once per process (fork keeps it)
 *   if (symbol_load_base(&w, pid, &base, msg, sizeof(msg))) {
 *           struct symbol_value v;
 *           if (symbol_read(&w, pid, base, &v, msg, sizeof(msg)))   -- every frame
 *                   symbol_value_format(&w, &v, text, sizeof(text));
 *   }
 * Each call is a few system calls and holds nothing open between calls: no thread, no lock, no
 * state of its own, so any thread may call them (a tracer thread, the screen's loop).
 * The value is read while the program runs (process_vm_readv), not at a point it chose.
 */

#define SYMBOL_NAME_MAX 128   /* a watched name's length, with its NUL */
#define SYMBOL_TYPE_MAX 48    /* "unsigned long", "int32", "double", "pointer" */
#define SYMBOL_PATH_MAX 4096
#define SYMBOL_MSG_MAX 768    /* enough for a message with three close matches and a path */

/* How the bytes of a watched value are read as a number. */
enum symbol_kind {
	SYMBOL_SIGNED,     /* int8..int64, char, short, int, long, an enum */
	SYMBOL_UNSIGNED,   /* uint8..uint64, size_t, unsigned ... */
	SYMBOL_BOOL,       /* _Bool / bool: false or true */
	SYMBOL_FLOAT,      /* float (4 bytes) or double (8) */
	SYMBOL_POINTER,    /* any pointer: shown as an address in hex */
};

/* One global of one executable, found and ready to read in any process that runs that executable. */
struct symbol_watch {
	char name[SYMBOL_NAME_MAX];   /* as in the ELF symbol table: "counter" */
	char type[SYMBOL_TYPE_MAX];   /* as shown: DWARF's name ("int", "long unsigned int") or the given one ("int32") */
	enum symbol_kind kind;
	size_t size;                  /* bytes read: 1, 2, 4 or 8 */
	uint64_t link_address;        /* st_value: the address the linker gave it */
	uint64_t link_base;           /* the lowest loaded address the linker gave (0 for a usual PIE) */
	bool pie;                     /* ET_DYN: each process adds its own load address */
	bool from_dwarf;              /* type and size from DWARF; false when given as NAME:TYPE */
	char path[SYMBOL_PATH_MAX];   /* the executable, resolved */
	dev_t dev;                    /* the executable's file, to find its mapping in /proc/PID/maps */
	ino_t ino;
};

/* A value read from one process. */
struct symbol_value {
	uint64_t address;   /* where it was read, in that process */
	union {
		int64_t i;      /* SYMBOL_SIGNED, sign-extended */
		uint64_t u;     /* SYMBOL_UNSIGNED, SYMBOL_BOOL, SYMBOL_POINTER */
		double d;       /* SYMBOL_FLOAT */
	};
};

/*
 * Where a program runs from, as execvp would find it: PROGRAM itself when it holds a '/', else the
 * first executable of that name on $PATH. False with a message when it is not found, not a file,
 * or not executable.
 */
bool symbol_program_path(const char *program, char *path, size_t pathlen, char *msg, size_t msglen);

/*
 * Finds SPEC ("NAME" or "NAME:TYPE") in the executable at exe (a path, or a name on $PATH).
 * TYPE is one of int8 int16 int32 int64 uint8 uint16 uint32 uint64 char short int long
 * unsigned ulong size_t bool float double pointer; it is needed when the executable has no
 * DWARF for NAME and overrides DWARF when given. False with a message that says what was
 * wrong and what would be right: no such program; not ELF (a script: which interpreter); an
 * interpreter (a Python or JavaScript variable is an object in the interpreter's heap, not a
 * global with a symbol); no symbol table (stripped); NAME not a global of the program, with
 * close matches named; NAME thread-local or in a shared library; a type that is not a number
 * of 1, 2, 4 or 8 bytes (a struct, an array, a union); no DWARF and no TYPE; an unknown TYPE.
 */
bool symbol_find(const char *exe, const char *spec, struct symbol_watch *out, char *msg, size_t msglen);

/*
 * The load address of w's executable in process pid: the start of its mapping at offset 0 in
 * /proc/PID/maps (for an executable that is not position independent, the address the linker
 * gave). It does not change for the life of the process, and a child made by fork has its
 * parent's. False with a message when the process has ended, or runs another program (after
 * exec).
 */
bool symbol_load_base(const struct symbol_watch *w, pid_t pid, uint64_t *base, char *msg, size_t msglen);

/* The address of w in a process loaded at base. */
uint64_t symbol_address(const struct symbol_watch *w, uint64_t base);

/*
 * Reads w in process pid (loaded at base) with process_vm_readv. False with a message when the
 * process has ended (ESRCH), reading is not allowed (EPERM: another user, or Yama's
 * ptrace_scope), or the address is not mapped (EFAULT).
 */
bool symbol_read(const struct symbol_watch *w, pid_t pid, uint64_t base, struct symbol_value *v, char *msg,
                 size_t msglen);

/* The value as text ("42", "-1", "3.5", "true", "0x7ffd1234"); returns what snprintf returns. */
int symbol_value_format(const struct symbol_watch *w, const struct symbol_value *v, char *buf, size_t len);

/* The types NAME:TYPE accepts, for help text: "int8, int16, ...". */
const char *symbol_type_names(void);

#endif
