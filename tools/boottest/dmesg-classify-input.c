// SPDX-License-Identifier: GPL-2.0
/*
 * dmesg-classify input decoding: any bytes in, lines out.
 *
 * The input is copied once: NUL bytes, carriage returns and ANSI escape
 * sequences are dropped.  Each line then loses its framing, and what the
 * framing said is kept: the syslog priority (console_msg_format=syslog "<N>",
 * dmesg -r, /dev/kmsg "pri,seq,usec,flags;", dmesg -x "kern  :err   : "),
 * the printk timestamp "[ 1.234]" and the CONFIG_PRINTK_CALLER context
 * "[ T123]" / "[ C1]", and journalctl's "Mon DD HH:MM:SS host kernel: ".
 */
#include <ctype.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dmesg-classify.h"
#include "err.h"

#ifdef DC_HAVE_AVX2
#include <immintrin.h>
#endif

static const char *const facilities[] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", NULL
};

static const char *const levels[] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", NULL
};

/* Copy without NUL, CR and ANSI CSI/OSC sequences; returns the length. */
static size_t clean_copy(char *dst, const char *src, size_t len)
{
	char *d = dst;
	size_t i = 0;

	while (i < len) {
		unsigned char c = src[i];

		if (c == 0x1b) {
			i++;
			if (i < len && src[i] == '[') {
				i++;
				while (i < len && (unsigned char)src[i] >= 0x20 &&
				       (unsigned char)src[i] < 0x40)
					i++;
				if (i < len)
					i++;
			} else if (i < len && src[i] == ']') {
				while (i < len && src[i] != 0x07)
					i++;
				if (i < len)
					i++;
			} else if (i < len) {
				i++;
			}
			continue;
		}
		if (c != '\0' && c != '\r')
			*d++ = c;
		i++;
	}
	return d - dst;
}

/* isdigit() of the C locale, without a call per byte */
static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/*
 * How many digits start at p: 8 bytes at a time where there are 8 (a byte
 * is a digit when its high nibble is 3 and its low nibble plus 6 is not
 * above 15).
 */
static inline size_t digit_run(const char *p, const char *end)
{
	const unsigned long long hi = 0xf0f0f0f0f0f0f0f0ULL;
	const unsigned long long three = 0x3030303030303030ULL;
	const char *q = p;

	while (end - q >= 8) {
		unsigned long long x, y;

		memcpy(&x, q, 8);
		y = ((x & hi) ^ three) |
		    (((x & ~hi) + 0x0606060606060606ULL) & hi);
		if (y) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return q - p + (__builtin_ctzll(y) >> 3);
#else
			return q - p + (__builtin_clzll(y) >> 3);
#endif
		}
		q += 8;
	}
	while (q < end && is_digit(*q))
		q++;
	return q - p;
}

/* (sys/cdefs.h's __always_inline: a call per timestamp field costs) */
static __always_inline bool skip_digits(const char **pp, const char *end, unsigned long *val)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (p >= end || !is_digit(*p))
		return false;
	if (!val) {
		*pp = p + digit_run(p, end);
		return true;
	}
	while (p < end && is_digit(*p)) {
		if (v < 100000000UL)
			v = v * 10 + (*p - '0');
		p++;
	}
	*pp = p;
	if (val)
		*val = v;
	return true;
}

/* "[   12.345678]" -> true, *pp after it. */
static bool skip_timestamp(const char **pp, const char *end)
{
	const char *p = *pp;

	if (p >= end || *p != '[')
		return false;
	p++;
	while (p < end && *p == ' ')
		p++;
	if (!skip_digits(&p, end, NULL) || p >= end || *p != '.')
		return false;
	p++;
	if (!skip_digits(&p, end, NULL) || p >= end || *p != ']')
		return false;
	*pp = p + 1;
	return true;
}

/* "[  T123]" or "[    C1]" -> caller id. */
static unsigned int skip_caller(const char **pp, const char *end)
{
	const char *p = *pp;
	unsigned long v;
	char kind;

	if (p >= end || *p != '[')
		return 0;
	p++;
	while (p < end && *p == ' ')
		p++;
	if (p >= end || (*p != 'T' && *p != 'C'))
		return 0;
	kind = *p++;
	if (!skip_digits(&p, end, &v) || p >= end || *p != ']')
		return 0;
	*pp = p + 1;
	return ((kind == 'T' ? 2U : 3U) << 28) | (unsigned int)(v & 0x0fffffff);
}

