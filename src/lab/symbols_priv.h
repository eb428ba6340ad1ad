/* What the files of symbol watching ask of one another (symbols.c, symbols_match.c, symbols_dwarf.c, symbols_read.c). */
#ifndef PTVIZ_LAB_SYMBOLS_PRIV_H
#define PTVIZ_LAB_SYMBOLS_PRIV_H

#include <gelf.h>
#include <libelf.h>

#include "symbols.h"

/* What DWARF says of a global (symbols_dwarf.c). */
enum symbols_dwarf_answer {
	SYMBOLS_DWARF_NONE,       /* the file has no DWARF at all */
	SYMBOLS_DWARF_MISSING,    /* DWARF, but no entry for this variable */
	SYMBOLS_DWARF_NUMBER,     /* a number: out's type, kind and size are set */
	SYMBOLS_DWARF_NOT_NUMBER, /* a struct, array, union or a number of another size: what says which */
};

/* The type of the global name at link address addr, from the DWARF of elf. */
enum symbols_dwarf_answer symbols_dwarf_type(Elf *elf, const char *name, uint64_t addr, struct symbol_watch *out,
                                             char *what, size_t whatlen);

/* The types NAME:TYPE accepts: sets out's type, kind and size; false when type is not one (symbols_match.c). */
bool symbols_given_type(const char *type, struct symbol_watch *out);

/* The distance between two words: letters inserted, deleted or changed (symbols_match.c). */
int symbols_edit_distance(const char *a, const char *b);

/*
 * Up to three names of the data symbols of elf's table tab close to name, appended to msg at
 * *o as "; did you mean a, b or c?". Nothing when none is close (symbols_match.c).
 */
void symbols_close_matches(Elf *elf, Elf_Scn *tab, const char *name, char *msg, size_t msglen, size_t *o);

/*
 * Why a variable of an interpreted language cannot be watched, when exe is an interpreter
 * (by its name, or by the symbols it has); false when it is not one (symbols_match.c).
 */
bool symbols_interpreter(const char *exe, Elf *elf, Elf_Scn *tab, const char *name, char *msg, size_t msglen);

/* The same for a script (a file beginning with "#!"): what runs it and why its variables cannot be watched. */
void symbols_script(const char *path, const char *first_line, const char *name, char *msg, size_t msglen);

#endif
