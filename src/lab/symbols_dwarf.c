/* A watched global's type and size from the program's DWARF (libdw): a number ptviz can show, or what else it is. */
#include "symbols_priv.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

/* The address a variable's DW_AT_location gives, when it is one plain address. */
static bool variable_address(Dwarf_Die *var, uint64_t *addr)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t n;

	if (dwarf_attr(var, DW_AT_location, &attr) == NULL || dwarf_getlocation(&attr, &ops, &n) != 0 || n != 1 ||
	    ops[0].atom != DW_OP_addr)
		return false;
	*addr = ops[0].number;
	return true;
}

/*
 * The variable named name in scope (a compilation unit, a function, a block): the one at addr if
 * there is one, else the first of the name at file scope. Inside a function only the one at addr
 * counts: a function's static variable, which the symbol table calls NAME.N.
 */
static bool variable_in_cu(Dwarf_Die *scope, const char *name, uint64_t addr, Dwarf_Die *found, bool *exact,
                           int depth)
{
	Dwarf_Die die;
	bool any = false;

	if (dwarf_child(scope, &die) != 0)
		return false;
	do {
		Dwarf_Attribute attr;
		const char *dn;
		uint64_t at;
		int tag = dwarf_tag(&die);
		if ((tag == DW_TAG_subprogram || tag == DW_TAG_lexical_block) && depth < 8) {
			Dwarf_Die inner;
			bool inner_exact = false;
			if (variable_in_cu(&die, name, addr, &inner, &inner_exact, depth + 1) && inner_exact) {
				*found = inner;
				*exact = true;
				return true;
			}
			continue;
		}
		if (tag != DW_TAG_variable || dwarf_attr_integrate(&die, DW_AT_name, &attr) == NULL ||
		    (dn = dwarf_formstring(&attr)) == NULL || strcmp(dn, name) != 0)
			continue;
		if (variable_address(&die, &at) && at == addr) {
			*found = die;
			*exact = true;
			return true;
		}
		if (!any && depth == 0) {
			*found = die;
			any = true;
		}
	} while (dwarf_siblingof(&die, &die) == 0);
	return any;
}

/* The DWARF entry of the global name at addr, across all compilation units. */
static bool find_variable(Dwarf *dw, const char *name, uint64_t addr, Dwarf_Die *var)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	bool any = false;

	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, die;
		bool exact = false;
		if (dwarf_offdie(dw, off + hsize, &cu) != NULL && variable_in_cu(&cu, name, addr, &die, &exact, 0)) {
			if (exact) {
				*var = die;
				return true;
			}
			if (!any)
				*var = die;
			any = true;
		}
		off = next;
	}
	return any;
}

/* The name a type shows: its own, a pointer's "T *", or a tag's "struct T". */
static void type_name(Dwarf_Die *type, char *buf, size_t len)
{
	const char *n = dwarf_diename(type);
	int tag = dwarf_tag(type);
	const char *tagword = tag == DW_TAG_structure_type ? "struct " : tag == DW_TAG_union_type ? "union "
	                      : tag == DW_TAG_enumeration_type ? "enum " : "";

	if (tag == DW_TAG_pointer_type)
		strlcpy(buf, "pointer", len);
	else if (n != NULL)
		snprintf(buf, len, "%s%s", tagword, n);
	else
		snprintf(buf, len, "%s(no name)", tagword);
}

/* Follows typedefs and qualifiers to the type itself; the first name met (a typedef's) in shown. */
static bool peel(Dwarf_Die *type, char *shown, size_t len)
{
	shown[0] = '\0';
	for (int depth = 0; depth < 16; depth++) {
		int tag = dwarf_tag(type);
		if (tag == DW_TAG_typedef && shown[0] == '\0')
			type_name(type, shown, len);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
		    tag != DW_TAG_restrict_type && tag != DW_TAG_atomic_type) {
			if (shown[0] == '\0')
				type_name(type, shown, len);
			return true;
		}
		Dwarf_Attribute attr;
		if (dwarf_attr_integrate(type, DW_AT_type, &attr) == NULL || dwarf_formref_die(&attr, type) == NULL)
			return false;   /* const void: no type */
	}
	return false;
}

