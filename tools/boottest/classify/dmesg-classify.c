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
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "err.h"
#include "json.h"
#include "path.h"

#ifndef DC_RULES_DIR
#define DC_RULES_DIR "."
#endif
#define RULES_NAME "dmesg-classify.rules"

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

#ifndef BT_FUZZING
/* What the command line asks for. */
struct cli {
	enum out_fmt fmt;
	const char *baseline;	/* NULL: none */
	const char *input;	/* "-": stdin */
	char **extra;		/* --rules files */
	int nextra;
	int color;		/* -1: auto */
};

/* Parse the options into cl: -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct cli *cl)
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
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			cl->fmt = OUT_JSON;
			break;
		case 'J':
			cl->fmt = OUT_JUNIT;
			break;
		case 't':
			cl->fmt = OUT_TAP;
			break;
		case 'r':
			cl->extra = bt_realloc(cl->extra, (cl->nextra + 1) *
					       sizeof(*cl->extra));
			cl->extra[cl->nextra++] = optarg;
			break;
		case 'b':
			cl->baseline = optarg;
			break;
		case 'c':
			if (!strcmp(optarg, "always"))
				cl->color = 1;
			else if (!strcmp(optarg, "never"))
				cl->color = 0;
			else if (!strcmp(optarg, "auto"))
				cl->color = -1;
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
		cl->input = argv[optind];
	return -1;
}

/* The shipped rules, then $BOOTTEST_RULES, then --rules: 0 or -1. */
static int load_rules(struct dc_rules *r, const struct cli *cl)
{
	char *path = shipped_rules();
	const char *env = getenv("BOOTTEST_RULES");
	int status = dc_rules_load(r, path);

	free(path);
	if (!status && env && *env) {
		char *copy = bt_strdup(env), *save = NULL;

		for (char *p = strtok_r(copy, ":", &save); p && !status;
		     p = strtok_r(NULL, ":", &save))
			status = dc_rules_load(r, p);
		free(copy);
	}
	for (int i = 0; i < cl->nextra && !status; i++)
		status = dc_rules_load(r, cl->extra[i]);
	if (!status)
		status = dc_rules_finish(r);
	return status;
}

/*
 * Mark the crashes and messages found in the baseline (with one) as
 * known; is any crash new?
 */
static bool mark_known(struct dc_rules *r, struct dc_log *log,
		       struct dc_result *res, const struct baseline *b,
		       bool with_base)
{
	bool crashed = false;

	for (int i = 0; i < res->ncrash; i++) {
		res->crashes[i].known = with_base &&
			base_has(b->titles, b->ntitle, res->crashes[i].title);
		if (!res->crashes[i].known)
			crashed = true;
	}
	for (size_t i = 0; with_base && i < res->nmsg; i++) {
		const char *s;
		size_t n;
		char *t, *nt;

		dc_line_text(log, res->msgs[i].line, &s, &n);
		t = bt_strndup(s, n);
		nt = dc_normalize(r, t);
		res->msgs[i].known = base_has(b->msgs, b->nmsg, nt);
		free(t);
		free(nt);
	}
	return crashed;
}

static void print_result(const struct cli *cl, struct dc_log *log,
			 struct dc_result *res)
{
	bool color = cl->color < 0 ? isatty(STDOUT_FILENO) &&
		     !getenv("NO_COLOR") : cl->color;

	/* one writer: no stream lock per character, fewer write calls */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	switch (cl->fmt) {
	case OUT_JSON:
		dc_print_json(log, res, cl->baseline, res->ncrash > 0);
		break;
	case OUT_JUNIT:
		dc_print_junit(cl->input, log, res);
		break;
	case OUT_TAP:
		dc_print_tap(cl->input, res);
		break;
	default:
		dc_print_human(strcmp(cl->input, "-") ? cl->input : "(stdin)",
			       log, res, color, cl->baseline);
		break;
	}
}

int main(int argc, char **argv)
{
	struct cli cl = { .fmt = OUT_HUMAN, .input = "-", .color = -1 };
	struct dc_rules rules = { 0 };
	struct baseline base = { 0 };
	struct dc_result res;
	struct dc_log log;
	char *buf = NULL;
	size_t len = 0;
	int status;

	bt_set_prog(argv[0]);
	status = parse_args(argc, argv, &cl);
	if (status >= 0) {
		free(cl.extra);
		return status;
	}
	status = load_rules(&rules, &cl);
	free(cl.extra);
	if (!status && cl.baseline)
		status = load_baseline(&rules, cl.baseline, &base);
	/* after the rules: bad rules never wait for a pipe */
	if (!status && bt_read_file(cl.input, &buf, &len, 0, NULL) < 0) {
		bt_err("%s: cannot read the log: %s", cl.input,
		       strerror(errno));
		status = -1;
	}
	if (status) {
		free_baseline(&base);
		dc_rules_free(&rules);
		return BT_EXIT_USAGE;
	}
	if (dc_log_parse(&log, buf, len) < 0) {
		bt_err("%s: the log is over %zu bytes", cl.input, DC_LOG_MAX);
		free(buf);
		free_baseline(&base);
		dc_rules_free(&rules);
		return BT_EXIT_USAGE;
	}
	dc_find_headers(&rules, &log);
	dc_classify(&rules, &log, &res);
	status = mark_known(&rules, &log, &res, &base, cl.baseline) ?
		 BT_EXIT_FAIL : BT_EXIT_OK;
	print_result(&cl, &log, &res);
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
