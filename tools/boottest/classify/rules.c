// SPDX-License-Identifier: GPL-2.0
/*
 * dmesg-classify rules: the data that says what a crash looks like.
 *
 * A rules file is a list of "KEYWORD VALUE" lines ('#' starts a comment
 * line; VALUE is the rest of the line after one blank).  See the head of
 * dmesg-classify.rules for the keywords.  Several files can be loaded; the
 * later ones extend the earlier ones (a header seen again gets more
 * formats and suppressions; lists grow).
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "err.h"
#include "path.h"

pcre2_code *dc_compile(const char *src, const char *what, const char *file,
		       unsigned int lineno)
{
	pcre2_code *re;
	int ec;
	PCRE2_SIZE off;

	re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, DC_RE_FLAGS,
			   &ec, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ec, msg, sizeof(msg));
		bt_err("%s:%u: %s regexp at offset %zu: %s; fix the rule",
		       file, lineno, what, (size_t)off, (char *)msg);
		return NULL;
	}
	return re;
}

/*
 * The literal every match of a regexp starts with (after a leading '^'),
 * or NULL: the bytes up to the first metacharacter, less the last one when
 * a quantifier follows.  A top-level alternation, verbs, \Q quoting or
 * option settings make it unknown.
 */
static char *lead_literal(const char *src, size_t *n)
{
	const char *p = src, *q;
	int depth = 0;

	if (strstr(src, "(*") || strstr(src, "\\Q") || strstr(src, "(?#"))
		return NULL;
	for (q = src; *q; q++) {
		if (*q == '\\' && q[1]) {
			q++;
		} else if (*q == '[') {
			q++;
			if (*q == '^')
				q++;
			if (*q == ']')
				q++;
			for (; *q && *q != ']'; q++) {
				if (*q == '\\' && q[1])
					q++;
				else if (*q == '[' && q[1] == ':' &&
					 strstr(q + 2, ":]"))
					q = strstr(q + 2, ":]") + 1;
			}
			if (!*q)
				return NULL;
		} else if (*q == '(') {
			depth++;
		} else if (*q == ')') {
			depth--;
		} else if (*q == '|' && depth == 0) {
			return NULL;
		}
	}
	if (*p == '^')
		p++;
	for (q = p; *q && !strchr("\\^$.|?*+()[]{}", *q); q++)
		;
	if (q > p && *q && strchr("?*{", *q))
		q--;
	if (q == p)
		return NULL;
	*n = q - p;
	return bt_strndup(p, q - p);
}

static struct dc_header *find_header(struct dc_rules *r, const char *lit)
{
	for (int i = 0; i < r->nhdr; i++)
		if (!strcmp(r->hdrs[i].lit, lit))
			return &r->hdrs[i];
	return NULL;
}

static void list_add(struct strbuf *sb, const char *re)
{
	if (sb->len)
		sb_addch(sb, '|');
	sb_addf(sb, "(?:%s)", re);
}

static const char *const level_names[] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"
};

static const struct {
	const char *name;
	enum dc_frame_mode mode;
} modes[] = {
	{ "none", DC_FRAME_NONE }, { "trace", DC_FRAME_TRACE },
	{ "rip", DC_FRAME_RIP }, { "stall", DC_FRAME_STALL },
	{ "hang", DC_FRAME_HANG }, { "lockdep", DC_FRAME_LOCKDEP },
	{ "origin", DC_FRAME_ORIGIN }, { "riponly", DC_FRAME_RIPONLY },
	{ "warn", DC_FRAME_WARN },
};

/* The category vocabulary of the JSON output. */
static const char *const categories[] = {
	"panic", "oops", "bug", "warning", "kasan", "ubsan", "kcsan", "kmsan",
	"kfence", "lockdep", "hung_task", "rcu_stall", "soft_lockup",
	"hard_lockup", "gpf", "page_fault", "null_deref", "oom", "other",
};

static bool known_category(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(categories); i++)
		if (!strcmp(s, categories[i]))
			return true;
	return false;
}

/* Where the lines of a rules file being loaded go. */
struct load {
	struct dc_rules *r;
	struct dc_header *h;	/* the last header (or end mark) */
	struct dc_format *f;	/* its last format */
	const char *name;	/* of the file, for messages */
	unsigned int lineno;
	const char *key;
};

enum load_need { NEED_NONE, NEED_HEADER, NEED_FORMAT };

struct load_key {
	const char *key;
	enum load_need need;
	int (*fn)(struct load *ld, char *val, size_t off);
	size_t off;		/* the field the handler fills */
};

