// SPDX-License-Identifier: GPL-2.0
/*
 * The console log: lines with their syslog priority and kernel timestamp,
 * written with an anchor per line (#L123), coloured by priority, crash
 * reports highlighted, and a long log folded (<details>, never cut) away
 * from its crashes, errors, start and end.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "err.h"
#include "report-html.h"

/* A log longer than this is folded; these many lines stay around marks. */
#define FOLD_MIN_LINES	1500
#define FOLD_HEAD	100
#define FOLD_TAIL	150
#define FOLD_CRASH_CTX	40
#define FOLD_ERROR_CTX	3
#define FOLD_MIN_RUN	30

static size_t parse_prio(const char *s, size_t len, int *prio)
{
	size_t i = 1;
	int v = 0;

	if (len < 3 || s[0] != '<')
		return 0;
	while (i < len && i < 5 && s[i] >= '0' && s[i] <= '9')
		v = v * 10 + (s[i++] - '0');
	if (i == 1 || i >= len || s[i] != '>')
		return 0;
	*prio = v & 7;
	return i + 1;
}

static double parse_ts(const char *s, size_t len)
{
	size_t i = 1;
	double v = 0, scale = 1;
	bool dot = false, digit = false;

	if (!len || s[0] != '[')
		return -1;
	while (i < len && s[i] == ' ')
		i++;
	for (; i < len && i < 24; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			digit = true;
			if (dot) {
				scale /= 10;
				v += (s[i] - '0') * scale;
			} else {
				v = v * 10 + (s[i] - '0');
			}
		} else if (s[i] == '.' && !dot) {
			dot = true;
		} else {
			break;
		}
	}
	return digit && dot && i < len && s[i] == ']' ? v : -1;
}

void rh_log_parse(struct rh_log *log, const char *buf, size_t len)
{
	size_t n = 0, pos = 0, i = 0;
	const char *p = buf, *end = buf + len;

	while (p < end && (p = memchr(p, '\n', end - p))) {
		n++;
		p++;
	}
	if (len && buf[len - 1] != '\n')
		n++;
	log->buf = buf;
	log->len = len;
	log->n = n;
	log->line = bt_calloc(n ? n : 1, sizeof(*log->line));
	while (pos < len && i < n) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos, skip;
		struct rh_line *ln = &log->line[i++];
		int prio = -1;

		pos += l + 1;
		while (l && s[l - 1] == '\r')
			l--;
		skip = parse_prio(s, l, &prio);
		ln->prio = prio;
		ln->off = s - buf + skip;
		ln->len = l - skip;
		ln->ts = parse_ts(s + skip, l - skip);
	}
}

void rh_log_free(struct rh_log *log)
{
	free(log->line);
	log->line = NULL;
	log->n = 0;
}

double rh_log_ts(const struct rh_log *log, long no)
{
	long i;

	if (no > (long)log->n)
		no = log->n;
	for (i = no - 1; i >= 0; i--)
		if (log->line[i].ts >= 0)
			return log->line[i].ts;
	return -1;
}

void rh_log_mark(struct rh_log *log, long start, long end, unsigned int mark)
{
	long i;

	if (start < 1)
		start = 1;
	if (end > (long)log->n)
		end = log->n;
	for (i = start; i <= end; i++)
		log->line[i - 1].mark |= mark;
	if ((mark & RH_CRASH) && start <= end)
		log->line[start - 1].mark |= RH_CRASH_START;
}

static void show_range(struct rh_log *log, long from, long to)
{
	long i;

	if (from < 0)
		from = 0;
	if (to > (long)log->n)
		to = log->n;
	for (i = from; i < to; i++)
		log->line[i].mark |= RH_SHOW;
}

/* Which lines a folded log shows: its start and end, and context of marks. */
static void choose_shown(struct rh_log *log)
{
	long i, n = log->n;

	if (n <= FOLD_MIN_LINES) {
		show_range(log, 0, n);
		return;
	}
	show_range(log, 0, FOLD_HEAD);
	show_range(log, n - FOLD_TAIL, n);
	for (i = 0; i < n; i++) {
		unsigned int m = log->line[i].mark;

		if (m & RH_CRASH_START) {
			long e = i;

			while (e < n && (log->line[e].mark & RH_CRASH))
				e++;
			show_range(log, i - FOLD_CRASH_CTX, e + FOLD_CRASH_CTX);
			i = e > i ? e - 1 : i;
		} else if (m & (RH_ERROR | RH_CRASH)) {
			show_range(log, i - FOLD_ERROR_CTX, i + FOLD_ERROR_CTX + 1);
		}
	}
}

