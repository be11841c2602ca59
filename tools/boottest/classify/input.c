// SPDX-License-Identifier: GPL-2.0
/*
 * dmesg-classify input decoding: any bytes in, lines out.
 *
 * The input is read in place; a line holding NUL bytes, a carriage return
 * other than its last byte or an ANSI escape sequence is copied without
 * them.  Each line then loses its framing, and what the
 * framing said is kept: the syslog priority (console_msg_format=syslog "<N>",
 * dmesg -r, /dev/kmsg "pri,seq,usec,flags;", dmesg -x "kern  :err   : "),
 * the printk timestamp "[ 1.234]" and the CONFIG_PRINTK_CALLER context
 * "[ T123]" / "[ C1]", and journalctl's "Mon DD HH:MM:SS host kernel: ".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "err.h"

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

/* Digits at *pp: true with *pp after them and their value (capped) in *val. */
static inline bool skip_digits(const char **pp, const char *end, unsigned long *val)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (p >= end || !is_digit(*p))
		return false;
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

/*
 * How many of the 8 bytes at p are digits before the first other one,
 * eight at a time (a timestamp's microseconds are six digits).  Each
 * byte that is no digit sets its top bit in t; its carry may set the top
 * bits of the bytes after it, which do not count.
 */
static inline unsigned int digits8(const char *p)
{
	uint64_t w, t;

	memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);	/* the first byte lowest */
#endif
	w ^= 0x3030303030303030ULL;
	t = ((w + 0x7676767676767676ULL) | w) & 0x8080808080808080ULL;
	return t ? __builtin_ctzll(t) / 8 : 8;
}

