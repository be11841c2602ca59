/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmesg-classify crash finder: the reports that headers start, their
 * titles, frames and extents, and the messages to report.
 */
#ifndef DMESG_CLASSIFY_REPORT_H
#define DMESG_CLASSIFY_REPORT_H

#include "match.h"

/* A piece of the log's text (not NUL-terminated). */
struct dc_span {
	const char *s;
	size_t n;
};

struct dc_crash {
	char *category;
	char *title;
	char *frame;
	char *alts[6];
	int nalt;
	size_t start;		/* line indexes */
	size_t end;
	bool panicked;
	bool corrupted;
	struct dc_span *stack;	/* spans of the log's text */
	int nstack;
	bool stack_plain;	/* no span needs a JSON escape */
	bool known;		/* in the baseline */
};

struct dc_msg {
	size_t line;
	int level;
	bool known;
};

struct dc_result {
	struct dc_crash *crashes;
	int ncrash;
	struct dc_msg *msgs;
	size_t nmsg;
	size_t counts[8];
	size_t benign;
	struct dc_span **span_blocks;	/* storage of the crashes' stacks */
	int nspan_blocks;
	size_t span_used;		/* spans used in the last block */
};

void dc_classify(struct dc_rules *r, struct dc_log *log, struct dc_result *res);
void dc_result_free(struct dc_result *res);
/* Apply the normalization rules to a title or message (new string). */
char *dc_normalize(struct dc_rules *r, const char *s);

#endif
