/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmesg-classify input: a console log's bytes decoded into lines, each
 * with what its framing said (priority, timestamp, printk caller).
 */
#ifndef DMESG_CLASSIFY_INPUT_H
#define DMESG_CLASSIFY_INPUT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The largest input: line texts are 32-bit offsets, so that a line's
 * record takes 16 bytes (a log of bare newlines has a record a byte).
 */
#define DC_LOG_MAX ((size_t)UINT_MAX)

/* One decoded input line (dc_line()). */
struct dc_line {
	unsigned int off;	/* message text, prefixes stripped: dc_text() */
	unsigned int len;
	unsigned int ctx;	/* 0: bare, 1: timestamp, else printk caller */
	signed int level:4;	/* 0 (emerg) .. 7 (debug), -1 unknown */
	signed int facility:8;	/* syslog facility, -1 unknown, 0 kernel */
	bool cleaned:1;		/* text in dc_log.clean, not in its data */
	bool kmsg_cont:1;	/* /dev/kmsg " KEY=value" continuation */
	bool inside:1;		/* an ignore-inside header */
	bool nmi:1;		/* "Sending NMI from CPU" */
	signed int hdr:16;	/* header index, -1 none (dc_find_headers) */
};

struct dc_log {
	const char *data;	/* the input */
	char *clean;		/* cleaned copies of lines that needed it */
	size_t clean_used;
	/*
	 * The records of the lines that are not blank, after recs[0]: that
	 * of every blank line (no byte but a CR, or bytes cleaning drops).  Bit i % 64 of
	 * kept[i / 64] is set when line i has a record of its own, and
	 * before[i / 64] counts those of the lines before line i & ~63.
	 */
	struct dc_line *recs;
	size_t nrecs;
	uint64_t *kept;
	unsigned int *before;
	size_t nlines;
	size_t bytes;		/* input size */
	size_t nheaders;	/* lines with a header (dc_find_headers) */
	bool has_prio;		/* some line carried a priority */
};

/* Line i (0 .. nlines - 1), whose number is i + 1. */
static inline struct dc_line *dc_line(const struct dc_log *log, size_t i)
{
	struct dc_line *first = log->recs + 1 + log->before[i / 64];
	uint64_t kept = log->kept[i / 64];
	unsigned int bit = i % 64;

	/* most logs have few blank lines: all 64 kept, no count */
	if (kept == ~(uint64_t)0)
		return first + bit;
	if (!(kept >> bit & 1))
		return log->recs;
	kept &= ((uint64_t)1 << bit) - 1;
	return first + __builtin_popcountll(kept);
}

/*
 * Has line i a record of its own (is it not blank)?  A walk over the
 * lines in order reads the records in order: recs[1], recs[2], ...
 */
static inline bool dc_line_kept(const struct dc_log *log, size_t i)
{
	return log->kept[i / 64] >> (i % 64) & 1;
}

/* A line's text (ln->len bytes). */
static inline const char *dc_text(const struct dc_log *log,
				  const struct dc_line *ln)
{
	return (ln->cleaned ? log->clean : log->data) + ln->off;
}

/*
 * Decode a whole input buffer (any bytes) into lines; data must outlive
 * log.  Returns -1 when len is over DC_LOG_MAX.
 */
int dc_log_parse(struct dc_log *log, const char *data, size_t len);
void dc_log_free(struct dc_log *log);

#endif
