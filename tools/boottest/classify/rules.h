/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmesg-classify rules: what a crash looks like, loaded from rules files
 * (headers, title formats, frame lists, message formats) and compiled.
 */
#ifndef DMESG_CLASSIFY_RULES_H
#define DMESG_CLASSIFY_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "strbuf.h"

#define DC_WIN 3		/* bytes in a literal's prefilter window */
/* Every regexp of the rules is compiled with these. */
#define DC_RE_FLAGS (PCRE2_MULTILINE | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF)

/*
 * Which bytes may be the first non-blank byte of a line that an anchored
 * regexp matches (see first.c).
 */
#define DC_NEEDLES 8
#define DC_NEEDLE_MAX 32

struct dc_first {
	bool any;		/* no filter: every line may match */
	bool lead_blank;	/* else ok[] is of the line's first byte */
	bool ok[256];
	/* a line may match too when it holds one of these */
	char needle[DC_NEEDLES][DC_NEEDLE_MAX];
	unsigned char nlen[DC_NEEDLES];
	unsigned char rare[DC_NEEDLES];	/* offset of a rare byte */
	int nneedle;
};

/* The filter of a regexp's source (NULL: none). */
void dc_first_build(struct dc_first *f, const char *src);
/* Does every branch of the regexp src start with "^" (read as above)? */
bool dc_src_anchored(const char *src);
/* Does s[0..n) hold one of the needles of f? */
bool dc_first_needles(const struct dc_first *f, const char *s, size_t n);

/* May the regexp of f match the line s[0..n), its needles aside? */
static inline bool dc_first_lead(const struct dc_first *f, const char *s,
				 size_t n)
{
	size_t k = 0;

	if (f->any)
		return true;
	if (!f->lead_blank)
		return n && f->ok[(unsigned char)s[0]];
	while (k < n && (s[k] == ' ' || (s[k] >= '\t' && s[k] <= '\r')))
		k++;
	return k == n || f->ok[(unsigned char)s[k]];
}

/* May the regexp of f match the line s[0..n)? */
static inline bool dc_first_may(const struct dc_first *f, const char *s,
				size_t n)
{
	return dc_first_lead(f, s, n) ||
	       (f->nneedle && dc_first_needles(f, s, n));
}

enum dc_frame_mode {
	DC_FRAME_NONE,		/* title has no frame */
	DC_FRAME_TRACE,		/* first usable frame of the first stack */
	DC_FRAME_RIP,		/* RIP/pc line, then the stack; no line: none */
	DC_FRAME_RIPONLY,	/* the RIP/pc line alone */
	DC_FRAME_WARN,		/* RIP/pc line and the stack, else the stack */
	DC_FRAME_STALL,		/* the frame above the first anchor */
	DC_FRAME_HANG,		/* hung-task rules */
	DC_FRAME_LOCKDEP,	/* "at: FUNC" lines, then the stack */
	DC_FRAME_ORIGIN,	/* first stack, plus a second from the origin */
};

struct dc_format {
	pcre2_code *re;		/* title regexp, searched in the report text */
	pcre2_code *report;	/* must match too (optional) */
	pcre2_code *skip;	/* format-specific frame skips (optional) */
	pcre2_code *after;	/* frames are read after this line (optional) */
	char *lead;		/* every match starts with it (NULL: unknown) */
	size_t nlead;
	char *src;		/* the title regexp's source, with a lead */
	pcre2_code *anchored;	/* the same, anchored (made on first use) */
	char *title;		/* template: %1..%9, %F, %G, %% */
	char *alt[4];
	int nalt;
	char *category;
	enum dc_frame_mode mode;
	bool corrupted;		/* a fallback format: always corrupted */
	bool nostack;		/* no call trace is expected */
	bool noframe_raw;	/* no frame: the raw header line is the title */
};

struct dc_header {
	char *lit;		/* substring that marks a report header */
	size_t len;
	bool ignore_inside;	/* starts a report, never a second one */
	bool endmark;		/* not a crash; ends the report text */
	char *category;		/* when no format matches */
	pcre2_code **supp;	/* suppressions on the header line */
	int nsupp;
	struct dc_format *fmts;
	int nfmt;
};

struct dc_subst {
	pcre2_code *re;
	char *repl;
};

