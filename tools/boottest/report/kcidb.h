/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcidb: a run's result.json as a KCIDB v5.3 submission (kcidb.json).
 *
 *   kcidb.c       options, checkout/build/tests/issues/incidents
 *   kcidb-log.c   what is taken from the console log (untrusted): the
 *                 compiler from the kernel's banner, excerpts as KCIDB
 *                 wants them (bounded, no NUL, valid UTF-8)
 */
#ifndef BOOTTEST_KCIDB_H
#define BOOTTEST_KCIDB_H

#include <stddef.h>

/* KCIDB's limit on a log_excerpt, in characters. */
#define KC_EXCERPT_MAX	16384

/*
 * The compiler named by the first "Linux version REL (BUILDER) (COMPILER,
 * LINKER) #..." banner of log[0..len): a new string, or NULL.
 */
char *kc_banner_compiler(const char *log, size_t len);

/*
 * Lines first..last (1-based, inclusive) of log[0..len), at most max bytes
 * (whole characters), NUL bytes as spaces, invalid UTF-8 as '?': a new
 * string (empty when the lines are not there).  first 0: the last max
 * bytes of the log.
 */
char *kc_excerpt(const char *log, size_t len, long first, long last,
		 size_t max);

/* s[0..n) made valid UTF-8 without NULs, at most max bytes: a new string. */
char *kc_clean_text(const char *s, size_t n, size_t max);

#endif
