// SPDX-License-Identifier: GPL-2.0
/*
 * dmesg-classify output: the result as JSON, human text, JUnit XML or TAP
 * on stdout (the JSON schema is at the head of dmesg-classify.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "err.h"
#include "json.h"
#include "junit.h"
#include "tap.h"

static const char *const level_names[] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"
};

void dc_line_text(const struct dc_log *log, size_t i, const char **s,
		  size_t *n)
{
	const struct dc_line *ln = dc_line(log, i);

	*s = dc_text(log, ln);
	*n = ln->len;
}

/*
 * The JSON document is built in a buffer of its own, written to its
 * stream in large pieces: a crash is a few dozen short strings, and a
 * stdio call per string cost more than the strings.  Whoever writes to
 * the stream directly calls out_flush() first.
 */
struct jout {
	FILE *f;
	size_t n;
	char buf[1 << 16];
};

static void out_sink(struct jout *o, const char *s, size_t n)
{
	fwrite_unlocked(s, 1, n, o->f);
}

static void out_flush(struct jout *o)
{
	if (o->n)
		out_sink(o, o->buf, o->n);
	o->n = 0;
}

static void out_add(struct jout *o, const char *s, size_t n)
{
	if (o->n + n > sizeof(o->buf)) {
		out_flush(o);
		if (n > sizeof(o->buf)) {
			out_sink(o, s, n);
			return;
		}
	}
	memcpy(o->buf + o->n, s, n);
	o->n += n;
}

static void out_ch(struct jout *o, char c)
{
	if (o->n == sizeof(o->buf))
		out_flush(o);
	o->buf[o->n++] = c;
}

#define out_lit(o, s) out_add(o, s, sizeof(s) - 1)

/* A JSON string known to need no escape. */
static void put_plain(struct jout *o, const char *s, size_t n)
{
	if (o->n + n + 2 > sizeof(o->buf)) {
		out_ch(o, '"');
		out_add(o, s, n);
		out_ch(o, '"');
		return;
	}
	o->buf[o->n] = '"';
	memcpy(o->buf + o->n + 1, s, n);
	o->buf[o->n + n + 1] = '"';
	o->n += n + 2;
}

/* A JSON string (NULL: null): most need no escape. */
static void put_jstr(struct jout *o, const char *s, size_t n)
{
	if (!s) {
		out_lit(o, "null");
		return;
	}
	if (bt_json_plain(s, n)) {
		put_plain(o, s, n);
		return;
	}
	out_ch(o, '"');
	while (n) {
		size_t k = n < 1024 ? n : 1024;

		if (o->n + 6 * k > sizeof(o->buf))
			out_flush(o);
		o->n += bt_json_escape(o->buf + o->n, s, k);
		s += k;
		n -= k;
	}
	out_ch(o, '"');
}

static void put_str(struct jout *o, const char *s)
{
	put_jstr(o, s, s ? strlen(s) : 0);
}

static void put_bool(struct jout *o, const char *key, bool v, bool comma)
{
	if (comma)
		out_ch(o, ',');
	out_ch(o, '"');
	out_add(o, key, strlen(key));
	if (v)
		out_lit(o, "\":true");
	else
		out_lit(o, "\":false");
}

/* A number, without printf's format parsing. */
static void put_num(struct jout *o, size_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	out_add(o, p, buf + sizeof(buf) - p);
}

