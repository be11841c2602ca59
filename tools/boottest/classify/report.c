// SPDX-License-Identifier: GPL-2.0
/*
 * dmesg-classify crash finder: headers, report text, title and frame.
 *
 * 1. The header lines are marked (dc_find_headers): a literal prefilter
 *    (rare byte triples of every header literal) finds candidate lines;
 *    only those see a regexp.
 * 2. A header line that no suppression of its header matches starts a
 *    report.  The report keeps the lines of the header's printk context
 *    (caller id, or "timestamped") and ends at the next header that may
 *    start a report, at an end mark, or after a bounded number of lines.
 * 3. Every title format of the header is searched in the report text; the
 *    earliest match wins (the first format on a tie).  Its template takes
 *    the capture groups and the frame chosen from the stack.
 * 4. The title is normalized (addresses, numbers, file:line) by the
 *    rules' normalize list.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/demangle.h>

#include "report.h"
#include "err.h"
#include "hash.h"
#include "json.h"

#define REPORT_MAX_LINES 400
#define TITLE_LINES 40
#define MAX_FRAMES 256		/* per stack */

/* Frames are spans of the log's text (or of the report text): no copies. */
struct frames {
	struct dc_span *v;
	int n, cap;
};

#define LEAD_KEY 4		/* bytes of a format's literal that are looked up */
#define LEAD_KEYS 16

/* Where a format literal's first LEAD_KEY bytes occur in a report's text. */
struct lead_pos {
	char key[LEAD_KEY];
	size_t n;
	size_t *pos;
	size_t npos, cap;
};

struct skip_ent {
	const void *key;	/* the format's skip regexp, or the regexp */
	size_t off;		/* name in skip_memo.names */
	unsigned int hash;
	unsigned char n;
	bool used, kind, match;	/* kind: skipped(), else name_match() */
};

struct skip_memo {
	struct skip_ent *v;
	size_t n, cap;		/* cap: a power of two */
	struct strbuf names;
};

struct report {
	struct dc_rules *r;
	struct dc_log *log;
	const struct dc_line **rec;	/* the records of its lines */
	signed char *ss;	/* each is a stack start (-1 not known yet) */
	signed char *fs;	/* each is a frame (-1 not known yet) */
	struct dc_span *fn;	/* the function of each frame */
	size_t n;
	struct strbuf text;	/* kept lines joined with '\n' */
	size_t ntext;		/* lines in text: the first TITLE_LINES */
	const struct dc_format *fmt;
	bool stack_seen;
	size_t scan_end;		/* lines read for frames: [0, scan_end) */
	struct frames fr, entries;	/* reused from crash to crash */
	struct lead_pos keys[LEAD_KEYS];	/* of the current text */
	int nkeys;
	struct skip_memo memo;
	struct dc_first corrupt_first;	/* of the corrupt-frame list */
};

static bool same_ctx(const struct dc_line *a, const struct dc_line *b,
		     bool nmi)
{
	if (a->ctx == b->ctx)
		return true;
	if (nmi && (b->ctx >> 28) == 3 && a->ctx >= 2)
		return true;
	return false;
}

/* A line and a newline into the report's text. */
static void text_add(struct report *rp, const struct dc_line *ln)
{
	const struct dc_log *log = rp->log;
	const char *text = dc_text(log, ln);

	/* most lines of the input are followed by their newline there */
	if (!ln->cleaned && ln->off + ln->len < log->bytes &&
	    text[ln->len] == '\n') {
		sb_add(&rp->text, text, ln->len + 1);
		return;
	}
	sb_add(&rp->text, text, ln->len);
	sb_addch(&rp->text, '\n');
}

static inline void report_add(struct report *rp, const struct dc_line *ln)
{
	rp->ss[rp->n] = -1;
	rp->fs[rp->n] = -1;
	rp->rec[rp->n++] = ln;
	/* titles come from the first lines: the rest is joined on demand */
	if (rp->ntext < TITLE_LINES) {
		text_add(rp, ln);
		rp->ntext++;
	}
}

/* The whole report as text, for a format's "report" regexp. */
static void report_text_all(struct report *rp)
{
	for (; rp->ntext < rp->n; rp->ntext++)
		text_add(rp, rp->rec[rp->ntext]);
}

#define CH_IDENT 1		/* isalnum() of the C locale, or '_' */
#define CH_XDIGIT 2		/* isxdigit() of the C locale */

static const unsigned char ch_class[256] = {
	['0' ... '9'] = CH_IDENT | CH_XDIGIT,
	['a' ... 'f'] = CH_IDENT | CH_XDIGIT,
	['A' ... 'F'] = CH_IDENT | CH_XDIGIT,
	['g' ... 'z'] = CH_IDENT,
	['G' ... 'Z'] = CH_IDENT,
	['_'] = CH_IDENT,
};

/* A byte of a C identifier. */
static inline bool is_ident(char c)
{
	return ch_class[(unsigned char)c] & CH_IDENT;
}

static inline bool is_xdigit(char c)
{
	return ch_class[(unsigned char)c] & CH_XDIGIT;
}

/* An address, not a function name: 8+ hex digits. */
static bool all_hex(const char *p, size_t n)
{
	if (n < 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_xdigit(p[i]))
			return false;
	return true;
}

/* An address written "0x1234abcd": no function is named so. */
static bool hex_literal(const char *p, size_t n)
{
	if (n < 3 || p[0] != '0' || p[1] != 'x')
		return false;
	for (size_t i = 2; i < n; i++)
		if (!is_xdigit(p[i]))
			return false;
	return true;
}

/*
 * Where lit occurs in s[0..n), or NULL: its first byte (a rare one in a
 * line) is looked for first, so that most lines cost one memchr().
 */
static const char *find_lit(const char *s, size_t n, const char *lit,
			    size_t len)
{
	const char *p;

	if (n < len)
		return NULL;
	p = memchr(s, lit[0], n - len + 1);
	return p ? memmem(p, s + n - p, lit, len) : NULL;
}

/* Skip "[<ffff>] " groups; returns the new pointer. */
static inline const char *skip_pcs(const char *p, const char *end)
{
	if (end - p < 4 || p[0] != '[' || p[1] != '<')
		return p;
	for (int k = 0; k < 2; k++) {
		const char *q = p;

		if (end - q < 4 || q[0] != '[' || q[1] != '<')
			break;
		q += 2;
		while (q < end && is_xdigit(*q))
			q++;
		if (end - q < 2 || q[0] != '>' || q[1] != ']')
			break;
		q += 2;
		while (q < end && *q == ' ')
			q++;
		p = q;
	}
	return p;
}

/*
 * Is line s a stack frame?  Returns the function name span.  Frames:
 * " func+0x1/0x2", " [<pc>] func+0x..", arm " [<pc>] (func) from ...",
 * powerpc " [c000..] [c000..] func+0x..".  " ? func" is not reliable.
 */
