/* Finding a program's global for --watch: the program on $PATH, the symbol in its ELF table, its type from DWARF or as given. */
#include "symbols_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bsd/string.h>

/* A file that exists, is a regular file and may be executed; why not in msg. */
static bool executable_file(const char *path, const char *program, char *msg, size_t msglen)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(msg, msglen, "program '%s' not found: %s", program, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, msglen, "'%s' is not a program: it is a %s", path,
		         S_ISDIR(st.st_mode) ? "folder" : "special file");
		return false;
	}
	if (access(path, X_OK) != 0) {
		snprintf(msg, msglen, "'%s' is not executable (%s): chmod +x %s, or name the program that runs it",
		         path, strerror(errno), path);
		return false;
	}
	return true;
}

bool symbol_program_path(const char *program, char *path, size_t pathlen, char *msg, size_t msglen)
{
	if (program == NULL || program[0] == '\0') {
		snprintf(msg, msglen, "no program named: expected a path such as ./fork_counter or a name on $PATH");
		return false;
	}
	if (strchr(program, '/') != NULL) {
		if (strlcpy(path, program, pathlen) >= pathlen) {
			snprintf(msg, msglen, "the path of program '%.40s...' is too long", program);
			return false;
		}
		return executable_file(path, program, msg, msglen);
	}
	const char *env = getenv("PATH");
	const char *dirs = env != NULL && env[0] != '\0' ? env : "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = dirs; *p != '\0';) {
		size_t n = strcspn(p, ":");
		/* An empty entry of $PATH is the current folder, as for execvp. */
		if (n == 0)
			snprintf(path, pathlen, "./%s", program);
		else
			snprintf(path, pathlen, "%.*s/%s", (int)n, p, program);
		if (access(path, X_OK) == 0) {
			struct stat st;
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				return true;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	snprintf(msg, msglen, "program '%s' not found on $PATH (%s); a program in this folder is named ./%s", program,
	         dirs, program);
	return false;
}

/* Splits "NAME" or "NAME:TYPE" into out's name and the type wanted (empty when none). */
static bool split_spec(const char *spec, struct symbol_watch *out, char *type, size_t typelen, char *msg,
                       size_t msglen)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon != NULL ? (size_t)(colon - spec) : strlen(spec);

	type[0] = '\0';
	if (n == 0) {
		snprintf(msg, msglen, "no name to watch in '%s': expected NAME or NAME:TYPE, e.g. counter or counter:int32",
		         spec);
		return false;
	}
	if (n >= sizeof(out->name)) {
		snprintf(msg, msglen, "the name '%.40s...' is too long to be a symbol ptviz watches", spec);
		return false;
	}
	memcpy(out->name, spec, n);
	out->name[n] = '\0';
	if (colon != NULL) {
		if (strlcpy(type, colon + 1, typelen) >= typelen || !symbols_given_type(type, out)) {
			snprintf(msg, msglen, "unknown type '%s' in '%s': expected one of %s", colon + 1, spec,
			         symbol_type_names());
			return false;
		}
	}
	return true;
}

/* The symbol table: .symtab, or .dynsym when the file was stripped of it; NULL when neither. */
static Elf_Scn *symbol_table(Elf *elf, bool *stripped)
{
	Elf_Scn *scn = NULL, *dyn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		if (gelf_getshdr(scn, &sh) == NULL)
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			*stripped = false;
			return scn;
		}
		if (sh.sh_type == SHT_DYNSYM)
			dyn = scn;
	}
	*stripped = true;
	return dyn;
}

/* A symbol's name is NAME, or NAME.N as the compiler names a function's static variable. */
static bool name_is(const char *sym, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(sym, name, n) != 0)
		return false;
	/* stdout@GLIBC_2.2.5: an import, named with its version */
	if (sym[n] == '\0' || sym[n] == '@')
		return true;
	if (sym[n] != '.' || sym[n + 1] == '\0')
		return false;
	return strspn(sym + n + 1, "0123456789") == strlen(sym + n + 1);
}

