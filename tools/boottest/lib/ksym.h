/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ksym: file:line (and the inlining chain) for kernel stack frames
 * "func+0xOFF/0xSIZE [module]", from the DWARF line tables of vmlinux or
 * of the module's .ko (libdw).
 *
 *   ksym-frame.c   frame string parser (untrusted console text; fuzzed)
 *   ksym.c         symbol and line lookup with libdw, crash annotation
 *
 * The ksymbolize tool (symbolize/) and vmrun (the crash stacks of
 * result.json) use it; a program that does links libdw and libelf.
 */
#ifndef BOOTTEST_KSYM_H
#define BOOTTEST_KSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#define KSYM_NAME_MAX	512
#define KSYM_MOD_MAX	64

struct ksym_frame {
	char func[KSYM_NAME_MAX];
	char module[KSYM_MOD_MAX];	/* "" for vmlinux */
	unsigned long long off, size;
	bool unreliable;		/* "? func+..." */
};

/* Parse one frame string; returns 0, or -1 when it is not a frame. */
int ksym_parse_frame(const char *s, size_t len, struct ksym_frame *fr);

/* One location of the inlining chain, innermost first. */
struct ksym_loc {
	char *function;
	char *source;			/* "path/file.c:LINE" */
};

struct ksym_result {
	char *source;			/* innermost file:line, NULL: unknown */
	struct ksym_loc *inlined;	/* chain when inlining happened */
	size_t n_inlined;
};

struct ksym;

/*
 * Open vmlinux (an ELF with symbols) and remember where modules are
 * (a directory with modules.order: a kernel build tree or
 * /lib/modules/REL; NULL for none).  Returns NULL, silently, when vmlinux
 * has no line tables; with a message when it cannot be read.
 */
struct ksym *ksym_open(const char *vmlinux, const char *modules_dir);
/*
 * The same, telling the two failures apart: -1 when vmlinux cannot be read
 * (message printed), 0 with *out NULL when it has no line tables.
 */
int ksym_load(const char *vmlinux, const char *modules_dir, struct ksym **out);
void ksym_close(struct ksym *k);

/*
 * Look one frame up.  exact: the address is the faulting instruction (the
 * RIP frame); otherwise it is a return address and the call before it is
 * looked up.  Returns 0 with *r filled (free with ksym_result_free), -1
 * when the frame cannot be placed.
 */
int ksym_lookup(struct ksym *k, const struct ksym_frame *fr, bool exact,
		struct ksym_result *r);
void ksym_result_free(struct ksym_result *r);
/* {"source": ..., "inlined": [{"function", "source"}...]} */
struct json_object *ksym_result_json(const struct ksym_result *r);

/*
 * For each crash object with a "stack" array of frame strings, add
 * "stack_sources": an array as long as "stack", each entry null or
 * ksym_result_json().  Nothing is added to a crash none of whose frames
 * could be placed.  first_exact[i]: the first frame of crash i is the
 * faulting instruction (its report has a RIP/pc line), not a return
 * address; NULL: true for all.  Returns the number of frames placed.
 */
long ksym_annotate_crashes(struct ksym *k, struct json_object *crashes,
			   const bool *first_exact);

#endif