static int word_index(const char *p, const char *end,
		      const char *const *words, const char **after)
{
	for (int i = 0; words[i]; i++) {
		size_t n = strlen(words[i]);

		if ((size_t)(end - p) >= n && !memcmp(p, words[i], n)) {
			*after = p + n;
			return i;
		}
	}
	return -1;
}

/* Blanks, then a colon: true with *pp after the colon. */
static bool skip_colon(const char **pp, const char *end)
{
	const char *q = *pp;

	while (q < end && *q == ' ')
		q++;
	if (q >= end || *q != ':')
		return false;
	*pp = q + 1;
	return true;
}

/* dmesg -x: "kern  :err   : text" */
static bool skip_dmesg_x(const char **pp, const char *end, int *fac, int *lev)
{
	const char *p = *pp, *q;
	int f, l;

	if (end - p < 12 || !islower((unsigned char)*p) ||
	    !memchr(p, ':', 10))
		return false;
	f = word_index(p, end, facilities, &q);
	if (f < 0) {
		if ((size_t)(end - p) > 6 && !memcmp(p, "local", 5) &&
		    p[5] >= '0' && p[5] <= '7') {
			f = 16 + p[5] - '0';
			q = p + 6;
		} else {
			return false;
		}
	}
	if (!skip_colon(&q, end))
		return false;
	l = word_index(q, end, levels, &q);
	if (l < 0 || !skip_colon(&q, end))
		return false;
	if (q < end && *q == ' ')
		q++;
	*pp = q;
	*fac = f;
	*lev = l;
	return true;
}

/* journalctl -k: "Jan 02 03:04:05 host kernel: text" */
static bool skip_journal(const char **pp, const char *end)
{
	const char *p = *pp;
	const char *k;

	if (end - p < 24 || !isupper((unsigned char)p[0]) ||
	    !islower((unsigned char)p[1]) || !islower((unsigned char)p[2]) ||
	    p[3] != ' ' || p[9] != ':' || p[12] != ':' || p[15] != ' ')
		return false;
	k = memmem(p + 16, end - p - 16 < 80 ? end - p - 16 : 80,
		   " kernel: ", 9);
	if (!k || memchr(p + 16, ' ', k - p - 16))
		return false;
	*pp = k + 9;
	return true;
}

static void decode_line(struct dc_log *log, struct dc_line *ln,
			const char *s, size_t len)
{
	const char *p = s, *end = s + len, *q;
	unsigned long pri, v;
	int fac, lev;

	ln->level = -1;
	ln->facility = -1;
	ln->ctx = 0;
	ln->kmsg_cont = false;
	/* the common case: "[ 1.2] text"; none of the forms below starts so */
	if (len && *s == '[')
		goto stamp;

	/* /dev/kmsg record: "6,339,5140900,-;text" or continuation */
	q = p;
	if (len > 6 && isdigit((unsigned char)*p) &&
	    skip_digits(&q, end, &pri) && q < end && *q == ',') {
		const char *r = q + 1;

		if (skip_digits(&r, end, NULL) && r < end && *r == ',' &&
		    (r++, skip_digits(&r, end, &v)) && r < end && *r == ',') {
			const char *semi = memchr(r, ';', end - r);

			if (semi && semi - r < 16) {
				ln->level = pri & 7;
				ln->facility = pri >> 3 > 127 ? 127 : pri >> 3;
				ln->ctx = 1;
				p = semi + 1;
				log->has_prio = true;
				goto done;
			}
		}
	}
	if (len > 1 && s[0] == ' ' && log->nlines && ln[-1].ctx == 1 &&
	    (ln[-1].facility >= 0 || ln[-1].kmsg_cont) &&
	    isupper((unsigned char)s[1]) && memchr(s, '=', len) &&
	    !memchr(s, '[', len)) {
		ln->kmsg_cont = true;
		goto done;
	}
	/* "** 12 printk messages dropped ** [  1.2] text" */
	if (len > 30 && s[0] == '*' && s[1] == '*') {
		q = memmem(s, len < 64 ? len : 64, " dropped ** ", 12);
		if (q)
			p = q + 12;
	}
	/* "syzkaller login: [  1.2] text": a prompt before the record */
	if (len > 8 && s[0] != '<' && s[0] != '[' && s[0] != ' ') {
		q = memchr(s, '[', len < 128 ? len : 128);
		if (q && q - s >= 7 && !memcmp(q - 7, "login: ", 7))
			p = q;
	}
	if (skip_journal(&p, end)) {
		ln->facility = 0;
	} else if (skip_dmesg_x(&p, end, &fac, &lev)) {
		ln->facility = fac;
		ln->level = lev;
		log->has_prio = true;
	}
	q = p;
	if (q < end && *q == '<' && (q++, skip_digits(&q, end, &pri)) &&
	    q < end && *q == '>' && q - p <= 5) {
		ln->level = pri & 7;
		ln->facility = pri >> 3 > 127 ? 127 : pri >> 3;
		log->has_prio = true;
		p = q + 1;
	}
stamp:
	if (skip_timestamp(&p, end)) {
		ln->ctx = 1;
		q = p;
		ln->ctx = skip_caller(&p, end);
		if (!ln->ctx) {
			ln->ctx = 1;
			p = q;
		}
		if (p < end && *p == ' ')
			p++;
	}
done:
	ln->text = p;
	ln->len = end - p;
}