/* Looks name up in tab: its entry in sym (the exact name preferred to NAME.N); false when absent. */
static bool symbol_lookup(Elf *elf, Elf_Scn *tab, const char *name, GElf_Sym *sym)
{
	GElf_Shdr sh = { 0 };
	Elf_Data *data = elf_getdata(tab, NULL);
	bool found = false;

	if (data == NULL || gelf_getshdr(tab, &sh) == NULL || sh.sh_entsize == 0)
		return false;
	size_t count = sh.sh_size / sh.sh_entsize;
	for (size_t i = 1; i < count; i++) {
		GElf_Sym s;
		if (gelf_getsym(data, (int)i, &s) == NULL)
			continue;
		const char *sn = elf_strptr(elf, sh.sh_link, s.st_name);
		if (sn == NULL || !name_is(sn, name))
			continue;
		int type = GELF_ST_TYPE(s.st_info);
		/* A defined data symbol wins over anything else of the name (a function, an undefined import). */
		bool data_sym = s.st_shndx != SHN_UNDEF && (type == STT_OBJECT || type == STT_COMMON || type == STT_TLS);
		if (!found || (data_sym && (strcmp(sn, name) == 0 || sym->st_shndx == SHN_UNDEF))) {
			*sym = s;
			found = true;
		}
	}
	return found;
}

/* The lowest address the linker gave a loaded segment, rounded down to its page (the start of the mapping at offset 0). */
static bool link_base(Elf *elf, uint64_t *base, bool *dynamic)
{
	size_t n;
	bool any = false;

	*dynamic = false;
	if (elf_getphdrnum(elf, &n) != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) == NULL)
			continue;
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			*dynamic = true;
		if (ph.p_type != PT_LOAD)
			continue;
		uint64_t align = ph.p_align > 1 ? ph.p_align : 4096;
		uint64_t start = (ph.p_vaddr - ph.p_offset) & ~(align - 1);
		if (!any || start < *base)
			*base = start;
		any = true;
	}
	return any;
}

/* Why a symbol that is found is not one ptviz can read; false when it can be. */
static bool unreadable_symbol(const GElf_Sym *s, const struct symbol_watch *w, char *msg, size_t msglen)
{
	int type = GELF_ST_TYPE(s->st_info);

	if (type == STT_FUNC || type == STT_GNU_IFUNC) {
		snprintf(msg, msglen, "'%s' is a function, not a variable: watch a global variable of %s, declared "
		         "outside any function", w->name, w->path);
		return true;
	}
	if (s->st_shndx == SHN_UNDEF) {
		snprintf(msg, msglen, "'%s' is not defined in %s but in a shared library it uses: ptviz watches the "
		         "program's own globals (a variable declared outside any function in its source)", w->name, w->path);
		return true;
	}
	if (type == STT_TLS) {
		snprintf(msg, msglen, "'%s' is thread-local (_Thread_local or __thread): each thread has its own at a "
		         "different address, so it is not one global to watch", w->name);
		return true;
	}
	return false;
}

/* out's type from DWARF, or the one given; false with a message when neither says a number ptviz can show. */
static bool symbol_type(Elf *elf, const GElf_Sym *s, bool given, struct symbol_watch *out, char *msg, size_t msglen)
{
	char what[256];
	enum symbols_dwarf_answer a = given ? SYMBOLS_DWARF_NUMBER
	                                    : symbols_dwarf_type(elf, out->name, s->st_value, out, what, sizeof(what));

	out->from_dwarf = !given;
	if (a == SYMBOLS_DWARF_NOT_NUMBER) {
		snprintf(msg, msglen, "'%s' is %s: ptviz shows a number of 1, 2, 4 or 8 bytes (an integer, bool, float, "
		         "double or pointer); to see its first bytes as one, give a type: %s:int32", out->name, what,
		         out->name);
		return false;
	}
	if (a == SYMBOLS_DWARF_NONE || a == SYMBOLS_DWARF_MISSING) {
		snprintf(msg, msglen, "%s has no debug information for '%s' (%zu bytes), so its type is not known: build "
		         "it with -g, or give the type, e.g. %s:%s (types: %s)",
		         out->path, out->name, (size_t)s->st_size, out->name,
		         s->st_size == 8 ? "int64" : s->st_size == 2 ? "int16" : s->st_size == 1 ? "int8" : "int32",
		         symbol_type_names());
		return false;
	}
	if (s->st_size != 0 && out->size > s->st_size) {
		snprintf(msg, msglen, "'%s' holds %zu byte%s and %s reads %zu: give a type of at most %zu byte%s",
		         out->name, (size_t)s->st_size, s->st_size == 1 ? "" : "s", out->type, out->size,
		         (size_t)s->st_size, s->st_size == 1 ? "" : "s");
		return false;
	}
	return true;
}

