// SPDX-License-Identifier: GPL-2.0
/*
 * dmesg-classify: find kernel crashes in a console log and name them.
 *
 *   dmesg-classify [--json|--junit|--tap] [--rules FILE]...
 *                  [--baseline PREV.json] [LOG|-]
 *
 * Input: serial console capture (with or without "[ 1.2]" timestamps,
 * "<N>" priorities from console_msg_format=syslog, "[ T123]" callers),
 * dmesg, dmesg -r, dmesg -x, /dev/kmsg records, journalctl -k, mixed with
 * userspace output; any bytes.
 *
 * Rules: the shipped dmesg-classify.rules (next to the program, else in
 * the source directory it was built from), then every file of
 * $BOOTTEST_RULES (colon-separated), then each --rules FILE; later files
 * extend the earlier ones.
 *
 * JSON output (--json), one object:
 *   {
 *     "verdict": "clean" | "crash",
 *     "crashes": [ {
 *         "category": "panic|oops|bug|warning|kasan|ubsan|kcsan|kmsan|
 *                      kfence|lockdep|hung_task|rcu_stall|soft_lockup|
 *                      hard_lockup|gpf|page_fault|null_deref|oom|other",
 *         "title": "syzbot-style title",   "alt": ["other titles"],
 *         "frame": "guilty function" | null,
 *         "start_line": N, "end_line": N,  (1-based input lines)
 *         "panicked": bool, "corrupted": bool,
 *         "stack": ["func+0x1/0x2 [module]", ...],
 *         "new": bool                      (only with --baseline)
 *     } ],
 *     "errors":   [ {"line": N, "level": "err", "text": "...",
 *                    "new": bool (with --baseline)} ],
 *     "warnings": [ same, level "warn" ],
 *     "counts": { "lines", "crashes", "errors", "warnings", "benign",
 *                 "emerg", "alert", "crit", "err", "warn", "notice",
 *                 "info", "debug" }
 *   }
 *
 * Exit status: 0 no crash (with --baseline: no new crash), 1 crash,
 * 2 usage error or unreadable input or rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "dmesg-classify.h"
#include "err.h"
#include "json.h"
#include "junit.h"
#include "path.h"
#include "tap.h"

#ifndef DC_RULES_DIR
#define DC_RULES_DIR "."
#endif
#define RULES_NAME "dmesg-classify.rules"

static const char *const level_names[] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"
};

enum out_fmt { OUT_HUMAN, OUT_JSON, OUT_JUNIT, OUT_TAP };

static void print_usage(FILE *f)
{
	fprintf(f,
"usage: dmesg-classify [--json|--junit|--tap] [--rules FILE]...\n"
"                      [--baseline PREV.json] [--color WHEN] [LOG|-]\n"
"\n"
"Find kernel crashes (panic, Oops, BUG, WARNING, KASAN, UBSAN, KCSAN,\n"
"KMSAN, KFENCE, lockdep, hung task, RCU stall, soft/hard lockup, ...) in a\n"
"console log, name each with a syzbot-style title, and list the kernel's\n"
"error and warning messages by their own priority.\n"
"\n"
"  --json            one JSON object (schema below)\n"
"  --junit           JUnit XML: one test case per crash\n"
"  --tap             TAP: one test per crash (or one passing test)\n"
"  --rules FILE      more rules (repeatable); extend the shipped ones\n"
"  --baseline FILE   a previous --json output: crashes and messages found\n"
"                    there (after normalization) are known, not new\n"
"  --color WHEN      auto (default: on a terminal), always, never\n"
"                    (--colour too)\n"
"  -h, --help        this text\n"
"\n"
"Rules: %s (shipped), then $BOOTTEST_RULES (colon-separated files),\n"
"then each --rules FILE.\n"
"\n"
"JSON: {\"verdict\": \"clean\"|\"crash\",\n"
"       \"crashes\": [{\"category\", \"title\", \"alt\": [...], \"frame\",\n"
"                    \"start_line\", \"end_line\", \"panicked\", \"corrupted\",\n"
"                    \"stack\": [\"func+0x1/0x2 [mod]\", ...], \"new\"}],\n"
"       \"errors\": [{\"line\", \"level\", \"text\", \"new\"}], \"warnings\": [...],\n"
"       \"counts\": {\"lines\", \"crashes\", \"errors\", \"warnings\", \"benign\",\n"
"                  \"emerg\" ... \"debug\"}}\n"
"Categories: panic oops bug warning kasan ubsan kcsan kmsan kfence lockdep\n"
"hung_task rcu_stall soft_lockup hard_lockup gpf page_fault null_deref oom\n"
"other.  \"new\" appears with --baseline only.\n"
"\n"
"Examples:\n"
"  dmesg-classify console.log\n"
"  dmesg -r | dmesg-classify --json - > verdict.json\n"
"  dmesg-classify --baseline upstream.json --junit new.log > junit.xml\n"
"\n"
"Environment:\n"
"  BOOTTEST_RULES  more rules files (colon-separated), before --rules\n"
"  NO_COLOR        no colour even on a terminal (with --color auto)\n"
"\n"
"Exit status: 0 no crash (with --baseline: no new crash), 1 crash,\n"
"2 usage error, unreadable log or bad rules.\n", RULES_NAME);
}

static char *shipped_rules(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		char *dir, *p;

		exe[n] = '\0';
		dir = bt_dirname(exe);
		p = bt_path_join(dir, RULES_NAME);
		free(dir);
		if (bt_is_file(p))
			return p;
		free(p);
	}
	return bt_path_join(DC_RULES_DIR, RULES_NAME);
}

static void line_text(struct dc_log *log, size_t i, const char **s,
		      size_t *n)
{
	*s = log->lines[i].text;
	*n = log->lines[i].len;
}

/* --- baseline ------------------------------------------------------ */

