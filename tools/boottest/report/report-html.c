// SPDX-License-Identifier: GPL-2.0
/*
 * report-html - one self-contained page per run: RUN_DIR/report.html
 *
 *   report-html [-o FILE] RUN_DIR
 *
 * RUN_DIR is a run directory of make boottest or make fstests-vm
 * (result.json, classify.json, console.log, kmsg.log, fstests.json) or a
 * bisect directory of make boottest-bisect (steps, git-bisect.out).  The
 * page: the verdict banner, the boot timeline (SVG), each crash with its
 * report and stack, errors and warnings, the fstests matrix, the console
 * log with an anchor per line, and links to every file of the directory.
 * Plain HTML with inline CSS and SVG: no script, no network, it opens from
 * file:// wherever the directory is copied.
 *
 * Exit status: 0 written, 2 usage or unreadable input.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "path.h"
#include "report-html.h"
#include "result.h"

/*
 * The console log read for the page (longer ones are cut, and the page says
 * so: the file has all of it).
 */
#define LOG_MAX		(512u << 20)
#define INITCALLS_SHOWN	15
#define ISSUES_LISTED	100
#define CRASHES_SHOWN	30

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-o FILE] RUN_DIR\n"
		"\n"
		"Write RUN_DIR/report.html: the run's verdict, boot timeline, crashes,\n"
		"errors and warnings, fstests results and console log on one page\n"
		"(HTML with inline CSS and SVG; no script, no network).  RUN_DIR is a\n"
		"run directory of make boottest / make fstests-vm, or a bisect\n"
		"directory of make boottest-bisect.\n"
		"\n"
		"  -o, --output FILE   write the page there instead\n"
		"  -h, --help          this text\n"
		"\n"
		"Example:\n"
		"  %s .boottest/runs/latest\n"
		"\n"
		"Environment: none.\n"
		"\n"
		"Exit status: 0 written, 2 usage or unreadable input.\n",
		bt_prog(), bt_prog());
}

struct page {
	const char *dir;
	struct bt_result res;		/* result.json */
	struct json_object *cls;	/* classify.json of the console */
	char *logbuf;
	size_t loglen;
	bool log_cut;
	bool initcall_debug;		/* on the kernel's command line */
	struct rh_log log;
	struct rh_timeline tl;
};

static struct json_object *get_obj(struct json_object *o, const char *key)
{
	struct json_object *v;

	return o && json_object_object_get_ex(o, key, &v) &&
	       json_object_is_type(v, json_type_object) ? v : NULL;
}

static struct json_object *load_json(const char *dir, const char *name)
{
	char *p = bt_path_join(dir, name);
	struct json_object *j = bt_is_file(p) ? bt_json_load(p, 64u << 20) : NULL;

	free(p);
	return j;
}

/* ---- the banner ---- */

static const char *verdict_class(const char *v)
{
	if (!v)
		return "v-infra";
	if (!strcmp(v, "clean"))
		return "v-clean";
	if (!strcmp(v, "timeout"))
		return "v-hang";
	if (!strcmp(v, "no-init") || !strcmp(v, "init-died"))
		return "v-noinit";
	if (!strcmp(v, "infrastructure") || !strcmp(v, "interrupted"))
		return "v-infra";
	if (!strcmp(v, "cmd-failed") || !strcmp(v, "tests-failed"))
		return "v-failed";
	return "v-crash";
}

static void fact(FILE *f, const char *name, const char *value)
{
	fputs("<span>", f);
	rh_escs(f, name);
	fputs(": <b>", f);
	rh_escs(f, value ? value : "-");
	fputs("</b></span>\n", f);
}