static int compile_into(struct load *ld, const char *val, const char *what,
			pcre2_code **re)
{
	*re = dc_compile(val, what, ld->name, ld->lineno);
	return *re ? 0 : -1;
}

/* header LIT / endmark LIT: a header, new or seen before. */
static int key_header(struct load *ld, char *val, size_t endmark)
{
	struct dc_rules *r = ld->r;

	if (!*val) {
		bt_err("%s:%u: '%s' needs a value", ld->name, ld->lineno,
		       ld->key);
		return -1;
	}
	ld->h = find_header(r, val);
	if (!ld->h) {
		r->hdrs = bt_realloc(r->hdrs, (r->nhdr + 1) * sizeof(*r->hdrs));
		ld->h = &r->hdrs[r->nhdr++];
		memset(ld->h, 0, sizeof(*ld->h));
		ld->h->lit = bt_strdup(val);
		ld->h->len = strlen(val);
	}
	if (endmark)
		ld->h->endmark = true;
	ld->f = NULL;
	return 0;
}

static int key_ignore_inside(struct load *ld, char *val, size_t off)
{
	ld->h->ignore_inside = true;
	return 0;
}

static int bad_category(struct load *ld, const char *val)
{
	bt_err("%s:%u: unknown category '%s'; use panic, oops, bug, warning, kasan, ubsan, kcsan, kmsan, kfence, lockdep, hung_task, rcu_stall, soft_lockup, hard_lockup, gpf, page_fault, null_deref, oom or other",
	       ld->name, ld->lineno, val);
	return -1;
}

static int key_default_category(struct load *ld, char *val, size_t off)
{
	if (!known_category(val))
		return bad_category(ld, val);
	free(ld->h->category);
	ld->h->category = bt_strdup(val);
	return 0;
}

static int key_suppress(struct load *ld, char *val, size_t off)
{
	struct dc_header *h = ld->h;
	pcre2_code *re;

	if (compile_into(ld, val, "suppression", &re))
		return -1;
	h->supp = bt_realloc(h->supp, (h->nsupp + 1) * sizeof(*h->supp));
	h->supp[h->nsupp++] = re;
	return 0;
}

static int key_format(struct load *ld, char *val, size_t off)
{
	struct dc_header *h = ld->h;
	struct dc_format *f;
	pcre2_code *re;

	if (compile_into(ld, val, "title", &re))
		return -1;
	h->fmts = bt_realloc(h->fmts, (h->nfmt + 1) * sizeof(*h->fmts));
	f = &h->fmts[h->nfmt++];
	memset(f, 0, sizeof(*f));
	f->re = re;
	f->mode = DC_FRAME_NONE;
	f->lead = lead_literal(val, &f->nlead);
	if (f->lead)
		f->src = bt_strdup(val);
	ld->f = f;
	return 0;
}

/* report, skip, after: a regexp of the format. */
static int key_format_re(struct load *ld, char *val, size_t off)
{
	pcre2_code **re = (pcre2_code **)((char *)ld->f + off);

	pcre2_code_free(*re);
	return compile_into(ld, val, ld->key, re);
}

/* title, category: a string of the format. */
static int key_format_str(struct load *ld, char *val, size_t off)
{
	char **s = (char **)((char *)ld->f + off);

	free(*s);
	*s = bt_strdup(val);
	return 0;
}

static int key_category(struct load *ld, char *val, size_t off)
{
	if (!known_category(val))
		return bad_category(ld, val);
	return key_format_str(ld, val, offsetof(struct dc_format, category));
}

/* corrupted, nostack, noframe-raw: a flag of the format. */
static int key_format_flag(struct load *ld, char *val, size_t off)
{
	*(bool *)((char *)ld->f + off) = true;
	return 0;
}

static int key_alt(struct load *ld, char *val, size_t off)
{
	struct dc_format *f = ld->f;

	if (f->nalt < (int)ARRAY_SIZE(f->alt))
		f->alt[f->nalt++] = bt_strdup(val);
	return 0;
}

static int key_frame(struct load *ld, char *val, size_t off)
{
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		if (!strcmp(val, modes[i].name)) {
			ld->f->mode = modes[i].mode;
			return 0;
		}
	}
	bt_err("%s:%u: unknown frame mode '%s'; use none, trace, rip, riponly, warn, stall, hang, lockdep or origin",
	       ld->name, ld->lineno, val);
	return -1;
}

/* frame-skip, stall-anchor, ...: one more branch of a joined list. */
static int key_list(struct load *ld, char *val, size_t off)
{
	struct strbuf *sb = (struct strbuf *)((char *)ld->r + off);
	pcre2_code *re;

	if (compile_into(ld, val, ld->key, &re))
		return -1;
	pcre2_code_free(re);	/* the list is compiled joined at the end */
	list_add(sb, val);
	return 0;
}

