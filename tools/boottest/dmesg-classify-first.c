// SPDX-License-Identifier: GPL-2.0
/*
 * dmesg-classify first-byte filter: which bytes may be the first non-blank
 * byte of a line that an anchored regexp matches.
 *
 * The per-line lists (stack starts, message levels) are anchored at the
 * start of the line ("^..."), and most lines start with a byte that none
 * of their alternatives can begin with: such a line needs no regexp call.
 * The regexp's source is read here, conservatively: for a sequence, the
 * first bytes of each item are collected while the items before it can
 * match blanks only (or nothing).  Whatever is not understood (negated or
 * POSIX classes, most escapes, option settings, lookarounds, verbs, bytes
 * above 0x7f, a branch not anchored) gives no filter at all, so a line is
 * skipped only when the regexp cannot match it.
 *
 * Blanks are the bytes \s matches without PCRE2_UCP: space, \t, \n, \v,
 * \f, \r.  Lines never hold '\n', so with PCRE2_MULTILINE "^" still only
 * matches at the start of the line.
 */
#include <ctype.h>
#include <string.h>

#include "dmesg-classify.h"

struct fparse {
	const char *p;
	bool bad;		/* not understood: no filter */
};

/* What an item or a sequence of items can match. */
struct fitem {
	bool set[256];		/* possible first non-blank bytes */
	bool blank;		/* can match a string of blanks only (or "") */
	bool anchor;		/* starts at the start of the subject */
};