/* Digits at *pp: true with *pp after them. */
static inline bool skip_digit_run(const char **pp, const char *end)
{
	const char *p = *pp;
	unsigned int n = 8;

	while (end - p >= 8 && n == 8) {
		n = digits8(p);
		p += n;
	}
	while (p < end && is_digit(*p))
		p++;
	if (p == *pp)
		return false;
	*pp = p;
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
	if (!skip_digit_run(&p, end) || p >= end || *p != '.')
		return false;
	p++;
	if (!skip_digit_run(&p, end) || p >= end || *p != ']')
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

/*
 * Decode s[0..len) into ln (which says where s lies, and no level nor
 * facility); prev is the previous line's record.
 */
static void decode_line(struct dc_log *log, struct dc_line *ln,
			const struct dc_line *prev, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *q;
	unsigned long pri, v;
	int fac, lev;

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
	if (len > 1 && s[0] == ' ' && prev->ctx == 1 &&
	    (prev->facility >= 0 || prev->kmsg_cont) &&
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
	ln->off = p - (ln->cleaned ? log->clean : log->data);
	ln->len = end - p;
}

/*
 * The next occurrence of a byte at or after p, found again only once p
 * has passed it: the bytes that make a line need a cleaned copy are rare
 * in most logs.  A search covers the line and NB_AHEAD bytes at least,
 * not the whole rest of the input: the bytes it reads are still cached
 * when their lines are decoded.
 */
#define NB_AHEAD 65536

struct next_byte {
	const char *at;		/* the byte, or lim: none before lim */
	const char *lim;	/* end of the bytes searched */
	char c;
};

/*
 * The byte's next place at or after p; when it is not before nl (the
 * line's end), a place at or after nl.
 */
static const char *next_byte(struct next_byte *nb, const char *p,
			     const char *nl, const char *end)
{
	if (nb->at < p || (nb->at == nb->lim && nb->lim < nl)) {
		const char *from = nb->at < p ? p : nb->lim;
		const char *lim = end - from > NB_AHEAD ? from + NB_AHEAD : end;

		if (lim < nl)
			lim = nl;
		nb->at = memchr(from, nb->c, lim - from);
		nb->lim = lim;
		if (!nb->at)
			nb->at = lim;
	}
	return nb->at;
}

/* The state of one pass over the input. */
struct parse_state {
	struct dc_log *log;
	struct next_byte cr, nul, esc;
	const char *clean_to;	/* none of the three bytes before it */
	size_t cap;		/* records allocated */
	size_t prev;		/* the previous line's record */
};

/*
 * Does the line [p, nl) need a cleaned copy: does it hold ESC, NUL or a
 * carriage return other than its last byte?  Most lines end before the
 * next of those bytes: one comparison.
 */
static bool line_dirty(struct parse_state *ps, const char *p, const char *nl)
{
	const char *end = ps->log->data + ps->log->bytes;
	bool dirty;

	if (nl <= ps->clean_to)
		return false;
	dirty = next_byte(&ps->esc, p, nl, end) < nl ||
		next_byte(&ps->nul, p, nl, end) < nl ||
		next_byte(&ps->cr, p, nl, end) + 1 < nl;
	/* each one's next place, or where its search ended */
	ps->clean_to = ps->esc.at < ps->nul.at ? ps->esc.at : ps->nul.at;
	if (ps->cr.at < ps->clean_to)
		ps->clean_to = ps->cr.at;
	return dirty;
}

/* Decode the line at p, append it; returns where the next line starts. */
static const char *parse_line(struct parse_state *ps, const char *p)
{
	struct dc_log *log = ps->log;
	const char *data = log->data, *end = data + log->bytes;
	const char *nl = memchr(p, '\n', end - p);
	struct dc_line *ln;
	bool dirty;
	size_t n;
	char *s;

	if (!nl)
		nl = end;
	/* lines with ESC, NUL or an inner CR get a cleaned copy */
	dirty = line_dirty(ps, p, nl);
	n = nl - p;
	if (dirty) {
		/*
		 * The copies are no longer than the input: one buffer of its
		 * size holds them all, its pages touched only as they fill.
		 */
		if (!log->clean)
			log->clean = bt_malloc(log->bytes + 1);
		s = log->clean + log->clean_used;
		n = clean_copy(s, p, n);
		s[n] = '\0';
		log->clean_used += n + 1;
	} else {
		s = (char *)p;
		if (n && s[n - 1] == '\r')
			n--;
	}
	if (log->nlines % 64 == 0)
		log->before[log->nlines / 64] = log->nrecs - 1;
	/* a blank line keeps no record: it reads recs[0] */
	if (!n) {
		ps->prev = 0;
		log->nlines++;
		return nl + 1;
	}
	if (log->nrecs == ps->cap) {
		ps->cap *= 2;
		log->recs = bt_realloc(log->recs, ps->cap * sizeof(*log->recs));
	}
	ln = &log->recs[log->nrecs];
	*ln = (struct dc_line){ .level = -1, .facility = -1, .hdr = -1,
				.cleaned = dirty };
	decode_line(log, ln, &log->recs[ps->prev], s, n);
	s = (char *)dc_text(log, ln);
	ln->nmi = ln->len > 20 && s[0] == 'S' &&
		  !memcmp(s, "Sending NMI from CPU", 20);
	log->kept[log->nlines / 64] |= (uint64_t)1 << log->nlines % 64;
	ps->prev = log->nrecs++;
	log->nlines++;
	return nl + 1;
}

int dc_log_parse(struct dc_log *log, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	struct parse_state ps = { .log = log, .cr.c = '\r', .esc.c = 0x1b,
				  .clean_to = data };

	memset(log, 0, sizeof(*log));
	if (len > DC_LOG_MAX)
		return -1;
	log->data = data;
	log->bytes = len;
	ps.cap = len / 64 + 16;
	log->recs = bt_malloc(ps.cap * sizeof(*log->recs));
	/* the blank line's record */
	log->recs[0] = (struct dc_line){ .level = -1, .facility = -1,
					 .hdr = -1 };
	log->nrecs = 1;
	/* a line takes a byte at least */
	log->kept = bt_calloc(len / 64 + 1, sizeof(*log->kept));
	log->before = bt_calloc(len / 64 + 1, sizeof(*log->before));
	while (p < end)
		p = parse_line(&ps, p);
	return 0;
}

void dc_log_free(struct dc_log *log)
{
	free(log->clean);
	free(log->recs);
	free(log->kept);
	free(log->before);
	memset(log, 0, sizeof(*log));
}