static int key_benign(struct load *ld, char *val, size_t off)
{
	struct dc_rules *r = ld->r;
	struct dc_first bf;

	if (!dc_src_anchored(val))
		return key_list(ld, val, offsetof(struct dc_rules, benign_src));
	if (key_list(ld, val, offsetof(struct dc_rules, benign_anch_src)))
		return -1;
	dc_first_build(&bf, val);
	list_add(&r->benign_part_src[bf.any || bf.nneedle], val);
	return 0;
}

static int key_strip_prefix(struct load *ld, char *val, size_t off)
{
	struct dc_rules *r = ld->r;

	r->prefixes = bt_realloc(r->prefixes, (r->nprefix + 1) *
				 sizeof(*r->prefixes));
	r->prefixes[r->nprefix++] = bt_strdup(val);
	return 0;
}

/* normalize, hang-pick: REGEXP<TAB>REPLACEMENT pairs. */
static int key_subst(struct load *ld, char *val, size_t off)
{
	struct dc_rules *r = ld->r;
	bool norm = off == offsetof(struct dc_rules, norm);
	struct dc_subst **v = norm ? &r->norm : &r->hang_pick;
	int *nv = norm ? &r->nnorm : &r->nhang_pick;
	char *tab = strchr(val, '\t');
	pcre2_code *re;

	if (!tab) {
		bt_err("%s:%u: %s needs REGEXP<TAB>REPLACEMENT; add the tab",
		       ld->name, ld->lineno, ld->key);
		return -1;
	}
	*tab++ = '\0';
	if (compile_into(ld, val, ld->key, &re))
		return -1;
	*v = bt_realloc(*v, (*nv + 1) * sizeof(**v));
	(*v)[*nv].re = re;
	(*v)[(*nv)++].repl = bt_strdup(tab);
	return 0;
}

static int key_message(struct load *ld, char *val, size_t off)
{
	char *sp = strchr(val, ' ');
	int lev = -1;

	if (sp) {
		*sp++ = '\0';
		for (int i = 0; i < 8; i++)
			if (!strcmp(val, level_names[i]))
				lev = i;
	}
	if (lev < 0) {
		bt_err("%s:%u: message needs LEVEL REGEXP (LEVEL: emerg ... debug)",
		       ld->name, ld->lineno);
		return -1;
	}
	return key_list(ld, sp, offsetof(struct dc_rules, msg_src) +
			lev * sizeof(struct strbuf));
}

#define FMT(field) offsetof(struct dc_format, field)
#define RULES(field) offsetof(struct dc_rules, field)

static const struct load_key load_keys[] = {
	{ "header", NEED_NONE, key_header, 0 },
	{ "endmark", NEED_NONE, key_header, 1 },
	{ "ignore-inside", NEED_HEADER, key_ignore_inside, 0 },
	{ "default-category", NEED_HEADER, key_default_category, 0 },
	{ "suppress", NEED_HEADER, key_suppress, 0 },
	{ "format", NEED_HEADER, key_format, 0 },
	{ "report", NEED_FORMAT, key_format_re, FMT(report) },
	{ "skip", NEED_FORMAT, key_format_re, FMT(skip) },
	{ "after", NEED_FORMAT, key_format_re, FMT(after) },
	{ "title", NEED_FORMAT, key_format_str, FMT(title) },
	{ "category", NEED_FORMAT, key_category, 0 },
	{ "alt", NEED_FORMAT, key_alt, 0 },
	{ "frame", NEED_FORMAT, key_frame, 0 },
	{ "corrupted", NEED_FORMAT, key_format_flag, FMT(corrupted) },
	{ "nostack", NEED_FORMAT, key_format_flag, FMT(nostack) },
	{ "noframe-raw", NEED_FORMAT, key_format_flag, FMT(noframe_raw) },
	{ "frame-skip", NEED_NONE, key_list, RULES(frame_skip_src) },
	{ "stall-anchor", NEED_NONE, key_list, RULES(anchors_src) },
	{ "stall-self", NEED_NONE, key_list, RULES(stall_self_src) },
	{ "hang-skip", NEED_NONE, key_list, RULES(hang_skip_src) },
	{ "stack-start", NEED_NONE, key_list, RULES(stack_start_src) },
	{ "corrupt-frame", NEED_NONE, key_list, RULES(corrupt_src) },
	{ "benign", NEED_NONE, key_benign, 0 },
	{ "strip-prefix", NEED_NONE, key_strip_prefix, 0 },
	{ "normalize", NEED_NONE, key_subst, RULES(norm) },
	{ "hang-pick", NEED_NONE, key_subst, RULES(hang_pick) },
	{ "message", NEED_NONE, key_message, 0 },
};

