// SPDX-License-Identifier: GPL-2.0
/*
 * dmesg-classify literal prefilter: which header literal a line holds.
 *
 * Every header literal of the rules (shipped or the user's) gets a window
 * of DC_WIN bytes, the rarest in console text, and one of 8 buckets.  A
 * table per window position maps a byte's low and high nibbles to bucket
 * bits; a text position whose DC_WIN bytes all carry the same bucket bit is
 * a candidate, and only the literals of that bucket are compared there.
 * With AVX2 the tables are applied to 32 positions at once (two byte
 * shuffles and two ANDs per window byte); elsewhere one position at a time.
 * The grouping puts literals with alike windows together, so that a
 * bucket's nibble sets admit few other bytes.
 */
#include <ctype.h>
#include <string.h>

#include "dmesg-classify.h"
#include "err.h"

#ifdef DC_HAVE_AVX2
#include <immintrin.h>

bool dc_have_avx2(void)
{
	static int avx2 = -1;

	if (avx2 < 0) {
		__builtin_cpu_init();
		avx2 = __builtin_cpu_supports("avx2");
	}
	return avx2;
}
#endif

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

/* How many byte triples a bucket admits: the product of its nibble sets. */
static unsigned long bucket_size(const unsigned short set[DC_WIN][2])
{
	unsigned long n = 1;

	for (int k = 0; k < DC_WIN; k++)
		n *= __builtin_popcount(set[k][0]) *
		     __builtin_popcount(set[k][1]);
	return n;
}

void dc_lit_build(struct dc_rules *r)
{
	unsigned short set[8][DC_WIN][2] = { 0 };
	int *order = bt_calloc(r->nhdr + 1, sizeof(*order));
	int *cost = bt_calloc(r->nhdr + 1, sizeof(*cost));

	memset(r->lo, 0, sizeof(r->lo));
	memset(r->hi, 0, sizeof(r->hi));
	for (int b = 0; b < 8; b++)
		r->bucket[b] = -1;
	r->lits = bt_calloc(r->nhdr + 1, sizeof(*r->lits));
	r->nlit = r->nhdr;
	for (int i = 0; i < r->nhdr; i++) {
		struct dc_lit *l = &r->lits[i];
		const unsigned char *s = (const unsigned char *)r->hdrs[i].lit;
		int best = 1 << 20;

		l->s = r->hdrs[i].lit;
		l->len = r->hdrs[i].len;
		l->hdr = i;
		for (size_t k = 0; k + DC_WIN <= l->len; k++) {
			int c = 0;

			for (int w = 0; w < DC_WIN; w++)
				c += byte_cost(s[k + w]);
			if (c < best) {
				best = c;
				l->off = k;
			}
		}
		cost[i] = best;
		order[i] = i;
	}
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
			unsigned short t[DC_WIN][2];
			unsigned long old = r->bucket[b] < 0 ? 0 :
					    bucket_size(set[b]);

			memcpy(t, set[b], sizeof(t));
			for (int k = 0; k < DC_WIN; k++) {
				t[k][0] |= 1U << (w[k] & 15);
				t[k][1] |= 1U << (w[k] >> 4);
			}
			if (bucket_size(t) - old < best) {
				best = bucket_size(t) - old;
				bb = b;
			}
		}
		for (int k = 0; k < DC_WIN; k++) {
			set[bb][k][0] |= 1U << (w[k] & 15);
			set[bb][k][1] |= 1U << (w[k] >> 4);
		}
		l->next = r->bucket[bb];
		r->bucket[bb] = order[i];
	}
	for (int b = 0; b < 8; b++)
		for (int k = 0; k < DC_WIN; k++)
			for (int x = 0; x < 16; x++) {
				if (set[b][k][0] & (1U << x))
					r->lo[k][x] |= 1U << b;
				if (set[b][k][1] & (1U << x))
					r->hi[k][x] |= 1U << b;
			}
	free(order);
	free(cost);
}