/* One crash as one line of JSON. */
static void put_crash(struct jout *o, struct dc_crash *c, bool with_base)
{
	out_lit(o, "{\"category\":");
	put_str(o, c->category);
	out_lit(o, ",\"title\":");
	put_str(o, c->title);
	out_lit(o, ",\"alt\":[");
	for (int k = 0; k < c->nalt; k++) {
		if (k)
			out_ch(o, ',');
		put_str(o, c->alts[k]);
	}
	out_lit(o, "],\"frame\":");
	put_str(o, c->frame);
	out_lit(o, ",\"start_line\":");
	put_num(o, c->start + 1);
	out_lit(o, ",\"end_line\":");
	put_num(o, c->end + 1);
	put_bool(o, "panicked", c->panicked, true);
	put_bool(o, "corrupted", c->corrupted, true);
	out_lit(o, ",\"stack\":[");
	for (int k = 0; k < c->nstack; k++) {
		if (k)
			out_ch(o, ',');
		if (c->stack_plain)
			put_plain(o, c->stack[k].s, c->stack[k].n);
		else
			put_jstr(o, c->stack[k].s, c->stack[k].n);
	}
	out_ch(o, ']');
	if (with_base)
		put_bool(o, "new", !c->known, true);
	out_ch(o, '}');
}

/* The messages of one kind (errors: levels 0-3) as a JSON array. */
static size_t put_msgs(struct jout *o, struct dc_log *log,
		       struct dc_result *res, bool errors, bool with_base)
{
	size_t n = 0;

	out_ch(o, '[');
	for (size_t i = 0; i < res->nmsg; i++) {
		struct dc_msg *m = &res->msgs[i];
		const char *s;
		size_t len;

		if ((m->level <= 3) != errors)
			continue;
		dc_line_text(log, m->line, &s, &len);
		if (n++)
			out_ch(o, ',');
		out_lit(o, "{\"line\":");
		put_num(o, m->line + 1);
		out_lit(o, ",\"level\":\"");
		out_add(o, level_names[m->level], strlen(level_names[m->level]));
		out_lit(o, "\",\"text\":");
		put_jstr(o, s, len);
		if (with_base)
			put_bool(o, "new", !m->known, true);
		out_ch(o, '}');
	}
	out_ch(o, ']');
	out_flush(o);
	return n;
}

/* The crashes of the JSON list, each after its separator. */
static void put_crash_list(struct jout *o, struct dc_result *res,
			   bool with_base)
{
	for (int i = 0; i < res->ncrash; i++) {
		if (i)
			out_ch(o, ',');
		out_lit(o, "\n    ");
		put_crash(o, &res->crashes[i], with_base);
	}
	out_flush(o);
}

/*
 * The document is streamed, one crash per line, as json-c would print
 * each object (JSON_C_TO_STRING_PLAIN): a log with thousands of crashes
 * needs no tree.
 */
void dc_print_json(struct dc_log *log, struct dc_result *res,
		   bool with_base, bool crashed)
{
	struct jout *o = bt_calloc(1, sizeof(*o));
	size_t nerr, nwarn;

	o->f = stdout;
	printf("{\n  \"verdict\": \"%s\",\n  \"crashes\": [",
	       crashed ? "crash" : "clean");
	put_crash_list(o, res, with_base);
	printf("%s],\n  \"errors\": ", res->ncrash ? "\n  " : "");
	nerr = put_msgs(o, log, res, true, with_base);
	fputs(",\n  \"warnings\": ", stdout);
	nwarn = put_msgs(o, log, res, false, with_base);
	printf(",\n  \"counts\": {\"lines\":%zu,\"crashes\":%d,\"errors\":%zu,\"warnings\":%zu,\"benign\":%zu",
	       log->nlines, res->ncrash, nerr, nwarn, res->benign);
	for (int l = 0; l < 8; l++)
		printf(",\"%s\":%zu", level_names[l], res->counts[l]);
	fputs("}\n}\n", stdout);
	free(o);
}

void dc_print_human(const char *name, struct dc_log *log,
		    struct dc_result *res, bool color, bool with_base)
{
	const char *red = color ? "\033[1;31m" : "", *yel = color ?
		"\033[33m" : "", *off = color ? "\033[0m" : "";
	size_t nerr = 0, nwarn = 0;