struct baseline {
	char **titles;
	int ntitle;
	char **msgs;
	int nmsg;
};

static void base_add(char ***v, int *n, const char *s)
{
	*v = bt_realloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = bt_strdup(s);
}

static bool base_has(char **v, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static int load_baseline(struct dc_rules *r, const char *path,
			 struct baseline *b)
{
	struct json_object *o = bt_json_load(path, 256 << 20), *a;
	static const char *const lists[] = { "errors", "warnings" };

	if (!o)
		return -1;
	a = bt_json_get_array(o, "crashes");
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		const char *t = bt_json_get_str(json_object_array_get_idx(a, i),
						"title");

		if (t)
			base_add(&b->titles, &b->ntitle, t);
	}
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		a = bt_json_get_array(o, lists[l]);
		for (size_t i = 0; a && i < json_object_array_length(a); i++) {
			const char *t = bt_json_get_str(
				json_object_array_get_idx(a, i), "text");
			char *nt;

			if (!t)
				continue;
			nt = dc_normalize(r, t);
			base_add(&b->msgs, &b->nmsg, nt);
			free(nt);
		}
	}
	json_object_put(o);
	return 0;
}

static void free_baseline(struct baseline *b)
{
	for (int i = 0; i < b->ntitle; i++)
		free(b->titles[i]);
	for (int i = 0; i < b->nmsg; i++)
		free(b->msgs[i]);
	free(b->titles);
	free(b->msgs);
}

/* --- outputs ------------------------------------------------------- */

/*
 * The JSON document is built in a buffer of its own, written to its
 * stream in large pieces: a crash is a few dozen short strings, and a
 * stdio call per string cost more than the strings.  Whoever writes to
 * the stream directly calls out_flush() first.  Each thread formats into
 * a jout of its own: to a stream (f), or to memory (mem, when f is NULL).
 */
struct jout {
	FILE *f;
	struct strbuf mem;
	size_t n;
	char buf[1 << 16];
};

