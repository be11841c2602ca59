// SPDX-License-Identifier: GPL-2.0
/*
 * The fstests part of a run's page, from fstests-results' JSON
 * (RUN/fstests.json): totals, the sections x tests matrix, the 20 slowest
 * tests as bars, each failure with its message, .out.bad diff and the
 * kernel messages it produced, and the baseline's changes.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "err.h"
#include "json.h"
#include "path.h"
#include "report-html.h"

#define SLOWEST		20
#define MAX_SECTIONS	32

static const char *str_at(struct json_object *a, size_t i)
{
	return json_object_get_string(json_object_array_get_idx(a, i));
}

static void counts(FILE *f, struct json_object *fs)
{
	static const char *const k[] = { "tests", "passed", "failed", "notrun",
		"crashed", "timeout", "notreached" };
	struct json_object *c;
	size_t i;

	if (!json_object_object_get_ex(fs, "counts", &c))
		return;
	fputs("<table><tr>", f);
	for (i = 0; i < ARRAY_SIZE(k); i++)
		fprintf(f, "<th>%s</th>", k[i]);
	fputs("</tr><tr>", f);
	for (i = 0; i < ARRAY_SIZE(k); i++)
		fprintf(f, "<td>%lld</td>", bt_json_get_int(c, k[i], 0));
	fputs("</tr></table>\n", f);
}

static void matrix(FILE *f, struct json_object *secs, struct json_object *tests)
{
	size_t ns = secs ? json_object_array_length(secs) : 0;
	size_t nt = json_object_array_length(tests), i, j, s;
	const char *sname[MAX_SECTIONS];

	if (ns > MAX_SECTIONS)
		ns = MAX_SECTIONS;
	for (s = 0; s < ns; s++)
		sname[s] = bt_json_get_str(json_object_array_get_idx(secs, s), "name");
	if (!ns) {
		sname[0] = NULL;
		ns = 1;
	}
	fputs("<table><tr><th>test</th>", f);
	for (s = 0; s < ns; s++) {
		fputs("<th>", f);
		rh_escs(f, sname[s] ? sname[s] : "-");
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (i = 0; i < nt; i++) {
		struct json_object *t = json_object_array_get_idx(tests, i);
		const char *name = bt_json_get_str(t, "name");
		bool seen = false;

		/* one row per name, at its first appearance */
		for (j = 0; j < i && !seen; j++)
			seen = name && !strcmp(name ?: "", bt_json_get_str(
				json_object_array_get_idx(tests, j), "name") ?: "");
		if (seen || !name)
			continue;
		fputs("<tr><td>", f);
		rh_escs(f, name);
		fputs("</td>", f);
		for (s = 0; s < ns; s++) {
			struct json_object *hit = NULL;

			for (j = i; j < nt && !hit; j++) {
				struct json_object *u = json_object_array_get_idx(tests, j);
				const char *us = bt_json_get_str(u, "section");

				if (!strcmp(bt_json_get_str(u, "name") ?: "", name) &&
				    (!sname[s] || (us && !strcmp(us, sname[s]))))
					hit = u;
			}
			if (!hit) {
				fputs("<td></td>", f);
				continue;
			}
			fputs("<td class=\"", f);
			rh_escs(f, bt_json_get_str(hit, "status"));
			fputs("\" title=\"", f);
			rh_escs(f, bt_json_get_str(hit, "message"));
			fputs("\">", f);
			rh_escs(f, bt_json_get_str(hit, "status"));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static int by_time(const void *a, const void *b)
{
	long long x = bt_json_get_int(*(struct json_object *const *)a, "time", 0);
	long long y = bt_json_get_int(*(struct json_object *const *)b, "time", 0);

	return (x < y) - (x > y);
}

static const char *status_fill(const char *st)
{
	if (st && !strcmp(st, "pass"))
		return "#66bb6a";
	if (st && !strcmp(st, "notrun"))
		return "#bdbdbd";
	return "#ef5350";
}

static void slowest(FILE *f, struct json_object *tests)
{
	size_t nt = json_object_array_length(tests), n, i;
	struct json_object **t = bt_calloc(nt ? nt : 1, sizeof(*t));
	long long max;

	for (i = 0; i < nt; i++)
		t[i] = json_object_array_get_idx(tests, i);
	qsort(t, nt, sizeof(*t), by_time);
	n = nt < SLOWEST ? nt : SLOWEST;
	max = n ? bt_json_get_int(t[0], "time", 0) : 0;
	if (max <= 0) {
		free(t);
		return;
	}
	fprintf(f, "<h3>Slowest tests</h3>\n<svg width=\"760\" height=\"%zu\" role=\"img\">\n",
		n * 18 + 6);
	for (i = 0; i < n; i++) {
		long long s = bt_json_get_int(t[i], "time", 0);
		int w = (int)(s * 440 / max);

		fprintf(f, "<text x=\"230\" y=\"%zu\" font-size=\"12\" text-anchor=\"end\">", i * 18 + 16);
		rh_escs(f, bt_json_get_str(t[i], "section"));
		fputc(' ', f);
		rh_escs(f, bt_json_get_str(t[i], "name"));
		fprintf(f, "</text><rect x=\"236\" y=\"%zu\" width=\"%d\" height=\"13\" fill=\"%s\"/>",
			i * 18 + 5, w > 1 ? w : 1,
			status_fill(bt_json_get_str(t[i], "status")));
		fprintf(f, "<text x=\"%d\" y=\"%zu\" font-size=\"12\">%lld s</text>\n",
			242 + w, i * 18 + 16, s);
	}
	fputs("</svg>\n", f);
	free(t);
}

static void diff(FILE *f, const char *d)
{
	while (d && *d) {
		size_t n = strcspn(d, "\n");

		fprintf(f, "<span class=\"%s\">", *d == '+' ? "add" : *d == '-' ? "del" : "ctx");
		rh_esc(f, d, n);
		fputs("</span>\n", f);
		d += n + (d[n] == '\n');
	}
}

static void failures(FILE *f, struct json_object *tests)
{
	size_t nt = json_object_array_length(tests), i;
	bool any = false;

	for (i = 0; i < nt; i++) {
		struct json_object *t = json_object_array_get_idx(tests, i);
		const char *st = bt_json_get_str(t, "status") ?: "";

		if (!strcmp(st, "pass") || !strcmp(st, "notrun"))
			continue;
		if (!any)
			fputs("<h3>Failures</h3>\n", f);
		any = true;
		fputs("<div class=\"crash\"><h3><span class=\"cat\">", f);
		rh_escs(f, st);
		fputs("</span>", f);
		rh_escs(f, bt_json_get_str(t, "section"));
		fputc(' ', f);
		rh_escs(f, bt_json_get_str(t, "name"));
		fputs("</h3>\n<p>", f);
		rh_escs(f, bt_json_get_str(t, "message"));
		fputs("</p>\n", f);
		if (bt_json_get_str(t, "kernel_title")) {
			fputs("<p>kernel: <b>", f);
			rh_escs(f, bt_json_get_str(t, "kernel_title"));
			fputs("</b></p>\n", f);
		}
		if (bt_json_get_str(t, "diff")) {
			fputs("<pre class=\"log diff\">", f);
			diff(f, bt_json_get_str(t, "diff"));
			fputs("</pre>\n", f);
		}
		if (bt_json_get_str(t, "dmesg")) {
			fputs("<details><summary>dmesg of the test</summary><pre class=\"log\">", f);
			rh_escs(f, bt_json_get_str(t, "dmesg"));
			fputs("</pre></details>\n", f);
		}
		fputs("</div>\n", f);
	}
}

static void fs_baseline(FILE *f, struct json_object *fs)
{
	static const char *const lists[] = { "new_failures", "fixed", "still_failing",
		"newly_notrun", "not_reached", "new_tests" };
	struct json_object *b, *l;
	size_t i, k;

	if (!json_object_object_get_ex(fs, "baseline", &b) || !b)
		return;
	fputs("<h3>Against the baseline ", f);
	rh_escs(f, bt_json_get_str(b, "file"));
	fputs("</h3>\n<table>\n", f);
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		l = bt_json_get_array(b, lists[i]);
		fprintf(f, "<tr><th>%s</th><td>", lists[i]);
		for (k = 0; l && k < json_object_array_length(l); k++) {
			rh_escs(f, str_at(l, k));
			fputc(' ', f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

bool rh_fstests_write(FILE *f, const char *run_dir, struct json_object *doc)
{
	char *p = bt_path_join(run_dir, "fstests.json");
	struct json_object *fs = doc ? json_object_get(doc) :
				 bt_is_file(p) ? bt_json_load(p, 64u << 20) : NULL;
	struct json_object *tests = bt_json_get_array(fs, "tests");

	free(p);
	if (!fs)
		return false;
	fputs("<h2>fstests (<a href=\"fstests.json\">fstests.json</a>)</h2>\n<section>\n<p>verdict: <b>", f);
	rh_escs(f, bt_json_get_str(fs, "verdict"));
	fputs("</b>", f);
	if (bt_json_get_str(fs, "error")) {
		fputs(", ", f);
		rh_escs(f, bt_json_get_str(fs, "error"));
	}
	fputs("</p>\n", f);
	counts(f, fs);
	if (tests) {
		matrix(f, bt_json_get_array(fs, "sections"), tests);
		slowest(f, tests);
		failures(f, tests);
	}
	fs_baseline(f, fs);
	fputs("</section>\n", f);
	json_object_put(fs);
	return true;
}