void *dc_alloc_big(size_t n)
{
	const size_t huge = 2U << 20;
	void *p;

	if (n < huge / 2)
		return bt_malloc(n);
	/* whole huge pages: the tail of a partial one would be small pages */
	n = (n + huge - 1) & ~(huge - 1);
	if (posix_memalign(&p, huge, n))
		return bt_malloc(n);
	madvise(p, n, MADV_HUGEPAGE);
	return p;
}

/* A thread started on another CPU, free to move once it runs. */
struct placed {
	void *(*fn)(void *arg);
	void *arg;
	cpu_set_t all;		/* the CPUs it may use from then on */
};

static void *run_placed(void *p)
{
	struct placed pl = *(struct placed *)p;

	free(p);
	pthread_setaffinity_np(pthread_self(), sizeof(pl.all), &pl.all);
	return pl.fn(pl.arg);
}

int dc_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg)
{
	struct placed *pl;
	pthread_attr_t attr;
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0 || sched_getaffinity(0, sizeof(set), &set) ||
	    !CPU_ISSET(cpu, &set) || CPU_COUNT(&set) < 2 ||
	    pthread_attr_init(&attr))
		return pthread_create(tid, NULL, fn, arg);
	pl = bt_malloc(sizeof(*pl));
	pl->fn = fn;
	pl->arg = arg;
	pl->all = set;
	CPU_CLR(cpu, &set);
	if (pthread_attr_setaffinity_np(&attr, sizeof(set), &set) ||
	    pthread_create(tid, &attr, run_placed, pl)) {
		free(pl);
		pthread_attr_destroy(&attr);
		return pthread_create(tid, NULL, fn, arg);
	}
	pthread_attr_destroy(&attr);
	return 0;
}

/*
 * fn(a) on this thread and fn(b) on a second one at the same time; when no
 * thread can be made, fn(b) after fn(a) here.
 */
void dc_run_pair(void *(*fn)(void *), void *a, void *b)
{
	pthread_t tid;
	bool thread = !dc_thread_start(&tid, fn, b);

	fn(a);
	if (thread)
		pthread_join(tid, NULL);
	else
		fn(b);
}

static bool is_ctl(unsigned char c)
{
	return c == '\n' || c == '\r' || c == '\0' || c == 0x1b;
}

/*
 * The control bytes (newline, CR, NUL, ESC) of the input, 64 bytes at a
 * time: a bit per byte, so that finding the end of a line costs a few bit
 * operations, not a call and a vector set-up per line.
 */
struct ctl_scan {
	const char *data;	/* the input */
	size_t len;
	size_t base;		/* offset of the current block */
	unsigned long long mask;	/* its control bytes */
	bool valid;		/* mask is the block's */
	bool vec;		/* AVX2 */
};

