/* SPDX-License-Identifier: GPL-2.0 */
/* A growable, always NUL-terminated byte buffer. */
#ifndef BOOTTEST_STRBUF_H
#define BOOTTEST_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include "compiler.h"

struct strbuf {
	char *buf;	/* NUL-terminated; NULL until the first append */
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { NULL, 0, 0 }

void sb_grow(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_addstr(struct strbuf *sb, const char *s);
void sb_addch(struct strbuf *sb, int c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __printf(2, 3);
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap) __printf(2, 0);
void sb_reset(struct strbuf *sb);
/* Returns the buffer ("" when empty) and leaves sb empty; caller frees. */
char *sb_detach(struct strbuf *sb);
void sb_release(struct strbuf *sb);
static inline const char *sb_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

#endif
