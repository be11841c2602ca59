// SPDX-License-Identifier: GPL-2.0
/*
 * The reports of an fstests run: result.json, JUnit, a text summary, the
 * comparison with a baseline result.json and the exit status.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fstests-results.h"
#include "json.h"
#include "strbuf.h"
#include "junit.h"

enum { C_PASS, C_FAIL, C_NOTRUN, C_EXPUNGED, C_CRASHED, C_TIMEOUT, C_NOTREACHED, C_N };

static int cidx(enum fr_status s)
{
	switch (s) {
	case FR_PASS: return C_PASS;
	case FR_FAIL: return C_FAIL;
	case FR_NOTRUN: return C_NOTRUN;
	case FR_EXPUNGED: return C_EXPUNGED;
	case FR_CRASHED: return C_CRASHED;
	case FR_TIMEOUT: return C_TIMEOUT;
	default: return C_NOTREACHED;
	}
}

static const char *const cnames[C_N] = {
	"passed", "failed", "notrun", "expunged", "crashed", "timeout", "notreached",
};

static struct json_object *counts_obj(const long *c)
{
	struct json_object *o = json_object_new_object();
	long total = 0;
	int i;

	for (i = 0; i < C_N; i++)
		total += c[i];
	bt_json_add_int(o, "tests", total);
	for (i = 0; i < C_N; i++)
		bt_json_add_int(o, cnames[i], c[i]);
	return o;
}

static bool run_complete(const struct fr_run *r)
{
	size_t i;

	if (r->have_console || r->have_plan || r->done)
		return r->done;
	if (!r->nsec)
		return false;
	for (i = 0; i < r->nsec; i++)
		if (!r->sec[i].summary || r->sec[i].interrupted)
			return false;
	return true;
}

struct json_object *fr_to_json(const struct fr_run *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *secs = json_object_new_array();
	struct json_object *tests = json_object_new_array();
	struct json_object *kern = json_object_new_array();
	long c[C_N] = { 0 };
	const struct fr_test *running = NULL;
	bool complete = run_complete(r);
	const char *verdict;
	size_t i, j;

	for (i = 0; i < r->nt; i++) {
		const struct fr_test *t = &r->t[i];
		struct json_object *jt = json_object_new_object();

		c[cidx(t->status)]++;
		if ((t->status == FR_CRASHED || t->status == FR_TIMEOUT ||
		     (t->status == FR_NOTREACHED && t->started)) &&
		    (!running || r->start_line[i] >= r->start_line[running - r->t]))
			running = t;
		bt_json_add_str(jt, "section", t->section);
		bt_json_add_str(jt, "name", t->name);
		bt_json_add_str(jt, "status", fr_status_str(t->status));
		if (t->shard)
			bt_json_add_int(jt, "shard", t->shard);
		if (t->time >= 0)
			bt_json_add_int(jt, "time", t->time);
		if (t->message)
			bt_json_add_str(jt, "message", t->message);
		if (t->diff)
			bt_json_add_str(jt, "diff", t->diff);
		if (t->dmesg)
			bt_json_add_str(jt, "dmesg", t->dmesg);
		if (t->kernel_title) {
			bt_json_add_str(jt, "kernel_title", t->kernel_title);
			bt_json_add_str(jt, "kernel_category",
					t->kernel_category);
		}
		if (t->files) {
			struct json_object *f = json_object_new_array();
			static const char *const sfx[] = {
				".out.bad", ".full", ".dmesg", ".notrun", ".hints",
			};

			for (j = 0; j < 5; j++)
				if (t->files & (1u << j))
					json_object_array_add(f,
						json_object_new_string(sfx[j]));
			json_object_object_add(jt, "files", f);
		}
		json_object_array_add(tests, jt);
	}
	for (i = 0; i < r->nsec; i++) {
		const struct fr_section *s = &r->sec[i];
		struct json_object *js = json_object_new_object();
		long sc[C_N] = { 0 };

		for (j = 0; j < r->nt; j++)
			if (!strcmp(r->t[j].section, s->name))
				sc[cidx(r->t[j].status)]++;
		bt_json_add_str(js, "name", s->name);
		bt_json_add_str(js, "fstyp", s->fstyp);
		bt_json_add_str(js, "kernel", s->kernel);
		bt_json_add_str(js, "mkfs_options", s->mkfs_options);
		bt_json_add_str(js, "mount_options", s->mount_options);
		if (s->time >= 0)
			bt_json_add_int(js, "time", s->time);
		bt_json_add_bool(js, "summary", s->summary);
		bt_json_add_bool(js, "interrupted", s->interrupted);
		json_object_object_add(js, "counts", counts_obj(sc));
		json_object_array_add(secs, js);
	}
	for (i = 0; i < r->ncrash; i++) {
		const struct fr_crash *k = &r->crash[i];
		struct json_object *jk = json_object_new_object();

		bt_json_add_str(jk, "category", k->category);
		bt_json_add_str(jk, "title", k->title);
		bt_json_add_int(jk, "line", k->line);
		bt_json_add_bool(jk, "panicked", k->panicked);
		bt_json_add_str(jk, "section", k->section);
		bt_json_add_str(jk, "test", k->test);
		if (k->shard)
			bt_json_add_int(jk, "shard", k->shard);
		json_object_array_add(kern, jk);
	}

	/* TIMEOUT= stopped the run: not a crash, not a test failure */
	if (r->timed_out && !r->done && !c[C_CRASHED] && !r->ncrash && !c[C_FAIL])
		verdict = "timeout";
	/* interrupted from outside: what ran, incomplete, not a failure */
	else if (r->interrupted && !r->done && !c[C_CRASHED] && !r->ncrash &&
		 !c[C_FAIL])
		verdict = "incomplete";
	else if (c[C_PASS] + c[C_FAIL] + c[C_NOTRUN] + c[C_CRASHED] == 0)
		verdict = "error";
	else if (c[C_CRASHED] || r->ncrash)
		verdict = "crash";
	else if (c[C_FAIL] || c[C_NOTREACHED])
		verdict = "fail";
	else if (!complete || (r->check_status > 0))
		verdict = "incomplete";
	else
		verdict = "pass";

	bt_json_add_str(o, "tool", "fstests-results");
	bt_json_add_str(o, "verdict", verdict);
	bt_json_add_bool(o, "complete", complete);
	bt_json_add_bool(o, "timed_out", r->timed_out && !r->done);
	if (r->nshards)
		bt_json_add_int(o, "shards", r->nshards);
	if (r->check_status >= 0)
		bt_json_add_int(o, "check_status", r->check_status);
	else
		json_object_object_add(o, "check_status", NULL);
	if (r->error)
		bt_json_add_str(o, "error", r->error);
	if (r->full_test) {
		struct json_object *jf = json_object_new_object();

		bt_json_add_str(jf, "section", r->full_section);
		bt_json_add_str(jf, "test", r->full_test);
		bt_json_add_int(jf, "size_kib", r->full_kib);
		json_object_object_add(o, "results_full", jf);
	}
	if (running) {
		struct json_object *jr = json_object_new_object();

		bt_json_add_str(jr, "section", running->section);
		bt_json_add_str(jr, "test", running->name);
		json_object_object_add(o, "running", jr);
	} else {
		json_object_object_add(o, "running", NULL);
	}
	json_object_object_add(o, "counts", counts_obj(c));
	json_object_object_add(o, "sections", secs);
	json_object_object_add(o, "kernel", kern);
	json_object_object_add(o, "tests", tests);
	return o;
}