#ifdef DC_HAVE_AVX2
__attribute__((target("avx2")))
static unsigned int ctl_mask32(const char *p)
{
	const __m256i nl = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r');
	const __m256i nul = _mm256_setzero_si256(), esc = _mm256_set1_epi8(0x1b);
	__m256i v = _mm256_loadu_si256((const __m256i *)p);

	return _mm256_movemask_epi8(_mm256_or_si256(
		_mm256_or_si256(_mm256_cmpeq_epi8(v, nl),
				_mm256_cmpeq_epi8(v, cr)),
		_mm256_or_si256(_mm256_cmpeq_epi8(v, nul),
				_mm256_cmpeq_epi8(v, esc))));
}
#endif

static void ctl_block(struct ctl_scan *cs, size_t off)
{
	const char *b = cs->data + off;
	size_t n = cs->len - off < 64 ? cs->len - off : 64;

	cs->base = off;
	cs->valid = true;
	cs->mask = 0;
#ifdef DC_HAVE_AVX2
	if (cs->vec && n == 64) {
		cs->mask = ctl_mask32(b) |
			   (unsigned long long)ctl_mask32(b + 32) << 32;
		return;
	}
#endif
	for (size_t i = 0; i < n; i++)
		if (is_ctl(b[i]))
			cs->mask |= 1ULL << i;
}

/* Next newline, CR, NUL or ESC at or after p (the end when none). */
static const char *next_ctl(struct ctl_scan *cs, const char *p)
{
	size_t off = p - cs->data;

	while (off < cs->len) {
		unsigned long long m;

		if (!cs->valid || off < cs->base || off - cs->base >= 64)
			ctl_block(cs, off);
		m = cs->mask & (~0ULL << (off - cs->base));
		if (m)
			return cs->data + cs->base + __builtin_ctzll(m);
		off = cs->base + 64;
	}
	return cs->data + cs->len;
}

/* The state of one pass over a part of the input. */
struct parse_state {
	struct dc_log *log;
	struct dc_rules *r;
	struct ctl_scan cs;
	size_t hit;		/* next header literal window (offset) */
	size_t arena;		/* bytes left in the last chunk */
	size_t cap;		/* lines allocated; 0: fixed (counted) */
};

/* Decode the line at p, append it; returns where the next line starts. */
static const char *parse_line(struct parse_state *ps, const char *p)
{
	struct dc_log *log = ps->log;
	struct dc_rules *r = ps->r;
	const char *data = ps->cs.data, *end = data + ps->cs.len;
	const char *nl = p;
	struct dc_line *ln;
	bool dirty = false;
	size_t n, pos;
	char *s;

	/* lines with ESC, NUL or an inner CR get a cleaned copy */
	for (;;) {
		nl = next_ctl(&ps->cs, nl);
		if (nl == end || *nl == '\n')
			break;
		if (*nl != '\r' || (nl + 1 < end && nl[1] != '\n'))
			dirty = true;
		nl++;
	}
	n = nl - p;
	if (dirty) {
		if (ps->arena < n + 1) {
			ps->arena = n + 1 > 65536 ? n + 1 : 65536;
			log->chunks = bt_realloc(log->chunks,
				(log->nchunks + 1) * sizeof(*log->chunks));
			log->chunks[log->nchunks++] = bt_malloc(ps->arena);
			log->chunk_used = 0;
		}
		s = log->chunks[log->nchunks - 1] + log->chunk_used;
		n = clean_copy(s, p, n);
		s[n] = '\0';
		log->chunk_used += n + 1;
		ps->arena -= n + 1;
	} else {
		s = (char *)p;
		if (n && s[n - 1] == '\r')
			n--;
	}
	if (ps->cap && log->nlines == ps->cap) {
		ps->cap *= 2;
		log->lines = bt_realloc(log->lines,
					ps->cap * sizeof(*log->lines));
	}
	ln = &log->lines[log->nlines];
	decode_line(log, ln, s, n);
	ln->inside = false;
	ln->hdr = -1;
	/*
	 * A header literal in the text is one in the raw line (the text is
	 * the line's tail), unless the line was cleaned: the literals are
	 * looked for in the whole input, and only a line holding one is read
	 * again.
	 */
	if (r && ps->hit < (size_t)(p - data))
		ps->hit = dc_lit_next(r, data, ps->cs.len, p - data);
	if (r && !ln->kmsg_cont && (dirty || ps->hit < (size_t)(nl - data)))
		ln->hdr = dc_line_header(r, log, ln, &pos, &ln->inside);
	if (ln->hdr >= 0)
		log->nheaders++;
	ln->nmi = ln->len > 20 && ln->text[0] == 'S' &&
		  !memcmp(ln->text, "Sending NMI from CPU", 20);
	log->nlines++;
	return nl + 1;
}

