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
 * match blanks only (or nothing).  A branch whose start can be any byte
 * (".*: module license") gives instead a literal that every match of it
 * holds (a run of plain bytes after that, unquantified): a line without
 * the first bytes may still match when it holds one of these literals.
 * Whatever is not understood (POSIX classes, most escapes, option
 * settings, lookarounds, verbs, bytes above 0x7f, a branch not anchored)
 * gives no filter at all, so a line is skipped only when the regexp cannot
 * match it.
 *
 * Blanks are the bytes \s matches without PCRE2_UCP: space, \t, \n, \v,
 * \f, \r.  Lines never hold '\n', so with PCRE2_MULTILINE "^" still only
 * matches at the start of the line.
 */
#include <ctype.h>
#include <string.h>

#include "rules.h"

struct fparse {
	const char *p;
	bool bad;		/* not understood: no filter */
};

/* What an item or a sequence of items can match. */
struct fitem {
	unsigned long long set[4];	/* possible first non-blank bytes */
	bool blank;		/* can match a string of blanks only (or "") */
	bool nullable;		/* can match "" */
	bool lblank;		/* a match not holding a needle can start with a blank */
	bool anchor;		/* starts at the start of the subject */
	bool wild;		/* its first non-blank byte can be any */
	/* or a match whose first byte is not in set holds one of these */
	char needle[DC_NEEDLES][DC_NEEDLE_MAX];
	unsigned char nlen[DC_NEEDLES];
	int nneedle;
};

/* An empty item (the needles' bytes are left as they are). */
static void fitem_init(struct fitem *it)
{
	memset(it->set, 0, sizeof(it->set));
	it->blank = it->nullable = it->lblank = false;
	it->anchor = it->wild = false;
	it->nneedle = 0;
}