static void out_sink(struct jout *o, const char *s, size_t n)
{
	if (o->f)
		fwrite_unlocked(s, 1, n, o->f);
	else
		sb_add(&o->mem, s, n);
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
		line_text(log, m->line, &s, &len);
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

/* Crashes [from, to) of the list into o, each after its separator. */
struct crash_run {
	struct jout *o;
	struct dc_result *res;
	int from, to;
	bool with_base;
};

static void *put_crashes(void *arg)
{
	struct crash_run *cr = arg;

	for (int i = cr->from; i < cr->to; i++) {
		if (i)
			out_ch(cr->o, ',');
		out_lit(cr->o, "\n    ");
		put_crash(cr->o, &cr->res->crashes[i], cr->with_base);
	}
	out_flush(cr->o);
	return NULL;
}

/*
 * From this many crashes on, a second thread formats the second half of
 * the list in memory while this one writes the first half.
 */
#ifndef DC_PAR_OUT
#define DC_PAR_OUT 256
#endif

/* An upper bound of put_crash()'s bytes, escapes aside. */
static size_t crash_size(const struct dc_crash *c)
{
	size_t n = 256 + strlen(c->category) + strlen(c->title) +
		   (c->frame ? strlen(c->frame) : 0);

	for (int k = 0; k < c->nalt; k++)
		n += strlen(c->alts[k]) + 3;
	for (int k = 0; k < c->nstack; k++)
		n += c->stack[k].n + 3;
	return n;
}

/* The crashes of the JSON list, to o's stream. */
static void put_crash_list(struct jout *o, struct dc_result *res,
			   bool with_base)
{
	struct crash_run a = { .o = o, .res = res, .to = res->ncrash,
			       .with_base = with_base };
	struct crash_run b = a;
	size_t size = 0;

	if (res->ncrash < DC_PAR_OUT || !dc_two_cpus()) {
		put_crashes(&a);
		return;
	}
	a.to = res->ncrash / 2;
	b.from = a.to;
	b.o = bt_calloc(1, sizeof(*b.o));
	/*
	 * In one block, sized at once: growing it cost twice the time.  Not
	 * huge pages: finding them stalled for 5-10 ms in a third of the runs.
	 */
	for (int i = b.from; i < b.to; i++)
		size += crash_size(&res->crashes[i]);
	sb_grow(&b.o->mem, size);
	dc_run_pair(put_crashes, &a, &b);
	fwrite_unlocked(b.o->mem.buf, 1, b.o->mem.len, o->f);
	sb_release(&b.o->mem);
	free(b.o);
}

/*
 * The document is streamed, one crash per line, as json-c would print
 * each object (JSON_C_TO_STRING_PLAIN): a log with thousands of crashes
 * needs no tree.
 */
static void print_json(struct dc_log *log, struct dc_result *res,
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

static void print_human(const char *name, struct dc_log *log,
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

		line_text(log, res->msgs[i].line, &s, &n);
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

static void print_junit(const char *name, struct dc_log *log,
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
			char *t = bt_strndup(log->lines[k].text,
					     log->lines[k].len);

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

static void print_tap(const char *name, struct dc_result *res,
		      struct dc_log *log)
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

/*
 * A regular file is read at once into a block of huge pages: a mapping of
 * the page cache, even populated, cost a fault on the first touch of each
 * 4 KB page in some virtual machines (30 MB: 2 ms to map and 17 ms for the
 * first pass over it, against 9.5 ms to read and 2 ms for that pass).  On
 * a later host the mapping cost 2.3-3.6 ms populated plus 1 ms to unmap,
 * no faults after: no faster than reading, and a file cut short while
 * mapped raises SIGBUS.
 *
 * A thread reads it while the rules are compiled; a large file only its
 * first 5/8, the rest is read here after the rules (1.4 ms; 5/8 of 30 MB
 * take about that much longer than 3/8): the copy and the first touch of
 * the block (the kernel zeroes each page) are most of the time, and each
 * part has its own pages.  Only a regular file: a pipe or a FIFO is read
 * after the rules, so that bad rules never wait for it.
 */
struct read_part {
	int fd;
	char *p;
	size_t len;
	off_t off;
	ssize_t got;
	int err;
};

static void *read_part(void *arg)
{
	struct read_part *h = arg;

	h->got = bt_pread_all(h->fd, h->p, h->len, h->off);
	h->err = errno;
	return NULL;
}

struct reader {
	pthread_t tid;
	const char *path;
	bool started;		/* a thread reads a */
	struct read_part a, b;	/* the thread's part, this one's */
	char *buf;
	size_t len;
	int rc, err;
};

/*
 * Start reading the regular file rd->path (rd->started), else leave it to
 * read_rest().
 */
static void read_start(struct reader *rd)
{
	struct stat st;
	size_t size;
	int fd;

	fd = open(rd->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return;
	}
	size = st.st_size;
	rd->buf = dc_alloc_big(size);
	rd->a = (struct read_part){ .fd = fd, .p = rd->buf, .len = size };
	if (size >= DC_PAR_MIN && dc_two_cpus())
		rd->a.len = size / 8 * 5;
	rd->b = (struct read_part){ .fd = fd, .p = rd->buf + rd->a.len,
				    .len = size - rd->a.len,
				    .off = (off_t)rd->a.len };
	rd->started = !dc_thread_start(&rd->tid, read_part, &rd->a);
	if (!rd->started) {
		free(rd->buf);
		rd->buf = NULL;
		close(fd);
	}
}

/* The rest of the log (all of it when not started): rd->rc, rd->err. */
static void read_rest(struct reader *rd)
{
	if (!rd->started) {
		rd->rc = bt_read_file(rd->path, &rd->buf, &rd->len, 0, NULL);
		rd->err = errno;
		return;
	}
	read_part(&rd->b);
	pthread_join(rd->tid, NULL);
	close(rd->a.fd);
	rd->rc = 0;
	if (rd->a.got < 0 || rd->b.got < 0) {
		rd->err = rd->a.got < 0 ? rd->a.err : rd->b.err;
		rd->rc = -1;
		free(rd->buf);
		rd->buf = NULL;
	} else if ((size_t)rd->a.got < rd->a.len) {
		/* a file cut short while read: where the first part ends */
		rd->len = rd->a.got;
	} else {
		rd->len = rd->a.got + rd->b.got;
	}
}

#ifndef BT_FUZZING
int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "junit", no_argument, NULL, 'J' },
		{ "tap", no_argument, NULL, 't' },
		{ "rules", required_argument, NULL, 'r' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "color", required_argument, NULL, 'c' },
		{ "colour", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum out_fmt fmt = OUT_HUMAN;
	const char *baseline = NULL, *input = "-", *env;
	char **extra = NULL;
	int nextra = 0, c, color = -1, status;
	struct dc_rules rules = { 0 };
	struct baseline base = { 0 };
	struct dc_result res;
	struct dc_log log;
	bool crashed = false;
	struct reader rd = { .rc = -1 };
	struct stat st;
	char *buf, *path;
	size_t len;

	bt_set_prog(argv[0]);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			fmt = OUT_JSON;
			break;
		case 'J':
			fmt = OUT_JUNIT;
			break;
		case 't':
			fmt = OUT_TAP;
			break;
		case 'r':
			extra = bt_realloc(extra, (nextra + 1) * sizeof(*extra));
			extra[nextra++] = optarg;
			break;
		case 'b':
			baseline = optarg;
			break;
		case 'c':
			if (!strcmp(optarg, "always"))
				color = 1;
			else if (!strcmp(optarg, "never"))
				color = 0;
			else if (!strcmp(optarg, "auto"))
				color = -1;
			else
				bt_die(BT_EXIT_USAGE, "--color %s: use auto, always or never",
				       optarg);
			break;
		case 'h':
			print_usage(stdout);
			return BT_EXIT_OK;
		default:
			print_usage(stderr);
			return BT_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		bt_err("one log at most (got %d); concatenate them or run once per log",
		       argc - optind);
		return BT_EXIT_USAGE;
	}
	if (optind < argc)
		input = argv[optind];

	rd.path = input;
	if (strcmp(input, "-") && !stat(input, &st) && S_ISREG(st.st_mode))
		read_start(&rd);
	path = shipped_rules();
	status = dc_rules_load(&rules, path);
	free(path);
	env = getenv("BOOTTEST_RULES");
	if (!status && env && *env) {
		char *copy = bt_strdup(env), *save = NULL;

		for (char *p = strtok_r(copy, ":", &save); p && !status;
		     p = strtok_r(NULL, ":", &save))
			status = dc_rules_load(&rules, p);
		free(copy);
	}
	for (int i = 0; i < nextra && !status; i++)
		status = dc_rules_load(&rules, extra[i]);
	free(extra);
	if (!status)
		status = dc_rules_finish(&rules);
	if (!status && baseline)
		status = load_baseline(&rules, baseline, &base);
	if (rd.started || !status)
		read_rest(&rd);
	buf = rd.buf;
	len = rd.len;
	if (!status && rd.rc < 0) {
		bt_err("%s: cannot read the log: %s", input, strerror(rd.err));
		status = -1;
	}
	if (status) {
		if (!rd.rc)
			free(buf);
		free_baseline(&base);
		dc_rules_free(&rules);
		return BT_EXIT_USAGE;
	}
	dc_log_parse(&log, &rules, buf, len);
	dc_classify(&rules, &log, &res);

	for (int i = 0; i < res.ncrash; i++) {
		res.crashes[i].known = baseline &&
			base_has(base.titles, base.ntitle,
				 res.crashes[i].title);
		if (!res.crashes[i].known)
			crashed = true;
	}
	if (baseline) {
		for (size_t i = 0; i < res.nmsg; i++) {
			const char *s;
			size_t n;
			char *t, *nt;

			line_text(&log, res.msgs[i].line, &s, &n);
			t = bt_strndup(s, n);
			nt = dc_normalize(&rules, t);
			res.msgs[i].known = base_has(base.msgs, base.nmsg, nt);
			free(t);
			free(nt);
		}
	}
	if (color < 0)
		color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	/* one writer: no stream lock per character, fewer write calls */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	switch (fmt) {
	case OUT_JSON:
		print_json(&log, &res, baseline, res.ncrash > 0);
		break;
	case OUT_JUNIT:
		print_junit(input, &log, &res);
		break;
	case OUT_TAP:
		print_tap(input, &res, &log);
		break;
	default:
		print_human(strcmp(input, "-") ? input : "(stdin)", &log,
			    &res, color, baseline);
		break;
	}
	status = crashed ? BT_EXIT_FAIL : BT_EXIT_OK;
	if (fflush(stdout) || ferror(stdout)) {
		bt_err("standard output: %s", strerror(errno));
		status = BT_EXIT_USAGE;
	}
	dc_result_free(&res);
	dc_log_free(&log);
	free(buf);
	free_baseline(&base);
	dc_rules_free(&rules);
	return status;
}
#endif
