// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol and line lookup with libdw (elfutils): the frame's function is
 * found in the ELF symbol table (by name; by size too when the name is not
 * unique, as static functions often are), the address is symbol + offset,
 * and the line table and the DWARF scopes give file:line and the inlining
 * chain, as eu-addr2line -i and the kernel's decode_stacktrace.sh do.
 * vmlinux and the .ko files are the user's own build: trusted input.
 */
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "err.h"
#include "json.h"
#include "path.h"
#include "strbuf.h"
#include "ksym.h"

#define MAX_FILES	64	/* vmlinux + modules opened per run */
#define MAX_FRAMES	128	/* per crash */
#define MAX_CRASHES	32

struct ksym_file {
	char *name;		/* "" for vmlinux, else the module name */
	Dwfl *dwfl;
	Dwfl_Module *mod;	/* NULL: no line tables */
};

struct ksym {
	struct ksym_file files[MAX_FILES];
	int n_files;
	char *modules_dir;
	char *prefix[2];	/* stripped from source paths */
	char *comp_dir;		/* the last CU directory seen, and */
	char *comp_prefix[2];	/* its source/ link and itself */
};

static const Dwfl_Callbacks offline_cb = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* Open one ELF; mod stays NULL when it has no DWARF line tables. */
static int file_open(struct ksym_file *f, const char *name, const char *path)
{
	Dwarf_Addr bias;
	Dwarf_Off next;
	struct stat st;
	size_t hsize;
	Dwarf *dw;

	f->name = bt_strdup(name);
	/* Only a file: libdw's open of a FIFO would block. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		bt_err("%s: cannot read: not a regular file", path);
		return -1;
	}
	f->dwfl = dwfl_begin(&offline_cb);
	if (!f->dwfl)
		return bt_error("libdw: %s", dwfl_errmsg(-1));
	f->mod = dwfl_report_offline(f->dwfl, name[0] ? name : "vmlinux", path, -1);
	if (!f->mod) {
		bt_err("%s: cannot read: %s", path, dwfl_errmsg(-1));
		return -1;
	}
	dwfl_report_end(f->dwfl, NULL, NULL);
	dw = dwfl_module_getdwarf(f->mod, &bias);
	if (!dw || dwarf_nextcu(dw, 0, &next, &hsize, NULL, NULL, NULL) != 0)
		f->mod = NULL;
	return 0;
}

static void file_close(struct ksym_file *f)
{
	if (f->dwfl)
		dwfl_end(f->dwfl);
	free(f->name);
}

static char *real_prefix(const char *path)
{
	char *r = realpath(path, NULL), *p;

	if (!r)
		return NULL;
	p = bt_asprintf("%s/", r);
	free(r);
	return p;
}

struct ksym *ksym_open(const char *vmlinux, const char *modules_dir)
{
	struct ksym *k;

	ksym_load(vmlinux, modules_dir, &k);
	return k;
}

int ksym_load(const char *vmlinux, const char *modules_dir, struct ksym **out)
{
	struct ksym *k = bt_calloc(1, sizeof(*k));
	char *dir = bt_dirname(vmlinux), *src;
	int ret;

	*out = NULL;
	ret = file_open(&k->files[0], "", vmlinux);
	if (ret < 0 || !k->files[0].mod) {
		k->n_files = 1;
		ksym_close(k);
		free(dir);
		return ret;
	}
	k->n_files = 1;
	k->modules_dir = modules_dir ? bt_strdup(modules_dir) : NULL;
	/* O= builds: objtree/source -> srctree; in-tree: both the same. */
	src = bt_path_join(dir, "source");
	k->prefix[0] = real_prefix(src);
	k->prefix[1] = real_prefix(dir);
	free(src);
	free(dir);
	*out = k;
	return 0;
}

void ksym_close(struct ksym *k)
{
	int i;

	if (!k)
		return;
	for (i = 0; i < k->n_files; i++)
		file_close(&k->files[i]);
	for (i = 0; i < (int)ARRAY_SIZE(k->prefix); i++)
		free(k->prefix[i]);
	for (i = 0; i < (int)ARRAY_SIZE(k->comp_prefix); i++)
		free(k->comp_prefix[i]);
	free(k->comp_dir);
	free(k->modules_dir);
	free(k);
}

static bool same_modname(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen; i++, a++) {
		char ca = *a == '-' ? '_' : *a, cb = b[i] == '-' ? '_' : b[i];

		if (!*a || ca != cb)
			return false;
	}
	return *a == '\0';
}

/* NAME.ko (or .ko.xz, ...) from DIR/modules.order. */
static char *find_module(const char *dir, const char *name)
{
	char *order = bt_path_join(dir, "modules.order"), *buf = NULL, *line, *save;
	char *found = NULL;

	if (bt_read_file(order, &buf, NULL, 16 << 20, NULL) < 0) {
		free(order);
		return NULL;
	}
	for (line = strtok_r(buf, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *base = strrchr(line, '/');
		const char *dot;

		base = base ? base + 1 : line;
		dot = strchr(base, '.');
		if (!dot || !same_modname(name, base, dot - base))
			continue;
		{
			/* 6.1 lists NAME.ko; later kernels NAME.o. */
			static const char *const exts[] = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };
			unsigned int i;

			for (i = 0; i < ARRAY_SIZE(exts) && !found; i++) {
				char *rel = bt_asprintf("%.*s%s", (int)(dot - line), line, exts[i]);
				char *p = bt_path_join(dir, rel);

				if (bt_is_file(p))
					found = p;
				else
					free(p);
				free(rel);
			}
		}
	}
	free(buf);
	free(order);
	return found;
}