static bool parse_frame(const char *s, size_t len, const char **fn,
			size_t *fnlen, const char **entry)
{
	const char *p = s, *end = s + len, *q;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	p = skip_pcs(p, end);
	if (p < end && *p == '[') {	/* powerpc [c0000000012345] */
		for (int k = 0; k < 2 && p < end && *p == '['; k++) {
			q = p + 1;
			while (q < end && is_xdigit(*q))
				q++;
			if (q >= end || *q != ']' || q - p < 8)
				break;
			p = q + 1;
			while (p < end && *p == ' ')
				p++;
		}
	}
	if (p < end && *p == '(') {
		/* arm "(callee) from [<pc>] (caller+0x..": the caller counts */
		const char *from = find_lit(p, end - p, ") from ", 7);

		if (from) {
			q = skip_pcs(from + 7, end);
			if (q < end && *q == '(')
				p = q;
		}
		p++;
	}
	q = p;
	while (q < end && is_ident(*q))
		q++;
	if (q == p || q >= end || (*q != '+' && *q != '.' && *q != ')'))
		return false;
	if (*q == '.' && (q + 1 >= end || !isalpha((unsigned char)q[1])))
		return false;
	if (all_hex(p, q - p) || hex_literal(p, q - p))
		return false;
	*fn = p;
	*fnlen = q - p;
	*entry = p;
	return true;
}

static void frames_add(struct frames *f, const char *s, size_t n);

/*
 * The callee of an arm frame line "[<pc>] (callee) from [<pc>] (caller+..",
 * or NULL: the top frame is only there (the caller is the line's frame).
 */
static const char *arm_callee(const char *s, size_t len, size_t *fl)
{
	const char *p = s, *end = s + len, *q;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	q = skip_pcs(p, end);
	if (q == p || q >= end || *q != '(')
		return NULL;
	p = ++q;
	while (q < end && (is_ident(*q) || *q == '.'))
		q++;
	if (q == p || end - q < 7 || memcmp(q, ") from ", 7))
		return NULL;
	*fl = q - p;
	return p;
}

static inline void frames_add(struct frames *f, const char *s, size_t n)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = bt_realloc(f->v, f->cap * sizeof(*f->v));
	}
	f->v[f->n].s = s;
	f->v[f->n++].n = n;
}

static void frames_free(struct frames *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/*
 * The demangled name of a C++ ("_Z...") or Rust ("_R...", "_ZN...E")
 * symbol without its parameters (a new string), or NULL: C names and
 * what libiberty cannot demangle stay as they are.
 */
static char *demangle(const char *s, size_t n)
{
	char *raw, *out;

	if (n < 4 || s[0] != '_' || (s[1] != 'Z' && s[1] != 'R'))
		return NULL;
	raw = bt_strndup(s, n);
	out = cplus_demangle(raw, DMGL_AUTO);
	free(raw);
	return out;
}

/* A frame's name as titles show it (a new string). */
static char *frame_name(const struct dc_span *fn)
{
	char *d = demangle(fn->s, fn->n);

	return d ? d : bt_strndup(fn->s, fn->n);
}

/* Rules apply to a frame's demangled name. */
static bool span_match(struct dc_rules *r, pcre2_code *re,
		       const struct dc_span *sp)
{
	char *d = demangle(sp->s, sp->n);
	bool m;

	if (!d)
		return dc_match(r, re, sp->s, sp->n);
	m = dc_match(r, re, d, strlen(d));
	free(d);
	return m;
}

static bool line_stack_start(struct report *rp, size_t k)
{
	const struct dc_line *ln = rp->rec[k];
	const char *text = dc_text(rp->log, ln);

	/* every stack-start line ends in ':' (cheap test first) */
	return ln->len && dc_first_may(&rp->r->stack_first, text, ln->len) &&
	       memchr(text, ':', ln->len) &&
	       dc_match(rp->r, rp->r->stack_start, text, ln->len);
}

static inline bool is_stack_start(struct report *rp, size_t k)
{
	if (rp->ss[k] < 0)
		rp->ss[k] = line_stack_start(rp, k);
	return rp->ss[k];
}

static long find_stack_start(struct report *rp)
{
	for (size_t j = 0; j < rp->n; j++)
		if (is_stack_start(rp, j))
			return j;
	return -1;
}

/* Is report line k a frame (parse_frame(), remembered)?  *fn: its function. */
static inline bool is_frame(struct report *rp, size_t k, struct dc_span *fn)
{
	if (rp->fs[k] < 0) {
		const struct dc_line *ln = rp->rec[k];
		const char *entry;

		rp->fs[k] = parse_frame(dc_text(rp->log, ln), ln->len,
					&rp->fn[k].s, &rp->fn[k].n, &entry);
	}
	*fn = rp->fn[k];
	return rp->fs[k];
}

/*
 * Frames of the stack from report line k on; a line that starts another
 * stack ends it once a frame was read.
 */
static void read_stack(struct report *rp, size_t k, struct frames *out,
		       struct frames *entries)
{
	int got = 0;

	for (size_t j = k; j < rp->n; j++) {
		const struct dc_line *ln = rp->rec[j];
		const char *text = dc_text(rp->log, ln);
		struct dc_span fn;

		if (got && (got >= MAX_FRAMES || is_stack_start(rp, j)))
			break;
		if (j + 1 > rp->scan_end)
			rp->scan_end = j + 1;
		if (!is_frame(rp, j, &fn))
			continue;
		got++;
		{
			size_t cl;
			const char *callee = arm_callee(text, ln->len, &cl);

			if (callee)
				frames_add(out, callee, cl);
		}
		frames_add(out, fn.s, fn.n);
		/* the stack entry: the frame line from the function on */
		if (entries)
			frames_add(entries, fn.s, text + ln->len - fn.s);
	}
}

/*
 * The function of a RIP/pc line, or NULL; *is_rip tells whether the line
 * is one at all (a user-space "RIP: 0033:0x4403c9" names no function).
 */
static const char *rip_func(const char *s, size_t len, size_t *fl,
			    bool *is_rip)
{
	static const struct {
		const char *s;
		size_t n;
	} pfx[] = {
#define PFX(x) { x, sizeof(x) - 1 }
		PFX("RIP: "), PFX("IP: "), PFX("pc : "), PFX("PC is at "),
		PFX("epc : "), PFX("RIP  "), PFX("NIP "), PFX("EIP: "),
		PFX("EIP is at "),
#undef PFX
	};
	const char *p = NULL, *end = s + len, *q;

	*is_rip = false;
	while (s < end && *s == ' ')
		s++;
	/* every prefix starts with one of these */
	if (s == end || !strchr("RIpPeNE", *s))
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(pfx); i++) {
		size_t n = pfx[i].n;

		if ((size_t)(end - s) > n && *s == pfx[i].s[0] &&
		    !memcmp(s, pfx[i].s, n)) {
			p = s + n;
			break;
		}
	}
	if (!p)
		return NULL;
	*is_rip = true;
	while (p < end && *p == ' ')
		p++;
	/* "0010:" segment */
	q = p;
	while (q < end && is_xdigit(*q))
		q++;
	if (q < end && *q == ':' && q - p == 4)
		p = q + 1;
	if (p < end && *p == '[' && p + 1 < end && p[1] != '<') {
		q = memchr(p, ']', end - p);	/* powerpc NIP [c000..] */
		if (q)
			p = q + 1;
	}
	while (p < end && *p == ' ')
		p++;
	p = skip_pcs(p, end);
	q = p;
	while (q < end && is_ident(*q))
		q++;
	if (q == p || q >= end || (*q != '+' && *q != '.'))
		return NULL;
	if ((q - p >= 2 && p[0] == '0' && p[1] == 'x') || all_hex(p, q - p))
		return NULL;
	*fl = q - p;
	return p;
}