/*
 * <span id=L12 class="p6 c"><a href=#L12>12</a>TEXT</span>: the markup is
 * most of the page of a long log, so it is kept short (unquoted values).
 */
static void write_line(FILE *f, const struct rh_log *log, size_t i)
{
	const struct rh_line *ln = &log->line[i];
	char cls[16];
	size_t k = 0;

	if (ln->prio >= 0) {
		cls[k++] = 'p';
		cls[k++] = '0' + ln->prio;
	} else if (ln->len >= 13 && !memcmp(log->buf + ln->off, "boottest-init", 13)) {
		cls[k++] = 'p';
		cls[k++] = 'u';
	}
	if (ln->mark & RH_CRASH) {
		if (k)
			cls[k++] = ' ';
		cls[k++] = 'c';
	}
	if (ln->mark & RH_CRASH_START) {
		cls[k++] = ' ';
		cls[k++] = 'c';
		cls[k++] = 's';
	}
	fputs("<span id=L", f);
	rh_num(f, i + 1);
	if (k) {
		fputs(k > 2 ? " class=\"" : " class=", f);
		fwrite(cls, 1, k, f);
		if (k > 2)
			fputc('"', f);
	}
	fputs("><a href=#L", f);
	rh_num(f, i + 1);
	fputc('>', f);
	rh_num(f, i + 1);
	fputs("</a>", f);
	rh_esc(f, log->buf + ln->off, ln->len);
	fputs("</span>\n", f);
}

void rh_log_write(FILE *f, struct rh_log *log)
{
	size_t i = 0, j;

	choose_shown(log);
	fputs("<pre class=\"log\">", f);
	while (i < log->n) {
		for (j = i; j < log->n && !(log->line[j].mark & RH_SHOW); j++)
			;
		if (j - i >= FOLD_MIN_RUN) {
			fputs("</pre>\n<details class=\"fold\"><summary>lines ", f);
			rh_num(f, i + 1);
			fputs("-", f);
			rh_num(f, j);
			fputs(" (", f);
			rh_num(f, j - i);
			fputs(" lines folded: open to read)</summary><pre class=\"log\">", f);
			for (; i < j; i++)
				write_line(f, log, i);
			fputs("</pre></details>\n<pre class=\"log\">", f);
			continue;
		}
		for (; i < j; i++)
			write_line(f, log, i);
		if (i < log->n)
			write_line(f, log, i++);
	}
	fputs("</pre>\n", f);
}

/* ---- timeline milestones ---- */

void rh_timeline_add(struct rh_timeline *t, const char *label, double ts,
		     long line, int kind)
{
	if (ts < 0 || t->nev >= (int)ARRAY_SIZE(t->ev))
		return;
	t->ev[t->nev++] = (struct rh_event){ label, ts, line, kind };
}

static bool line_has(const struct rh_log *log, size_t i, const char *s)
{
	const struct rh_line *ln = &log->line[i];

	return memmem(log->buf + ln->off, ln->len, s, strlen(s)) != NULL;
}

/* "(uptime 12.33)" at the end of boottest-init's markers. */
static double uptime_of(const struct rh_log *log, size_t i)
{
	const struct rh_line *ln = &log->line[i];
	const char *u = memmem(log->buf + ln->off, ln->len, "(uptime ", 8);
	char tmp[32];
	size_t k = 0;

	if (!u)
		return -1;
	u += 8;
	while (k + 1 < sizeof(tmp) && u + k < log->buf + ln->off + ln->len &&
	       ((u[k] >= '0' && u[k] <= '9') || u[k] == '.')) {
		tmp[k] = u[k];
		k++;
	}
	tmp[k] = '\0';
	return k ? strtod(tmp, NULL) : -1;
}