static bool blank_byte(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * How common a byte is in console text: lower is rarer.  Blanks, hex
 * digits, brackets and colons fill register dumps and stack frames (':'
 * is on nearly every line of a report: a needle's memchr() on it would
 * stop at every line).
 */
static int byte_cost(unsigned char c)
{
	if (c == ' ' || isdigit(c))
		return 6;
	if (c && strchr("abcdefilnorstx[]_.:/+", c))
		return 5;
	if (c && strchr("kmpu=-", c))
		return 4;
	if (islower(c))
		return 3;
	return 0;
}

static void set_all(struct fitem *it)
{
	memset(it->set, 0xff, sizeof(it->set));
	it->blank = true;
	it->lblank = true;
	it->wild = true;
}

/* The needles of from into to; too many make to wild. */
static void add_needles(struct fitem *to, const struct fitem *from)
{
	for (int i = 0; i < from->nneedle; i++) {
		if (to->nneedle == DC_NEEDLES) {
			to->wild = true;
			return;
		}
		memcpy(to->needle[to->nneedle], from->needle[i], from->nlen[i]);
		to->nlen[to->nneedle++] = from->nlen[i];
	}
}

static void merge(struct fitem *to, const struct fitem *from)
{
	for (int w = 0; w < 4; w++)
		to->set[w] |= from->set[w];
	add_needles(to, from);
	to->wild |= from->wild;
}

/* One byte matched as it is. */
static void set_byte(struct fitem *it, unsigned char c)
{
	if (blank_byte(c))
		it->blank = it->lblank = true;
	else
		it->set[c >> 6] |= 1ULL << (c & 63);
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
		it->blank = it->lblank = true;
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

/*
 * One atom (no quantifier); *lit is its byte when it is one plain byte,
 * else -1.
 */
static void parse_atom(struct fparse *fp, struct fitem *it, int *lit)
{
	unsigned char c = *fp->p++;

	*lit = -1;

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
		it->blank = it->nullable = true;
		it->anchor = true;
		return;
	case '$':
		it->blank = it->nullable = true;
		return;
	case '\\':
		c = *fp->p;
		if (!c) {
			fp->bad = true;
			return;
		}
		fp->p++;
		if (strchr("bBGzZA", c)) {	/* zero-width */
			it->blank = it->nullable = true;
			it->anchor = c == 'A';
			return;
		}
		if (!escape_bytes(it, c))
			fp->bad = true;
		else if ((unsigned char)c < 0x80 && ispunct((unsigned char)c))
			*lit = c;
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
	if (c >= 0x80) {
		fp->bad = true;
		return;
	}
	set_byte(it, c);
	*lit = c;
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

/* A run of plain bytes; the longest one is kept. */
struct run {
	char b[DC_NEEDLE_MAX];
	size_t n;
};

static void run_end(struct run *cur, struct run *best)
{
	if (cur->n > best->n)
		*best = *cur;
	cur->n = 0;
}

/*
 * After an item whose first byte can be any: every match holds the
 * sequence's longest run of plain unquantified bytes that follows (cut to
 * DC_NEEDLE_MAX bytes, still held); it becomes a needle of out.
 */
static bool run_nonblank(const struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (!blank_byte(r->b[i]))
			return true;
	return false;
}

static void seq_needle(struct fitem *out, struct run *best)
{
	if (!run_nonblank(best) || out->nneedle == DC_NEEDLES) {
		out->wild = true;
		return;
	}
	memcpy(out->needle[out->nneedle], best->b, best->n);
	out->nlen[out->nneedle++] = best->n;
	/* every match of the sequence holds the needle */
	out->blank = out->nullable = out->lblank = false;
}

/* Bytes a first set admits: a wide one ("[a-z0-9_-]+") filters little. */
static int set_size(const struct fitem *it)
{
	int n = 0;

	for (int w = 0; w < 4; w++)
		n += __builtin_popcountll(it->set[w]);
	return n;
}

/*
 * A sequence of items, up to '|', ')' or the end.  An item with a wide
 * first set that must match something gives way to a needle after it when
 * there is one.
 */
static void parse_seq(struct fparse *fp, struct fitem *out)
{
	bool first = true, after_wild = false, has_wide = false;
	struct run cur = { .n = 0 }, best = { .n = 0 };
	struct fitem wide;

	out->blank = out->nullable = true;
	out->lblank = out->anchor = false;
	while (!fp->bad && *fp->p && *fp->p != '|' && *fp->p != ')') {
		struct fitem it;
		bool quant, some;
		int lit;

		fitem_init(&it);
		parse_atom(fp, &it, &lit);
		if (fp->bad)
			return;
		some = parse_quant(fp, &quant);
		if (fp->bad)
			return;
		if (after_wild) {
			if (lit >= 0 && !quant && cur.n < DC_NEEDLE_MAX)
				cur.b[cur.n++] = lit;
			else if (lit < 0 || quant)
				run_end(&cur, &best);
			continue;
		}
		if (!some)
			it.blank = it.nullable = true;
		if (first)
			out->anchor = it.anchor && !quant;
		first = false;
		if (!out->blank)
			continue;
		if (it.wild) {
			after_wild = true;
			continue;
		}
		if (!it.blank && !it.nneedle && set_size(&it) > 16) {
			wide = it;
			has_wide = true;
			after_wild = true;
			continue;
		}
		merge(out, &it);
		out->blank = it.blank;
		if (out->nullable)
			out->lblank |= it.lblank;
		out->nullable &= it.nullable;
	}
	if (!after_wild)
		return;
	run_end(&cur, &best);
	if (has_wide && (!run_nonblank(&best) || out->nneedle == DC_NEEDLES)) {
		/* no needle: the wide set after all */
		merge(out, &wide);
		if (out->nullable)
			out->lblank |= wide.lblank;
		out->blank = out->nullable = false;
		return;
	}
	seq_needle(out, &best);
}

static void parse_alts(struct fparse *fp, struct fitem *out, bool top)
{
	out->blank = out->nullable = out->lblank = false;
	out->anchor = true;
	for (;;) {
		struct fitem alt;

		fitem_init(&alt);
		parse_seq(fp, &alt);
		if (fp->bad)
			return;
		merge(out, &alt);
		out->blank |= alt.blank;
		out->nullable |= alt.nullable;
		out->lblank |= alt.lblank;
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
	struct fitem it;

	fitem_init(&it);
	memset(f, 0, sizeof(*f));
	f->any = true;
	if (!src)
		return;
	parse_alts(&fp, &it, true);
	if (fp.bad || !it.anchor || it.blank || it.wild)
		return;
	for (int c = 0; c < 256; c++)
		f->ok[c] = (it.set[c >> 6] >> (c & 63)) & 1;
	f->lead_blank = it.lblank;
	for (int i = 0; i < it.nneedle; i++) {
		int best = 1 << 10;

		memcpy(f->needle[i], it.needle[i], it.nlen[i]);
		f->nlen[i] = it.nlen[i];
		for (int k = 0; k < it.nlen[i]; k++) {
			int c = byte_cost(it.needle[i][k]);

			if (c < best) {
				best = c;
				f->rare[i] = k;
			}
		}
	}
	f->nneedle = it.nneedle;
	f->any = false;
}

bool dc_src_anchored(const char *src)
{
	struct fparse fp = { .p = src };
	struct fitem it;

	fitem_init(&it);
	parse_alts(&fp, &it, true);
	return !fp.bad && it.anchor;
}

bool dc_first_needles(const struct dc_first *f, const char *s, size_t n)
{
	const char *end = s + n;

	for (int i = 0; i < f->nneedle; i++) {
		const char *nd = f->needle[i];
		size_t len = f->nlen[i], off = f->rare[i];
		const char *p = s + off, *q;

		if (len > n)
			continue;
		/* the needle's rarest byte first, then the whole needle */
		while (p < end && (q = memchr(p, nd[off], end - p))) {
			if ((size_t)(end - (q - off)) >= len &&
			    !memcmp(q - off, nd, len))
				return true;
			p = q + 1;
		}
	}
	return false;
}
