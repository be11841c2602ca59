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
#include <stdlib.h>
#include <string.h>

#include "dmesg-classify.h"
#include "err.h"

static const char *const facilities[] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", NULL
};

static const char *const levels[] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", NULL
};

/* Copy without NUL, CR and ANSI CSI/OSC sequences. */
static size_t clean_copy(char *dst, const char *src, size_t len)
{
	char *d = dst;
	size_t i = 0;

	while (i < len) {
		const char *p = src + i;
		size_t n = len - i, k = 0;

		/* fast path: run of ordinary bytes */
		while (k < n && p[k] != '\0' && p[k] != '\r' && p[k] != 0x1b)
			k++;
		memcpy(d, p, k);
		d += k;
		i += k;
		if (i >= len)
			break;
		if (src[i] == 0x1b) {
			i++;
			if (i < len && src[i] == '[') {
				i++;
				while (i < len && (unsigned char)src[i] >= 0x20 &&
				       (unsigned char)src[i] < 0x40)
					i++;
				if (i < len && src[i] != '\n')
					i++;
			} else if (i < len && src[i] == ']') {
				while (i < len && src[i] != 0x07 && src[i] != '\n')
					i++;
				if (i < len && src[i] == 0x07)
					i++;
			} else if (i < len && src[i] != '\n') {
				i++;
			}
			continue;
		}
		i++;	/* NUL or CR */
	}
	*d = '\0';
	return d - dst;
}

static bool skip_digits(const char **pp, const char *end, unsigned long *val)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (p >= end || !isdigit((unsigned char)*p))
		return false;
	while (p < end && isdigit((unsigned char)*p)) {
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

/* dmesg -x: "kern  :err   : text" */
static bool skip_dmesg_x(const char **pp, const char *end, int *fac, int *lev)
{
	const char *p = *pp, *q;
	int f, l;

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
	while (q < end && *q == ' ')
		q++;
	if (q >= end || *q != ':')
		return false;
	q++;
	l = word_index(q, end, levels, &q);
	if (l < 0)
		return false;
	while (q < end && *q == ' ')
		q++;
	if (q >= end || *q != ':')
		return false;
	q++;
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

static void decode_line(struct dc_log *log, struct dc_line *ln, char *s,
			size_t len)
{
	const char *p = s, *end = s + len, *q;
	unsigned long pri, v;
	int fac, lev;

	ln->level = -1;
	ln->facility = -1;
	ln->ctx = 0;
	ln->kmsg_cont = false;

	/* /dev/kmsg record: "6,339,5140900,-;text" or continuation */
	q = p;
	if (skip_digits(&q, end, &pri) && q < end && *q == ',') {
		const char *r = q + 1;

		if (skip_digits(&r, end, NULL) && r < end && *r == ',' &&
		    (r++, skip_digits(&r, end, &v)) && r < end && *r == ',') {
			const char *semi = memchr(r, ';', end - r);

			if (semi && semi - r < 16) {
				ln->level = pri & 7;
				ln->facility = pri >> 3;
				ln->ctx = 1;
				p = semi + 1;
				log->has_prio = true;
				goto done;
			}
		}
	}
	if (len > 1 && s[0] == ' ' && log->nlines && memchr(s, '=', len) &&
	    ln[-1].ctx == 1 && ln[-1].facility >= 0 &&
	    !memchr(s, '[', len) && isupper((unsigned char)s[1])) {
		ln->kmsg_cont = true;
		goto done;
	}
	/* "syzkaller login: [  1.2] text": a prompt before the record */
	q = len > 8 && s[0] != '<' && s[0] != '[' ?
	    memmem(s, len < 128 ? len : 128, "login: ", 7) : NULL;
	if (q && q + 7 < end && (q[7] == '[' || q[7] == '<'))
		p = q + 7;
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
		ln->facility = pri >> 3;
		log->has_prio = true;
		p = q + 1;
	}
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

void dc_log_parse(struct dc_log *log, const char *data, size_t len)
{
	size_t n, cap = 64;
	char *p, *end;

	memset(log, 0, sizeof(*log));
	log->bytes = len;
	log->buf = bt_malloc(len + 1);
	n = clean_copy(log->buf, data, len);
	log->lines = bt_malloc(cap * sizeof(*log->lines));
	p = log->buf;
	end = log->buf + n;
	while (p < end) {
		char *nl = memchr(p, '\n', end - p);
		struct dc_line *ln;

		if (!nl)
			nl = end;
		*nl = '\0';
		if (log->nlines == cap) {
			cap *= 2;
			log->lines = bt_realloc(log->lines,
						cap * sizeof(*log->lines));
		}
		ln = &log->lines[log->nlines];
		decode_line(log, ln, p, nl - p);
		ln->lineno = log->nlines + 1;
		log->nlines++;
		p = nl + 1;
	}
}

void dc_log_free(struct dc_log *log)
{
	free(log->buf);
	free(log->lines);
	memset(log, 0, sizeof(*log));
}