struct hit {
	int best;
	size_t pos;
	bool inside;
};

/* Compare the literals of the buckets in mask at window position pos. */
static void verify(const struct dc_rules *r, const char *s, size_t n,
		   size_t pos, unsigned int mask, struct hit *h)
{
	while (mask) {
		int b = __builtin_ctz(mask);

		mask &= mask - 1;
		for (int li = r->bucket[b]; li >= 0; li = r->lits[li].next) {
			const struct dc_lit *l = &r->lits[li];

			if (pos < l->off || pos - l->off + l->len > n ||
			    memcmp(s + pos - l->off, l->s, l->len))
				continue;
			if (r->hdrs[l->hdr].ignore_inside)
				h->inside = true;
			if (h->best < 0 || l->hdr < h->best) {
				h->best = l->hdr;
				h->pos = pos - l->off;
			}
		}
	}
}

static void scan_scalar(const struct dc_rules *r, const char *s, size_t n,
			struct hit *h)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i + DC_WIN <= n; i++) {
		unsigned int m = 0xff;

		for (int k = 0; k < DC_WIN && m; k++)
			m &= r->lo[k][u[i + k] & 15] & r->hi[k][u[i + k] >> 4];
		if (m)
			verify(r, s, n, i, m, h);
	}
}

#ifdef DC_HAVE_AVX2
/* The nibble tables, broadcast to both lanes, loaded once per scan. */
struct vtab {
	__m256i lo[DC_WIN], hi[DC_WIN];
};

__attribute__((target("avx2")))
static inline void vtab_load(const struct dc_rules *r, struct vtab *t)
{
	for (int k = 0; k < DC_WIN; k++) {
		t->lo[k] = _mm256_broadcastsi128_si256(
			_mm_loadu_si128((const __m128i *)r->lo[k]));
		t->hi[k] = _mm256_broadcastsi128_si256(
			_mm_loadu_si128((const __m128i *)r->hi[k]));
	}
}

/*
 * The windows starting at p[0..32) that some bucket admits: a bit per
 * window, and (when any) each window's bucket bits in mb[].  p[0..32 +
 * DC_WIN - 1) is read.
 */
__attribute__((target("avx2")))
static inline unsigned int block_hits(const struct vtab *t,
				      const unsigned char *p,
				      unsigned char mb[32])
{
	const __m256i nib = _mm256_set1_epi8(0x0f);
	__m256i m = _mm256_set1_epi8(-1);
	unsigned int bits;

#pragma GCC unroll 4
	for (int k = 0; k < DC_WIN; k++) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(p + k));

		m = _mm256_and_si256(m, _mm256_and_si256(
			_mm256_shuffle_epi8(t->lo[k], _mm256_and_si256(v, nib)),
			_mm256_shuffle_epi8(t->hi[k], _mm256_and_si256(
				_mm256_srli_epi16(v, 4), nib))));
	}
	bits = ~(unsigned int)_mm256_movemask_epi8(
		_mm256_cmpeq_epi8(m, _mm256_setzero_si256()));
	if (bits)
		_mm256_storeu_si256((__m256i *)mb, m);
	return bits;
}

__attribute__((target("avx2")))
static void scan_avx2(const struct dc_rules *r, const char *s, size_t n,
		      const char *limit, struct hit *h)
{
	unsigned char pad[32 + DC_WIN], mb[32];
	struct vtab t;

	vtab_load(r, &t);
	for (size_t i = 0; i + DC_WIN <= n; i += 32) {
		const unsigned char *p = (const unsigned char *)s + i;
		unsigned int bits;

		/* the last block is read from a padded copy */
		if (!limit || (size_t)(limit - s) < i + sizeof(pad)) {
			size_t k = n - i < sizeof(pad) ? n - i : sizeof(pad);

			memset(pad, 0, sizeof(pad));
			memcpy(pad, p, k);
			p = pad;
		}
		for (bits = block_hits(&t, p, mb); bits; bits &= bits - 1) {
			int j = __builtin_ctz(bits);

			if (i + j + DC_WIN > n)
				break;
			verify(r, s, n, i + j, mb[j], h);
		}
	}
}
#endif

