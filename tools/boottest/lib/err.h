/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Diagnostics shared by every boottest tool.
 *
 * Messages go to stderr as "PROG: error: TEXT" (or "warning:", "note:"),
 * the form compilers use, so editors and scripts can parse them.  A message
 * names the object and the reason; callers append strerror(errno),
 * error_message(), elf_errmsg() or the PCRE2 message themselves, and the
 * fix where one is known.
 */
#ifndef BOOTTEST_ERR_H
#define BOOTTEST_ERR_H

#include <stddef.h>
#include "compiler.h"

/* Exit statuses shared by all tools. */
#define BT_EXIT_OK	0	/* success / no crash */
#define BT_EXIT_FAIL	1	/* the thing tested failed / crash found */
#define BT_EXIT_USAGE	2	/* usage or infrastructure error */

/* Set the program name used as message prefix (basename of argv[0]). */
void bt_set_prog(const char *argv0);
const char *bt_prog(void);

/* Messages go nowhere below this level; -q sets 1 (errors only). */
void bt_set_quiet(int quiet);

void bt_err(const char *fmt, ...) __printf(1, 2);
void bt_warn(const char *fmt, ...) __printf(1, 2);
void bt_note(const char *fmt, ...) __printf(1, 2);
/* bt_error() prints like bt_err() and returns -1: "return bt_error(...);" */
int bt_error(const char *fmt, ...) __printf(1, 2);
void bt_die(int status, const char *fmt, ...) __printf(2, 3) __noreturn;

/* Allocation helpers: they never return NULL (they die on exhaustion). */
void *bt_malloc(size_t size);
void *bt_calloc(size_t nmemb, size_t size);
void *bt_realloc(void *ptr, size_t size);
char *bt_strdup(const char *s);
char *bt_strndup(const char *s, size_t n);
char *bt_asprintf(const char *fmt, ...) __printf(1, 2);

#endif