static void parse_init(struct parse_state *ps, struct dc_log *log,
		       struct dc_rules *r, const char *data, size_t len,
		       size_t from)
{
	memset(ps, 0, sizeof(*ps));
	ps->log = log;
	ps->r = r;
	ps->cs.data = data;
	ps->cs.len = len;
#ifdef DC_HAVE_AVX2
	ps->cs.vec = dc_have_avx2();
#endif
	if (r)
		ps->hit = dc_lit_next(r, data, len, from);
}

/* The second half: its lines go after the first half's (counted). */
struct half {
	pthread_t tid;
	pthread_barrier_t bar;	/* counted; placed (another thread) */
	struct dc_log log;	/* lines: where the half's lines go */
	struct dc_rules *r;	/* NULL, or rc */
	struct dc_rules rc;	/* a copy: match data and JIT memo of its own */
	const char *data;
	size_t len, from;
	size_t nlines;		/* the lines of the half */
};

static void *parse_half(void *arg)
{
	struct half *h = arg;
	struct parse_state ps;
	const char *p = h->data + h->from, *end = h->data + h->len;

	parse_init(&ps, &h->log, h->r, h->data, h->len, h->from);
	while (p < end)
		p = parse_line(&ps, p);
	return NULL;
}

#ifdef DC_HAVE_AVX2
__attribute__((target("avx2")))
static size_t count_nl_avx2(const char *s, size_t n, size_t *done)
{
	const __m256i nl = _mm256_set1_epi8('\n');
	size_t c = 0, i = 0;

	for (; i + 32 <= n; i += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(s + i));

		c += __builtin_popcount(_mm256_movemask_epi8(
			_mm256_cmpeq_epi8(v, nl)));
	}
	*done = i;
	return c;
}
#endif

/* Newlines in s[0..n). */
static size_t count_nl(const char *s, size_t n)
{
	size_t c = 0, i = 0;

#ifdef DC_HAVE_AVX2
	if (dc_have_avx2())
		c = count_nl_avx2(s, n, &i);
#endif
	for (; i < n; i++)
		c += s[i] == '\n';
	return c;
}

/* The lines of the second half (the input's last may lack its newline). */
static size_t half_lines(const struct half *h)
{
	return count_nl(h->data + h->from, h->len - h->from) +
	       (h->data[h->len - 1] != '\n');
}

/*
 * Another thread counts the second half's lines while the first half's
 * are counted, and decodes them once the lines are allocated.
 */
static void *half_thread(void *arg)
{
	struct half *h = arg;

	h->nlines = half_lines(h);
	pthread_barrier_wait(&h->bar);
	pthread_barrier_wait(&h->bar);
	return parse_half(h);
}

void *dc_append(void *dst, size_t n, const void *src, size_t m, size_t size)
{
	dst = bt_realloc(dst, (n + m) * size);
	memcpy((char *)dst + n * size, src, m * size);
	return dst;
}

bool dc_two_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return sysconf(_SC_NPROCESSORS_ONLN) > 1;
	return CPU_COUNT(&set) > 1;
}

/*
 * Where the second half starts (after a newline at or past the middle):
 * 0 when the input is decoded by one thread.
 */
static size_t split_point(const char *data, size_t len)
{
	const char *mid;

	if (len < DC_PAR_MIN || !dc_two_cpus())
		return 0;
	mid = memchr(data + len / 2, '\n', len - len / 2);
	if (!mid || mid + 1 == data + len)
		return 0;
	return mid + 1 - data;
}

/*
 * The second half's lines follow the first half's in log->lines already;
 * what the other thread could not do is done here: its first line, which
 * did not see the line before it (a /dev/kmsg continuation).
 */
static void join_half(struct dc_log *log, struct dc_rules *r,
		      struct dc_log *h, size_t first, size_t from)
{
	struct parse_state ps;
	size_t total = first + h->nlines;