/* The symbol of out->name in an opened ELF file; the rest of out filled. */
static bool symbol_in_elf(Elf *elf, const char *exe, bool given, struct symbol_watch *out, char *msg, size_t msglen)
{
	GElf_Ehdr eh;
	bool stripped, dynamic;
	Elf_Scn *tab = symbol_table(elf, &stripped);
	GElf_Sym s = { 0 };

	if (gelf_getehdr(elf, &eh) == NULL || (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)) {
		snprintf(msg, msglen, "%s is an ELF file but not an executable (a library or an object file): name the "
		         "program built from it", out->path);
		return false;
	}
	if (eh.e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32)) {
		snprintf(msg, msglen, "%s is a %d-bit program; ptviz reads %d-bit ones", out->path,
		         eh.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32, (int)sizeof(void *) * 8);
		return false;
	}
	out->pie = eh.e_type == ET_DYN;
	if (!link_base(elf, &out->link_base, &dynamic)) {
		snprintf(msg, msglen, "%s has no loadable segment: it is not a program that runs", out->path);
		return false;
	}
	if (tab == NULL || !symbol_lookup(elf, tab, out->name, &s)) {
		if (symbols_interpreter(exe, elf, tab, out->name, msg, msglen))
			return false;
		size_t o = (size_t)snprintf(msg, msglen, "'%s' is not a global variable of %s", out->name, out->path);
		if (stripped && o < msglen)
			o += (size_t)snprintf(msg + o, msglen - o, ": it has no symbol table (it was stripped%s); build it "
			                      "again without strip or -s", dynamic ? "" : ", and is linked static");
		else if (o < msglen)
			o += (size_t)snprintf(msg + o, msglen - o, " (a local variable, or one the compiler removed, cannot "
			                      "be watched: declare it outside any function)");
		if (tab != NULL)
			symbols_close_matches(elf, tab, out->name, msg, msglen, &o);
		return false;
	}
	if (unreadable_symbol(&s, out, msg, msglen))
		return false;
	out->link_address = s.st_value;
	return symbol_type(elf, &s, given, out, msg, msglen);
}

/* The first line of a file that begins with "#!"; false for any other file. */
static bool script_line(int fd, char *line, size_t len)
{
	ssize_t n = pread(fd, line, len - 1, 0);

	if (n < 2 || line[0] != '#' || line[1] != '!')
		return false;
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return true;
}

bool symbol_find(const char *exe, const char *spec, struct symbol_watch *out, char *msg, size_t msglen)
{
	char type[SYMBOL_TYPE_MAX], line[256];
	struct stat st;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	msg[0] = '\0';
	if (!split_spec(spec, out, type, sizeof(type), msg, msglen) ||
	    !symbol_program_path(exe, out->path, sizeof(out->path), msg, msglen))
		return false;
	int fd = open(out->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(msg, msglen, "cannot open %s to find '%s': %s", out->path, out->name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	if (script_line(fd, line, sizeof(line))) {
		symbols_script(out->path, line, out->name, msg, msglen);
		close(fd);
		return false;
	}
	elf_version(EV_CURRENT);
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf == NULL || elf_kind(elf) != ELF_K_ELF)
		snprintf(msg, msglen, "%s is not a compiled program (not an ELF file), so it has no symbols to watch",
		         out->path);
	else
		ok = symbol_in_elf(elf, exe, type[0] != '\0', out, msg, msglen);
	elf_end(elf);
	close(fd);
	return ok;
}