/* ---- baseline ---- */

static char *key_of(struct json_object *t)
{
	const char *s = bt_json_get_str(t, "section");
	const char *n = bt_json_get_str(t, "name");

	if (!n)
		return NULL;
	return bt_asprintf("%s:%s", s ? s : "global", n);
}

static bool ran(const char *st)
{
	return st && (!strcmp(st, "pass") || !strcmp(st, "fail"));
}

int fr_baseline(struct json_object *out, struct json_object *base,
		const char *base_name, bool complete)
{
	struct json_object *bt = bt_json_get_array(base, "tests");
	struct json_object *ct = bt_json_get_array(out, "tests");
	struct json_object *idx = json_object_new_object();
	struct json_object *seen = json_object_new_object();
	struct json_object *res = json_object_new_object();
	static const char *const lists[] = {
		"new_failures", "fixed", "still_failing", "newly_notrun",
		"not_reached", "new_tests",
	};
	struct json_object *l[6];
	size_t i, n;
	long regress;
	int k;

	if (!bt || !ct) {
		json_object_put(idx);
		json_object_put(seen);
		json_object_put(res);
		return bt_error("%s: not a result.json of fstests-results (no \"tests\" array); pass a file written by a previous run",
				base_name);
	}
	for (k = 0; k < 6; k++)
		l[k] = json_object_new_array();
	n = json_object_array_length(bt);
	for (i = 0; i < n && i < FR_MAX_TESTS; i++) {
		struct json_object *t = json_object_array_get_idx(bt, i);
		const char *st = bt_json_get_str(t, "status");
		char *key = key_of(t);

		if (key && st)
			json_object_object_add(idx, key,
					       json_object_new_string(st));
		free(key);
	}
	n = json_object_array_length(ct);
	for (i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(ct, i), *b;
		const char *st = bt_json_get_str(t, "status"), *bs = NULL;
		char *key = key_of(t);
		int list = -1;

		if (!key || !st) {
			free(key);
			continue;
		}
		if (json_object_object_get_ex(idx, key, &b))
			bs = json_object_get_string(b);
		json_object_object_add(seen, key, NULL);
		if (!strcmp(st, "fail"))
			list = bs && !strcmp(bs, "fail") ? 2 : 0;
		else if (!strcmp(st, "pass"))
			list = bs && !strcmp(bs, "fail") ? 1 : (bs ? -1 : 5);
		else if (!strcmp(st, "notrun"))
			list = ran(bs) ? 3 : -1;
		else if (!strcmp(st, "crashed") || !strcmp(st, "timeout") ||
			 !strcmp(st, "notreached"))
			list = bs && strcmp(bs, "notreached") ? 4 : -1;
		if (list >= 0)
			json_object_array_add(l[list], json_object_new_string(key));
		free(key);
	}
	/* In the baseline, absent here: not reached unless this run finished. */
	n = json_object_array_length(bt);
	for (i = 0; i < n && !complete && i < FR_MAX_TESTS; i++) {
		struct json_object *t = json_object_array_get_idx(bt, i);
		const char *st = bt_json_get_str(t, "status");
		char *key = key_of(t);

		if (key && st && strcmp(st, "notreached") &&
		    !json_object_object_get_ex(seen, key, NULL))
			json_object_array_add(l[4], json_object_new_string(key));
		free(key);
	}
	bt_json_add_str(res, "file", base_name);
	for (k = 0; k < 6; k++)
		json_object_object_add(res, lists[k], l[k]);
	regress = (long)json_object_array_length(l[0]) +
		  (long)json_object_array_length(l[4]);
	bt_json_add_int(res, "regressions", regress);
	json_object_object_add(out, "baseline", res);
	json_object_put(idx);
	json_object_put(seen);
	return 0;
}

