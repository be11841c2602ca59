// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for the files of an fstests run: result.xml (xunit, as
 * common/report writes it: the failure message is not XML-escaped),
 * check.log, check.time, the guest runner's plan and console lines, the
 * kernel's "run fstests TEST at" lines and the classifier's verdict.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fstests-results.h"
#include "json.h"
#include "result.h"
#include "strbuf.h"

void fr_init(struct fr_run *r)
{
	memset(r, 0, sizeof(*r));
	r->check_status = -1;
	r->timeout_s = -1;
}

void fr_free(struct fr_run *r)
{
	size_t i;

	for (i = 0; i < r->nsec; i++) {
		free(r->sec[i].name);
		free(r->sec[i].fstyp);
		free(r->sec[i].kernel);
		free(r->sec[i].mkfs_options);
		free(r->sec[i].mount_options);
	}
	for (i = 0; i < r->nt; i++) {
		free(r->t[i].section);
		free(r->t[i].name);
		free(r->t[i].message);
		free(r->t[i].diff);
		free(r->t[i].dmesg);
		free(r->t[i].kernel_title);
		free(r->t[i].kernel_category);
	}
	for (i = 0; i < r->ncrash; i++) {
		free(r->crash[i].category);
		free(r->crash[i].title);
		free(r->crash[i].section);
		free(r->crash[i].test);
	}
	free(r->sec);
	free(r->t);
	free(r->crash);
	free(r->start_line);
	free(r->cur_section);
	free(r->error);
	free(r->full_section);
	free(r->full_test);
	fr_init(r);
}

const char *fr_status_str(enum fr_status s)
{
	switch (s) {
	case FR_PASS: return "pass";
	case FR_FAIL: return "fail";
	case FR_NOTRUN: return "notrun";
	case FR_EXPUNGED: return "expunged";
	case FR_CRASHED: return "crashed";
	case FR_TIMEOUT: return "timeout";
	default: return "notreached";
	}
}

/* Test ids and section names: short, printable, no path tricks. */
bool fr_valid_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 128 || s[0] == '.' || s[0] == '/')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (!c || (!isalnum(c) && !strchr("_-./+", c)))
			return false;
		if (c == '.' && i + 1 < len && s[i + 1] == '.')
			return false;
	}
	return true;
}

static void set_str(char **dst, const char *s, size_t len)
{
	free(*dst);
	*dst = bt_strndup(s, len);
}

struct fr_section *fr_section(struct fr_run *r, const char *name)
{
	size_t i;

	if (!fr_valid_name(name, strlen(name)))
		return NULL;
	for (i = 0; i < r->nsec; i++)
		if (!strcmp(r->sec[i].name, name))
			return &r->sec[i];
	if (r->nsec >= FR_MAX_SECTIONS)
		return NULL;
	r->sec = bt_realloc(r->sec, (r->nsec + 1) * sizeof(*r->sec));
	memset(&r->sec[r->nsec], 0, sizeof(*r->sec));
	r->sec[r->nsec].name = bt_strdup(name);
	r->sec[r->nsec].time = -1;
	return &r->sec[r->nsec++];
}

struct fr_test *fr_test(struct fr_run *r, const char *section,
			const char *name)
{
	struct fr_test *t;
	size_t i;

	if (!fr_valid_name(name, strlen(name)) || !strchr(name, '/') ||
	    !fr_section(r, section))
		return NULL;
	for (i = r->nt; i-- > 0;)
		if (!strcmp(r->t[i].name, name) &&
		    !strcmp(r->t[i].section, section))
			return &r->t[i];
	if (r->nt >= FR_MAX_TESTS)
		return NULL;
	if ((r->nt & (r->nt - 1)) == 0 || r->nt == 0) {
		size_t n = r->nt ? 2 * r->nt : 16;

		r->t = bt_realloc(r->t, n * sizeof(*r->t));
		r->start_line = bt_realloc(r->start_line,
					   n * sizeof(*r->start_line));
	}
	t = &r->t[r->nt];
	memset(t, 0, sizeof(*t));
	t->section = bt_strdup(section);
	t->name = bt_strdup(name);
	t->time = -1;
	r->start_line[r->nt] = 0;
	r->nt++;
	return t;
}

