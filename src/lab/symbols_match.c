/* What --watch says when a name is not right: the types it accepts, the close matches, why an interpreted language's variable cannot be watched. */
#include "symbols_priv.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

/* The types NAME:TYPE accepts, with the bytes each reads. */
static const struct given_type {
	const char *name;
	enum symbol_kind kind;
	size_t size;
} given_types[] = {
	{ "int8", SYMBOL_SIGNED, 1 },     { "int16", SYMBOL_SIGNED, 2 },    { "int32", SYMBOL_SIGNED, 4 },
	{ "int64", SYMBOL_SIGNED, 8 },    { "uint8", SYMBOL_UNSIGNED, 1 },  { "uint16", SYMBOL_UNSIGNED, 2 },
	{ "uint32", SYMBOL_UNSIGNED, 4 }, { "uint64", SYMBOL_UNSIGNED, 8 }, { "char", SYMBOL_SIGNED, 1 },
	{ "short", SYMBOL_SIGNED, 2 },    { "int", SYMBOL_SIGNED, 4 },      { "long", SYMBOL_SIGNED, sizeof(long) },
	{ "unsigned", SYMBOL_UNSIGNED, 4 }, { "ulong", SYMBOL_UNSIGNED, sizeof(long) },
	{ "size_t", SYMBOL_UNSIGNED, sizeof(size_t) }, { "bool", SYMBOL_BOOL, 1 }, { "float", SYMBOL_FLOAT, 4 },
	{ "double", SYMBOL_FLOAT, 8 },    { "pointer", SYMBOL_POINTER, sizeof(void *) },
};

#define NTYPES (sizeof(given_types) / sizeof(given_types[0]))

static char type_names[256];

static void type_names_make(void)
{
	for (size_t i = 0; i < NTYPES; i++) {
		if (i > 0)
			strlcat(type_names, " ", sizeof(type_names));
		strlcat(type_names, given_types[i].name, sizeof(type_names));
	}
}

const char *symbol_type_names(void)
{
	static pthread_once_t made = PTHREAD_ONCE_INIT;

	/* Made once, whichever thread asks first (a tracer thread may). */
	pthread_once(&made, type_names_make);
	return type_names;
}

bool symbols_given_type(const char *type, struct symbol_watch *out)
{
	char word[SYMBOL_TYPE_MAX];
	size_t n = strlcpy(word, type, sizeof(word));

	/* int32_t and uint8_t are the same as int32 and uint8 (but size_t keeps its _t). */
	if (n > 2 && n < sizeof(word) && strcmp(word + n - 2, "_t") == 0 && strcmp(word, "size_t") != 0)
		word[n - 2] = '\0';
	for (size_t i = 0; i < NTYPES; i++) {
		if (strcmp(word, given_types[i].name) == 0) {
			strlcpy(out->type, given_types[i].name, sizeof(out->type));
			out->kind = given_types[i].kind;
			out->size = given_types[i].size;
			return true;
		}
	}
	return false;
}

int symbols_edit_distance(const char *a, const char *b)
{
	enum { MAXW = 64 };
	int row[MAXW + 1];
	size_t la = strlen(a), lb = strlen(b);

	if (la > MAXW || lb > MAXW)
		return 1000;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int change = diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
			int best = up + 1 < row[j - 1] + 1 ? up + 1 : row[j - 1] + 1;
			row[j] = change < best ? change : best;
			diag = up;
		}
	}
	return row[lb];
}

/* A data symbol defined in the file: one a --watch could name. */
static bool data_symbol(const GElf_Sym *s)
{
	int type = GELF_ST_TYPE(s->st_info);
	return s->st_shndx != SHN_UNDEF && (type == STT_OBJECT || type == STT_COMMON);
}

struct close_match {
	char name[SYMBOL_NAME_MAX];
	int distance;
};

/* Keeps the three closest in best (sorted, each name once). */
static void keep_close(struct close_match best[3], const char *name, int d)
{
	for (int i = 0; i < 3; i++) {
		if (best[i].distance >= 0 && strcmp(best[i].name, name) == 0)
			return;
	}
	for (int i = 0; i < 3; i++) {
		if (best[i].distance < 0 || d < best[i].distance) {
			memmove(&best[i + 1], &best[i], (size_t)(2 - i) * sizeof(best[0]));
			strlcpy(best[i].name, name, sizeof(best[i].name));
			best[i].distance = d;
			return;
		}
	}
}

void symbols_close_matches(Elf *elf, Elf_Scn *tab, const char *name, char *msg, size_t msglen, size_t *o)
{
	struct close_match best[3] = { { "", -1 }, { "", -1 }, { "", -1 } };
	GElf_Shdr sh;
	Elf_Data *data = elf_getdata(tab, NULL);
	int limit = (int)strlen(name) / 3 > 1 ? (int)strlen(name) / 3 : 1;

	if (data == NULL || gelf_getshdr(tab, &sh) == NULL || sh.sh_entsize == 0)
		return;
	for (size_t i = 1; i < sh.sh_size / sh.sh_entsize; i++) {
		GElf_Sym s;
		const char *sn;
		if (gelf_getsym(data, (int)i, &s) == NULL || !data_symbol(&s) ||
		    (sn = elf_strptr(elf, sh.sh_link, s.st_name)) == NULL || sn[0] == '\0')
			continue;
		char plain[SYMBOL_NAME_MAX];
		strlcpy(plain, sn, sizeof(plain));
		plain[strcspn(plain, ".")] = '\0';   /* a function's static "n.0" is offered as n */
		int d = symbols_edit_distance(name, plain);
		if (d <= limit && (size_t)d < strlen(plain))
			keep_close(best, plain, d);
	}
	int n = 0;
	while (n < 3 && best[n].distance >= 0)
		n++;
	for (int i = 0; i < n && *o < msglen; i++)
		*o += (size_t)snprintf(msg + *o, msglen - *o, "%s%s", i == 0 ? "; did you mean " : i == n - 1 ? " or " : ", ",
		                       best[i].name);
	if (n > 0 && *o < msglen)
		*o += (size_t)snprintf(msg + *o, msglen - *o, "?");
}