static void __printf(3, 4) factf(FILE *f, const char *name, const char *fmt, ...)
{
	char b[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	fact(f, name, b);
}

static void banner(FILE *f, struct page *pg)
{
	const struct bt_result *r = &pg->res;
	struct json_object *fs = r->fstests;
	const char *fsv = fs ? bt_json_get_str(fs, "verdict") : NULL;
	const char *cls = verdict_class(r->verdict);
	char *qc, *qcmd = NULL;
	size_t qlen = 0;

	/* a kernel that stayed healthy under failing fstests: orange, not green */
	if (fsv && strcmp(fsv, "pass") && !strcmp(cls, "v-clean"))
		cls = "v-failed";
	fprintf(f, "<header class=\"%s\">\n<h1>", cls);
	rh_escs(f, r->verdict);
	fputs(": ", f);
	rh_escs(f, r->reason);
	if (fsv) {
		fputs("; fstests: ", f);
		rh_escs(f, fsv);
	}
	fputs("</h1>\n<div class=\"facts\">\n", f);
	factf(f, "exit status", "%d", r->exit_status);
	fact(f, "kernel", r->kernel.release);
	fact(f, "arch", r->kernel.arch);
	fact(f, "accel", r->qemu.accel);
	if (r->qemu.kvm_fallback)
		fact(f, "KVM fallback", r->qemu.kvm_fallback);
	factf(f, "duration", "%.1f s", r->duration_s);
	if (r->init.reached)
		factf(f, "init reached at", "%.1f s", r->init.seconds);
	else
		fact(f, "init", "not reached");
	if (r->timed_out)
		factf(f, "timed out after", "%ld s", r->timeout_s);
	if (r->cmd.present && r->cmd.status >= 0)
		factf(f, "CMD status", "%d", r->cmd.status);
	else if (r->cmd.present)
		fact(f, "CMD status", "none (it did not finish)");
	if (r->tests.present)
		factf(f, "TESTS", "%ld/%ld passed", r->tests.passed, r->tests.total);
	if (fs)
		fact(f, "fstests", bt_json_get_str(fs, "verdict"));
	factf(f, "errors", "%ld", r->errors);
	factf(f, "warnings", "%ld", r->warnings);
	fputs("</div>\n", f);
	if (r->ncrashes) {
		fputs("<div>first crash: <a href=\"#crash1\">", f);
		rh_escs(f, r->crashes[0].title);
		fputs("</a>", f);
		if (r->ncrashes > 1)
			fprintf(f, " (%zu crashes)", r->ncrashes);
		fputs("</div>\n", f);
	}
	fputs("</header>\n<section>\n", f);
	if (r->cmd.present) {
		fputs("<h3>CMD</h3><pre class=\"cmd\">", f);
		rh_escs(f, r->cmd.command);
		fputs("</pre>\n", f);
	}
	qc = bt_path_join(pg->dir, "qemu.cmdline");
	if (bt_read_file(qc, &qcmd, &qlen, 1 << 20, NULL) == 0) {
		pg->initcall_debug = strstr(qcmd, " initcall_debug") != NULL;
		fputs("<h3>Reproduce: the QEMU command line (<a href=\"qemu.cmdline\">qemu.cmdline</a>)</h3><pre class=\"cmd\">", f);
		rh_esc(f, qcmd, qlen);
		fputs("</pre>\n", f);
	}
	free(qcmd);
	free(qc);
	fputs("</section>\n", f);
}

/* ---- crashes ---- */

static bool frame_is(const char *frame, const char *func)
{
	size_t n;

	if (!frame || !func)
		return false;
	n = strcspn(frame, "+ ");
	return strlen(func) == n && !strncmp(frame, func, n);
}

static void crash_stack(FILE *f, const struct bt_result_crash *c)
{
	bool marked = false;
	size_t i, k;

	if (!c->nstack)
		return;
	fputs("<table><tr><th>#</th><th>frame</th><th>source</th></tr>\n", f);
	for (i = 0; i < c->nstack; i++) {
		const struct bt_result_source *s = i < c->nsources ? &c->sources[i] : NULL;
		bool first = !marked && frame_is(c->stack[i], c->frame);

		marked |= first;
		fprintf(f, "<tr%s><td>%zu</td><td><code>", first ? " class=\"first\"" : "", i);
		rh_escs(f, c->stack[i]);
		fputs("</code></td><td><code>", f);
		/* an inlining chain as ksymbolize prints it: innermost first */
		for (k = 0; s && k < s->ninlined; k++) {
			rh_escs(f, s->inlined[k].function);
			fputc(' ', f);
			rh_escs(f, s->inlined[k].source);
			fputs(k + 1 < s->ninlined ? " [inline]<br>" : "", f);
		}
		if (s && !s->ninlined)
			rh_escs(f, s->source);
		fputs("</code></td></tr>\n", f);
	}
	fputs("</table>\n", f);
	if (marked)
		fputs("<p class=\"muted\">highlighted: the frame the title names</p>\n", f);
	if (!c->nsources)
		fputs("<p class=\"muted\">no file:line: the run had no vmlinux with debug info (VMLINUX=, or the symbols profile)</p>\n", f);
}

/* Many crashes: one row each; the first CRASHES_SHOWN in full below. */
static void crash_table(FILE *f, const struct bt_result *r)
{
	size_t i;

	fprintf(f, "<details><summary>%zu crashes: the first %d in full below, all of them in this table</summary>\n",
		r->ncrashes, CRASHES_SHOWN);
	fputs("<table><tr><th>#</th><th>category</th><th>title</th><th>console</th></tr>\n", f);
	for (i = 0; i < r->ncrashes; i++) {
		const struct bt_result_crash *c = &r->crashes[i];

		fprintf(f, "<tr><td>%zu</td><td>", i + 1);
		rh_escs(f, c->category);
		fputs("</td><td>", f);
		rh_escs(f, c->title);
		fprintf(f, "</td><td><a href=\"#L%ld\">line %ld</a></td></tr>\n",
			c->start_line, c->start_line);
	}
	fputs("</table></details>\n", f);
}

static void crashes(FILE *f, struct page *pg)
{
	const struct bt_result *r = &pg->res;
	size_t i;

	if (!r->ncrashes)
		return;
	fputs("<h2>Crashes</h2>\n<section>\n", f);
	if (r->ncrashes > CRASHES_SHOWN)
		crash_table(f, r);
	for (i = 0; i < r->ncrashes && i < CRASHES_SHOWN; i++) {
		const struct bt_result_crash *c = &r->crashes[i];
		long s = c->start_line, e = c->end_line >= s ? c->end_line : s, l;

		fprintf(f, "<div class=\"crash\" id=\"crash%zu\"><h3><span class=\"cat\">", i + 1);
		rh_escs(f, c->category);
		fputs("</span>", f);
		rh_escs(f, c->title);
		if (c->is_new >= 0)
			fputs(c->is_new ? " <b>(new against the baseline)</b>" :
			      " <span class=\"muted\">(known: in the baseline)</span>", f);
		fputs("</h3>\n", f);
		if (s > 0)
			fprintf(f, "<p>console lines <a href=\"#L%ld\">%ld</a>-%ld%s%s</p>\n",
				s, s, e, c->panicked ? ", the kernel panicked" : "",
				c->corrupted ? ", report corrupted" : "");
		crash_stack(f, c);
		if (s > 0 && s <= (long)pg->log.n) {
			fputs("<details open><summary>report lines</summary><pre class=\"log\">", f);
			for (l = s; l <= e && l <= (long)pg->log.n && l < s + 400; l++) {
				const struct rh_line *ln = &pg->log.line[l - 1];

				rh_esc(f, pg->log.buf + ln->off, ln->len);
				fputc('\n', f);
			}
			fputs("</pre></details>\n", f);
		}
		fputs("</div>\n", f);
	}
	fputs("</section>\n", f);
}

/* ---- errors and warnings (the classifier's lists of the console) ---- */

static void issue_list(FILE *f, struct json_object *a, const char *what)
{
	size_t n = a ? json_object_array_length(a) : 0, i;

	if (!n)
		return;
	fprintf(f, "<details%s><summary>%zu %s</summary><pre class=\"log\">",
		n <= 20 ? " open" : "", n, what);
	for (i = 0; i < n && i < ISSUES_LISTED; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);
		long l = bt_json_get_int(e, "line", 0);

		fprintf(f, "<a href=\"#L%ld\">%ld</a>", l, l);
		rh_escs(f, bt_json_get_str(e, "text"));
		fputc('\n', f);
	}
	if (n > ISSUES_LISTED)
		fprintf(f, "... %zu more in the console log\n", n - ISSUES_LISTED);
	fputs("</pre></details>\n", f);
}