void rh_timeline_scan(struct rh_timeline *t, const struct rh_log *log)
{
	size_t i;
	long last = 0;
	bool first = false, run = false, started = false, cmd = false,
	     tests = false, finished = false;

	t->init_uptime = -1;
	for (i = 0; i < log->n; i++) {
		const struct rh_line *ln = &log->line[i];

		if (ln->ts >= 0) {
			last = i + 1;
			if (!first) {
				rh_timeline_add(t, "first kernel line", ln->ts, i + 1,
						RH_EV_MILESTONE);
				first = true;
			}
			if (!run && line_has(log, i, "] Run /") &&
			    line_has(log, i, " as init process")) {
				rh_timeline_add(t, "Run /init", ln->ts, i + 1,
						RH_EV_MILESTONE);
				run = true;
			}
			continue;
		}
		if (ln->len < 15 || memcmp(log->buf + ln->off, "boottest-init: ", 15))
			continue;
		if (!started && line_has(log, i, "boottest-init: started ")) {
			t->init_uptime = uptime_of(log, i);
			rh_timeline_add(t, "boottest-init started", t->init_uptime,
					i + 1, RH_EV_MILESTONE);
			started = true;
		} else if (!cmd && line_has(log, i, "boottest-init: running CMD")) {
			rh_timeline_add(t, "CMD", rh_log_ts(log, i + 1), i + 1,
					RH_EV_MILESTONE);
			cmd = true;
		} else if (!tests && line_has(log, i, "boottest-init: running TESTS")) {
			rh_timeline_add(t, "TESTS", rh_log_ts(log, i + 1), i + 1,
					RH_EV_MILESTONE);
			tests = true;
		} else if (!finished && line_has(log, i, "boottest-init: finished ")) {
			rh_timeline_add(t, "finished", uptime_of(log, i), i + 1,
					RH_EV_MILESTONE);
			finished = true;
		}
	}
	if (last)
		rh_timeline_add(t, "last kernel line", log->line[last - 1].ts, last,
				RH_EV_MILESTONE);
}

static int ic_cmp(const void *a, const void *b)
{
	const struct rh_initcall *x = a, *y = b;

	return (x->secs < y->secs) - (x->secs > y->secs);
}

/* "initcall NAME+0x0/0x60 returned 0 after 1234 usecs" (initcall_debug) */
void rh_timeline_initcalls(struct rh_timeline *t, const struct rh_log *log,
			   size_t keep)
{
	struct rh_initcall *all = NULL;
	size_t n = 0, alloc = 0, i;

	for (i = 0; i < log->n; i++) {
		const struct rh_line *ln = &log->line[i];
		const char *s = log->buf + ln->off, *end = s + ln->len, *p, *name;
		size_t nlen;
		char num[24];
		size_t k = 0;

		if (ln->ts < 0 || ln->len < 40)
			continue;
		p = memmem(s, ln->len, "] initcall ", 11);
		if (!p)
			continue;
		name = p + 11;
		for (nlen = 0; name + nlen < end && name[nlen] != '+' &&
		     name[nlen] != ' '; nlen++)
			;
		p = memmem(name, end - name, " after ", 7);
		if (!p || !memmem(p, end - p, " usecs", 6))
			continue;
		p += 7;
		while (p < end && k + 1 < sizeof(num) && *p >= '0' && *p <= '9')
			num[k++] = *p++;
		num[k] = '\0';
		if (!k)
			continue;
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 256;
			all = bt_realloc(all, alloc * sizeof(*all));
		}
		all[n].secs = strtod(num, NULL) / 1e6;
		all[n].start = ln->ts - all[n].secs;
		all[n].name = bt_strndup(name, nlen);
		n++;
	}
	t->initcall_debug = n > 0;
	if (!n)
		return;
	qsort(all, n, sizeof(*all), ic_cmp);
	for (i = keep; i < n; i++)
		free(all[i].name);
	t->nic = n < keep ? n : keep;
	t->ic = all;
}

void rh_timeline_free(struct rh_timeline *t)
{
	size_t i;

	for (i = 0; i < t->nic; i++)
		free(t->ic[i].name);
	free(t->ic);
	t->ic = NULL;
	t->nic = 0;
}