	if (h->nchunks) {
		log->chunks = dc_append(log->chunks, log->nchunks, h->chunks,
					h->nchunks, sizeof(*h->chunks));
		log->nchunks += h->nchunks;
		free(h->chunks);
	}
	log->has_prio |= h->has_prio;
	log->nheaders += h->nheaders;
	if (!h->nlines)
		return;
	/* the first line again, after the line before it */
	if (log->lines[first].hdr >= 0)
		log->nheaders--;
	log->nlines = first;
	parse_init(&ps, log, r, log->data, log->bytes, from);
	parse_line(&ps, log->data + from);
	log->nlines = total;
}

/*
 * The level of each line without one, from the rules' message formats, in
 * a log where no line carries a priority (else they are not needed):
 * lines [from, to), with match data of the caller's own.
 */
struct levels {
	struct dc_rules r;	/* a copy: match state of its own */
	struct dc_log *log;
	size_t from, to;
};

static void *msg_levels(void *arg)
{
	struct levels *lv = arg;

	for (size_t i = lv->from; i < lv->to; i++) {
		struct dc_line *ln = &lv->log->lines[i];

		if (!ln->kmsg_cont && ln->len && ln->level < 0)
			ln->level = dc_line_level(&lv->r, ln);
	}
	return NULL;
}

/*
 * The message levels by two threads, each a half of the lines; the first
 * half's text is in the input's first split bytes.
 */
static void msg_levels_par(struct dc_rules *r, struct dc_log *log,
			   size_t half, size_t split)
{
	struct levels a = { .r = *r, .log = log, .from = 0, .to = half };
	struct levels b = { .log = log, .from = half, .to = log->nlines };

	dc_rules_thread_copy(&b.r, r);
	dc_msg_scan_init(&a.r, log->data, split);
	dc_msg_scan_init(&b.r, log->data, log->bytes);
	dc_run_pair(msg_levels, &a, &b);
	pcre2_match_data_free(b.r.md);
	/* the rules' memo of JIT code goes on with what the copy learnt */
	memcpy(r->jits, a.r.jits, sizeof(r->jits));
	log->levels_done = true;
}

void dc_log_parse(struct dc_log *log, struct dc_rules *r, const char *data,
		  size_t len)
{
	const char *p = data, *end = data + len;
	struct parse_state ps;
	struct half h = { .r = r, .data = data, .len = len };
	size_t from, lines1 = 0;
	bool thread = false;

	memset(log, 0, sizeof(*log));
	log->data = data;
	log->bytes = len;
	from = split_point(data, len);
	if (from) {
		h.from = from;
		h.log.data = data;
		h.log.bytes = len;
		if (r) {
			dc_rules_thread_copy(&h.rc, r);
			h.r = &h.rc;
		}
		pthread_barrier_init(&h.bar, NULL, 2);
		thread = !dc_thread_start(&h.tid, half_thread, &h);
		lines1 = count_nl(data, from);
		if (thread)
			pthread_barrier_wait(&h.bar);
		else
			h.nlines = half_lines(&h);
		log->lines = dc_alloc_big((lines1 + h.nlines) *
					  sizeof(*log->lines));
		h.log.lines = log->lines + lines1;
		if (thread)
			pthread_barrier_wait(&h.bar);
		end = data + from;
	}
	parse_init(&ps, log, r, data, from ? from : len, 0);
	if (!from) {
		ps.cap = len / 64 + 16;
		log->lines = dc_alloc_big(ps.cap * sizeof(*log->lines));
	}
	while (p < end)
		p = parse_line(&ps, p);
	if (!from)
		return;
	if (thread)
		pthread_join(h.tid, NULL);
	else
		parse_half(&h);
	pthread_barrier_destroy(&h.bar);
	if (r)
		pcre2_match_data_free(h.rc.md);
	join_half(log, r, &h.log, lines1, from);
	if (r && !log->has_prio)
		msg_levels_par(r, log, lines1, from);
}

void dc_log_free(struct dc_log *log)
{
	for (size_t i = 0; i < log->nchunks; i++)
		free(log->chunks[i]);
	free(log->chunks);
	free(log->lines);
	memset(log, 0, sizeof(*log));
}
