// SPDX-License-Identifier: GPL-2.0
/*
 * dmesg-classify literal prefilter: which header literal a line holds.
 *
 * Every header literal of the rules (shipped or the user's) gets two
 * adjacent windows of DC_WIN (3) bytes, the rarest in console text, and
 * one of 8 buckets.  A table per window position maps a byte to the
 * buckets whose first windows have it there (bits 0-7) and to those whose
 * second windows do (bits 8-15); an even text position whose window bytes
 * all carry the same bit is a candidate, and only the literals of that
 * bucket are compared there.  One of a literal's two windows lies at an
 * even position, wherever it occurs: half the positions are looked at.
 * The grouping puts literals with alike windows together, so that a
 * bucket admits few byte triples that none of its literals has.  The
 * tables of the first two positions are also joined into one, indexed
 * by the two bytes at once: two lookups a position instead of three.
 */
#include <ctype.h>
#include <string.h>

#include "match.h"
#include "err.h"

/*
 * Cost of a byte in a window: lower is rarer in logs.  The commonest
 * letters of English words and blanks first, then other lower-case
 * letters, then the digits and punctuation of timestamps, addresses and
 * symbols.
 */
static int byte_cost(unsigned char c)
{
	if (c == ' ' || (c && strchr("etaoinsrlcdu", c)))
		return 5;
	if (islower(c))
		return 4;
	if (isdigit(c) || (c && strchr("[]._:", c)))
		return 3;
	return 0;
}

/* The bytes each window position of a bucket admits (a bit per byte). */
struct wset {
	unsigned long long bits[DC_WIN][4];
};

/* How many byte triples a bucket admits. */
static unsigned long wset_size(const struct wset *w)
{
	unsigned long n = 1;

	for (int k = 0; k < DC_WIN; k++) {
		int c = 0;

		for (int q = 0; q < 4; q++)
			c += __builtin_popcountll(w->bits[k][q]);
		n *= c;
	}
	return n;
}

static void wset_add(struct wset *w, const unsigned char *win)
{
	for (int k = 0; k < DC_WIN; k++)
		w->bits[k][win[k] >> 6] |= 1ULL << (win[k] & 63);
}

/*
 * The rarest pair of adjacent windows of each literal (headers are
 * DC_WIN + 1 bytes long at least).
 */
static void lit_windows(struct dc_rules *r, int *cost)
{
	for (int i = 0; i < r->nhdr; i++) {
		struct dc_lit *l = &r->lits[i];
		const unsigned char *s = (const unsigned char *)r->hdrs[i].lit;
		int best = 1 << 20;

		l->s = r->hdrs[i].lit;
		l->len = r->hdrs[i].len;
		l->hdr = i;
		for (size_t k = 0; k + DC_WIN + 1 <= l->len; k++) {
			int c = 0;

			for (int w = 0; w < DC_WIN; w++)
				c += byte_cost(s[k + w]) + byte_cost(s[k + w + 1]);
			if (c < best) {
				best = c;
				l->off = k;
			}
		}
		cost[i] = best;
	}
}

/* The two bytes at s + i as one 16-bit index of the pair table. */
static inline uint16_t pair_at(const unsigned char *s, size_t i)
{
	uint16_t v;

	memcpy(&v, s + i, 2);
	return v;
}