/* ---- small text helpers ---- */

/* Next line of buf[*pos..len) without its newline (and a trailing CR). */
static bool next_line(const char *buf, size_t len, size_t *pos,
		      const char **line, size_t *llen)
{
	const char *nl;
	size_t n;

	if (*pos >= len)
		return false;
	*line = buf + *pos;
	nl = memchr(*line, '\n', len - *pos);
	n = nl ? (size_t)(nl - *line) : len - *pos;
	*pos += n + (nl ? 1 : 0);
	if (n && (*line)[n - 1] == '\r')
		n--;
	*llen = n;
	return true;
}

static const char *mem_find(const char *h, size_t hlen, const char *n)
{
	size_t nlen = strlen(n);

	if (nlen > hlen)
		return NULL;
	return memmem(h, hlen, n, nlen);
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* Split s[0..len) into whitespace-separated words; calls fn for each. */
static void for_words(const char *s, size_t len,
		      void (*fn)(void *ctx, const char *w, size_t n), void *ctx)
{
	size_t i = 0;

	while (i < len) {
		size_t j;

		while (i < len && isspace((unsigned char)s[i]))
			i++;
		j = i;
		while (j < len && !isspace((unsigned char)s[j]))
			j++;
		if (j > i)
			fn(ctx, s + i, j - i);
		i = j;
	}
}

static char *word_dup(const char *w, size_t n)
{
	return bt_strndup(w, n);
}

/* First max_lines lines of s (bounded in bytes), with "..." if cut. */
static char *head_lines(const char *s, size_t len, int max_lines)
{
	struct strbuf sb = STRBUF_INIT;
	size_t pos = 0, l;
	const char *line;
	int n = 0;

	while (next_line(s, len, &pos, &line, &l)) {
		if (n == max_lines || sb.len + l > FR_SNIPPET) {
			sb_addstr(&sb, "...\n");
			break;
		}
		sb_add(&sb, line, l);
		sb_addch(&sb, '\n');
		n++;
	}
	return sb_detach(&sb);
}

/* ---- result.xml ---- */

/* Decode XML entities of s[0..len) (lenient: unknown ones kept). */
static char *xml_text(const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	static const struct { const char *ent; char c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t i = 0, k;

	while (i < len) {
		if (s[i] == '&') {
			for (k = 0; k < ARRAY_SIZE(ents); k++)
				if (starts(s + i, len - i, ents[k].ent))
					break;
			if (k < ARRAY_SIZE(ents)) {
				sb_addch(&sb, ents[k].c);
				i += strlen(ents[k].ent);
				continue;
			}
		}
		sb_addch(&sb, s[i++]);
	}
	return sb_detach(&sb);
}

/* Value of attribute name in tag[0..len), decoded, or NULL. */
static char *xml_attr(const char *tag, size_t len, const char *name)
{
	struct strbuf key = STRBUF_INIT;
	const char *p = tag, *end = tag + len, *q, *v;

	sb_addf(&key, " %s=\"", name);
	for (;;) {
		q = mem_find(p, end - p, key.buf);
		if (!q) {
			/* also accept a tab or newline before the name */
			key.buf[0] = '\n';
			q = mem_find(tag, len, key.buf);
			if (!q)
				break;
		}
		v = q + key.len;
		/* A failure message is raw text: it ends at ' type="'. */
		if (!strcmp(name, "message")) {
			const char *e = mem_find(v, end - v, "\" type=\"");

			if (e) {
				sb_release(&key);
				return xml_text(v, e - v);
			}
		}
		q = memchr(v, '"', end - v);
		if (!q)
			q = end;
		sb_release(&key);
		return xml_text(v, q - v);
	}
	sb_release(&key);
	return NULL;
}

/*
 * The tag starting at s ("<name ...>"): its length up to '>' or the end.  A
 * failure message is raw text that may hold '>': skip to ' type="' first.
 */
static size_t tag_len(const char *s, size_t len, bool raw_message)
{
	const char *from = s, *gt;

	if (raw_message) {
		const char *t = mem_find(s, len, "\" type=\"");

		if (t)
			from = t;
	}
	gt = memchr(from, '>', s + len - from);
	return gt ? (size_t)(gt - s) + 1 : len;
}

static const char *cdata_block(const char *s, size_t len, const char *elem,
			       size_t *out_len)
{
	struct strbuf open = STRBUF_INIT, close = STRBUF_INIT;
	const char *a, *b, *c, *e;

	sb_addf(&open, "<%s>", elem);
	sb_addf(&close, "</%s>", elem);
	a = mem_find(s, len, open.buf);
	if (!a) {
		sb_release(&open);
		sb_release(&close);
		return NULL;
	}
	a += open.len;
	b = mem_find(a, s + len - a, close.buf);
	if (!b)
		b = s + len;
	sb_release(&open);
	sb_release(&close);
	c = mem_find(a, b - a, "<![CDATA[");
	if (c) {
		c += 9;
		if (c < b && *c == '\n')
			c++;
		e = mem_find(c, b - c, "]]>");
		if (!e)
			e = b;
		*out_len = e - c;
		return c;
	}
	*out_len = b - a;
	return a;
}

static void xml_testcase(struct fr_run *r, const char *dflt_section,
			 const char *s, size_t len)
{
	size_t tl = tag_len(s, len, false);
	char *cls = xml_attr(s, tl, "classname");
	char *name = xml_attr(s, tl, "name");
	char *tm = xml_attr(s, tl, "time");
	const char *sec = dflt_section, *body, *p;
	size_t blen, plen;
	struct fr_test *t;

	if (cls && !strncmp(cls, "xfstests.", 9) && cls[9])
		sec = cls + 9;
	t = name ? fr_test(r, sec, name) : NULL;
	if (!t)
		goto out;
	body = s + tl;
	blen = len - tl;
	t->known = true;
	if (tm && isdigit((unsigned char)tm[0]))
		t->time = strtol(tm, NULL, 10);
	p = mem_find(body, blen, "<failure");
	if (p) {
		size_t fl = tag_len(p, body + blen - p, true);

		t->status = FR_FAIL;
		free(t->message);
		t->message = xml_attr(p, fl, "message");
		p = cdata_block(body, blen, "system-err", &plen);
		if (p) {
			free(t->diff);
			t->diff = head_lines(p, plen, FR_DIFF_LINES);
		}
		p = cdata_block(body, blen, "kernel-log", &plen);
		if (p) {
			free(t->dmesg);
			t->dmesg = head_lines(p, plen, FR_DIFF_LINES);
		}
		goto out;
	}
	p = mem_find(body, blen, "<skipped");
	if (p) {
		t->status = FR_NOTRUN;
		free(t->message);
		t->message = xml_attr(p, tag_len(p, body + blen - p, false),
				      "message");
	} else {
		t->status = FR_PASS;
	}
out:
	free(cls);
	free(name);
	free(tm);
}

static void xml_properties(struct fr_section *sec, const char *s, size_t len)
{
	static const char *const keys[] = {
		"FSTYP", "KERNEL", "MKFS_OPTIONS", "MOUNT_OPTIONS",
	};
	const char *p = s, *end = s + len;
	size_t k;

	while ((p = mem_find(p, end - p, "<property "))) {
		size_t tl = tag_len(p, end - p, false);
		char *n = xml_attr(p, tl, "name"), *v = xml_attr(p, tl, "value");

		for (k = 0; n && v && k < ARRAY_SIZE(keys); k++) {
			char **dst[] = { &sec->fstyp, &sec->kernel,
					 &sec->mkfs_options, &sec->mount_options };

			if (!strcmp(n, keys[k])) {
				free(*dst[k]);
				*dst[k] = v;
				v = NULL;
			}
		}
		free(n);
		free(v);
		p += tl;
	}
}

void fr_parse_xml(struct fr_run *r, const char *section, const char *buf,
		  size_t len)
{
	const char *p, *end = buf + len, *ts, *te;
	struct fr_section *sec = fr_section(r, section);
	size_t tl;

	if (!sec)
		return;
	p = mem_find(buf, len, "<testsuite");
	if (!p)
		return;
	tl = tag_len(p, end - p, false);
	{
		char *tm = xml_attr(p, tl, "time");

		if (tm && isdigit((unsigned char)tm[0]))
			sec->time = strtol(tm, NULL, 10);
		free(tm);
	}
	ts = mem_find(p, end - p, "<testcase");
	xml_properties(sec, p, (ts ? ts : end) - p);
	while (ts) {
		const char *next = mem_find(ts + 9, end - ts - 9, "<testcase");

		te = mem_find(ts, (next ? next : end) - ts, "</testcase>");
		if (!te)
			te = next ? next : end;
		xml_testcase(r, section, ts, te - ts);
		ts = next;
	}
}

/* ---- check.log / check.time ---- */

struct words_ctx {
	struct fr_run *r;
	const char *section;
	enum fr_status st;
};

static void mark_word(void *ctx, const char *w, size_t n)
{
	struct words_ctx *c = ctx;
	char *name = word_dup(w, n);
	struct fr_test *t = fr_test(c->r, c->section, name);

	free(name);
	if (!t)
		return;
	/* result.xml, when present, knows more; the log fills gaps. */
	if (t->known && c->st == FR_PASS)
		return;
	if (c->st != FR_PASS || t->status == FR_NOTREACHED) {
		t->status = c->st;
		t->known = true;
	}
}

void fr_parse_check_log(struct fr_run *r, const char *section,
			const char *buf, size_t len)
{
	struct fr_section *sec = fr_section(r, section);
	size_t pos = 0, l, block = 0;
	const char *line;
	struct words_ctx c = { r, section, FR_PASS };

	if (!sec)
		return;
	/* check.log is appended forever: use the last block only. */
	while (next_line(buf, len, &pos, &line, &l))
		if (starts(line, l, "Kernel version: "))
			block = line - buf;
	pos = block;
	while (next_line(buf, len, &pos, &line, &l)) {
		if (starts(line, l, "Kernel version: ")) {
			set_str(&sec->kernel, line + 16, l - 16);
		} else if (starts(line, l, "Ran: ")) {
			c.st = FR_PASS;
			for_words(line + 5, l - 5, mark_word, &c);
		} else if (starts(line, l, "Not run: ")) {
			c.st = FR_NOTRUN;
			for_words(line + 9, l - 9, mark_word, &c);
		} else if (starts(line, l, "Failures: ")) {
			c.st = FR_FAIL;
			for_words(line + 10, l - 10, mark_word, &c);
		} else if (starts(line, l, "Interrupted!")) {
			sec->interrupted = true;
		} else if (starts(line, l, "Passed all ") ||
			   (starts(line, l, "Failed ") &&
			    mem_find(line, l, " tests"))) {
			sec->summary = true;
		}
	}
}

void fr_parse_check_time(struct fr_run *r, const char *section,
			 const char *buf, size_t len)
{
	size_t pos = 0, l;
	const char *line;
	size_t i;

	while (next_line(buf, len, &pos, &line, &l)) {
		char *copy = bt_strndup(line, l > 256 ? 256 : l);
		char *sp = strchr(copy, ' ');

		if (sp && isdigit((unsigned char)sp[1])) {
			*sp = 0;
			for (i = 0; i < r->nt; i++) {
				struct fr_test *t = &r->t[i];

				if (t->time < 0 && t->status == FR_PASS &&
				    !strcmp(t->name, copy) &&
				    !strcmp(t->section, section))
					t->time = strtol(sp + 1, NULL, 10);
			}
		}
		free(copy);
	}
}

/* ---- runner plan and console ---- */

void fr_parse_plan(struct fr_run *r, const char *buf, size_t len)
{
	size_t pos = 0, l;
	const char *line;

	while (next_line(buf, len, &pos, &line, &l)) {
		const char *sp = memchr(line, ' ', l);
		char *sec, *name;

		if (!sp)
			continue;
		sec = word_dup(line, sp - line);
		name = word_dup(sp + 1, line + l - sp - 1);
		if (fr_test(r, sec, name))
			r->have_plan = true;
		free(sec);
		free(name);
	}
}

struct plan_ctx {
	struct fr_run *r;
	const char *section;
	int skip;
};

static void plan_word(void *ctx, const char *w, size_t n)
{
	struct plan_ctx *c = ctx;
	char *name;

	if (c->skip > 0) {
		c->skip--;
		return;
	}
	name = word_dup(w, n);
	if (fr_test(c->r, c->section, name))
		c->r->have_plan = true;
	free(name);
}

static size_t test_index(struct fr_run *r, struct fr_test *t)
{
	return t - r->t;
}

/* "fstests-vm: VERB ARGS" lines of the guest runner. */
/*
 * A test's first console line: check's "run fstests" kmsg marker comes
 * before the runner's own "start" line, which the runner prints only when
 * check's output reaches it; kernel reports in between belong to the test.
 */
static void mark_start(struct fr_run *r, struct fr_test *t, long lineno)
{
	long *sl = &r->start_line[test_index(r, t)];

	if (!*sl || lineno < *sl)
		*sl = lineno;
}

static void console_runner(struct fr_run *r, const char *s, size_t len,
			   long lineno)
{
	const char *sp = memchr(s, ' ', len), *a;
	size_t alen;
	char *w[4] = { NULL, NULL, NULL, NULL };
	int nw = 0;
	size_t i = 0;

	if (!sp)
		return;
	a = sp + 1;
	alen = s + len - a;
	/* up to four leading words */
	while (nw < 4 && i < alen) {
		size_t j;

		while (i < alen && a[i] == ' ')
			i++;
		j = i;
		while (j < alen && a[j] != ' ')
			j++;
		if (j == i)
			break;
		w[nw++] = word_dup(a + i, j - i);
		i = j;
	}
	if (starts(s, len, "plan ") && nw >= 1) {
		struct plan_ctx c = { r, w[0], 2 };

		for_words(a, alen, plan_word, &c);
	} else if (starts(s, len, "section ") && nw >= 1) {
		if (fr_section(r, w[0]))
			set_str(&r->cur_section, w[0], strlen(w[0]));
	} else if (starts(s, len, "start ") && nw >= 3) {
		struct fr_test *t = fr_test(r, w[0], w[2]);

		if (t) {
			t->started = true;
			mark_start(r, t, lineno);
			set_str(&r->cur_section, w[0], strlen(w[0]));
		}
	} else if (starts(s, len, "end ") && nw >= 4) {
		struct fr_test *t = fr_test(r, w[0], w[2]);
		enum fr_status st = FR_NOTREACHED;
		const char *rest;
		char *secs;

		if (!t)
			goto out;
		t->started = true;
		if (!strcmp(w[3], "pass"))
			st = FR_PASS;
		else if (!strcmp(w[3], "fail"))
			st = FR_FAIL;
		else if (!strcmp(w[3], "notrun"))
			st = FR_NOTRUN;
		else if (!strcmp(w[3], "expunged"))
			st = FR_EXPUNGED;
		if (st == FR_NOTREACHED || t->known)
			goto out;
		t->status = st;
		t->known = true;
		/* then: SECONDS [MESSAGE] */
		while (i < alen && a[i] == ' ')
			i++;
		rest = a + i;
		{
			size_t wl = 0;

			while (i + wl < alen && rest[wl] != ' ')
				wl++;
			secs = word_dup(rest, wl);
			i += wl;
		}
		if (isdigit((unsigned char)secs[0]))
			t->time = strtol(secs, NULL, 10);
		free(secs);
		while (i < alen && a[i] == ' ')
			i++;
		if (i < alen && !t->message)
			t->message = bt_strndup(a + i, alen - i);
	} else if (starts(s, len, "fstyp ") && nw >= 2) {
		/* check's "FSTYP -- ext4": for a run without result.xml */
		struct fr_section *sec = fr_section(r, w[0]);

		if (sec && !sec->fstyp)
			sec->fstyp = bt_strdup(w[1]);
	} else if (starts(s, len, "done ") && nw >= 1) {
		r->done = true;
		if (isdigit((unsigned char)w[0][0]))
			r->check_status = strtol(w[0], NULL, 10);
	} else if (starts(s, len, "error ")) {
		set_str(&r->error, a, alen);
	} else if (starts(s, len, "results-full ") && nw >= 2 && !r->full_test) {
		/* SECTION TEST KIB: the first one counts */
		set_str(&r->full_section, w[0], strlen(w[0]));
		set_str(&r->full_test, w[1], strlen(w[1]));
		r->full_kib = nw >= 3 && isdigit((unsigned char)w[2][0]) ?
			      strtol(w[2], NULL, 10) : 0;
		if (r->full_kib < 0)
			r->full_kib = 0;
	}
out:
	for (i = 0; i < 4; i++)
		free(w[i]);
}

void fr_parse_console(struct fr_run *r, const char *buf, size_t len)
{
	size_t pos = 0, l;
	const char *line, *p;
	long lineno = 0;

	r->have_console = true;
	while (next_line(buf, len, &pos, &line, &l)) {
		lineno++;
		if (l > 4096)
			l = 4096;
		p = mem_find(line, l, "fstests-vm: ");
		if (p) {
			p += 12;
			console_runner(r, p, line + l - p, lineno);
			continue;
		}
		/* check's own marker, written to /dev/kmsg before a test */
		p = mem_find(line, l, "run fstests ");
		if (p && r->cur_section) {
			const char *n = p + 12, *e = memchr(n, ' ', line + l - n);
			struct fr_test *t;
			char *name;

			if (!e || !starts(e, line + l - e, " at "))
				continue;
			name = word_dup(n, e - n);
			t = fr_test(r, r->cur_section, name);
			free(name);
			if (t) {
				t->started = true;
				mark_start(r, t, lineno);
			}
		}
	}
}

/* ---- kernel verdict ---- */

void fr_parse_kernel(struct fr_run *r, const struct bt_result *k)
{
	/* the run was stopped by TIMEOUT= */
	if (k->verdict && !strcmp(k->verdict, "timeout")) {
		r->timed_out = true;
		r->timeout_s = k->timeout_s;
	}
	/* stopped from outside (Ctrl-C, a cancelled request) */
	if (k->verdict && !strcmp(k->verdict, "interrupted"))
		r->interrupted = true;
	for (size_t i = 0; i < k->ncrashes && r->ncrash < 1000; i++) {
		const struct bt_result_crash *c = &k->crashes[i];
		struct fr_crash *fc;

		if (!c->title)
			continue;
		r->crash = bt_realloc(r->crash,
				      (r->ncrash + 1) * sizeof(*r->crash));
		fc = &r->crash[r->ncrash++];
		memset(fc, 0, sizeof(*fc));
		fc->title = bt_strndup(c->title, 512);
		fc->category = bt_strndup(c->category ? c->category : "other",
					  64);
		fc->line = c->start_line;
		fc->panicked = c->panicked;
	}
}