	for (size_t i = 0; i < res->nmsg; i++)
		res->msgs[i].level <= 3 ? nerr++ : nwarn++;
	printf("%s: %s%d crash%s%s, %zu error%s, %zu warning%s (%zu lines)\n",
	       name, res->ncrash ? red : "", res->ncrash,
	       res->ncrash == 1 ? "" : "es", off, nerr, nerr == 1 ? "" : "s",
	       nwarn, nwarn == 1 ? "" : "s", log->nlines);
	for (int i = 0; i < res->ncrash; i++) {
		struct dc_crash *c = &res->crashes[i];

		printf("  %s%s%s [%s] lines %u-%u%s%s%s\n", red, c->title, off,
		       c->category, (unsigned int)(c->start + 1),
		       (unsigned int)(c->end + 1),
		       c->panicked ? ", panicked" : "",
		       c->corrupted ? ", truncated/corrupted" : "",
		       with_base ? (c->known ? ", known" : ", NEW") : "");
		for (int k = 0; k < c->nstack && k < 8; k++)
			printf("      %.*s\n", (int)c->stack[k].n,
			       c->stack[k].s);
	}
	for (size_t i = 0; i < res->nmsg && i < 20; i++) {
		const char *s;
		size_t n;

		dc_line_text(log, res->msgs[i].line, &s, &n);
		printf("  %s%s%s line %u: %.*s%s\n",
		       res->msgs[i].level <= 3 ? red : yel,
		       level_names[res->msgs[i].level], off,
		       (unsigned int)(res->msgs[i].line + 1),
		       (int)(n > 200 ? 200 : n), s,
		       with_base && !res->msgs[i].known ? " (new)" : "");
	}
	if (res->nmsg > 20)
		printf("  ... %zu more messages (--json lists all)\n",
		       res->nmsg - 20);
}

void dc_print_junit(const char *name, struct dc_log *log,
		    struct dc_result *res)
{
	struct bt_junit j;

	bt_junit_begin(&j, stdout, 0);
	bt_junit_suite(&j, "dmesg-classify", res->ncrash ? res->ncrash : 1,
		       res->ncrash, -1, -1, -1);
	if (!res->ncrash) {
		char *t = bt_asprintf("%s: no crash", name);

		bt_junit_case(&j, "kernel", t, -1);
		bt_junit_case_end(&j);
		free(t);
	}
	for (int i = 0; i < res->ncrash; i++) {
		struct dc_crash *c = &res->crashes[i];
		char *cls = bt_asprintf("kernel.%s", c->category);

		bt_junit_case(&j, cls, c->title, -1);
		bt_junit_result(&j, BT_JUNIT_FAILURE, c->category, c->title);
		for (size_t k = c->start; k <= c->end; k++) {
			const struct dc_line *ln = dc_line(log, k);
			char *t = bt_strndup(dc_text(log, ln), ln->len);

			bt_junit_text(&j, t);
			bt_junit_text(&j, "\n");
			free(t);
		}
		bt_junit_result_end(&j);
		bt_junit_case_end(&j);
		free(cls);
	}
	bt_junit_suite_end(&j);
}

void dc_print_tap(const char *name, struct dc_result *res)
{
	bt_tap_plan(stdout, res->ncrash ? res->ncrash : 1);
	if (!res->ncrash) {
		char *t = bt_asprintf("%s: no crash", name);

		bt_tap_result(stdout, true, 1, t, NULL);
		free(t);
	}
	for (int i = 0; i < res->ncrash; i++) {
		struct dc_crash *c = &res->crashes[i];

		bt_tap_result(stdout, false, i + 1, c->title, NULL);
		bt_tap_yaml_begin(stdout);
		bt_tap_yaml(stdout, "category", "%s", c->category);
		bt_tap_yaml(stdout, "start_line", "%u",
			    (unsigned int)(c->start + 1));
		bt_tap_yaml(stdout, "end_line", "%u",
			    (unsigned int)(c->end + 1));
		bt_tap_yaml(stdout, "panicked", "%s",
			    c->panicked ? "true" : "false");
		bt_tap_yaml_end(stdout);
	}
}
