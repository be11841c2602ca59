/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmesg-classify match: the rules' regexps run on the decoded lines (JIT
 * on first use), the header prefilter, message levels, benign messages.
 */
#ifndef DMESG_CLASSIFY_MATCH_H
#define DMESG_CLASSIFY_MATCH_H

#include "input.h"
#include "rules.h"

/* Build the literal prefilter from the headers (dc_find_headers does). */
void dc_lit_build(struct dc_rules *r);
/*
 * The header whose literal occurs in s[0..n) (the first listed when
 * several do), or -1; *pos is where it starts.  *inside is set when any
 * literal found belongs to an ignore-inside header.
 */
int dc_lit_find(const struct dc_rules *r, const char *s, size_t n,
		size_t *pos, bool *inside);
/*
 * Where the window of a header literal occurring in s[0..n) lies, at or
 * after from (n when none): the literal starts at most its length before.
 */
size_t dc_lit_next(const struct dc_rules *r, const char *s, size_t n,
		   size_t from);
/* Where the header literal starts in a line found to hold a header. */
size_t dc_header_pos(const struct dc_rules *r, const struct dc_log *log,
		     const struct dc_line *ln);
/* The header of a line, suppressions applied: its index or -1. */
int dc_line_header(struct dc_rules *r, const struct dc_log *log,
		   const struct dc_line *ln, size_t *pos, bool *inside);

/*
 * The header of each line, suppressions applied (dc_line.hdr, .inside),
 * and log->nheaders.
 */
void dc_find_headers(struct dc_rules *r, struct dc_log *log);

/* A format's title regexp, anchored at the start offset (JIT-compiled). */
pcre2_code *dc_anchored(struct dc_format *f);
bool dc_match(struct dc_rules *r, pcre2_code *re, const char *s, size_t len);
/* Does a benign rule match the line? */
bool dc_benign(struct dc_rules *r, const struct dc_log *log,
	       const struct dc_line *ln);
/* The level of a line without a priority, from the message formats: -1. */
int dc_line_level(struct dc_rules *r, const struct dc_log *log,
		  const struct dc_line *ln);
/*
 * dc_line_level() on lines whose text lies in data[0..limit) (others are
 * searched one by one) looks for the formats' needles in data once: the
 * lines are best taken in order.
 */
void dc_msg_scan_init(struct dc_rules *r, const char *data, size_t limit);
/*
 * pcre2_match() of re (JIT-compiled on first use) on s[0..len) from off,
 * into r->md; the JIT's own entry when it compiled re.
 */
int dc_exec(struct dc_rules *r, pcre2_code *re, const char *s, size_t len,
	    size_t off);
/* JIT-compile re on its first use; returns re. */
pcre2_code *dc_jit(pcre2_code *re);

#endif
