// SPDX-License-Identifier: GPL-2.0
/*
 * dmesg-classify match: the rules' regexps run on lines and report text.
 *
 * A regexp is JIT-compiled on its first use; the message formats and the
 * benign rules are tried on a line only when their first-byte filters
 * (first.c) admit it.
 */
#include <stdint.h>
#include <string.h>

#include "match.h"
#include "err.h"

/*
 * JIT-compile a regexp on its first use: most rules of a large set never
 * match anything in a given log, and compiling them all costs more than a
 * short log takes to read.  A regexp the JIT cannot take is interpreted.
 */
pcre2_code *dc_jit(pcre2_code *re)
{
	size_t sz = 0;

	if (re && pcre2_pattern_info(re, PCRE2_INFO_JITSIZE, &sz) == 0 && !sz)
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/*
 * The JIT runs a regexp anchored only when it was compiled so (an anchored
 * match of the plain one goes to the interpreter).
 */
pcre2_code *dc_anchored(struct dc_format *f)
{
	int ec;
	PCRE2_SIZE off;

	if (!f->anchored)
		f->anchored = dc_jit(pcre2_compile((PCRE2_SPTR)f->src,
						   PCRE2_ZERO_TERMINATED,
						   DC_RE_FLAGS | PCRE2_ANCHORED,
						   &ec, &off, NULL));
	return f->anchored;
}

int dc_exec(struct dc_rules *r, pcre2_code *re, const char *s, size_t len,
	    size_t off)
{
	struct dc_jitmemo *m = &r->jits[((uintptr_t)re >> 4) %
					ARRAY_SIZE(r->jits)];

	if (m->re != re) {
		size_t sz = 0;

		pcre2_pattern_info(dc_jit(re), PCRE2_INFO_JITSIZE, &sz);
		m->re = re;
		m->jit = sz > 0;
	}
	if (m->jit)
		return pcre2_jit_match(re, (PCRE2_SPTR)s, len, off, 0, r->md,
				       NULL);
	return pcre2_match(re, (PCRE2_SPTR)s, len, off, 0, r->md, NULL);
}

bool dc_match(struct dc_rules *r, pcre2_code *re, const char *s, size_t len)
{
	return re && dc_exec(r, re, s, len, 0) >= 0;
}

void dc_msg_scan_init(struct dc_rules *r, const char *data, size_t limit)
{
	struct dc_msg_scan *sc = &r->mscan;

	sc->data = data;
	sc->limit = limit;
	/* nothing looked for yet: from beyond every line */
	memset(sc->from, 0xff, sizeof(sc->from));
	memset(sc->from_max, 0xff, sizeof(sc->from_max));
	sc->all_from_max = SIZE_MAX;
}

/* Where needle i of f first occurs in data[from..limit): limit if nowhere. */
static size_t needle_next(const struct dc_first *f, int i, const char *data,
			  size_t limit, size_t from)
{
	const char *nd = f->needle[i], *end = data + limit, *p, *q;
	size_t len = f->nlen[i], off = f->rare[i];

	if (limit - from < len)
		return limit;
	/* the needle's rarest byte first, then the whole needle */
	p = data + from + off;
	while (p < end && (q = memchr(p, nd[off], end - p))) {
		if ((size_t)(end - (q - off)) >= len &&
		    !memcmp(q - off, nd, len))
			return q - off - data;
		p = q + 1;
	}
	return limit;
}

/* Does the line lie in the scanned input?  Its offset there in *a. */
static bool msg_scanned(const struct dc_msg_scan *sc,
			const struct dc_line *ln, size_t *a)
{
	if (!sc->data || ln->cleaned || ln->len > sc->limit ||
	    ln->off > sc->limit - ln->len)
		return false;
	*a = ln->off;
	return true;
}

/* dc_first_needles() of level k on a line, from the scan when it can. */
static bool msg_needles(struct dc_rules *r, int k, const struct dc_line *ln,
			const char *text)
{
	const struct dc_first *f = &r->msg_first[k];
	struct dc_msg_scan *sc = &r->mscan;
	size_t a, end;

	if (!msg_scanned(sc, ln, &a))
		return dc_first_needles(f, text, ln->len);
	end = a + ln->len;
	/*
	 * Every needle's next occurrence is the first from the line's start
	 * on, and each ends after the line: none is in it (most lines).
	 */
	if (sc->from_max[k] <= a && a <= sc->next_min[k] &&
	    end < sc->end_min[k])
		return false;
	sc->from_max[k] = 0;
	sc->next_min[k] = sc->end_min[k] = SIZE_MAX;
	for (int i = 0; i < f->nneedle; i++) {
		size_t *from = &sc->from[k][i], *next = &sc->next[k][i];

		if (a < *from || *next < a) {
			*from = a;
			*next = needle_next(f, i, sc->data, sc->limit, a);
		}
		if (*from > sc->from_max[k])
			sc->from_max[k] = *from;
		if (*next < sc->next_min[k])
			sc->next_min[k] = *next;
		if (*next + f->nlen[i] < sc->end_min[k])
			sc->end_min[k] = *next + f->nlen[i];
	}
	sc->all_from_max = 0;
	sc->all_next_min = sc->all_end_min = SIZE_MAX;
	for (int j = 0; j < r->nmsg_lev; j++) {
		int l = r->msg_lev[j];

		if (!r->msg_first[l].nneedle)
			continue;
		if (sc->from_max[l] > sc->all_from_max)
			sc->all_from_max = sc->from_max[l];
		if (sc->next_min[l] < sc->all_next_min)
			sc->all_next_min = sc->next_min[l];
		if (sc->end_min[l] < sc->all_end_min)
			sc->all_end_min = sc->end_min[l];
	}
	/* the first occurrence from the line's start ends first */
	return sc->end_min[k] <= end;
}

/*
 * No level's first bytes start the line and no needle of any level is in
 * it (the scan as it stands tells): no level.  False when not known.
 */
static bool msg_none(const struct dc_rules *r, const struct dc_line *ln,
		     const char *text)
{
	const struct dc_msg_scan *sc = &r->mscan;
	size_t a;

	if (!r->msg_quick ||
	    (ln->len && r->msg_lead[(unsigned char)text[0]]) ||
	    !msg_scanned(sc, ln, &a))
		return false;
	return sc->all_from_max <= a && a <= sc->all_next_min &&
	       a + ln->len < sc->all_end_min;
}

int dc_line_level(struct dc_rules *r, const struct dc_log *log,
		  const struct dc_line *ln)
{
	const char *text = dc_text(log, ln);

	if (msg_none(r, ln, text))
		return -1;
	for (int j = 0; j < r->nmsg_lev; j++) {
		int k = r->msg_lev[j];
		const struct dc_first *f = &r->msg_first[k];

		if ((dc_first_lead(f, text, ln->len) ||
		     (f->nneedle && msg_needles(r, k, ln, text))) &&
		    dc_match(r, r->msg_re[k], text, ln->len))
			return k;
	}
	return -1;
}

bool dc_benign(struct dc_rules *r, const struct dc_log *log,
	       const struct dc_line *ln)
{
	const char *text = dc_text(log, ln);

	dc_benign_prepare(r);
	if (r->benign_split > 0) {
		for (int k = 0; k < 2; k++)
			if (dc_first_may(&r->benign_part_first[k], text,
					 ln->len) &&
			    dc_match(r, r->benign_part[k], text, ln->len))
				return true;
	} else if (r->benign_anch &&
		   dc_first_may(&r->benign_first, text, ln->len) &&
		   dc_match(r, r->benign_anch, text, ln->len)) {
		return true;
	}
	return dc_match(r, r->benign, text, ln->len);
}