int fr_exit_status(struct json_object *out)
{
	const char *v = bt_json_get_str(out, "verdict");
	struct json_object *b;

	if (!v || !strcmp(v, "error"))
		return BT_EXIT_USAGE;
	if (strcmp(v, "pass"))
		return BT_EXIT_FAIL;
	if (json_object_object_get_ex(out, "baseline", &b) &&
	    bt_json_get_int(b, "regressions", 0) > 0)
		return BT_EXIT_FAIL;
	/* every test passed, but their result files may be cut */
	if (json_object_object_get_ex(out, "results_full", &b) && b)
		return BT_EXIT_USAGE;
	return BT_EXIT_OK;
}

/* ---- JUnit ---- */

static void junit_case(struct bt_junit *j, const struct fr_test *t)
{
	char *cls = bt_asprintf("fstests.%s", t->section);

	bt_junit_case(j, cls, t->name, t->time > 0 ? t->time : 0);
	free(cls);
	/* merged shards: which VM ran it */
	if (t->shard) {
		char v[16];

		snprintf(v, sizeof(v), "%d", t->shard);
		bt_junit_property(j, "shard", v);
	}
	switch (t->status) {
	case FR_PASS:
		break;
	case FR_NOTRUN:
	case FR_EXPUNGED:
		bt_junit_result(j, BT_JUNIT_SKIPPED, NULL, t->message ?
				t->message : fr_status_str(t->status));
		bt_junit_result_end(j);
		break;
	case FR_FAIL:
		bt_junit_result(j, BT_JUNIT_FAILURE, "TestFail",
				t->message ? t->message : "failed");
		bt_junit_text(j, t->diff ? t->diff : "");
		if (t->dmesg)
			bt_junit_text(j, t->dmesg);
		bt_junit_result_end(j);
		break;
	default:
		bt_junit_result(j, BT_JUNIT_ERROR, fr_status_str(t->status),
				t->message ? t->message :
				fr_status_str(t->status));
		bt_junit_result_end(j);
		break;
	}
	bt_junit_case_end(j);
}