/* One "KEY VALUE" line (blanks and comments aside): 0 or -1. */
static int load_line(struct load *ld, char *line)
{
	const struct load_key *k = NULL;
	char *key = line, *val;

	while (*key == ' ' || *key == '\t')
		key++;
	if (!*key || *key == '#')
		return 0;
	val = key;
	while (*val && *val != ' ' && *val != '\t')
		val++;
	if (*val)
		*val++ = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(load_keys); i++)
		if (!strcmp(key, load_keys[i].key))
			k = &load_keys[i];
	if (!k) {
		bt_err("%s:%u: unknown keyword '%s'; see the head of dmesg-classify.rules",
		       ld->name, ld->lineno, key);
		return -1;
	}
	if ((k->need == NEED_HEADER && !ld->h) ||
	    (k->need == NEED_FORMAT && !ld->f)) {
		bt_err("%s:%u: '%s' before any '%s' line", ld->name,
		       ld->lineno, key,
		       k->need == NEED_HEADER ? "header" : "format");
		return -1;
	}
	ld->key = key;
	return k->fn(ld, val, k->off);
}

int dc_rules_load_buf(struct dc_rules *r, const char *name, const char *buf)
{
	struct load ld = { .r = r, .name = name };
	const char *p = buf;
	int ret = 0;

	while (*p && !ret) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = bt_strndup(p, n);

		p += n + (nl ? 1 : 0);
		ld.lineno++;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' ||
			     line[n - 1] == '\t'))
			line[--n] = '\0';
		ret = load_line(&ld, line);
		free(line);
	}
	return ret;
}

int dc_rules_load(struct dc_rules *r, const char *path)
{
	char *buf;
	size_t len;
	int ret;

	if (bt_read_file(path, &buf, &len, 16 << 20, NULL) < 0) {
		bt_err("%s: cannot read rules: %s; pass --rules FILE or set BOOTTEST_RULES",
		       path, strerror(errno));
		return -1;
	}
	if (memchr(buf, '\0', len)) {
		free(buf);
		bt_err("%s: rules file holds NUL bytes; it must be text", path);
		return -1;
	}
	ret = dc_rules_load_buf(r, path, buf);
	free(buf);
	return ret;
}

static pcre2_code *compile_list(struct strbuf *sb)
{
	if (!sb->len)
		return NULL;
	return dc_compile(sb_str(sb), "joined", "(rules)", 0);
}

/* A list whose every branch starts with "^", matched on single lines. */
static pcre2_code *compile_anchored(struct strbuf *sb)
{
	PCRE2_SIZE off;
	int ec;

	if (!sb->len)
		return NULL;
	return pcre2_compile((PCRE2_SPTR)sb_str(sb), PCRE2_ZERO_TERMINATED,
			     DC_RE_FLAGS | PCRE2_ANCHORED, &ec, &off, NULL);
}

/*
 * The anchored benign rules as two regexps, when a line that the joined
 * one matches is one that either part matches: no rule captures (so no
 * back reference), none recurses into the whole pattern or uses a
 * backtracking verb (which acts across the alternatives).
 */
static void benign_parts(struct dc_rules *r)
{
	static const char *const across[] = {
		"(?R", "(?0", "(?+", "(?-", "(?&", "(?P>", "\\g", "(*",
	};
	uint32_t caps = 1;

	r->benign_split = -1;
	if (!r->benign_anch || !r->benign_part_src[0].len ||
	    !r->benign_part_src[1].len ||
	    pcre2_pattern_info(r->benign_anch, PCRE2_INFO_CAPTURECOUNT,
			       &caps) || caps)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(across); i++)
		if (strstr(sb_str(&r->benign_anch_src), across[i]))
			return;
	for (int k = 0; k < 2; k++) {
		r->benign_part[k] = compile_anchored(&r->benign_part_src[k]);
		if (!r->benign_part[k])
			return;
		dc_first_build(&r->benign_part_first[k],
			       sb_str(&r->benign_part_src[k]));
	}
	r->benign_split = 1;
}

void dc_benign_prepare(struct dc_rules *r)
{
	if (!r->benign_split)
		benign_parts(r);
}

