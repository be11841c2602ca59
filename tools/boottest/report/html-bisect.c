// SPDX-License-Identifier: GPL-2.0
/*
 * The page of a bisect directory (make boottest-bisect): one row per step
 * (commit, subject, good/bad/skip, the boot's verdict and crash titles,
 * links to its logs and to the step's own run page), and the first bad
 * commit.  Read from the files scripts/boottest/bisect keeps: steps (one
 * commit a line), git-bisect.out (its "step N: ..." lines and git's), and
 * each step's boot log (vmrun's "boottest: ..." summary lines).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler.h"
#include "err.h"
#include "path.h"
#include "strbuf.h"
#include "report-html.h"

#define MAX_STEPS	64

/* The text after prefix on the last line of buf that starts with it. */
static char *last_after(const char *buf, const char *prefix)
{
	const char *p = buf, *hit = NULL;
	size_t n = strlen(prefix);

	while (p && *p) {
		if (!strncmp(p, prefix, n))
			hit = p + n;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return hit ? bt_strndup(hit, strcspn(hit, "\n")) : NULL;
}

/* Relative path from directory from to path to (both made absolute). */
static char *relative(const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct strbuf r = STRBUF_INIT;
	size_t i = 0, k;

	if (!realpath(from, a) || !realpath(to, b))
		return bt_strdup(to);
	while (a[i] && a[i] == b[i])
		i++;
	/* back to the last component both share whole */
	if (a[i] || b[i] != '/')
		while (i && b[i - 1] != '/')
			i--;
	for (k = i; a[k]; k++)
		if (a[k] == '/')
			sb_addstr(&r, "../");
	if (a[i])
		sb_addstr(&r, "../");
	sb_addstr(&r, b[i] == '/' ? b + i + 1 : b + i);
	return sb_detach(&r);
}

static void log_link(FILE *f, const char *dir, const char *name, const char *what)
{
	char *p = bt_path_join(dir, name);

	if (bt_is_file(p)) {
		fputs("<a href=\"", f);
		rh_href(f, name);
		fprintf(f, "\">%s</a> ", what);
	}
	free(p);
}

static char *read_text(const char *dir, const char *name)
{
	char *p = bt_path_join(dir, name), *buf = NULL;
	size_t len;

	if (bt_read_file(p, &buf, &len, 64u << 20, NULL) < 0)
		buf = NULL;
	free(p);
	return buf;
}

static void step_row(FILE *f, const char *dir, const char *out_text, int n,
		     const char *rev)
{
	char *pre = bt_asprintf("boottest-bisect: step %d: %s", n, rev);
	char *subject = NULL, *answer = NULL, *verdict = NULL, *results = NULL;
	char *blog = bt_asprintf("step-%d-%s.boot.log", n, rev);
	char *klog = bt_asprintf("step-%d-%s.build.log", n, rev);
	char *boot = read_text(dir, blog), *titles = NULL;
	const char *p;

	/* "step N: REV SUBJECT" then "step N: REV: ANSWER" */
	{
		char *space = bt_asprintf("%s ", pre), *colon = bt_asprintf("%s: ", pre);

		subject = last_after(out_text, space);
		answer = last_after(out_text, colon);
		free(space);
		free(colon);
	}
	if (boot) {
		verdict = last_after(boot, "boottest: verdict: ");
		results = last_after(boot, "boottest: results in ");
		for (p = boot; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
			if (!strncmp(p, "boottest: crash: ", 17)) {
				char *t = bt_strndup(p + 17, strcspn(p + 17, "\n"));
				char *nt = bt_asprintf("%s%s%s", titles ?: "", titles ? "\n" : "", t);

				free(t);
				free(titles);
				titles = nt;
			}
		}
	}
	fprintf(f, "<tr><td>%d</td><td><code>", n);
	rh_escs(f, rev);
	fputs("</code></td><td>", f);
	rh_escs(f, subject);
	fputs("</td><td class=\"", f);
	fputs(!answer ? "" : !strncmp(answer, "good", 4) ? "pass" :
	      !strncmp(answer, "bad", 3) ? "fail" : "notrun", f);
	fputs("\">", f);
	rh_escs(f, answer ? answer : "(no answer)");
	fputs("</td><td>", f);
	rh_escs(f, verdict);
	if (titles) {
		fputs("<br><b>", f);
		rh_escs(f, titles);
		fputs("</b>", f);
	}
	fputs("</td><td>", f);
	if (results) {
		char *page = bt_path_join(results, "report.html");

		if (bt_is_file(page)) {
			char *rel = relative(dir, page);

			fputs("<a href=\"", f);
			rh_href(f, rel);
			fputs("\">run page</a> ", f);
			free(rel);
		}
		free(page);
	}
	log_link(f, dir, blog, "boot log");
	log_link(f, dir, klog, "build log");
	fputs("</td></tr>\n", f);
	free(pre);
	free(subject);
	free(answer);
	free(verdict);
	free(results);
	free(titles);
	free(boot);
	free(blog);
	free(klog);
}

int rh_bisect_page(const char *dir, const char *out)
{
	char *steps = read_text(dir, "steps"), *text = read_text(dir, "git-bisect.out");
	char *first = NULL, *line, *save = NULL;
	struct bt_atomic at;
	FILE *f;
	int n = 0, ret = 0;
	const char *p;

	for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *e = strstr(p, " is the first bad commit");
		size_t l = strcspn(p, "\n");

		if (e && e < p + l && !first)
			first = bt_strndup(p, e - p);
	}
	f = bt_atomic_fopen(&at, out, 0644);
	if (!f) {
		ret = -1;
		goto done;
	}
	rh_page_start(f, first ? "boottest bisect: first bad commit found" :
		      "boottest bisect");
	fprintf(f, "<header class=\"%s\">\n<h1>", first ? "v-crash" : "v-infra");
	if (first) {
		fputs("first bad commit: <code>", f);
		rh_escs(f, first);
		fputs("</code>", f);
	} else {
		fputs("bisect: no first bad commit named (inconclusive, running or stopped)", f);
	}
	fputs("</h1>\n</header>\n<h2>Steps</h2>\n<section>\n<table>\n", f);
	fputs("<tr><th>step</th><th>commit</th><th>subject</th><th>answer</th>", f);
	fputs("<th>boot verdict, crashes</th><th>logs</th></tr>\n", f);
	for (line = steps ? strtok_r(steps, "\n", &save) : NULL; line && n < MAX_STEPS;
	     line = strtok_r(NULL, "\n", &save))
		step_row(f, dir, text ?: "", ++n, line);
	fputs("</table>\n", f);
	if (!n)
		fputs("<p>No step ran.</p>\n", f);
	fputs("</section>\n<h2>git bisect output (<a href=\"git-bisect.out\">git-bisect.out</a>)</h2>\n<section><pre class=\"log\">", f);
	rh_escs(f, text);
	fputs("</pre></section>\n<h2>Files</h2>\n<section><ul>\n", f);
	{
		static const char *const names[] = { "bisect.log", "git-bisect.out",
			"steps", "config", "make-vars" };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(names); i++) {
			char *fp = bt_path_join(dir, names[i]);

			if (bt_is_file(fp))
				fprintf(f, "<li><a href=\"%s\">%s</a></li>\n", names[i], names[i]);
			free(fp);
		}
	}
	fputs("</ul></section>\n", f);
	rh_page_end(f);
	ret = bt_atomic_fclose(&at, f);
done:
	free(first);
	free(steps);
	free(text);
	return ret;
}