/* Does a literal of the buckets in mask start at window position pos? */
static bool any_lit(const struct dc_rules *r, const char *s, size_t n,
		    size_t pos, unsigned int mask)
{
	while (mask) {
		int b = __builtin_ctz(mask);

		mask &= mask - 1;
		for (int li = r->bucket[b]; li >= 0; li = r->lits[li].next) {
			const struct dc_lit *l = &r->lits[li];

			if (pos >= l->off && pos - l->off + l->len <= n &&
			    s[pos - l->off] == l->s[0] &&
			    !memcmp(s + pos - l->off, l->s, l->len))
				return true;
		}
	}
	return false;
}

#ifdef DC_HAVE_AVX2
__attribute__((target("avx2")))
static size_t next_avx2(const struct dc_rules *r, const char *s, size_t n,
			size_t from)
{
	unsigned char mb[32];
	struct vtab t;
	size_t i = from;

	vtab_load(r, &t);
	for (; i + 32 + DC_WIN <= n; i += 32) {
		unsigned int bits = block_hits(&t, (const unsigned char *)s + i,
					       mb);

		for (; bits; bits &= bits - 1) {
			int j = __builtin_ctz(bits);

			if (any_lit(r, s, n, i + j, mb[j]))
				return i + j;
		}
	}
	return i;	/* the tail is left to the scalar scan */
}
#endif

size_t dc_lit_next(const struct dc_rules *r, const char *s, size_t n,
		   size_t from)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = from;

#ifdef DC_HAVE_AVX2
	if (dc_have_avx2())
		i = next_avx2(r, s, n, from);
#endif
	for (; i + DC_WIN <= n; i++) {
		unsigned int m = 0xff;

		for (int k = 0; k < DC_WIN && m; k++)
			m &= r->lo[k][u[i + k] & 15] & r->hi[k][u[i + k] >> 4];
		if (m && any_lit(r, s, n, i, m))
			return i;
	}
	return n;
}

int dc_lit_find(const struct dc_rules *r, const char *s, size_t n,
		const char *limit, size_t *pos, bool *inside)
{
	struct hit h = { .best = -1 };
#ifdef DC_HAVE_AVX2
	if (dc_have_avx2())
		scan_avx2(r, s, n, limit, &h);
	else
#endif
		scan_scalar(r, s, n, &h);
	(void)limit;	/* only the vector scan reads ahead */
	if (h.inside)
		*inside = true;
	*pos = h.pos;
	return h.best;
}

/* A line of the input itself may be read past its end. */
static const char *read_limit(const struct dc_log *log,
			      const struct dc_line *ln)
{
	if (ln->text >= log->data && ln->text < log->data + log->bytes)
		return log->data + log->bytes;
	return NULL;
}

size_t dc_header_pos(const struct dc_rules *r, const struct dc_log *log,
		     const struct dc_line *ln)
{
	size_t pos = 0;
	bool inside;

	dc_lit_find(r, ln->text, ln->len, read_limit(log, ln), &pos, &inside);
	return pos;
}

int dc_line_header(struct dc_rules *r, const struct dc_log *log,
		   const struct dc_line *ln, size_t *pos, bool *inside)
{
	int best;

	if (ln->len < 4)
		return -1;
	best = dc_lit_find(r, ln->text, ln->len, read_limit(log, ln), pos,
			   inside);
	if (best >= 0) {
		const struct dc_header *h = &r->hdrs[best];

		for (int j = 0; j < h->nsupp; j++)
			if (dc_match(r, h->supp[j], ln->text, ln->len))
				return -1;
	}
	return best;
}
