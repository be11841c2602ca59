/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmesg-classify input: a console log's bytes decoded into lines, each
 * with what its framing said (priority, timestamp, printk caller).
 */
#ifndef DMESG_CLASSIFY_INPUT_H
#define DMESG_CLASSIFY_INPUT_H

#include <stdbool.h>
#include <stddef.h>

/* One decoded input line; its number is its index + 1. */
struct dc_line {
	const char *text;	/* message text, prefixes stripped (len bytes) */
	unsigned int len;
	unsigned int ctx;	/* 0: bare, 1: timestamp, else printk caller */
	signed char level;	/* 0 (emerg) .. 7 (debug), -1 unknown */
	signed char facility;	/* syslog facility, -1 unknown, 0 kernel */
	bool kmsg_cont;		/* /dev/kmsg " KEY=value" continuation */
	bool inside;		/* an ignore-inside header */
	bool nmi;		/* "Sending NMI from CPU" */
	short hdr;		/* header index, -1 none (dc_find_headers) */
};

struct dc_log {
	const char *data;	/* the input */
	char **chunks;		/* cleaned copies of lines that needed it */
	size_t nchunks;
	size_t chunk_used;
	struct dc_line *lines;
	size_t nlines;
	size_t bytes;		/* input size */
	size_t nheaders;	/* lines with a header (dc_find_headers) */
	bool has_prio;		/* some line carried a priority */
};

/* Decode a whole input buffer (any bytes) into lines; data must outlive log. */
void dc_log_parse(struct dc_log *log, const char *data, size_t len);
void dc_log_free(struct dc_log *log);

#endif