int dc_rules_finish(struct dc_rules *r)
{
	r->md = pcre2_match_data_create(32, NULL);
	r->frame_skip = compile_list(&r->frame_skip_src);
	r->anchors = compile_list(&r->anchors_src);
	r->hang_skip = compile_list(&r->hang_skip_src);
	r->stack_start = compile_list(&r->stack_start_src);
	r->stall_self = compile_list(&r->stall_self_src);
	r->corrupt = compile_list(&r->corrupt_src);
	r->benign = compile_list(&r->benign_src);
	r->benign_anch = compile_anchored(&r->benign_anch_src);
	dc_first_build(&r->benign_first, r->benign_anch ?
		       sb_str(&r->benign_anch_src) : NULL);
	r->nmsg_lev = 0;
	for (int i = 0; i < 8; i++) {
		r->msg_re[i] = compile_list(&r->msg_src[i]);
		dc_first_build(&r->msg_first[i], r->msg_re[i] ?
			       sb_str(&r->msg_src[i]) : NULL);
		if (r->msg_re[i])
			r->msg_lev[r->nmsg_lev++] = i;
	}
	/* one table of first bytes for all levels, when they allow it */
	memset(r->msg_lead, 0, sizeof(r->msg_lead));
	r->msg_quick = true;
	for (int j = 0; j < r->nmsg_lev; j++) {
		const struct dc_first *f = &r->msg_first[r->msg_lev[j]];

		if (f->any || f->lead_blank)
			r->msg_quick = false;
		for (int c = 0; c < 256; c++)
			r->msg_lead[c] |= f->ok[c];
	}
	dc_first_build(&r->stack_first, r->stack_start ?
		       sb_str(&r->stack_start_src) : NULL);
	for (int i = 0; i < r->nhdr; i++) {
		if (r->hdrs[i].len < 4) {
			bt_err("(rules): header '%s' is shorter than 4 bytes; make it longer",
			       r->hdrs[i].lit);
			return -1;
		}
	}
	if (r->nhdr > SHRT_MAX) {
		bt_err("(rules): %d headers, more than %d; merge some", r->nhdr,
		       SHRT_MAX);
		return -1;
	}
	return 0;
}

void dc_rules_free(struct dc_rules *r)
{
	for (int i = 0; i < r->nhdr; i++) {
		struct dc_header *h = &r->hdrs[i];

		free(h->lit);
		free(h->category);
		for (int j = 0; j < h->nsupp; j++)
			pcre2_code_free(h->supp[j]);
		free(h->supp);
		for (int j = 0; j < h->nfmt; j++) {
			struct dc_format *f = &h->fmts[j];

			pcre2_code_free(f->re);
			pcre2_code_free(f->report);
			pcre2_code_free(f->skip);
			pcre2_code_free(f->after);
			free(f->title);
			free(f->category);
			free(f->lead);
			free(f->src);
			pcre2_code_free(f->anchored);
			for (int k = 0; k < f->nalt; k++)
				free(f->alt[k]);
		}
		free(h->fmts);
	}
	free(r->hdrs);
	pcre2_code_free(r->frame_skip);
	pcre2_code_free(r->anchors);
	pcre2_code_free(r->hang_skip);
	pcre2_code_free(r->stack_start);
	pcre2_code_free(r->stall_self);
	pcre2_code_free(r->corrupt);
	pcre2_code_free(r->benign);
	pcre2_code_free(r->benign_anch);
	for (int k = 0; k < 2; k++) {
		pcre2_code_free(r->benign_part[k]);
		sb_release(&r->benign_part_src[k]);
	}
	sb_release(&r->frame_skip_src);
	sb_release(&r->anchors_src);
	sb_release(&r->hang_skip_src);
	sb_release(&r->stack_start_src);
	sb_release(&r->stall_self_src);
	sb_release(&r->corrupt_src);
	sb_release(&r->benign_src);
	sb_release(&r->benign_anch_src);
	for (int i = 0; i < r->nprefix; i++)
		free(r->prefixes[i]);
	free(r->prefixes);
	for (int i = 0; i < r->nnorm; i++) {
		pcre2_code_free(r->norm[i].re);
		free(r->norm[i].repl);
	}
	free(r->norm);
	for (int i = 0; i < r->nhang_pick; i++) {
		pcre2_code_free(r->hang_pick[i].re);
		free(r->hang_pick[i].repl);
	}
	free(r->hang_pick);
	for (int i = 0; i < 8; i++) {
		pcre2_code_free(r->msg_re[i]);
		sb_release(&r->msg_src[i]);
	}
	pcre2_match_data_free(r->md);
	free(r->lits);
	free(r->pair);
	memset(r, 0, sizeof(*r));
}
