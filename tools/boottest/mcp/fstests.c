// SPDX-License-Identifier: GPL-2.0
/*
 * boottest-mcp: fstests_run, make fstests-vm as a long tool.  Progress is
 * read from the run's live lines ("fstests: I/N [SECTION] TEST STATUS"),
 * the result from the run's fstests.json and result.json.  A cancelled run
 * gets its partial verdict from the console log (the tests done so far),
 * written to the run's fstests.json and result.json (JOBS=N: each VM's
 * run its own, not merged).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boottest-mcp.h"
#include "err.h"
#include "json.h"
#include "path.h"
#include "proc.h"
#include "result.h"

/* fstests.json read back: larger is refused. */
#define MCP_FSTESTS_JSON_MAX	(256 << 20)

static const struct mcp_var fstests_vars[] = {
	{ "fstests", "FSTESTS" }, { "fstyp", "FSTYP" }, { "tests", "TESTS" },
	{ "config", "CONFIG" }, { "jobs", "JOBS" }, { "kernel", "KERNEL" },
	{ "modules", "MODULES" }, { "timeout", "TIMEOUT" }, { "mem", "MEM" },
	{ "cpus", "CPUS" },
};

static char **fstests_argv(const struct mcp_env *env, struct json_object *args)
{
	return mcp_make_argv(env, "fstests-vm", args, fstests_vars,
			     sizeof(fstests_vars) / sizeof(*fstests_vars), 0);
}

/* "fstests: I/N [SECTION] TEST STATUS S s": test I of N is done. */
static bool fstests_progress(const char *line, long *done, long *total,
			     char *msg, size_t msglen)
{
	size_t n = strlen(line);
	int end = 0;

	if (sscanf(line, "fstests: %ld/%ld [%n", done, total, &end) < 2 || !end)
		return false;
	if (n >= 8 && !strcmp(line + n - 8, " started"))
		return false;
	snprintf(msg, msglen, "%s", line + 9);
	return true;
}

static struct json_object *copy_key(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v ? json_object_get(v) : NULL;
}

/* The first MCP_REPORT_LINES lines of a diff. */
static struct json_object *diff_excerpt(const char *diff)
{
	const char *p = diff;
	int lines = 0;

	while (*p && lines < MCP_REPORT_LINES) {
		p += strcspn(p, "\n");
		if (*p)
			p++;
		lines++;
	}
	return json_object_new_string_len(diff, (int)(p - diff));
}

/* Tests that neither passed nor were skipped, with their diff excerpt. */
static struct json_object *failures(struct json_object *fs)
{
	struct json_object *a = json_object_new_array();
	struct json_object *tests = bt_json_get_array(fs, "tests");
	size_t i, n = tests ? json_object_array_length(tests) : 0;

	for (i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(tests, i);
		const char *st = bt_json_get_str(t, "status") ?: "";
		const char *diff = bt_json_get_str(t, "diff");
		struct json_object *e;

		if (!strcmp(st, "pass") || !strcmp(st, "notrun") ||
		    !strcmp(st, "expunged"))
			continue;
		e = json_object_new_object();
		bt_json_add_str(e, "section", bt_json_get_str(t, "section"));
		bt_json_add_str(e, "name", bt_json_get_str(t, "name"));
		bt_json_add_str(e, "status", st);
		bt_json_add_str(e, "message", bt_json_get_str(t, "message"));
		json_object_object_add(e, "diff", diff ? diff_excerpt(diff) : NULL);
		json_object_array_add(a, e);
	}
	return a;
}

static struct json_object *sections(struct json_object *fs)
{
	struct json_object *a = json_object_new_array();
	struct json_object *secs = bt_json_get_array(fs, "sections");
	size_t i, n = secs ? json_object_array_length(secs) : 0;

	for (i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(secs, i);
		struct json_object *e = json_object_new_object();

		bt_json_add_str(e, "name", bt_json_get_str(s, "name"));
		bt_json_add_str(e, "fstyp", bt_json_get_str(s, "fstyp"));
		json_object_object_add(e, "counts", copy_key(s, "counts"));
		json_object_array_add(a, e);
	}
	return a;
}

static char *results_dir(const char *run)
{
	char *d = bt_path_join(run, "guest/fstests");

	if (!bt_is_dir(d)) {
		free(d);
		d = bt_path_join(run, "guest/out/fstests");
	}
	return d;
}