static bool skipped_match(struct report *rp, const struct dc_span *fn)
{
	if (span_match(rp->r, rp->r->frame_skip, fn))
		return true;
	return rp->fmt->skip && span_match(rp->r, rp->fmt->skip, fn);
}

/* A hash of a name, 8 bytes at a time (only the memo's table uses it). */
static unsigned int name_hash(unsigned int h, const char *s, size_t n)
{
	unsigned long long x = h;

	for (; n >= 8; s += 8, n -= 8) {
		unsigned long long w;

		memcpy(&w, s, 8);
		x = (x ^ w) * 0x9e3779b97f4a7c15ULL;
		x ^= x >> 29;
	}
	for (; n; s++, n--)
		x = bt_fnv1a_byte(x, *s);
	x ^= x >> 32;
	return (unsigned int)x;
}

/*
 * Is a frame skipped?  The same functions show up in crash after crash:
 * the answer for each (format skip list, name) is remembered.
 */
static bool memo_match(struct report *rp, const void *key, bool skip,
		       const struct dc_span *fn)
{
	struct skip_memo *m = &rp->memo;
	unsigned int h = BT_FNV32_OFFSET ^ (unsigned int)(uintptr_t)key ^ skip;
	size_t i;

	if (fn->n > 255)
		return skip ? skipped_match(rp, fn) :
		       span_match(rp->r, (pcre2_code *)key, fn);
	h = name_hash(h, fn->s, fn->n);
	if (2 * (m->n + 1) > m->cap) {
		struct skip_ent *old = m->v;
		size_t ocap = m->cap;

		m->cap = ocap ? 2 * ocap : 1024;
		m->v = bt_calloc(m->cap, sizeof(*m->v));
		for (size_t k = 0; k < ocap; k++) {
			if (!old[k].used)
				continue;
			for (i = old[k].hash & (m->cap - 1); m->v[i].used;
			     i = (i + 1) & (m->cap - 1))
				;
			m->v[i] = old[k];
		}
		free(old);
	}
	for (i = h & (m->cap - 1); m->v[i].used; i = (i + 1) & (m->cap - 1)) {
		struct skip_ent *e = &m->v[i];

		if (e->hash == h && e->key == key && e->kind == skip &&
		    e->n == fn->n &&
		    !memcmp(m->names.buf + e->off, fn->s, fn->n))
			return e->match;
	}
	m->v[i].used = true;
	m->v[i].hash = h;
	m->v[i].key = key;
	m->v[i].kind = skip;
	m->v[i].n = fn->n;
	m->v[i].off = m->names.len;
	m->v[i].match = skip ? skipped_match(rp, fn) :
			span_match(rp->r, (pcre2_code *)key, fn);
	sb_add(&m->names, fn->s, fn->n);
	m->n++;
	return m->v[i].match;
}

static bool skipped(struct report *rp, const struct dc_span *fn)
{
	return memo_match(rp, rp->fmt->skip, true, fn);
}

/* A list regexp (no format's) on a function name, remembered. */
static bool name_match(struct report *rp, pcre2_code *re,
		       const struct dc_span *fn)
{
	return re && memo_match(rp, re, false, fn);
}

/* The length of the syscall prefix whose removal leaves the shortest name. */
static size_t prefix_len(struct dc_rules *r, const char *fn, size_t len)
{
	size_t best = 0;

	for (int i = 0; i < r->nprefix; i++) {
		size_t n;

		/* most names start with none of the prefixes' first bytes */
		if (!len || fn[0] != r->prefixes[i][0])
			continue;
		n = strlen(r->prefixes[i]);
		if (n < len && n > best && !strncmp(fn, r->prefixes[i], n))
			best = n;
	}
	return best;
}

static char *strip_prefix(struct dc_rules *r, const char *fn)
{
	return bt_strdup(fn + prefix_len(r, fn, strlen(fn)));
}

static char *first_usable(struct report *rp, struct frames *f, int from)
{
	for (int i = from; i < f->n; i++)
		if (!skipped(rp, &f->v[i]))
			return frame_name(&f->v[i]);
	return NULL;
}

/* First line index in the report at or after k matching re. */
static long find_line(struct report *rp, size_t k, pcre2_code *re)
{
	for (size_t j = k; j < rp->n; j++) {
		const struct dc_line *ln = rp->rec[j];

		if (dc_match(rp->r, re, dc_text(rp->log, ln), ln->len))
			return j;
	}
	return -1;
}

/* Where a RIP/pc line stands in the frame search. */
enum rip_use {
	RIP_NO,		/* not read: the stack alone */
	RIP_FIRST,	/* its function and the frames after it; no line: none */
	RIP_ELSE_STACK,	/* as RIP_FIRST, but no line or no frame: the stack */
	RIP_ONLY,	/* its function alone */
};

/* The first RIP/pc line at or after line k, or -1; its function in *fn. */
static long find_rip(struct report *rp, size_t k, const char **fn,
		     size_t *fl)
{
	for (size_t j = k; j < rp->n; j++) {
		const struct dc_line *ln = rp->rec[j];
		bool is_rip;

		*fn = rip_func(dc_text(rp->log, ln), ln->len, fl, &is_rip);
		if (is_rip)
			return j;
	}
	return -1;
}

/*
 * Candidate frames: by rip, the function of the first RIP/pc line and the
 * frames after it, or the first stack.  A format's "after" regexp moves
 * the start to the line it matches: no such line, no frames.  Without a
 * stack start, a stack is not searched for (lines that look like frames
 * elsewhere are no call trace).
 */
static void collect(struct report *rp, enum rip_use rip, struct frames *f,
		    struct frames *entries)
{
	long a = rp->fmt->after ? find_line(rp, 0, rp->fmt->after) : -1;
	size_t base = a >= 0 ? (size_t)a : 0;
	long s = find_stack_start(rp), j = -1;
	const char *fn = NULL;
	size_t fl = 0;

	rp->stack_seen = s >= 0;
	rp->scan_end = 0;
	if (rp->fmt->after && a < 0)
		return;
	if (rip != RIP_NO)
		j = find_rip(rp, base, &fn, &fl);
	if (j >= 0) {
		const struct dc_line *ln = rp->rec[j];
		const char *text = dc_text(rp->log, ln);

		rp->scan_end = j + 1;
		if (fn) {
			frames_add(f, fn, fl);
			if (entries)
				frames_add(entries, fn, text + ln->len - fn);
		}
		if (rip == RIP_ONLY)
			return;
		read_stack(rp, j + 1, f, entries);
		if (f->n > (fn ? 1 : 0))
			rp->stack_seen = true;
		if (f->n > (fn ? 1 : 0) || rip == RIP_FIRST)
			return;
	} else if (rip == RIP_FIRST || rip == RIP_ONLY) {
		return;
	}
	if (a >= 0) {
		read_stack(rp, a + 1, f, entries);
		if (f->n)
			rp->stack_seen = true;
		return;
	}
	if (s >= 0)
		read_stack(rp, s + 1, f, entries);
}