void fr_write_junit(FILE *f, const struct fr_run *r)
{
	struct bt_junit jw;
	size_t i, j;

	bt_junit_begin(&jw, f, BT_JUNIT_TYPE_LAST);
	bt_junit_suites(&jw, "fstests");
	for (i = 0; i < r->nsec; i++) {
		long c[C_N] = { 0 };
		char *name = bt_asprintf("fstests.%s", r->sec[i].name);

		for (j = 0; j < r->nt; j++)
			if (!strcmp(r->t[j].section, r->sec[i].name))
				c[cidx(r->t[j].status)]++;
		bt_junit_suite(&jw, name,
			       c[C_PASS] + c[C_FAIL] + c[C_NOTRUN] + c[C_EXPUNGED] +
			       c[C_CRASHED] + c[C_TIMEOUT] + c[C_NOTREACHED],
			       c[C_FAIL], c[C_CRASHED] + c[C_TIMEOUT] + c[C_NOTREACHED],
			       c[C_NOTRUN] + c[C_EXPUNGED], -1);
		free(name);
		for (j = 0; j < r->nt; j++)
			if (!strcmp(r->t[j].section, r->sec[i].name))
				junit_case(&jw, &r->t[j]);
		bt_junit_suite_end(&jw);
	}
	bt_junit_suites_end(&jw);
}

/* ---- text summary ---- */

static void print_list(FILE *f, struct json_object *b, const char *key,
		       const char *label)
{
	struct json_object *a = bt_json_get_array(b, key);
	size_t i, n = a ? json_object_array_length(a) : 0;

	if (!n)
		return;
	fprintf(f, "fstests: baseline: %s (%zu):", label, n);
	for (i = 0; i < n && i < 40; i++)
		fprintf(f, " %s",
			json_object_get_string(json_object_array_get_idx(a, i)));
	fprintf(f, "%s\n", n > 40 ? " ..." : "");
}

static void indent(FILE *f, const char *s)
{
	while (s && *s) {
		size_t l = strcspn(s, "\n");

		fprintf(f, "    %.*s\n", (int)l, s);
		s += l + (s[l] ? 1 : 0);
	}
}