/* The language an interpreter of this file name runs, or NULL. */
static const char *language_of(const char *path)
{
	static const struct {
		const char *prefix, *language;
	} interpreters[] = {
		{ "python", "Python" }, { "pypy", "Python" }, { "node", "JavaScript" }, { "nodejs", "JavaScript" },
		{ "deno", "JavaScript" }, { "ruby", "Ruby" }, { "perl", "Perl" }, { "php", "PHP" }, { "java", "Java" },
		{ "lua", "Lua" }, { "bash", "the shell" }, { "sh", "the shell" }, { "dash", "the shell" }, { "zsh", "the shell" },
	};
	const char *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	for (size_t i = 0; i < sizeof(interpreters) / sizeof(interpreters[0]); i++) {
		size_t k = strlen(interpreters[i].prefix);
		/* python3, python3.11, node, sh: the name, then nothing but a version */
		if (strncmp(base, interpreters[i].prefix, k) == 0 && strspn(base + k, "0123456789.") == strlen(base + k))
			return interpreters[i].language;
	}
	return NULL;
}

/* The message for a variable of language, run by the interpreter at path. */
static void interpreter_message(const char *language, const char *path, const char *name, char *msg, size_t msglen)
{
	if (strcmp(language, "Python") == 0)
		snprintf(msg, msglen, "'%s' cannot be watched in %s: it runs Python, and a Python variable is an object in "
		         "the interpreter's heap, found by name in a dictionary while the script runs, not a global with a "
		         "symbol in the program's file (watch a C program's global; print the Python value to see it)",
		         name, path);
	else if (strcmp(language, "JavaScript") == 0)
		snprintf(msg, msglen, "'%s' cannot be watched in %s: it runs JavaScript, and a JavaScript variable is a "
		         "value in the engine's heap, moved by its garbage collector, not a global with a symbol in the "
		         "program's file (watch a C program's global; print the value to see it)", name, path);
	else
		snprintf(msg, msglen, "'%s' cannot be watched in %s: it runs %s, whose variables live in the "
		         "interpreter's memory, not as globals with a symbol in the program's file (watch a compiled "
		         "program's global)", name, path, language);
}

bool symbols_interpreter(const char *exe, Elf *elf, Elf_Scn *tab, const char *name, char *msg, size_t msglen)
{
	const char *language = language_of(exe);
	GElf_Shdr sh;
	Elf_Data *data;

	if (language == NULL && tab != NULL && (data = elf_getdata(tab, NULL)) != NULL &&
	    gelf_getshdr(tab, &sh) != NULL && sh.sh_entsize != 0) {
		/* A Python built into another name (python3 under pyenv, uwsgi ...) still has the interpreter's own symbols. */
		for (size_t i = 1; i < sh.sh_size / sh.sh_entsize && language == NULL; i++) {
			GElf_Sym s;
			const char *sn;
			if (gelf_getsym(data, (int)i, &s) != NULL && s.st_shndx != SHN_UNDEF &&
			    (sn = elf_strptr(elf, sh.sh_link, s.st_name)) != NULL &&
			    (strcmp(sn, "Py_Initialize") == 0 || strcmp(sn, "_PyRuntime") == 0))
				language = "Python";
		}
	}
	if (language == NULL)
		return false;
	interpreter_message(language, exe, name, msg, msglen);
	return true;
}

void symbols_script(const char *path, const char *first_line, const char *name, char *msg, size_t msglen)
{
	char words[256];
	const char *language = language_of(path);   /* a script named python3 (a pyenv shim) */
	char *save = NULL, *interp;

	strlcpy(words, first_line + 2, sizeof(words));
	interp = strtok_r(words, " \t", &save);
	if (language == NULL && interp != NULL) {
		language = language_of(interp);
		/* "#!/usr/bin/env python3": the word after env */
		const char *base = strrchr(interp, '/');
		if (strcmp(base != NULL ? base + 1 : interp, "env") == 0) {
			char *next;
			while ((next = strtok_r(NULL, " \t", &save)) != NULL && next[0] == '-')
				;
			if (next != NULL)
				language = language_of(next);
		}
	}
	if (language != NULL && strcmp(language, "the shell") != 0) {
		interpreter_message(language, path, name, msg, msglen);
		return;
	}
	snprintf(msg, msglen, "'%s' cannot be watched in %s: it is a script (%s), not a compiled program, so it has "
	         "no symbol table; watch a global of a compiled program (C, C++, Rust ...)", name, path, first_line);
}