/*
 * The frame above the first stall anchor among the usable frames (the
 * first usable one when that is an anchor); anchors see names without
 * their syscall prefix.  An anchor that names the stall itself gives the
 * text its stall-self rule matched.  No anchor: no frame.
 */
static char *frame_stall(struct report *rp, struct frames *f)
{
	const struct dc_span *prev = NULL;

	for (int i = 0; i < f->n; i++) {
		const struct dc_span *fn = &f->v[i];
		size_t k = prefix_len(rp->r, fn->s, fn->n);
		struct dc_span bare = { fn->s + k, fn->n - k };

		if (skipped(rp, fn))
			continue;
		if (!prev)
			prev = fn;
		if (name_match(rp, rp->r->anchors, &bare)) {
			if (rp->r->stall_self &&
			    dc_exec(rp->r, rp->r->stall_self, fn->s, fn->n,
				    0) >= 0) {
				PCRE2_SIZE *ov =
					pcre2_get_ovector_pointer(rp->r->md);

				return bt_strndup(fn->s + ov[0],
						  ov[1] - ov[0]);
			}
			return frame_name(prev);
		}
		prev = fn;
	}
	return NULL;
}

/*
 * Hung tasks, among the usable frames: a bucket's frame first (named
 * "%F": the frame itself), else the first that is not a wait.
 */
static char *frame_hang(struct report *rp, struct frames *f)
{
	struct dc_rules *r = rp->r;

	for (int i = 0; i < f->n; i++) {
		if (skipped(rp, &f->v[i]))
			continue;
		for (int k = 0; k < r->nhang_pick; k++) {
			if (!span_match(r, r->hang_pick[k].re, &f->v[i]))
				continue;
			if (!strcmp(r->hang_pick[k].repl, "%F"))
				return frame_name(&f->v[i]);
			return bt_strdup(r->hang_pick[k].repl);
		}
	}
	for (int i = 0; i < f->n; i++)
		if (!skipped(rp, &f->v[i]) &&
		    !span_match(r, r->hang_skip, &f->v[i]))
			return frame_name(&f->v[i]);
	return NULL;
}

/*
 * The function of an "at: FUNC+0x.." line (or of the line after one that
 * ends in "at:"), or NULL.
 */
static const char *at_func(struct report *rp, size_t j, size_t *fl)
{
	const struct dc_line *ln = rp->rec[j];
	const char *text = dc_text(rp->log, ln), *end = text + ln->len;
	const char *at = memmem(text, ln->len, "at: ", 4), *p, *q;

	if (!at) {
		if (ln->len < 3 || memcmp(end - 3, "at:", 3) || j + 1 >= rp->n)
			return NULL;
		ln = rp->rec[j + 1];
		at = dc_text(rp->log, ln);
		end = at + ln->len;
		while (at < end && *at == ' ')
			at++;
		at -= 4;	/* as if "at: " preceded it */
	}
	p = skip_pcs(at + 4, end);
	q = p;
	while (q < end && is_ident(*q))
		q++;
	if (q == p || q >= end || (*q != '+' && *q != '.'))
		return NULL;
	*fl = q - p;
	return p;
}

/*
 * Lockdep: the first usable of the lock being acquired's "at:" function,
 * the held lock's, and the frames after that (the dependency chain).
 */
static char *frame_lockdep(struct report *rp, struct frames *f)
{
	struct frames at = { 0 };
	char *fn;
	size_t j;

	for (j = 0; j < rp->n && at.n < 2; j++) {
		size_t fl;
		const char *p = at_func(rp, j, &fl);

		if (p)
			frames_add(&at, p, fl);
	}
	if (at.n == 2)
		read_stack(rp, j, &at, NULL);
	fn = first_usable(rp, &at, 0);
	frames_free(&at);
	if (fn || at.n)
		return fn;
	return first_usable(rp, f, 0);
}

static char *frame_origin(struct report *rp)
{
	static const char *const marks[] = {
		"Uninit was created at:", " created at:",
	};

	for (size_t j = 0; j < rp->n; j++) {
		const struct dc_line *ln = rp->rec[j];

		for (size_t m = 0; m < ARRAY_SIZE(marks); m++) {
			struct frames f = { 0 };
			char *fn;

			if (!memmem(dc_text(rp->log, ln), ln->len, marks[m],
				    strlen(marks[m])))
				continue;
			read_stack(rp, j + 1, &f, NULL);
			fn = first_usable(rp, &f, 0);
			frames_free(&f);
			return fn;
		}
	}
	return NULL;
}

/* Expand a title template. */
static char *expand(const char *tpl, const char *text, PCRE2_SIZE *ov,
		    int ngroups, const char *frame, const char *frame2)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = tpl; *p; p++) {
		size_t run = strcspn(p, "%");

		/* the template's plain text in runs, not a byte at a time */
		if (run || !p[1]) {
			run = run ? run : 1;
			sb_add(&sb, p, run);
			p += run - 1;
			continue;
		}
		p++;
		if (*p >= '1' && *p <= '9') {
			int g = *p - '0';

			if (g < ngroups && ov[2 * g] != PCRE2_UNSET)
				sb_add(&sb, text + ov[2 * g],
				       ov[2 * g + 1] - ov[2 * g]);
		} else if (*p == 'F') {
			sb_addstr(&sb, frame ? frame : "corrupted");
		} else if (*p == 'G') {
			sb_addstr(&sb, frame2 ? frame2 : "corrupted");
		} else {
			sb_addch(&sb, *p);
		}
	}
	return sb_detach(&sb);
}