static bool blank_byte(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void set_all(struct fitem *it)
{
	memset(it->set, 1, sizeof(it->set));
	it->blank = true;
}

/* One byte matched as it is. */
static void set_byte(struct fitem *it, unsigned char c)
{
	if (blank_byte(c))
		it->blank = true;
	else
		it->set[c] = true;
}

static void set_range(struct fitem *it, int a, int b)
{
	for (int c = a; c <= b; c++)
		set_byte(it, c);
}

/* Bytes of UTF-8 sequences: whatever a class might match above ASCII. */
static void set_high(struct fitem *it)
{
	set_range(it, 0x80, 0xff);
}

/*
 * An escape \e (in a class too): its bytes into it; false when it is not
 * one byte or a simple class.  Zero-width escapes are handled by the
 * caller.
 */
static bool escape_bytes(struct fitem *it, char e)
{
	switch (e) {
	case 's':
		it->blank = true;
		return true;
	case 'd':
		set_range(it, '0', '9');
		set_high(it);
		return true;
	case 'w':
		set_range(it, '0', '9');
		set_range(it, 'A', 'Z');
		set_range(it, 'a', 'z');
		set_byte(it, '_');
		set_high(it);
		return true;
	case 't':
		set_byte(it, '\t');
		return true;
	case 'n':
		set_byte(it, '\n');
		return true;
	case 'r':
		set_byte(it, '\r');
		return true;
	case 'f':
		set_byte(it, '\f');
		return true;
	case 'e':
		set_byte(it, 0x1b);
		return true;
	case 'a':
		set_byte(it, 0x07);
		return true;
	}
	/* an escaped ASCII punctuation byte is itself */
	if ((unsigned char)e < 0x80 && ispunct((unsigned char)e)) {
		set_byte(it, e);
		return true;
	}
	return false;
}

/* "[...]" after the '['. */
static void parse_class(struct fparse *fp, struct fitem *it)
{
	const char *p = fp->p;
	bool first = true;

	if (*p == '^') {	/* negated: nearly anything */
		set_all(it);
		p++;
	}
	for (; *p && (first || *p != ']'); first = false) {
		unsigned char c = *p;

		if (c == '[' && p[1] == ':') {	/* POSIX class */
			const char *e = strstr(p + 2, ":]");

			if (!e)
				break;
			set_all(it);
			p = e + 2;
			continue;
		}
		if (c == '\\') {
			if (!p[1])
				break;
			if (!escape_bytes(it, p[1]))
				set_all(it);
			p += 2;
			continue;
		}
		if (c >= 0x80) {
			set_all(it);
			p++;
			continue;
		}
		if (p[1] == '-' && p[2] && p[2] != ']') {
			unsigned char d = p[2];

			if (d == '\\' || d == '[' || d >= 0x80 || d < c)
				set_all(it);
			else
				set_range(it, c, d);
			p += 3;
			continue;
		}
		set_byte(it, c);
		p++;
	}
	if (*p != ']') {
		fp->bad = true;
		return;
	}
	fp->p = p + 1;
}

static void parse_alts(struct fparse *fp, struct fitem *out, bool top);

/* "(...)" after the '(': the group's kind, then its branches. */
static void parse_group(struct fparse *fp, struct fitem *it)
{
	const char *p = fp->p;

	if (*p == '?') {
		if (p[1] == ':' || p[1] == '>' || p[1] == '|') {
			p += 2;
		} else if ((p[1] == '<' && (isalpha((unsigned char)p[2]) ||
					    p[2] == '_')) ||
			   (p[1] == 'P' && p[2] == '<') || p[1] == '\'') {
			char close = p[1] == '\'' ? '\'' : '>';

			p = strchr(p + 2, close);
			if (!p) {
				fp->bad = true;
				return;
			}
			p++;
		} else {	/* options, lookarounds, comments, calls */
			fp->bad = true;
			return;
		}
	} else if (*p == '*') {		/* verbs */
		fp->bad = true;
		return;
	}
	fp->p = p;
	parse_alts(fp, it, false);
	if (fp->bad)
		return;
	if (*fp->p != ')') {
		fp->bad = true;
		return;
	}
	fp->p++;
}

/* One atom (no quantifier). */
static void parse_atom(struct fparse *fp, struct fitem *it)
{
	unsigned char c = *fp->p++;

	switch (c) {
	case '(':
		parse_group(fp, it);
		return;
	case '[':
		parse_class(fp, it);
		return;
	case '.':
		set_all(it);
		return;
	case '^':
		it->blank = true;
		it->anchor = true;
		return;
	case '$':
		it->blank = true;
		return;
	case '\\':
		c = *fp->p;
		if (!c) {
			fp->bad = true;
			return;
		}
		fp->p++;
		if (strchr("bBGzZA", c)) {	/* zero-width */
			it->blank = true;
			it->anchor = c == 'A';
			return;
		}
		if (!escape_bytes(it, c))
			fp->bad = true;
		return;
	case '*':
	case '+':
	case '?':
	case '{':
	case ')':
	case '|':
		fp->bad = true;
		return;
	}
	if (c >= 0x80)
		fp->bad = true;
	else
		set_byte(it, c);
}

/* A quantifier after an atom, if any: false when it allows zero. */
static bool parse_quant(struct fparse *fp, bool *quant)
{
	const char *p = fp->p;
	bool zero = false;

	*quant = false;
	for (;;) {
		if (*p == '*' || *p == '?') {
			zero = true;
			p++;
		} else if (*p == '+') {
			p++;
		} else if (*p == '{') {
			unsigned long min = 0;
			bool digits = false;

			for (p++; isdigit((unsigned char)*p); p++) {
				digits = true;
				if (min < 1000000)
					min = min * 10 + (*p - '0');
			}
			if (!digits) {
				fp->bad = true;
				return false;
			}
			if (*p == ',')
				for (p++; isdigit((unsigned char)*p); p++)
					;
			if (*p != '}') {
				fp->bad = true;
				return false;
			}
			p++;
			if (!min)
				zero = true;
		} else {
			break;
		}
		*quant = true;
		/* lazy or possessive */
		if (*p == '?' || *p == '+')
			p++;
	}
	fp->p = p;
	return !zero;
}

/* A sequence of items, up to '|', ')' or the end. */
static void parse_seq(struct fparse *fp, struct fitem *out)
{
	bool first = true;

	out->blank = true;
	out->anchor = false;
	while (!fp->bad && *fp->p && *fp->p != '|' && *fp->p != ')') {
		struct fitem it = { 0 };
		bool quant, some;

		parse_atom(fp, &it);
		if (fp->bad)
			return;
		some = parse_quant(fp, &quant);
		if (fp->bad)
			return;
		if (!some)
			it.blank = true;
		if (first)
			out->anchor = it.anchor && !quant;
		first = false;
		if (out->blank) {
			for (int c = 0; c < 256; c++)
				out->set[c] |= it.set[c];
			out->blank = it.blank;
		}
	}
}

static void parse_alts(struct fparse *fp, struct fitem *out, bool top)
{
	out->blank = false;
	out->anchor = true;
	for (;;) {
		struct fitem alt = { 0 };

		parse_seq(fp, &alt);
		if (fp->bad)
			return;
		for (int c = 0; c < 256; c++)
			out->set[c] |= alt.set[c];
		out->blank |= alt.blank;
		out->anchor &= alt.anchor;
		if (*fp->p != '|')
			break;
		fp->p++;
	}
	if (top && *fp->p)
		fp->bad = true;
}

void dc_first_build(struct dc_first *f, const char *src)
{
	struct fparse fp = { .p = src };
	struct fitem it = { 0 };

	memset(f, 0, sizeof(*f));
	f->any = true;
	if (!src)
		return;
	parse_alts(&fp, &it, true);
	if (fp.bad || !it.anchor || it.blank)
		return;
	for (int c = 0; c < 256; c++)
		f->ok[c] = it.set[c];
	f->any = false;
}