/* How a base type's bytes read as a number; false for one ptviz does not show (complex, decimal). */
static bool base_kind(Dwarf_Die *type, enum symbol_kind *kind)
{
	Dwarf_Attribute attr;
	Dwarf_Word enc;

	if (dwarf_attr(type, DW_AT_encoding, &attr) == NULL || dwarf_formudata(&attr, &enc) != 0)
		return false;
	switch (enc) {
	case DW_ATE_signed:
	case DW_ATE_signed_char:
		*kind = SYMBOL_SIGNED;
		return true;
	case DW_ATE_unsigned:
	case DW_ATE_unsigned_char:
	case DW_ATE_UTF:
		*kind = SYMBOL_UNSIGNED;
		return true;
	case DW_ATE_boolean:
		*kind = SYMBOL_BOOL;
		return true;
	case DW_ATE_float:
		*kind = SYMBOL_FLOAT;
		return true;
	default:
		return false;
	}
}

/* What a type that is not a number is, in words: "an array of 8 int (32 bytes)", "a struct point of 16 bytes". */
static void not_a_number(Dwarf_Die *type, const char *shown, char *what, size_t len)
{
	Dwarf_Word size = 0;
	int tag = dwarf_tag(type);

	(void)dwarf_aggregate_size(type, &size);
	if (tag == DW_TAG_array_type) {
		Dwarf_Attribute attr;
		Dwarf_Die elem;
		char en[64] = "elements";
		if (dwarf_attr_integrate(type, DW_AT_type, &attr) != NULL && dwarf_formref_die(&attr, &elem) != NULL)
			peel(&elem, en, sizeof(en));
		snprintf(what, len, "an array of %s (%" PRIu64 " bytes)", en, (uint64_t)size);
	} else if (tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_class_type) {
		snprintf(what, len, "a %s of %" PRIu64 " bytes", shown, (uint64_t)size);
	} else {
		snprintf(what, len, "of type %s (%" PRIu64 " bytes)", shown, (uint64_t)size);
	}
}

/* out's kind, size and type from the variable's DWARF type; what says what it is when not a number. */
static enum symbols_dwarf_answer variable_type(Dwarf_Die *var, struct symbol_watch *out, char *what, size_t len)
{
	Dwarf_Attribute attr;
	Dwarf_Die type;
	char shown[SYMBOL_TYPE_MAX];

	if (dwarf_attr_integrate(var, DW_AT_type, &attr) == NULL || dwarf_formref_die(&attr, &type) == NULL ||
	    !peel(&type, shown, sizeof(shown)))
		return SYMBOLS_DWARF_MISSING;
	int tag = dwarf_tag(&type);
	int size = dwarf_bytesize(&type);
	enum symbol_kind kind = SYMBOL_SIGNED;
	bool number = false;

	if (tag == DW_TAG_base_type)
		number = base_kind(&type, &kind) && (kind != SYMBOL_FLOAT || size == 4 || size == 8);
	else if (tag == DW_TAG_pointer_type) {
		kind = SYMBOL_POINTER;
		size = size > 0 ? size : (int)sizeof(void *);
		number = true;
	} else if (tag == DW_TAG_enumeration_type) {
		Dwarf_Die under;
		if (dwarf_attr_integrate(&type, DW_AT_type, &attr) != NULL && dwarf_formref_die(&attr, &under) != NULL)
			(void)base_kind(&under, &kind);
		number = true;
	}
	if (!number || (size != 1 && size != 2 && size != 4 && size != 8)) {
		not_a_number(&type, shown, what, len);
		return SYMBOLS_DWARF_NOT_NUMBER;
	}
	out->kind = kind;
	out->size = (size_t)size;
	strlcpy(out->type, shown, sizeof(out->type));
	return SYMBOLS_DWARF_NUMBER;
}

enum symbols_dwarf_answer symbols_dwarf_type(Elf *elf, const char *name, uint64_t addr, struct symbol_watch *out,
                                             char *what, size_t whatlen)
{
	Dwarf *dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	Dwarf_Die var;
	enum symbols_dwarf_answer a = SYMBOLS_DWARF_NONE;

	what[0] = '\0';
	if (dw == NULL)
		return a;
	a = find_variable(dw, name, addr, &var) ? variable_type(&var, out, what, whatlen) : SYMBOLS_DWARF_MISSING;
	dwarf_end(dw);
	return a;
}
