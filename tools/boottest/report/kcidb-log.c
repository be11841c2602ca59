// SPDX-License-Identifier: GPL-2.0
/*
 * What kcidb takes from the console log: the compiler of the kernel's
 * banner, and excerpts.  The log is what the guest printed: every length is
 * bounded, and excerpts are made valid for KCIDB (no NUL, UTF-8, at most
 * KC_EXCERPT_MAX characters).
 */
#include <string.h>

#include "err.h"
#include "kcidb.h"
#include "strbuf.h"

#define BANNER_MAX	1024

/* Length of the valid UTF-8 sequence at s (max n bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t want, i;
	unsigned int c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		want = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		want = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		want = 4;
	else
		return 0;
	if (n < want)
		return 0;
	c = s[0] & (0x7f >> want);
	for (i = 1; i < want; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((want == 3 && c < 0x800) || (want == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return want;
}

char *kc_clean_text(const char *s, size_t n, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0, k;

	sb_addstr(&sb, "");
	while (i < n) {
		k = utf8_len(u + i, n - i);
		if (sb.len + (k ? k : 1) > max)
			break;
		if (!k)
			sb_addch(&sb, '?');
		else if (u[i] == '\0')
			sb_addch(&sb, ' ');
		else
			sb_add(&sb, s + i, k);
		i += k ? k : 1;
	}
	return sb_detach(&sb);
}

char *kc_excerpt(const char *log, size_t len, long first, long last,
		 size_t max)
{
	const char *p = log, *end = log + len, *from = NULL, *to = end;
	long line = 1;

	if (first <= 0) {
		size_t take = len < max ? len : max;
		const char *s = log + len - take;

		/* start at a line, and at a character */
		if (take < len) {
			const char *nl = memchr(s, '\n', take);

			if (nl)
				s = nl + 1;
		}
		return kc_clean_text(s, end - s, max);
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		if (line == first)
			from = p;
		if (line == last) {
			to = nl ? nl + 1 : end;
			break;
		}
		if (!nl)
			break;
		p = nl + 1;
		line++;
	}
	if (!from)
		return kc_clean_text("", 0, max);
	return kc_clean_text(from, to - from, max);
}

/* s at '(': past its matching ')' (nested), or NULL. */
static const char *skip_group(const char *s, const char *end)
{
	int depth = 0;

	for (; s < end; s++) {
		if (*s == '(')
			depth++;
		else if (*s == ')' && --depth == 0)
			return s + 1;
	}
	return NULL;
}

char *kc_banner_compiler(const char *log, size_t len)
{
	static const char key[] = "Linux version ";
	const char *p = log, *end = log + len, *s, *e, *c;
	int depth = 0;

	while (p < end) {
		s = memmem(p, end - p, key, sizeof(key) - 1);
		if (!s)
			return NULL;
		e = memchr(s, '\n', end - s);
		if (!e)
			e = end;
		if (e - s > BANNER_MAX)
			e = s + BANNER_MAX;
		p = s + sizeof(key) - 1;
		/* the release, then (builder), then (compiler, linker) */
		while (p < e && *p != ' ')
			p++;
		if (p + 2 < e && p[0] == ' ' && p[1] == '(') {
			p = skip_group(p + 1, e);
			if (p && p + 2 < e && p[0] == ' ' && p[1] == '(') {
				c = p + 2;
				depth = 0;
				for (p = c; p < e; p++) {
					if (*p == '(')
						depth++;
					else if ((*p == ')' && depth-- == 0) ||
						 (*p == ',' && !depth))
						break;
				}
				if (p < e && p > c)
					return kc_clean_text(c, p - c, BANNER_MAX);
				return NULL;
			}
		}
		p = e;
	}
	return NULL;
}