void fr_write_text(FILE *f, struct json_object *out)
{
	long long shards = bt_json_get_int(out, "shards", 0);
	struct json_object *a, *b;
	size_t i, n;

	if (shards)
		fprintf(f, "fstests: %lld VMs took their tests from one queue; merged:\n",
			shards);
	a = bt_json_get_array(out, "sections");
	n = a ? json_object_array_length(a) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(a, i);
		struct json_object *c = NULL;

		json_object_object_get_ex(s, "counts", &c);
		fprintf(f, "fstests: [%s] %s: %lld tests: %lld passed, %lld failed, %lld not run",
			bt_json_get_str(s, "name"),
			bt_json_get_str(s, "fstyp") ? bt_json_get_str(s, "fstyp") : "?",
			bt_json_get_int(c, "tests", 0), bt_json_get_int(c, "passed", 0),
			bt_json_get_int(c, "failed", 0), bt_json_get_int(c, "notrun", 0));
		if (bt_json_get_int(c, "crashed", 0) + bt_json_get_int(c, "timeout", 0) +
		    bt_json_get_int(c, "notreached", 0)) {
			if (bt_json_get_int(c, "timeout", 0))
				fprintf(f, ", %lld stopped by TIMEOUT",
					bt_json_get_int(c, "timeout", 0));
			fprintf(f, ", %lld crashed, %lld not reached",
				bt_json_get_int(c, "crashed", 0),
				bt_json_get_int(c, "notreached", 0));
		}
		if (bt_json_get_int(s, "time", -1) >= 0)
			fprintf(f, " (%lld s)", bt_json_get_int(s, "time", 0));
		fputc('\n', f);
	}
	a = bt_json_get_array(out, "tests");
	n = a ? json_object_array_length(a) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(a, i);
		const char *st = bt_json_get_str(t, "status");

		long long sh = bt_json_get_int(t, "shard", 0);

		/* shards: a test no shard reached says why (the queue's reason) */
		if (!st || (strcmp(st, "fail") && strcmp(st, "crashed") &&
			    strcmp(st, "timeout") &&
			    (strcmp(st, "notreached") || !shards)))
			continue;
		fprintf(f, "fstests: %s %s [%s]: %s",
			!strcmp(st, "fail") ? "FAIL" :
			!strcmp(st, "timeout") ? "TIMEOUT" :
			!strcmp(st, "notreached") ? "NOT REACHED" : "CRASHED",
			bt_json_get_str(t, "name"), bt_json_get_str(t, "section"),
			bt_json_get_str(t, "message") ? bt_json_get_str(t, "message") : "");
		if (sh)
			fprintf(f, " (shard %lld)", sh);
		fputc('\n', f);
		indent(f, bt_json_get_str(t, "diff"));
		indent(f, bt_json_get_str(t, "dmesg"));
	}
	a = bt_json_get_array(out, "kernel");
	n = a ? json_object_array_length(a) : 0;
	for (i = 0; i < n; i++) {
		struct json_object *k = json_object_array_get_idx(a, i);

		fprintf(f, "fstests: kernel: %s%s%s", bt_json_get_str(k, "title"),
			bt_json_get_str(k, "test") ? " during " : "",
			bt_json_get_str(k, "test") ? bt_json_get_str(k, "test") : "");
		if (bt_json_get_int(k, "shard", 0))
			fprintf(f, " (shard %lld)", bt_json_get_int(k, "shard", 0));
		fputc('\n', f);
	}
	if (json_object_object_get_ex(out, "baseline", &b)) {
		print_list(f, b, "new_failures", "new failures");
		print_list(f, b, "not_reached", "not reached (ran in the baseline)");
		print_list(f, b, "newly_notrun", "newly not run");
		print_list(f, b, "still_failing", "still failing");
		print_list(f, b, "fixed", "fixed");
		fprintf(f, "fstests: baseline %s: %lld regressions\n",
			bt_json_get_str(b, "file"), bt_json_get_int(b, "regressions", 0));
	}
	if (bt_json_get_str(out, "error"))
		fprintf(f, "fstests: guest runner: %s\n", bt_json_get_str(out, "error"));
	if (json_object_object_get_ex(out, "results_full", &b) && b)
		fprintf(f, "fstests: error: the results disk (%lld MiB) was full (under 1 MiB free) after %s [%s]: later result files may be missing or cut (statuses come from the console); raise FSTESTS_RESULTS_SIZE=\n",
			bt_json_get_int(b, "size_kib", 0) >> 10,
			bt_json_get_str(b, "test") ? bt_json_get_str(b, "test") : "?",
			bt_json_get_str(b, "section") ? bt_json_get_str(b, "section") : "?");
	fprintf(f, "fstests: verdict: %s%s\n", bt_json_get_str(out, "verdict"),
		bt_json_get_bool(out, "complete", false) ? "" :
		bt_json_get_bool(out, "timed_out", false) ?
		" (the run did not finish: TIMEOUT= reached)" :
		" (the run did not finish)");
}