static void issues(FILE *f, struct page *pg)
{
	struct json_object *cnt = get_obj(pg->cls, "counts");
	static const char *const lv[] = { "emerg", "alert", "crit", "err", "warn", "notice" };
	size_t i;

	fputs("<h2>Errors and warnings</h2>\n<section>\n", f);
	fprintf(f, "<p>result.json: %ld error and %ld warning messages (the classifier's count, of kmsg.log when it came home).</p>\n",
		pg->res.errors, pg->res.warnings);
	if (cnt) {
		fputs("<table><tr><th>console lines by level</th>", f);
		for (i = 0; i < 6; i++)
			fprintf(f, "<th>%s</th>", lv[i]);
		fputs("</tr><tr><td>count</td>", f);
		for (i = 0; i < 6; i++)
			fprintf(f, "<td>%lld</td>", bt_json_get_int(cnt, lv[i], 0));
		fputs("</tr></table>\n", f);
	}
	issue_list(f, bt_json_get_array(pg->cls, "errors"), "error lines");
	issue_list(f, bt_json_get_array(pg->cls, "warnings"), "warning lines");
	fputs("</section>\n", f);
}

/* ---- the timeline ---- */

static void timeline_section(FILE *f, struct page *pg)
{
	struct rh_log kmsg = { 0 };
	char *kp = bt_path_join(pg->dir, "kmsg.log"), *kbuf = NULL;
	size_t klen = 0, i;
	struct json_object *w = bt_json_get_array(pg->cls, "warnings");
	double init_s = pg->res.init.reached ? pg->res.init.seconds : -1;
	int e;

	pg->tl.offset = -1;
	pg->tl.qemu_end = pg->res.duration_s > 0 ? pg->res.duration_s : -1;
	rh_timeline_scan(&pg->tl, &pg->log);
	if (init_s >= 0 && pg->tl.init_uptime >= 0)
		pg->tl.offset = init_s - pg->tl.init_uptime;
	if (pg->tl.offset < 0)
		pg->tl.qemu_end = -1;
	for (i = 0; i < pg->res.ncrashes; i++) {
		const struct bt_result_crash *c = &pg->res.crashes[i];

		rh_timeline_add(&pg->tl, c->title, rh_log_ts(&pg->log, c->start_line),
				c->start_line, RH_EV_CRASH);
	}
	for (i = 0; w && i < json_object_array_length(w) && i < 40; i++) {
		struct json_object *x = json_object_array_get_idx(w, i);
		long l = bt_json_get_int(x, "line", 0);

		rh_timeline_add(&pg->tl, bt_json_get_str(x, "text"),
				rh_log_ts(&pg->log, l), l, RH_EV_WARN);
	}
	/* initcall_debug prints at KERN_DEBUG: kmsg.log has them, the console not */
	if (bt_read_file(kp, &kbuf, &klen, LOG_MAX, NULL) == 0) {
		rh_log_parse(&kmsg, kbuf, klen);
		rh_timeline_initcalls(&pg->tl, &kmsg, INITCALLS_SHOWN);
		rh_log_free(&kmsg);
	}
	if (!pg->tl.initcall_debug)
		rh_timeline_initcalls(&pg->tl, &pg->log, INITCALLS_SHOWN);
	free(kbuf);
	free(kp);

	fputs("<h2>Boot timeline</h2>\n<section>\n", f);
	if (!pg->tl.nev) {
		fputs("<p>No timestamped console line: nothing to draw.</p>\n</section>\n", f);
		return;
	}
	rh_timeline_write(f, &pg->tl);
	if (pg->tl.offset < 0)
		fputs("<p class=\"muted\">Kernel seconds: boottest-init's start was not seen, so the kernel clock's offset from QEMU's start is unknown.</p>\n", f);
	if (!pg->tl.initcall_debug && pg->initcall_debug)
		fputs("<p class=\"muted\">No initcall bars: the kernel ran with initcall_debug, but its lines (KERN_DEBUG) are in kmsg.log, which this run did not bring home.</p>\n", f);
	else if (!pg->tl.initcall_debug)
		fputs("<p class=\"muted\">Initcall bars: boot with BOOT_TIMELINE=1 (initcall_debug).</p>\n", f);
	fputs("<table><tr><th>event</th><th>kernel s</th><th>since QEMU start</th><th>console</th></tr>\n", f);
	for (e = 0; e < pg->tl.nev; e++) {
		const struct rh_event *ev = &pg->tl.ev[e];

		if (ev->kind == RH_EV_WARN)
			continue;
		fputs("<tr><td>", f);
		rh_escs(f, ev->label);
		fprintf(f, "</td><td>%.3f</td><td>", ev->ts);
		if (pg->tl.offset >= 0)
			fprintf(f, "%.3f s", ev->ts + pg->tl.offset);
		fprintf(f, "</td><td><a href=\"#L%ld\">line %ld</a></td></tr>\n",
			ev->line, ev->line);
	}
	fputs("</table>\n</section>\n", f);
}