struct dc_rules {
	struct dc_header *hdrs;
	int nhdr;
	pcre2_code *frame_skip;		/* joined global skip list */
	struct strbuf frame_skip_src;
	pcre2_code *anchors;		/* stall anchors */
	struct strbuf anchors_src;
	struct dc_subst *hang_pick;	/* hang: frames picked when present */
	int nhang_pick;
	pcre2_code *hang_skip;		/* hang: frames never picked */
	struct strbuf hang_skip_src;
	pcre2_code *corrupt;		/* a frame that corrupts the stack */
	struct strbuf corrupt_src;
	pcre2_code *stall_self;		/* stall anchors that are guilty */
	struct strbuf stall_self_src;
	pcre2_code *stack_start;	/* "Call Trace:" and friends */
	struct strbuf stack_start_src;
	struct dc_first stack_first;
	pcre2_code *benign;		/* never an error/warning message */
	struct strbuf benign_src;
	/*
	 * The benign rules anchored at the start of the line, compiled
	 * anchored: one attempt per line, not one per byte.
	 */
	pcre2_code *benign_anch;
	struct strbuf benign_anch_src;
	struct dc_first benign_first;
	/*
	 * The same rules in two parts, when that matches the same lines
	 * (benign_split 1; -1 not, 0 not known yet: made on first use by
	 * dc_benign): those whose filter is first bytes only, and those with
	 * a needle (".*" at the start: tried at every byte), each with its
	 * own filter, so that a line runs the costly part only when it holds
	 * one of its needles.
	 */
	int benign_split;
	pcre2_code *benign_part[2];
	struct strbuf benign_part_src[2];
	struct dc_first benign_part_first[2];
	char **prefixes;		/* syscall prefixes stripped off frames */
	int nprefix;
	struct dc_subst *norm;		/* title normalization */
	int nnorm;
	struct strbuf msg_src[8];	/* levels of un-prefixed lines */
	pcre2_code *msg_re[8];
	struct dc_first msg_first[8];
	unsigned char msg_lev[8];	/* the levels that have a regexp */
	int nmsg_lev;
	/*
	 * The needles of msg_first[] looked for in the input (data[0..limit))
	 * once, not in each line: next[k][i] is where needle i of level k
	 * first occurs at or after from[k][i] (limit: nowhere).  data NULL:
	 * each line is searched (see dc_msg_scan_init).
	 */
	struct dc_msg_scan {
		const char *data;
		size_t limit;
		size_t from[8][DC_NEEDLES];
		size_t next[8][DC_NEEDLES];
		/* of each level: the greatest from, least next, least end */
		size_t from_max[8], next_min[8], end_min[8];
		/* the same of every level */
		size_t all_from_max, all_next_min, all_end_min;
	} mscan;
	/*
	 * A byte that some level's filter admits first on a line; valid when
	 * msg_quick (no filter admits all lines or skips blanks first).
	 */
	bool msg_lead[256];
	bool msg_quick;
	pcre2_match_data *md;
	struct dc_jitmemo {		/* regexps known JIT-compiled or not */
		const pcre2_code *re;
		bool jit;
	} jits[256];
	/*
	 * Literal prefilter over the header literals: a rare 3-byte window
	 * of each literal, in one of 8 buckets; a byte at window position k
	 * may belong to bucket b when bit b is set in win[k][byte] (see
	 * lit.c).
	 */
	uint16_t win[DC_WIN][256];	/* bucket bits, then second windows' */
	uint16_t *pair;		/* win[0][a] & win[1][b] for the pair a b */
	int bucket[8];			/* first literal of each bucket, -1 */
	struct dc_lit *lits;
	int nlit;
};

struct dc_lit {
	const char *s;
	size_t len;
	size_t off;		/* offset of its first window inside s */
	int hdr;		/* header index */
	int next;		/* next literal in the same bucket, -1 */
};

/* Load rules; path NULL loads nothing.  Returns 0 or -1 (message printed). */
int dc_rules_load(struct dc_rules *r, const char *path);
/* Compile the joined lists after the last load. */
int dc_rules_finish(struct dc_rules *r);
void dc_rules_free(struct dc_rules *r);
/* Load from a NUL-terminated buffer (fuzzing, tests); name for messages. */
int dc_rules_load_buf(struct dc_rules *r, const char *name, const char *buf);

pcre2_code *dc_compile(const char *src, const char *what, const char *file,
		       unsigned int lineno);
/*
 * Split the anchored benign rules in two when that matches the same lines
 * (made on the first call).
 */
void dc_benign_prepare(struct dc_rules *r);

#endif