void dc_lit_build(struct dc_rules *r)
{
	struct wset set[16];	/* a bucket's first windows, then its second */
	int *order = bt_calloc(r->nhdr + 1, sizeof(*order));
	int *cost = bt_calloc(r->nhdr + 1, sizeof(*cost));

	memset(set, 0, sizeof(set));
	memset(r->win, 0, sizeof(r->win));
	for (int b = 0; b < 8; b++)
		r->bucket[b] = -1;
	r->lits = bt_calloc(r->nhdr + 1, sizeof(*r->lits));
	r->nlit = r->nhdr;
	lit_windows(r, cost);
	for (int i = 0; i < r->nhdr; i++)
		order[i] = i;
	/* rarest windows first, each into the bucket it widens least */
	for (int i = 1; i < r->nhdr; i++)
		for (int j = i; j > 0 && cost[order[j]] < cost[order[j - 1]]; j--) {
			int t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (int i = 0; i < r->nhdr; i++) {
		struct dc_lit *l = &r->lits[order[i]];
		const unsigned char *w = (const unsigned char *)l->s + l->off;
		unsigned long best = ~0UL;
		int bb = 0;

		for (int b = 0; b < 8; b++) {
			unsigned long grow = 0;

			for (int k = 0; k < 2; k++) {
				struct wset t = set[b + 8 * k];
				unsigned long old = r->bucket[b] < 0 ? 0 :
						    wset_size(&t);

				wset_add(&t, w + k);
				grow += wset_size(&t) - old;
			}
			if (grow < best) {
				best = grow;
				bb = b;
			}
		}
		for (int k = 0; k < 2; k++) {
			wset_add(&set[bb + 8 * k], w + k);
			for (int j = 0; j < DC_WIN; j++)
				r->win[j][w[j + k]] |= 1U << (bb + 8 * k);
		}
		l->next = r->bucket[bb];
		r->bucket[bb] = order[i];
	}
	free(order);
	free(cost);
	/* the first two window positions' bits of each byte pair, at once */
	r->pair = bt_malloc(65536 * sizeof(*r->pair));
	for (int a = 0; a < 256; a++)
		for (int b = 0; b < 256; b++) {
			unsigned char ab[2] = { a, b };

			r->pair[pair_at(ab, 0)] = r->win[0][a] & r->win[1][b];
		}
}

struct hit {
	int best;
	size_t pos;
	bool inside;
};

/* Does literal l start at s + at, inside s[0..n)? */
static inline bool lit_at(const struct dc_lit *l, const char *s, size_t n,
			  size_t at)
{
	return at + l->len <= n && s[at] == l->s[0] &&
	       !memcmp(s + at, l->s, l->len);
}

/*
 * Compare the literals of the buckets in mask whose first (bits 0-7) or
 * second window (bits 8-15) lies at pos.  A literal found twice keeps
 * its first place.
 */
static void verify(const struct dc_rules *r, const char *s, size_t n,
		   size_t pos, unsigned int mask, struct hit *h)
{
	while (mask) {
		int b = __builtin_ctz(mask);

		mask &= mask - 1;
		for (int li = r->bucket[b % 8]; li >= 0;
		     li = r->lits[li].next) {
			const struct dc_lit *l = &r->lits[li];
			size_t w = l->off + b / 8;

			if (pos < w || !lit_at(l, s, n, pos - w))
				continue;
			if (r->hdrs[l->hdr].ignore_inside)
				h->inside = true;
			if (h->best < 0 || l->hdr < h->best ||
			    (l->hdr == h->best && pos - w < h->pos)) {
				h->best = l->hdr;
				h->pos = pos - w;
			}
		}
	}
}

/*
 * The first even window position at or after from that some bucket
 * admits (n when none), and the buckets in *mask.  Four windows are
 * tested with one branch, and the loop is kept apart from the
 * comparisons, so that its state stays in registers.
 */
static size_t lit_candidate(const struct dc_rules *r, const char *s,
			    size_t n, size_t from, unsigned int *mask)
{
	const unsigned char *u = (const unsigned char *)s;
	const uint16_t *p = r->pair, *w2 = r->win[2];
	size_t i = from + (from & 1);

#define PAIR(k) p[pair_at(u, k)]
	for (; n >= DC_WIN + 6 && i <= n - DC_WIN - 6; i += 8) {
		unsigned int m0 = PAIR(i) & w2[u[i + 2]];
		unsigned int m1 = PAIR(i + 2) & w2[u[i + 4]];
		unsigned int m2 = PAIR(i + 4) & w2[u[i + 6]];
		unsigned int m3 = PAIR(i + 6) & w2[u[i + 8]];

		if (m0 | m1 | m2 | m3)
			break;
	}
	for (; n >= DC_WIN && i <= n - DC_WIN; i += 2) {
		unsigned int m = PAIR(i) & w2[u[i + 2]];

		if (m) {
			*mask = m;
			return i;
		}
	}
#undef PAIR
	return n;
}

static void scan_scalar(const struct dc_rules *r, const char *s, size_t n,
			struct hit *h)
{
	unsigned int m;

	for (size_t i = 0; (i = lit_candidate(r, s, n, i, &m)) < n; i += 2)
		verify(r, s, n, i, m, h);
}

/* Has a literal of the buckets in mask (as verify()) a window at pos? */
static bool any_lit(const struct dc_rules *r, const char *s, size_t n,
		    size_t pos, unsigned int mask)
{
	while (mask) {
		int b = __builtin_ctz(mask);

		mask &= mask - 1;
		for (int li = r->bucket[b % 8]; li >= 0;
		     li = r->lits[li].next) {
			const struct dc_lit *l = &r->lits[li];
			size_t w = l->off + b / 8;

			if (pos >= w && lit_at(l, s, n, pos - w))
				return true;
		}
	}
	return false;
}

size_t dc_lit_next(const struct dc_rules *r, const char *s, size_t n,
		   size_t from)
{
	unsigned int m;

	for (size_t i = from; (i = lit_candidate(r, s, n, i, &m)) < n; i += 2)
		if (any_lit(r, s, n, i, m))
			return i;
	return n;
}

int dc_lit_find(const struct dc_rules *r, const char *s, size_t n,
		size_t *pos, bool *inside)
{
	struct hit h = { .best = -1 };

	scan_scalar(r, s, n, &h);
	if (h.inside)
		*inside = true;
	*pos = h.pos;
	return h.best;
}

size_t dc_header_pos(const struct dc_rules *r, const struct dc_log *log,
		     const struct dc_line *ln)
{
	size_t pos = 0;
	bool inside;

	dc_lit_find(r, dc_text(log, ln), ln->len, &pos, &inside);
	return pos;
}

int dc_line_header(struct dc_rules *r, const struct dc_log *log,
		   const struct dc_line *ln, size_t *pos, bool *inside)
{
	const char *text = dc_text(log, ln);
	int best;

	if (ln->len < 4)
		return -1;
	best = dc_lit_find(r, text, ln->len, pos, inside);
	if (best >= 0) {
		const struct dc_header *h = &r->hdrs[best];

		for (int j = 0; j < h->nsupp; j++)
			if (dc_match(r, h->supp[j], text, ln->len))
				return -1;
	}
	return best;
}

void dc_find_headers(struct dc_rules *r, struct dc_log *log)
{
	const char *data = log->data;
	size_t hit = 0, pos;

	if (!r->lits)
		dc_lit_build(r);
	log->nheaders = 0;
	for (size_t i = 0, k = 1; i < log->nlines; i++) {
		struct dc_line *ln = dc_line_kept(log, i) ? &log->recs[k++] :
				     log->recs;
		/* a cleaned copy is not in the input: it is read itself */
		bool copy = ln->cleaned;
		size_t at = ln->off;

		ln->hdr = -1;
		ln->inside = false;
		if (ln->kmsg_cont)
			continue;
		/*
		 * A line of the input is read only when the literals looked
		 * for in the whole input put one in its text.
		 */
		if (!copy && hit < at)
			hit = dc_lit_next(r, data, log->bytes, at);
		if (copy || hit < at + ln->len) {
			bool inside = false;

			ln->hdr = dc_line_header(r, log, ln, &pos, &inside);
			ln->inside = inside;
		}
		if (ln->hdr >= 0)
			log->nheaders++;
	}
}