/* ---- the run directory's files ---- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of dir/rel, depth-first, sorted; at most 500 in all. */
static void list_files(FILE *f, const char *dir, const char *rel, int depth,
		       int *left)
{
	char *path = rel ? bt_path_join(dir, rel) : bt_strdup(dir);
	DIR *d = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "report.html"))
			continue;
		names = bt_realloc(names, (n + 1) * sizeof(*names));
		names[n++] = rel ? bt_path_join(rel, de->d_name) : bt_strdup(de->d_name);
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		char *full = bt_path_join(dir, names[i]);
		struct stat st;

		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (depth < 4)
				list_files(f, dir, names[i], depth + 1, left);
		} else if (*left > 0) {
			(*left)--;
			fputs("<li><a href=\"", f);
			rh_href(f, names[i]);
			fputs("\">", f);
			rh_escs(f, names[i]);
			fprintf(f, "</a> <span class=\"muted\">%lld bytes</span></li>\n",
				(long long)st.st_size);
		}
		free(full);
		free(names[i]);
	}
	free(names);
	free(path);
}

static void files_section(FILE *f, const char *dir)
{
	int left = 500;

	fputs("<h2>Files of this run</h2>\n<section><ul>\n", f);
	list_files(f, dir, NULL, 0, &left);
	if (!left)
		fputs("<li>(the first 500 files)</li>\n", f);
	fputs("</ul></section>\n", f);
}