static struct ksym_file *file_for(struct ksym *k, const char *module)
{
	struct ksym_file *f;
	char *path;
	int i;

	for (i = 0; i < k->n_files; i++)
		if (!strcmp(k->files[i].name, module))
			return k->files[i].mod ? &k->files[i] : NULL;
	if (k->n_files >= MAX_FILES)
		return NULL;
	f = &k->files[k->n_files++];
	path = k->modules_dir ? find_module(k->modules_dir, module) : NULL;
	if (!path) {
		f->name = bt_strdup(module);
		return NULL;
	}
	if (file_open(f, module, path) < 0)
		f->mod = NULL;
	free(path);
	return f->mod ? f : NULL;
}

/*
 * The function's address: the symbol of that name; among several (static
 * functions), the one whose size matches.  Clang LTO renames static
 * functions NAME.llvm.NNN; kallsyms prints NAME.
 */
static int find_symbol(Dwfl_Module *mod, const struct ksym_frame *fr,
		       Dwarf_Addr *addr)
{
	size_t flen = strlen(fr->func);
	int n = dwfl_module_getsymtab(mod), i, found = 0;

	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr a;
		GElf_Word shndx;
		Elf *elf;
		Dwarf_Addr bias;
		const char *name = dwfl_module_getsym_info(mod, i, &sym, &a, &shndx,
							   &elf, &bias);

		if (!name || strncmp(name, fr->func, flen) ||
		    (name[flen] && strncmp(name + flen, ".llvm.", 6)) ||
		    sym.st_shndx == SHN_UNDEF)
			continue;
		if (sym.st_size == fr->size) {
			*addr = a;
			return 0;
		}
		if (!found++)
			*addr = a;
	}
	return found ? 0 : -1;
}

static const char *strip_prefix(const char *s, char *const *prefix,
				unsigned int n_prefix)
{
	unsigned int i;

	for (i = 0; i < n_prefix; i++) {
		size_t n = prefix[i] ? strlen(prefix[i]) : 0;

		if (n && !strncmp(s, prefix[i], n))
			return s + n;
	}
	return s;
}

/*
 * Paths relative to the source tree: vmlinux's directory (and its source
 * link, in O= builds), else the compilation directory (the objtree the
 * object was built in, for a module found elsewhere) and its source link.
 */
static char *clean_path(struct ksym *k, const char *comp_dir, const char *file)
{
	char *norm = file[0] == '/' ? bt_path_normalize(file, true) : NULL;
	const char *s = norm ? norm : file, *t;
	char *out;

	t = strip_prefix(s, k->prefix, ARRAY_SIZE(k->prefix));
	if (t == s && comp_dir && comp_dir[0] == '/') {
		if (!k->comp_dir || strcmp(k->comp_dir, comp_dir)) {
			char *src = bt_path_join(comp_dir, "source");

			free(k->comp_dir);
			free(k->comp_prefix[0]);
			free(k->comp_prefix[1]);
			k->comp_dir = bt_strdup(comp_dir);
			k->comp_prefix[0] = real_prefix(src);
			k->comp_prefix[1] = real_prefix(comp_dir);
			free(src);
		}
		t = strip_prefix(s, k->comp_prefix, ARRAY_SIZE(k->comp_prefix));
	}
	s = t;
	out = bt_strdup(s);
	free(norm);
	return out;
}

static char *loc_str(struct ksym *k, const char *comp_dir,
		     const char *file, int line)
{
	char *abs = file && file[0] != '/' && comp_dir && comp_dir[0] == '/' ?
		    bt_path_join(comp_dir, file) : NULL;
	char *p = clean_path(k, comp_dir, abs ? abs : file ? file : "??"), *s;

	free(abs);

	s = bt_asprintf("%s:%d", p, line);
	free(p);
	return s;
}

static const char *scope_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *name;

	/* The linkage name of C++ would be nicer; C has only DW_AT_name. */
	name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
	return name ? name : "??";
}

static void add_loc(struct ksym_result *r, const char *func, char *source)
{
	r->inlined = bt_realloc(r->inlined, (r->n_inlined + 1) * sizeof(*r->inlined));
	r->inlined[r->n_inlined].function = bt_strdup(func);
	r->inlined[r->n_inlined].source = source;
	r->n_inlined++;
}