char *dc_normalize(struct dc_rules *r, const char *s)
{
	char *cur = bt_strdup(s), *out;
	size_t n;
	/* every rule needs a digit (addresses, numbers, lines) or "syz" */
	bool need = strpbrk(s, "0123456789") || strstr(s, "syz");

	for (int i = 0; need && i < r->nnorm; i++) {
		/* most rules match nothing: a match is cheaper than a copy */
		if (!dc_match(r, r->norm[i].re, cur, strlen(cur)))
			continue;
		for (int iter = 0; iter < 16; iter++) {
			PCRE2_SIZE olen = strlen(cur) * 2 + 64;
			int rc;

			out = bt_malloc(olen);
			/* JIT-compiled by the match above (dc_exec) */
			rc = pcre2_substitute(r->norm[i].re,
					      (PCRE2_SPTR)cur,
					      PCRE2_ZERO_TERMINATED, 0,
					      PCRE2_SUBSTITUTE_GLOBAL |
					      PCRE2_SUBSTITUTE_OVERFLOW_LENGTH,
					      r->md, NULL,
					      (PCRE2_SPTR)r->norm[i].repl,
					      PCRE2_ZERO_TERMINATED,
					      (PCRE2_UCHAR *)out, &olen);
			if (rc == PCRE2_ERROR_NOMEMORY) {
				free(out);
				out = bt_malloc(olen);
				rc = pcre2_substitute(r->norm[i].re,
						      (PCRE2_SPTR)cur,
						      PCRE2_ZERO_TERMINATED, 0,
						      PCRE2_SUBSTITUTE_GLOBAL,
						      r->md, NULL,
						      (PCRE2_SPTR)r->norm[i].repl,
						      PCRE2_ZERO_TERMINATED,
						      (PCRE2_UCHAR *)out,
						      &olen);
			}
			if (rc <= 0 || !strcmp(out, cur)) {
				free(out);
				break;
			}
			free(cur);
			cur = out;
		}
	}
	/* tabs to spaces, drop control and non-ASCII bytes, squeeze, cut */
	out = bt_malloc(strlen(cur) + 1);
	n = 0;
	for (const unsigned char *p = (unsigned char *)cur; *p && n < 120;
	     p++) {
		unsigned char c = *p == '\t' ? ' ' : *p;

		if (c < 0x20 || c >= 0x7f)
			continue;
		if (c == ' ' && (n == 0 || out[n - 1] == ' '))
			continue;
		out[n++] = c;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	free(cur);
	return out;
}

static void add_alt(struct dc_crash *c, char *t)
{
	if (c->nalt < (int)ARRAY_SIZE(c->alts))
		c->alts[c->nalt++] = t;
	else
		free(t);
}

#define SPAN_BLOCK (1U << 17)	/* spans per block of stack storage */

/* A copy of a crash's stack in the result's blocks: one page fault per MB. */
static struct dc_span *stack_store(struct dc_result *res, struct frames *f)
{
	struct dc_span *v;

	if (!f->n)
		return NULL;
	if (!res->nspan_blocks || res->span_used + f->n > SPAN_BLOCK) {
		size_t n = (size_t)f->n > SPAN_BLOCK ? (size_t)f->n : SPAN_BLOCK;

		res->span_blocks = bt_realloc(res->span_blocks,
					      (res->nspan_blocks + 1) *
					      sizeof(*res->span_blocks));
		res->span_blocks[res->nspan_blocks++] =
			bt_malloc(n * sizeof(struct dc_span));
		res->span_used = 0;
	}
	v = res->span_blocks[res->nspan_blocks - 1] + res->span_used;
	memcpy(v, f->v, f->n * sizeof(*v));
	res->span_used += f->n;
	return v;
}

/*
 * Offsets in text where the first bytes of lead occur (cached), the first
 * LEAD_PER_LINE in each line only: a line is one message, and a console
 * line that repeats a header thousands of times would have every format
 * tried at each, a scan to the end of the line each time.
 */
#define LEAD_PER_LINE 4

static struct lead_pos *lead_positions(struct report *rp, const char *lead,
				       size_t nlead, const char *text,
				       size_t tlen)
{
	size_t k = nlead < LEAD_KEY ? nlead : LEAD_KEY;
	struct lead_pos *lp;
	const char *p = text, *end = text + tlen, *eol = text;
	int inline_n = 0;

	for (int i = 0; i < rp->nkeys; i++)
		if (rp->keys[i].n == k && !memcmp(rp->keys[i].key, lead, k))
			return &rp->keys[i];
	if (rp->nkeys == LEAD_KEYS)
		return NULL;
	lp = &rp->keys[rp->nkeys++];
	memcpy(lp->key, lead, k);
	lp->n = k;
	lp->npos = 0;
	while (p < end && (p = memchr(p, lead[0], end - p))) {
		if ((size_t)(end - p) >= k && !memcmp(p, lead, k)) {
			if (lp->npos == lp->cap) {
				lp->cap = lp->cap ? 2 * lp->cap : 8;
				lp->pos = bt_realloc(lp->pos, lp->cap *
						     sizeof(*lp->pos));
			}
			if (p >= eol) {
				eol = memchr(p, '\n', end - p);
				eol = eol ? eol : end;
				inline_n = 0;
			}
			lp->pos[lp->npos++] = p - text;
			if (++inline_n == LEAD_PER_LINE)
				p = eol;
		}
		p++;
	}
	return lp;
}

/*
 * A format whose matches all start with a literal is tried, anchored, only
 * where the literal occurs, in text order: the first success is the match
 * an unanchored search finds (same start, same captures), but for a line
 * holding the literal more than once, where only the first place is tried
 * (an attempt may scan to the end of the line: a console line repeating
 * the literal would cost the line's length at each).  Starts at or after
 * limit cannot win.  Returns pcre2_match's status.
 */
static int match_lead(struct report *rp, struct dc_format *f,
		      const char *text, size_t tlen, size_t limit)
{
	struct lead_pos *lp = lead_positions(rp, f->lead, f->nlead, text, tlen);
	pcre2_code *re = lp ? dc_anchored(f) : NULL;

	if (!re)
		return dc_exec(rp->r, f->re, text, tlen, 0);
	for (size_t i = 0, eol = 0; i < lp->npos && lp->pos[i] < limit; i++) {
		size_t at = lp->pos[i];
		const char *nl;
		int rc;

		if (at < eol || tlen - at < f->nlead ||
		    memcmp(text + at, f->lead, f->nlead))
			continue;
		rc = dc_exec(rp->r, re, text, tlen, at);
		if (rc != PCRE2_ERROR_NOMATCH)
			return rc;
		nl = memchr(text + at, '\n', tlen - at);
		eol = nl ? (size_t)(nl - text) : tlen;
	}
	return PCRE2_ERROR_NOMATCH;
}

/* A frame line, reliable or not (" ? func+0x1/0x2"). */
static bool any_frame(const struct dc_log *log, const struct dc_line *ln)
{
	const char *p = dc_text(log, ln), *end = p + ln->len, *fn, *entry;
	size_t fl;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	p = skip_pcs(p, end);
	if (end - p >= 2 && p[0] == '?' && p[1] == ' ')
		p += 2;
	return parse_frame(p, end - p, &fn, &fl, &entry);
}

/*
 * A report that should carry a stack lost it: it has no stack start, or
 * one is followed by no frame, reliable or not, in the next 15 lines.  Lockdep's "stack backtrace:" only
 * announces the stack start that follows it.
 */
static bool stack_broken(struct report *rp)
{
	bool any = false;

	for (size_t j = 0; j < rp->n; j++) {
		const struct dc_line *ln = rp->rec[j];
		bool frame = false;

		if (!is_stack_start(rp, j) ||
		    memmem(dc_text(rp->log, ln), ln->len, "stack backtrace:", 16))
			continue;
		any = true;
		for (size_t k = j + 1; k < rp->n && k <= j + 15 && !frame;
		     k++) {
			ln = rp->rec[k];
			frame = any_frame(rp->log, ln) ||
				memmem(dc_text(rp->log, ln), ln->len,
				       "(stack is not available)", 24);
		}
		if (!frame)
			return true;
	}
	return !any;
}

/* A "[  12.345678]" time stamp: two messages merged into the title. */
static bool has_timestamp(const char *t)
{
	for (const char *p = strchr(t, '['); p; p = strchr(p + 1, '[')) {
		const char *q = p + 1;

		while (*q == ' ')
			q++;
		if (!isdigit((unsigned char)*q))
			continue;
		while (isdigit((unsigned char)*q))
			q++;
		if (*q++ != '.' || !isdigit((unsigned char)*q))
			continue;
		while (isdigit((unsigned char)*q))
			q++;
		if (*q == ']')
			return true;
	}
	return false;
}

/*
 * May a list whose filter is f match a frame's name?  Its first byte
 * tells, unless the list sees the name demangled (demangle()).
 */
static bool name_may(const struct dc_first *f, const struct dc_span *fn)
{
	if (fn->n >= 4 && fn->s[0] == '_' && (fn->s[1] == 'Z' || fn->s[1] == 'R'))
		return true;
	return dc_first_may(f, fn->s, fn->n);
}

/* Does a frame line read for the title show another stack mixed in? */
static bool mixed_stack(struct report *rp)
{
	if (!rp->r->corrupt)
		return false;
	for (size_t j = 0; j < rp->scan_end; j++) {
		struct dc_span fn;

		if (is_frame(rp, j, &fn) && name_may(&rp->corrupt_first, &fn) &&
		    name_match(rp, rp->r->corrupt, &fn))
			return true;
	}
	return false;
}

static enum rip_use rip_use_of(enum dc_frame_mode mode)
{
	switch (mode) {
	case DC_FRAME_RIP:
		return RIP_FIRST;
	case DC_FRAME_RIPONLY:
		return RIP_ONLY;
	case DC_FRAME_WARN:
	case DC_FRAME_STALL:
		return RIP_ELSE_STACK;
	default:
		return RIP_NO;
	}
}

/*
 * The format whose title regexp matches earliest (the first on a tie)
 * and whose "report" regexp, if it has one, matches too; its capture
 * groups into ov (those of the report regexp when there is one).  NULL:
 * none matched, or none at the earliest place passed its report regexp
 * (*corrupted; *cat is then the first such format's category).
 */
static const struct dc_format *pick_format(struct report *rp,
					   const struct dc_header *h,
					   PCRE2_SIZE *ov, int *nov,
					   bool *corrupted, const char **cat)
{
	struct dc_rules *r = rp->r;
	const struct dc_format *best = NULL, *titled = NULL;
	PCRE2_SIZE start = (PCRE2_SIZE)-1;

	rp->nkeys = 0;
	for (int i = 0; i < h->nfmt; i++) {
		struct dc_format *f = &h->fmts[i];
		const char *text = sb_str(&rp->text);
		PCRE2_SIZE *m;
		int rc;

		rc = f->lead ? match_lead(rp, f, text, rp->text.len,
					  start == (PCRE2_SIZE)-1 ? start :
					  start + 1) :
		     dc_exec(r, f->re, text, rp->text.len, 0);
		if (rc < 0)
			continue;
		m = pcre2_get_ovector_pointer(r->md);
		if (m[0] > start || (m[0] == start && best))
			continue;
		if (m[0] < start) {
			start = m[0];
			best = NULL;
			titled = f;
		}
		*nov = rc > 10 ? 10 : rc;
		memcpy(ov, m, 2 * *nov * sizeof(*ov));
		if (f->report) {
			/* the whole report's text begins with the title's */
			report_text_all(rp);
			rc = dc_exec(r, f->report, sb_str(&rp->text),
				     rp->text.len, 0);
			if (rc < 0)
				continue;
			*nov = rc > 10 ? 10 : rc;
			memcpy(ov, pcre2_get_ovector_pointer(r->md),
			       2 * *nov * sizeof(*ov));
		}
		best = f;
	}
	if (!best && titled) {
		*corrupted = true;
		if (titled->category)
			*cat = titled->category;
	}
	return best;
}

/* The header line from the header on, as the title. */
static char *raw_title(struct report *rp, size_t hpos)
{
	const struct dc_line *ln = rp->rec[0];
	char *raw = bt_strndup(dc_text(rp->log, ln) + hpos, ln->len - hpos);
	char *t = dc_normalize(rp->r, raw);

	free(raw);
	return t;
}

static void title_report(struct report *rp, const struct dc_header *h,
			 size_t hpos, struct dc_crash *c, struct dc_result *res)
{
	struct dc_rules *r = rp->r;
	const char *text;
	const struct dc_format *best;
	PCRE2_SIZE bestov[20];
	int bestn = 0;
	struct frames *fr = &rp->fr, *entries = &rp->entries;
	char *frame = NULL, *frame2 = NULL, *t;
	const char *cat = h->category ? h->category : "other";
	int fg;

	fr->n = 0;
	entries->n = 0;

	/* titles come from the first lines; frames from the whole report */
	best = pick_format(rp, h, bestov, &bestn, &c->corrupted, &cat);
	text = sb_str(&rp->text);
	rp->fmt = best;
	if (!best) {
		c->title = raw_title(rp, hpos);
		c->category = bt_strdup(cat ? cat : "other");
		/* keep a stack for the JSON all the same */
		rp->fmt = &(struct dc_format){ 0 };
		collect(rp, RIP_ELSE_STACK, fr, entries);
		goto stack;
	}
	/* a function named in the title line itself comes first */
	fg = pcre2_substring_number_from_name(best->report ? best->report :
					      best->re, (PCRE2_SPTR)"F");
	if (fg > 0 && fg < bestn && bestov[2 * fg] != PCRE2_UNSET)
		frames_add(fr, text + bestov[2 * fg],
			   bestov[2 * fg + 1] - bestov[2 * fg]);
	collect(rp, rip_use_of(best->mode), fr, entries);
	/* another stack mixed into the lines read: no frame can be trusted */
	if (best->mode != DC_FRAME_NONE && mixed_stack(rp)) {
		c->corrupted = true;
		goto expand;
	}
	switch (best->mode) {
	case DC_FRAME_NONE:
		break;
	case DC_FRAME_TRACE:
	case DC_FRAME_RIP:
	case DC_FRAME_RIPONLY:
	case DC_FRAME_WARN:
		frame = first_usable(rp, fr, 0);
		break;
	case DC_FRAME_STALL:
		frame = frame_stall(rp, fr);
		break;
	case DC_FRAME_HANG:
		frame = frame_hang(rp, fr);
		break;
	case DC_FRAME_LOCKDEP:
		frame = frame_lockdep(rp, fr);
		break;
	case DC_FRAME_ORIGIN:
		frame = first_usable(rp, fr, 0);
		frame2 = frame_origin(rp);
		break;
	}
expand:
	if (best->noframe_raw && !frame) {
		c->title = raw_title(rp, hpos);
		c->category = bt_strdup(best->category ? best->category :
					"lockdep");
		c->corrupted = true;
		goto stack;
	}
	if (best->mode != DC_FRAME_NONE && !frame)
		c->corrupted = true;
	if (!best->nostack && stack_broken(rp))
		c->corrupted = true;
	if (best->corrupted)
		c->corrupted = true;
	if (frame) {
		char *s = strip_prefix(r, frame);

		free(frame);
		frame = s;
	}
	t = expand(best->title ? best->title : "%0", text, bestov, bestn,
		   frame, frame2);
	if (has_timestamp(t))
		c->corrupted = true;
	c->title = dc_normalize(r, t);
	free(t);
	for (int i = 0; i < best->nalt; i++) {
		t = expand(best->alt[i], text, bestov, bestn, frame, frame2);
		add_alt(c, dc_normalize(r, t));
		free(t);
	}
	c->category = bt_strdup(best->category ? best->category :
				h->category ? h->category : "other");
	if (frame && best->mode != DC_FRAME_NONE)
		c->frame = bt_strdup(frame);
stack:
	c->stack = stack_store(res, entries);
	c->nstack = entries->n;
	c->stack_plain = true;
	for (int i = 0; i < entries->n && c->stack_plain; i++)
		c->stack_plain = bt_json_plain(entries->v[i].s,
					       entries->v[i].n);
	free(frame);
	free(frame2);
}

/* Room for one crash per header line was made at the start. */
static void add_crash(struct dc_result *res, struct dc_crash *c)
{
	res->crashes[res->ncrash++] = *c;
}

static bool is_panic_line(const struct dc_log *log,
			  const struct dc_line *ln)
{
	return find_lit(dc_text(log, ln), ln->len, "Kernel panic - not syncing", 26);
}

/* A lockdep splat, which a crash's own handling may set off. */
static bool is_lockdep_line(const struct dc_log *log,
			    const struct dc_line *ln)
{
	return find_lit(dc_text(log, ln), ln->len,
			"WARNING: possible circular locking dependency detected",
			54);
}

/* Line indexes (the lines that hold a header, ascending). */
struct line_list {
	size_t *v;
	size_t n, cap;
};

static void line_list_add(struct line_list *hl, size_t i)
{
	if (hl->n == hl->cap) {
		hl->cap = hl->cap ? hl->cap * 2 : 64;
		hl->v = bt_realloc(hl->v, hl->cap * sizeof(*hl->v));
	}
	hl->v[hl->n++] = i;
}

/*
 * The levels' counts and the messages to report of the log's lines, into
 * res; in the same walk, the headers of un-prefixed lines in a log with
 * priorities are dropped, and the lines of the others listed in hl.
 */
static void count_range(struct dc_rules *r, struct dc_log *log,
			struct dc_result *res, struct line_list *hl)
{
	size_t cap = 0;

	for (size_t i = 0, k = 1; i < log->nlines; i++) {
		struct dc_line *ln = dc_line_kept(log, i) ? &log->recs[k++] :
				     log->recs;
		int lev = ln->level;

		/*
		 * dc_log_parse found the headers.  In a log whose kernel lines
		 * carry priorities, a line with no prefix at all is userspace
		 * output: never a header.
		 */
		if (log->has_prio && lev < 0 && ln->ctx == 0) {
			ln->hdr = -1;
			ln->inside = false;
		}
		if (ln->hdr >= 0)
			line_list_add(hl, i);
		if (ln->kmsg_cont || ln->len == 0)
			continue;
		if (lev < 0 && !log->has_prio) {
			lev = dc_line_level(r, log, ln);
			ln->level = lev;
		}
		if (lev < 0 || ln->facility > 0)
			continue;
		res->counts[lev]++;
		if (lev > 4)
			continue;
		if (dc_benign(r, log, ln)) {
			res->benign++;
			continue;
		}
		if (res->nmsg == cap) {
			cap = cap ? cap * 2 : 32;
			res->msgs = bt_realloc(res->msgs,
					       cap * sizeof(*res->msgs));
		}
		res->msgs[res->nmsg].line = i;
		res->msgs[res->nmsg].level = lev;
		res->msgs[res->nmsg].known = false;
		res->nmsg++;
	}
}

/* A printk context and its latest line (ctx_links). */
struct link {
	unsigned int ctx, line;
	bool used;
};

/* The slot of ctx in an open-addressed map of cap (a power of 2) slots. */
static size_t link_slot(const struct link *map, size_t cap, unsigned int ctx)
{
	size_t k = (ctx * 2654435761U) & (cap - 1);

	while (map[k].used && map[k].ctx != ctx)
		k = (k + 1) & (cap - 1);
	return k;
}

/*
 * For each record (a line that is not blank), the line of the next record
 * of the same printk context (nlines when none; NULL: not worth it, no
 * header or too many lines): a report skips the lines of other contexts,
 * often hundreds in a busy log.  Blank lines have no link: memory goes
 * with the records.  The lines are walked back from the last: a
 * context's latest line is its entry in an open-addressed map.
 */
static unsigned int *ctx_links(const struct dc_log *log)
{
	struct link *map;
	size_t cap = 1024, n = 0;
	unsigned int *next, after = 0;
	bool first = true;

	if (!log->nheaders || log->nlines >= UINT_MAX)
		return NULL;
	next = bt_malloc(log->nrecs * sizeof(*next));
	next[0] = log->nlines;
	map = bt_calloc(cap, sizeof(*map));
	for (size_t j = log->nlines, k = 0, rec = log->nrecs; j-- > 0;) {
		unsigned int ctx;

		if (!dc_line_kept(log, j)) {
			/* 64 blank lines at a time */
			if (!log->kept[j / 64])
				j -= j % 64;
			continue;
		}
		ctx = log->recs[--rec].ctx;
		/* most records are of the context of the record after them */
		if (first || ctx != after)
			k = link_slot(map, cap, ctx);
		first = false;
		after = ctx;
		next[rec] = map[k].used ? map[k].line : log->nlines;
		if (!map[k].used) {
			map[k].used = true;
			map[k].ctx = ctx;
			n++;
		}
		map[k].line = j;
		if (2 * n > cap) {
			struct link *old = map;

			map = bt_calloc(2 * cap, sizeof(*map));
			for (size_t o = 0; o < cap; o++)
				if (old[o].used)
					map[link_slot(map, 2 * cap,
						      old[o].ctx)] = old[o];
			cap *= 2;
			free(old);
			/* the slot of this record's context in the new map */
			k = link_slot(map, cap, ctx);
		}
	}
	free(map);
	return next;
}

/*
 * The levels' counts and the messages to report, and the header lines;
 * returns ctx_links().
 */
static unsigned int *count_messages(struct dc_rules *r, struct dc_log *log,
				    struct dc_result *res,
				    struct line_list *hl)
{
	dc_msg_scan_init(r, log->data, log->bytes);
	count_range(r, log, res, hl);
	r->mscan.data = NULL;
	return ctx_links(log);
}

/* A crash whose title is still to be made: its header line. */
struct job {
	size_t line;
	int crash;
	size_t hk;		/* its index in the header lines */
	size_t end;		/* the report's last line (SIZE_MAX: not known) */
};

/*
 * The lines of the report that header line i starts: the lines of its
 * printk context (other contexts are stepped over, until an NMI line)
 * up to the next header that may start a report; returns the index of
 * the last one.  With rp, they are added to it; when the lines carry a
 * printk caller (one task's or CPU's lines), the title's text goes on
 * past such a header (a Rust panic's stack follows the BUG it raises),
 * to an end mark or, in a long report, to a panic or lockdep splat that
 * the crash itself set off.
 */
static size_t report_lines(struct dc_rules *r, const struct dc_log *log,
			   const unsigned int *next, size_t i,
			   struct report *rp)
{
	const struct dc_line *hl = dc_line(log, i), *ln = hl;
	size_t j = i, end = i, n = 1;
	bool nmi = false, past = false;

	if (rp) {
		rp->n = 0;
		rp->ntext = 0;
		sb_reset(&rp->text);
		report_add(rp, hl);
	}
	/*
	 * Blank lines are of the bare context and have no links: a report of
	 * bare lines steps line by line, as one after an NMI line does.
	 */
	if (!hl->ctx)
		next = NULL;
	for (;;) {
		j = next && !nmi ? next[ln - log->recs] : j + 1;
		if (j >= log->nlines || n >= REPORT_MAX_LINES ||
		    j - i >= 8 * REPORT_MAX_LINES)
			break;
		ln = dc_line(log, j);
		if (ln->kmsg_cont || !same_ctx(hl, ln, nmi))
			continue;
		if (ln->hdr >= 0) {
			const struct dc_header *h2 = &r->hdrs[ln->hdr];

			if (h2->endmark || (n > 22 && (is_panic_line(log, ln) ||
						is_lockdep_line(log, ln))))
				break;
			if (!ln->inside) {
				if (!rp || hl->ctx < 2)
					break;
				past = true;
			}
		}
		if (ln->nmi)
			nmi = true;
		if (rp)
			report_add(rp, ln);
		n++;
		if (!past)
			end = j;
	}
	return end;
}

/* What the titles of a log's crashes are made from. */
struct titler {
	struct dc_rules *r;
	struct dc_log *log;
	const unsigned int *next;	/* ctx_links() */
	struct dc_result *res;
	const struct line_list *hl;	/* the header lines */
};

/*
 * A crash's extent once its title walk found where its report ends: up
 * to the next header that starts a report, or a panic line.
 */
static void job_extent(const struct dc_rules *r, const struct dc_log *log,
		       const struct line_list *hl, const struct job *jb,
		       struct dc_crash *c)
{
	if (c->end < jb->end)
		c->end = jb->end;
	for (size_t m = jb->hk; m < hl->n; m++) {
		const struct dc_line *ln = dc_line(log, hl->v[m]);

		if (hl->v[m] > jb->end && !ln->inside &&
		    !r->hdrs[ln->hdr].endmark)
			break;
		if (is_panic_line(log, ln)) {
			c->panicked = true;
			break;
		}
	}
}

/* The title and extent of one crash. */
static void title_job(struct titler *t, struct report *rp, struct job *jb)
{
	const struct dc_line *hd = dc_line(t->log, jb->line);
	struct dc_crash *c = &t->res->crashes[jb->crash];

	jb->end = report_lines(t->r, t->log, t->next, jb->line, rp);
	title_report(rp, &t->r->hdrs[hd->hdr], dc_header_pos(t->r, t->log, hd),
		     c, t->res);
	job_extent(t->r, t->log, t->hl, jb, c);
}

/* Titles are made from each report's own lines. */
static void titles(struct titler *t, struct job *jobs, size_t n)
{
	struct report rp = { .r = t->r, .log = t->log };

	rp.rec = bt_malloc(REPORT_MAX_LINES * sizeof(*rp.rec));
	dc_first_build(&rp.corrupt_first, t->r->corrupt ?
		       sb_str(&t->r->corrupt_src) : NULL);
	rp.ss = bt_malloc(REPORT_MAX_LINES);
	rp.fs = bt_malloc(REPORT_MAX_LINES);
	rp.fn = bt_malloc(REPORT_MAX_LINES * sizeof(*rp.fn));
	for (size_t k = 0; k < n; k++)
		title_job(t, &rp, &jobs[k]);
	free(rp.rec);
	free(rp.ss);
	free(rp.fs);
	free(rp.fn);
	sb_release(&rp.text);
	frames_free(&rp.fr);
	frames_free(&rp.entries);
	for (int i = 0; i < LEAD_KEYS; i++)
		free(rp.keys[i].pos);
	free(rp.memo.v);
	sb_release(&rp.memo.names);
}

void dc_classify(struct dc_rules *r, struct dc_log *log, struct dc_result *res)
{
	long last = -1;		/* index of the last crash */
	unsigned int *next;
	struct job *jobs;
	struct line_list hl = { 0 };
	size_t njob = 0;

	memset(res, 0, sizeof(*res));
	next = count_messages(r, log, res, &hl);
	res->crashes = bt_malloc((log->nheaders + 1) *
				    sizeof(*res->crashes));
	jobs = bt_malloc((log->nheaders + 1) * sizeof(*jobs));

	/*
	 * The reports first, their titles after, and then their extents: the
	 * titles' walk finds where each report ends.  A header that never
	 * starts a second report belongs to the last report when it comes at
	 * most 64 lines after its end (or after such a header): the end is
	 * found here only when that is not known from where the report starts.
	 */
	for (size_t k = 0; k < hl.n; k++) {
		size_t i = hl.v[k];
		const struct dc_line *hd = dc_line(log, i);
		const struct dc_header *h = &r->hdrs[hd->hdr];
		struct dc_crash c;

		if (h->endmark)
			continue;
		if (i + 1 < log->nlines &&
		    find_lit(dc_text(log, dc_line(log, i + 1)),
			     dc_line(log, i + 1)->len,
			     "** replaying previous printk message **", 39))
			continue;
		if (hd->inside && last >= 0) {
			struct dc_crash *pc = &res->crashes[last];
			struct job *jb = &jobs[last];

			/* pc->end: the last header it took, so far */
			if (pc->end + 64 < i && jb->end == SIZE_MAX)
				jb->end = report_lines(r, log, next, jb->line,
						       NULL);
			if (pc->end + 64 >= i || jb->end + 64 >= i) {
				pc->end = i;
				if (is_panic_line(log, hd))
					pc->panicked = true;
				continue;
			}
		}
		memset(&c, 0, sizeof(c));
		c.start = i;
		c.end = i;
		jobs[njob].line = i;
		jobs[njob].crash = res->ncrash;
		jobs[njob].hk = k;
		jobs[njob].end = SIZE_MAX;
		njob++;
		add_crash(res, &c);
		last = res->ncrash - 1;
	}
	titles(&(struct titler){ .r = r, .log = log, .next = next,
				 .res = res, .hl = &hl }, jobs, njob);
	free(jobs);
	free(hl.v);
	/*
	 * Lines of a crash report are not separate messages.  Messages and
	 * crash starts both ascend: one walk, with the furthest end so far.
	 */
	if (res->ncrash) {
		size_t n = 0, maxend = 0;
		int c = 0;

		for (size_t m = 0; m < res->nmsg; m++) {
			size_t line = res->msgs[m].line;

			for (; c < res->ncrash && res->crashes[c].start <= line;
			     c++)
				if (res->crashes[c].end + 1 > maxend)
					maxend = res->crashes[c].end + 1;
			if (line >= maxend)
				res->msgs[n++] = res->msgs[m];
		}
		res->nmsg = n;
	}
	free(next);
}

void dc_result_free(struct dc_result *res)
{
	for (int i = 0; i < res->ncrash; i++) {
		struct dc_crash *c = &res->crashes[i];

		free(c->category);
		free(c->title);
		free(c->frame);
		for (int k = 0; k < c->nalt; k++)
			free(c->alts[k]);
	}
	for (int i = 0; i < res->nspan_blocks; i++)
		free(res->span_blocks[i]);
	free(res->span_blocks);
	free(res->crashes);
	free(res->msgs);
	memset(res, 0, sizeof(*res));
}
