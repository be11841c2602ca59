/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmesg-classify output: a classified log written to stdout in one of
 * its forms (the caller flushes stdout and checks for errors).
 */
#ifndef DMESG_CLASSIFY_OUTPUT_H
#define DMESG_CLASSIFY_OUTPUT_H

#include "report.h"

/* The text of line i (not NUL-terminated). */
void dc_line_text(const struct dc_log *log, size_t i, const char **s,
		  size_t *n);
/* One JSON object, one crash per line ("new" keys with with_base). */
void dc_print_json(struct dc_log *log, struct dc_result *res,
		   bool with_base, bool crashed);
/* A summary, the crashes and the first 20 messages; name: the log's. */
void dc_print_human(const char *name, struct dc_log *log,
		    struct dc_result *res, bool color, bool with_base);
/* JUnit XML: one test case per crash, its lines in the failure. */
void dc_print_junit(const char *name, struct dc_log *log,
		    struct dc_result *res);
/* TAP: one test per crash, or one passing test. */
void dc_print_tap(const char *name, struct dc_result *res);

#endif