/* Innermost inlined function first, the real function last. */
static void inline_chain(struct ksym *k, Dwfl_Module *mod, Dwarf_Addr a,
			 const char *comp_dir, struct ksym_result *r)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(mod, a, &bias), *scopes = NULL;
	Dwarf_Files *files = NULL;
	int n, i;
	char *here;

	if (!cu)
		return;
	n = dwarf_getscopes(cu, a - bias, &scopes);
	if (n <= 0)
		return;
	/*
	 * Those scopes stop at the innermost inlined copy; its concrete
	 * parents (further inlined copies, the function) come from the DIE.
	 */
	for (i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram)
			break;
	}
	if (i < n) {
		Dwarf_Die die = scopes[i];

		free(scopes);
		scopes = NULL;
		n = dwarf_getscopes_die(&die, &scopes);
		if (n <= 0)
			return;
	}
	if (dwarf_getsrcfiles(cu, &files, NULL) != 0)
		files = NULL;
	here = bt_strdup(r->source);
	for (i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);
		Dwarf_Attribute at;
		Dwarf_Word fileidx = 0, line = 0;
		const char *file = NULL;

		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
			continue;
		add_loc(r, scope_name(&scopes[i]), here);
		here = NULL;
		if (tag == DW_TAG_subprogram)
			break;
		/* Where this inline copy was called from, in the next scope. */
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &at),
				    &fileidx) == 0 && files)
			file = dwarf_filesrc(files, fileidx, NULL, NULL);
		dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &at), &line);
		here = loc_str(k, comp_dir, file, (int)line);
	}
	free(here);
	free(scopes);
	if (r->n_inlined < 2) {
		/* No inlining at this address: the chain says nothing. */
		for (i = 0; i < (int)r->n_inlined; i++) {
			free(r->inlined[i].function);
			free(r->inlined[i].source);
		}
		free(r->inlined);
		r->inlined = NULL;
		r->n_inlined = 0;
	}
}

int ksym_lookup(struct ksym *k, const struct ksym_frame *fr, bool exact,
		struct ksym_result *r)
{
	struct ksym_file *f = file_for(k, fr->module);
	Dwarf_Addr a;
	Dwfl_Line *l;
	const char *file;
	int line = 0;

	memset(r, 0, sizeof(*r));
	if (!f || find_symbol(f->mod, fr, &a) < 0)
		return -1;
	a += fr->off;
	/* A return address: the call is the instruction before it. */
	if (!exact && fr->off > 0)
		a--;
	l = dwfl_module_getsrc(f->mod, a);
	file = l ? dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL) : NULL;
	if (!file || line <= 0)
		return -1;
	r->source = loc_str(k, dwfl_line_comp_dir(l), file, line);
	inline_chain(k, f->mod, a, dwfl_line_comp_dir(l), r);
	return 0;
}

void ksym_result_free(struct ksym_result *r)
{
	size_t i;

	for (i = 0; i < r->n_inlined; i++) {
		free(r->inlined[i].function);
		free(r->inlined[i].source);
	}
	free(r->inlined);
	free(r->source);
	memset(r, 0, sizeof(*r));
}

struct json_object *ksym_result_json(const struct ksym_result *r)
{
	struct json_object *j = json_object_new_object(), *a;
	size_t i;

	bt_json_add_str(j, "source", r->source);
	if (r->n_inlined) {
		a = json_object_new_array();
		for (i = 0; i < r->n_inlined; i++) {
			struct json_object *e = json_object_new_object();

			bt_json_add_str(e, "function", r->inlined[i].function);
			bt_json_add_str(e, "source", r->inlined[i].source);
			json_object_array_add(a, e);
		}
		json_object_object_add(j, "inlined", a);
	}
	return j;
}

long ksym_annotate_crashes(struct ksym *k, struct json_object *crashes,
			   const bool *first_exact)
{
	size_t nc = json_object_array_length(crashes), c, i;
	long placed = 0;

	for (c = 0; c < nc && c < MAX_CRASHES; c++) {
		struct json_object *crash = json_object_array_get_idx(crashes, c);
		struct json_object *stack = bt_json_get_array(crash, "stack");
		struct json_object *out;
		size_t n = stack ? json_object_array_length(stack) : 0;
		long here = 0;

		if (!n)
			continue;
		out = json_object_new_array();
		for (i = 0; i < n; i++) {
			struct json_object *e = json_object_array_get_idx(stack, i);
			const char *s = json_object_is_type(e, json_type_string) ?
					json_object_get_string(e) : NULL;
			struct ksym_frame fr;
			struct ksym_result r;

			/*
			 * The first frame is the faulting instruction when the
			 * report has a RIP/pc line; the rest are return
			 * addresses.
			 */
			bool exact = i == 0 && (!first_exact || first_exact[c]);

			if (i < MAX_FRAMES && s &&
			    ksym_parse_frame(s, strlen(s), &fr) == 0 &&
			    ksym_lookup(k, &fr, exact, &r) == 0) {
				json_object_array_add(out, ksym_result_json(&r));
				ksym_result_free(&r);
				here++;
			} else {
				json_object_array_add(out, NULL);
			}
		}
		if (here)
			json_object_object_add(crash, "stack_sources", out);
		else
			json_object_put(out);
		placed += here;
	}
	return placed;
}