/* ---- the page ---- */

static void console_section(FILE *f, struct page *pg)
{
	struct json_object *a = bt_json_get_array(pg->cls, "errors");
	size_t i;

	for (i = 0; i < pg->res.ncrashes; i++) {
		const struct bt_result_crash *c = &pg->res.crashes[i];

		if (c->start_line > 0)
			rh_log_mark(&pg->log, c->start_line, c->end_line, RH_CRASH);
	}
	for (i = 0; a && i < json_object_array_length(a); i++) {
		long l = bt_json_get_int(json_object_array_get_idx(a, i), "line", 0);

		rh_log_mark(&pg->log, l, l, RH_ERROR);
	}
	fprintf(f, "<h2>Console log (<a href=\"console.log\">console.log</a>, %zu lines)</h2>\n<section>\n",
		pg->log.n);
	if (pg->log_cut)
		fprintf(f, "<p><b>The log is longer than %u MiB: the page shows its start; the file has all of it.</b></p>\n",
			LOG_MAX >> 20);
	rh_log_write(f, &pg->log);
	fputs("</section>\n", f);
}

static int run_page(const char *dir, const char *out)
{
	struct page pg = { .dir = dir };
	char *lp = bt_path_join(dir, "console.log"), *title, *rp;
	struct bt_atomic at;
	FILE *f;
	int ret = 0;

	rp = bt_path_join(dir, "result.json");
	if (!bt_is_file(rp) || bt_result_read(rp, &pg.res) < 0) {
		if (!bt_is_file(rp))
			bt_err("%s: no result.json (not a run directory of make boottest)", dir);
		bt_result_free(&pg.res);
		free(rp);
		free(lp);
		return -1;
	}
	free(rp);
	pg.cls = load_json(dir, "classify.json");
	if (bt_read_file(lp, &pg.logbuf, &pg.loglen, LOG_MAX, &pg.log_cut) < 0)
		pg.logbuf = NULL, pg.loglen = 0;
	rh_log_parse(&pg.log, pg.logbuf ? pg.logbuf : "", pg.loglen);

	f = bt_atomic_fopen(&at, out, 0644);
	if (!f) {
		ret = -1;
		goto done;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	title = bt_asprintf("boottest %s: %s", pg.res.verdict ?: "?",
			    pg.res.reason ?: "");
	rh_page_start(f, title);
	free(title);
	banner(f, &pg);
	timeline_section(f, &pg);
	crashes(f, &pg);
	issues(f, &pg);
	rh_fstests_write(f, dir, pg.res.fstests);
	console_section(f, &pg);
	files_section(f, dir);
	rh_page_end(f);
	ret = bt_atomic_fclose(&at, f);
done:
	rh_timeline_free(&pg.tl);
	rh_log_free(&pg.log);
	free(pg.logbuf);
	free(lp);
	bt_result_free(&pg.res);
	if (pg.cls)
		json_object_put(pg.cls);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	char *def = NULL, *steps;
	int c, ret;

	bt_set_prog(argv[0]);
	while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return BT_EXIT_OK;
		default:
			print_usage(stderr);
			return BT_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		print_usage(stderr);
		return BT_EXIT_USAGE;
	}
	if (!bt_is_dir(argv[optind])) {
		bt_err("%s: no such directory", argv[optind]);
		return BT_EXIT_USAGE;
	}
	if (!out)
		out = def = bt_path_join(argv[optind], "report.html");
	steps = bt_path_join(argv[optind], "steps");
	if (bt_is_file(steps))
		ret = rh_bisect_page(argv[optind], out);
	else
		ret = run_page(argv[optind], out);
	free(steps);
	free(def);
	return ret < 0 ? BT_EXIT_USAGE : BT_EXIT_OK;
}