static struct json_object *fstests_result(const struct mcp_env *env,
					  const char *log, int wstatus)
{
	char *line = mcp_log_last(log, "fstests-vm: results in ");
	char *run = NULL, *path = NULL, *res, *report, *tail;
	struct json_object *fs = NULL, *o, *counts;
	struct bt_result r;
	int st = mcp_goal_status(log, "fstests-vm", wstatus);

	(void)env;
	if (line) {
		run = bt_strndup(line, strcspn(line, " "));
		path = bt_path_join(run, "fstests.json");
		fs = bt_json_load(path, MCP_FSTESTS_JSON_MAX);
	}
	free(line);
	if (!fs) {
		tail = mcp_log_tail(log, 20);
		o = mcp_tool_error("fstests_run: make fstests-vm exited with status %d and left no fstests.json%s%s\n%s",
				   st, run ? " in " : "", run ? run : "", tail);
		free(tail);
		free(path);
		free(run);
		return o;
	}
	bt_result_init(&r);
	free(path);
	path = bt_path_join(run, "result.json");
	o = json_object_new_object();
	bt_json_add_str(o, "verdict", bt_json_get_str(fs, "verdict"));
	bt_json_add_str(o, "kernel_verdict",
			bt_result_read(path, &r) == 0 ? r.verdict : NULL);
	bt_json_add_int(o, "exit_status", st);
	bt_json_add_bool(o, "complete", bt_json_get_bool(fs, "complete", false));
	bt_json_add_bool(o, "partial", false);
	counts = copy_key(fs, "counts");
	json_object_object_add(o, "counts", counts ?: json_object_new_object());
	json_object_object_add(o, "sections", sections(fs));
	json_object_object_add(o, "failures", failures(fs));
	json_object_object_add(o, "crashes",
			       copy_key(fs, "kernel") ?: json_object_new_array());
	json_object_object_add(o, "running", copy_key(fs, "running"));
	bt_json_add_str(o, "run_dir", run);
	res = results_dir(run);
	bt_json_add_str(o, "results_dir", bt_is_dir(res) ? res : NULL);
	free(path);
	path = bt_path_join(run, "fstests.json");
	bt_json_add_str(o, "fstests_json", path);
	report = bt_path_join(run, "report.html");
	bt_json_add_str(o, "report_html", bt_is_file(report) ? report : NULL);
	bt_result_free(&r);
	json_object_put(fs);
	free(report);
	free(res);
	free(path);
	free(run);
	return mcp_tool_result(o, false);
}

/* The run directories with a console log made since started (JOBS=N: one per VM). */
static char **runs_since(const struct mcp_env *env, long long started,
			 size_t *n)
{
	char *runs = bt_path_join(env->out, ".boottest/runs"), **v = NULL;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(runs);

	*n = 0;
	while (d && (de = readdir(d))) {
		char *dir, *console;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		dir = bt_path_join(runs, de->d_name);
		console = bt_path_join(dir, "console.log");
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (long long)st.st_mtime >= started && bt_is_file(console)) {
			v = bt_realloc(v, (*n + 1) * sizeof(*v));
			v[(*n)++] = dir;
			dir = NULL;
		}
		free(dir);
		free(console);
	}
	if (d)
		closedir(d);
	free(runs);
	return v;
}

/* argv with stdout on stderr (ours carries the protocol); its status. */
static int run_quiet(char *const argv[])
{
	struct bt_spawn opt = BT_SPAWN_INIT;
	int status = -1;
	pid_t pid;

	opt.fd_out = STDERR_FILENO;
	pid = bt_spawn(argv, &opt);
	if (pid < 0 || bt_wait(pid, &status, -1) < 0)
		return -1;
	return status;
}

/*
 * A cancelled run: fstests-results reads the tests done so far from a VM's
 * console into its run's fstests.json and result.json, and the run's page
 * is written again.
 */
static void record_partial(const struct mcp_env *env, const char *run)
{
	char *prog, *out, *console, *kernel, *res, *page, *argv[12];
	int st, n = 0;

	prog = bt_path_join(env->tools, "fstests-results");
	out = bt_path_join(run, "fstests.json");
	console = bt_path_join(run, "console.log");
	kernel = bt_path_join(run, "result.json");
	res = results_dir(run);
	argv[n++] = prog;
	argv[n++] = "-q";
	argv[n++] = "-o";
	argv[n++] = out;
	argv[n++] = "--console";
	argv[n++] = console;
	argv[n++] = "--kernel";
	argv[n++] = kernel;
	argv[n++] = "--merge-into";
	argv[n++] = kernel;
	argv[n++] = res;
	argv[n] = NULL;
	st = run_quiet(argv);
	bt_note("fstests_run: partial result of the cancelled run in %s (fstests-results %s)",
		out, st < 0 ? "did not run" : bt_wait_str(st));
	page = bt_path_join(env->tools, "report-html");
	argv[0] = page;
	argv[1] = (char *)run;
	argv[2] = NULL;
	if (bt_is_file(kernel))
		run_quiet(argv);
	free(page);
	free(res);
	free(kernel);
	free(console);
	free(out);
	free(prog);
}

/* Each VM's run since the start (JOBS=N: N of them, not merged). */
static void fstests_partial(const struct mcp_env *env, const char *log,
			    long long started)
{
	size_t i, n;
	char **runs = runs_since(env, started - 1, &n);

	(void)log;
	if (!n)
		bt_note("fstests_run: cancelled before a VM started: nothing to record");
	for (i = 0; i < n; i++) {
		record_partial(env, runs[i]);
		free(runs[i]);
	}
	free(runs);
}

const struct mcp_job mcp_fstests_job = {
	.argv = fstests_argv,
	.progress = fstests_progress,
	.result = fstests_result,
	.partial = fstests_partial,
};
