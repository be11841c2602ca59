/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP version 13, the one writer: dmesg-classify --tap and vmrun's
 * result.tap.
 *
 *   TAP version 13
 *   1..N
 *   ok 1 - DESCRIPTION
 *   not ok 2 - DESCRIPTION # SKIP REASON
 *   # a comment
 *     ---
 *     key: value
 *     ...
 */
#ifndef BOOTTEST_TAP_H
#define BOOTTEST_TAP_H

#include <stdbool.h>
#include <stdio.h>
#include "compiler.h"

/* The version line and the plan. */
void bt_tap_plan(FILE *f, int n);
/* One test line; desc escaped; skip: reason of a SKIP directive or NULL. */
void bt_tap_result(FILE *f, bool ok, int num, const char *desc,
		   const char *skip);
/* "# TEXT" on one line. */
void bt_tap_comment(FILE *f, const char *s);
/* A YAML block after a test line: begin, "key: value" lines, end. */
void bt_tap_yaml_begin(FILE *f);
void bt_tap_yaml(FILE *f, const char *key, const char *fmt, ...)
	__printf(3, 4);
void bt_tap_yaml_end(FILE *f);

/* Write s on one line (newlines and control bytes become spaces), for TAP. */
void bt_tap_escape(FILE *f, const char *s);

#endif
