// SPDX-License-Identifier: GPL-2.0
/*
 * boottest-mcp: the tools.  Each runs one of boottest's own programs and
 * turns its JSON into a tool result: structuredContent, and the same
 * document as text for clients that read only text.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boottest-mcp.h"
#include "err.h"
#include "json.h"
#include "path.h"
#include "proc.h"
#include "result.h"
#include "strbuf.h"

/* Output of a tool's --json larger than this is refused. */
#define MCP_TOOL_OUTPUT_MAX	(64 << 20)

struct json_object *mcp_tool_result(struct json_object *structured,
				    bool is_error)
{
	struct json_object *r = json_object_new_object();
	struct json_object *content = json_object_new_array();
	struct json_object *text = json_object_new_object();

	json_object_object_add(text, "type", json_object_new_string("text"));
	json_object_object_add(text, "text", json_object_new_string(
		json_object_to_json_string_ext(structured,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE)));
	json_object_array_add(content, text);
	json_object_object_add(r, "content", content);
	json_object_object_add(r, "structuredContent", structured);
	json_object_object_add(r, "isError", json_object_new_boolean(is_error));
	return r;
}

struct json_object *mcp_tool_error(const char *fmt, ...)
{
	struct json_object *r = json_object_new_object();
	struct json_object *content = json_object_new_array();
	struct json_object *text = json_object_new_object();
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	json_object_object_add(text, "type", json_object_new_string("text"));
	json_object_object_add(text, "text", json_object_new_string(sb_str(&sb)));
	json_object_array_add(content, text);
	json_object_object_add(r, "content", content);
	json_object_object_add(r, "isError", json_object_new_boolean(true));
	sb_release(&sb);
	return r;
}

/*
 * Run argv with stdin from in_fd (-1: /dev/null), stdout captured, stderr
 * to ours (the log) or, with err_too, captured with stdout.  Returns the
 * wait status, or -1.
 */
static int capture_ext(char *const argv[], int in_fd, struct strbuf *out,
		       bool err_too)
{
	struct bt_spawn opt = BT_SPAWN_INIT;
	char buf[65536];
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return bt_error("cannot create a pipe: %s", strerror(errno));
	opt.fd_in = in_fd;
	opt.fd_out = pfd[1];
	opt.fd_err = err_too ? pfd[1] : STDERR_FILENO;
	pid = bt_spawn(argv, &opt);
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return -1;
	}
	for (;;) {
		n = read(pfd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n <= MCP_TOOL_OUTPUT_MAX)
			sb_add(out, buf, (size_t)n);
	}
	close(pfd[0]);
	if (bt_wait(pid, &status, -1) < 0)
		return -1;
	return status;
}

static int capture(char *const argv[], int in_fd, struct strbuf *out)
{
	return capture_ext(argv, in_fd, out, false);
}

/* Run a tool printing JSON; the parsed document or NULL with *why set. */
static struct json_object *run_json(char *const argv[], int in_fd,
				    int *status, char **why)
{
	struct strbuf out = STRBUF_INIT;
	struct json_object *j = NULL;
	int st = capture(argv, in_fd, &out);

	*status = st;
	if (st == -1) {
		*why = bt_asprintf("cannot run %s", argv[0]);
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) > 1) {
		*why = bt_asprintf("%s %s (its messages are in the server's log)",
				   argv[0], bt_wait_str(st));
	} else {
		j = json_tokener_parse(sb_str(&out));
		if (!j)
			*why = bt_asprintf("%s printed no JSON", argv[0]);
	}
	sb_release(&out);
	return j;
}

/* ---- classify_log ---- */

static struct json_object *tool_classify_log(const struct mcp_env *env,
					     struct json_object *args)
{
	const char *path = bt_json_get_str(args, "path");
	const char *text = bt_json_get_str(args, "text");
	char *prog = bt_path_join(env->tools, "dmesg-classify");
	char *argv[6] = { prog, "--json", "--color", "never" };
	struct json_object *j, *r;
	char *tmpl = bt_asprintf("%s/boottest-mcp-log.XXXXXX",
				 getenv("TMPDIR") ?: "/tmp");
	char *why = NULL;
	int fd = -1, status;

	if (!path == !text) {
		free(prog);
		free(tmpl);
		return mcp_tool_error("classify_log: give either \"path\" or \"text\"");
	}
	if (path) {
		if (!bt_is_file(path)) {
			free(prog);
			free(tmpl);
			return mcp_tool_error("classify_log: %s: not a file", path);
		}
		argv[4] = (char *)path;
	} else {
		fd = mkstemp(tmpl);
		if (fd < 0 || bt_write_all(fd, text, strlen(text)) < 0 ||
		    lseek(fd, 0, SEEK_SET) < 0) {
			if (fd >= 0) {
				close(fd);
				unlink(tmpl);
			}
			free(prog);
			free(tmpl);
			return mcp_tool_error("classify_log: cannot write a temporary file: %s",
					      strerror(errno));
		}
		unlink(tmpl);
		argv[4] = "-";
	}
	j = run_json(argv, fd, &status, &why);
	if (fd >= 0)
		close(fd);
	free(prog);
	free(tmpl);
	if (!j) {
		r = mcp_tool_error("classify_log: %s", why);
		free(why);
		return r;
	}
	return mcp_tool_result(j, false);
}

/* ---- list_profiles ---- */

static struct json_object *tool_list_profiles(const struct mcp_env *env,
					      struct json_object *args)
{
	char *prog = bt_path_join(env->root, "scripts/boottest/kconfig");
	char *argv[3] = { prog, "list" };
	struct strbuf out = STRBUF_INIT;
	struct json_object *o, *list;
	char *line, *save = NULL, *p;
	int st = capture(argv, -1, &out);

	free(prog);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		sb_release(&out);
		return mcp_tool_error("list_profiles: scripts/boottest/kconfig list %s",
				      st == -1 ? "did not run" : bt_wait_str(st));
	}
	list = json_object_new_array();
	for (line = strtok_r(out.buf ? out.buf : (char *)"", "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct json_object *e;

		line += strspn(line, " \t");
		p = line + strcspn(line, " \t");
		if (p == line)
			continue;
		e = json_object_new_object();
		json_object_object_add(e, "name",
				       json_object_new_string_len(line, (int)(p - line)));
		p += strspn(p, " \t");
		json_object_object_add(e, "description", json_object_new_string(p));
		json_object_array_add(list, e);
	}
	sb_release(&out);
	o = json_object_new_object();
	json_object_object_add(o, "profiles", list);
	return mcp_tool_result(o, false);
}

/* ---- config_check ---- */

/* "  CONFIG_SYM=WANT (PROFILE): REASON" of kconfig check; false: not one. */
static bool missing_line(char *line, struct json_object *missing)
{
	char *sym, *want, *from, *reason, *p;
	struct json_object *e;

	line += strspn(line, " ");
	if (strncmp(line, "CONFIG_", 7))
		return false;
	sym = line + 7;
	want = strchr(sym, '=');
	if (!want)
		return false;
	*want++ = '\0';
	p = strstr(want, " (");
	if (!p)
		return false;
	*p = '\0';
	from = p + 2;
	p = strstr(from, "): ");
	if (!p)
		return false;
	*p = '\0';
	reason = p + 3;
	e = json_object_new_object();
	bt_json_add_str(e, "symbol", sym);
	bt_json_add_str(e, "want", want);
	bt_json_add_str(e, "profile", from);
	bt_json_add_str(e, "reason", reason);
	json_object_array_add(missing, e);
	return true;
}

static struct json_object *tool_config_check(const struct mcp_env *env,
					     struct json_object *args)
{
	const char *profile = bt_json_get_str(args, "profile") ?: "boot";
	const char *given = bt_json_get_str(args, "config");
	char *config = given ? bt_strdup(given) : bt_path_join(env->out, ".config");
	char *prog = bt_path_join(env->root, "scripts/boottest/kconfig");
	char *argv[5] = { prog, "check", config, (char *)profile };
	struct strbuf out = STRBUF_INIT;
	struct json_object *o, *missing, *r;
	char *line, *save = NULL;
	int st;

	if (!bt_is_file(config)) {
		r = mcp_tool_error("config_check: no %s: configure the kernel first (make boottest-minimal) or give \"config\"",
				   config);
		free(config);
		free(prog);
		return r;
	}
	st = capture_ext(argv, -1, &out, true);
	free(prog);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) > 1) {
		r = mcp_tool_error("config_check: scripts/boottest/kconfig check %s\n%s",
				   st == -1 ? "did not run" : bt_wait_str(st),
				   sb_str(&out));
		sb_release(&out);
		free(config);
		return r;
	}
	missing = json_object_new_array();
	for (line = strtok_r(out.buf ? out.buf : (char *)"", "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		missing_line(line, missing);
	sb_release(&out);
	o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(WEXITSTATUS(st) == 0));
	bt_json_add_str(o, "config", config);
	bt_json_add_str(o, "profile", profile);
	json_object_object_add(o, "missing", missing);
	free(config);
	return mcp_tool_result(o, false);
}

/* ---- kernel_info ---- */

static struct json_object *tool_kernel_info(const struct mcp_env *env,
					    struct json_object *args)
{
	const char *path = bt_json_get_str(args, "path");
	char *prog = bt_path_join(env->tools, "kinspect");
	char *argv[4] = { prog, "--json", (char *)path };
	struct json_object *j, *r;
	char *why = NULL;
	int status;

	if (!bt_is_file(path)) {
		free(prog);
		return mcp_tool_error("kernel_info: %s: not a file", path);
	}
	j = run_json(argv, -1, &status, &why);
	free(prog);
	if (!j) {
		r = mcp_tool_error("kernel_info: %s", why);
		free(why);
		return r;
	}
	return mcp_tool_result(j, false);
}

/* ---- boot_test ---- */

char **mcp_make_argv(const struct mcp_env *env, const char *goal,
		     struct json_object *args, const struct mcp_var *map,
		     size_t nmap, int extra)
{
	char **argv = bt_calloc((size_t)env->nvars + nmap + (size_t)extra + 8,
				sizeof(*argv));
	struct json_object *v;
	int n = 0, i;
	size_t k;

	/*
	 * make itself, not scripts/boottest/run: run tees make's output, and a
	 * tee killed by the group's SIGINT would cut vmrun's cleanup short.
	 */
	argv[n++] = bt_strdup("make");
	argv[n++] = bt_strdup("-s");
	if (!bt_is_file("GNUmakefile")) {
		argv[n++] = bt_strdup("-f");
		argv[n++] = bt_path_join(env->root, "Makefile.boot");
	}
	argv[n++] = bt_strdup(goal);
	for (i = 0; i < env->nvars; i++)
		argv[n++] = bt_strdup(env->vars[i]);
	for (k = 0; k < nmap; k++) {
		if (!json_object_object_get_ex(args, map[k].key, &v))
			continue;
		if (json_object_is_type(v, json_type_string))
			argv[n++] = bt_asprintf("%s=%s", map[k].var,
						json_object_get_string(v));
		else
			argv[n++] = bt_asprintf("%s=%lld", map[k].var,
						(long long)json_object_get_int64(v));
	}
	return argv;
}

static const struct mcp_var boot_vars[] = {
	{ "kernel", "KERNEL" }, { "cmd", "CMD" }, { "timeout", "TIMEOUT" },
	{ "mem", "MEM" }, { "cpus", "CPUS" }, { "tests", "TESTS" },
	{ "profile", "PROFILE" }, { "modules", "MODULES" }, { "arch", "ARCH" },
};

/* The exit status is read from result.json, not from make. */
static char **boot_argv(const struct mcp_env *env, struct json_object *args)
{
	return mcp_make_argv(env, "boottest", args, boot_vars,
			     sizeof(boot_vars) / sizeof(*boot_vars), 0);
}

char *mcp_log_last(const char *log, const char *tag)
{
	size_t n = strlen(tag), len;
	char *buf = NULL, *p, *end, *val = NULL;

	if (bt_read_file(log, &buf, &len, MCP_TOOL_OUTPUT_MAX, NULL) < 0)
		return NULL;
	for (p = buf; p && *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "\r\n");
		if ((size_t)(end - p) >= n && !strncmp(p, tag, n)) {
			free(val);
			val = bt_strndup(p + n, (size_t)(end - p) - n);
		}
	}
	free(buf);
	return val;
}

int mcp_goal_status(const char *log, const char *goal, int wstatus)
{
	char *tag = bt_asprintf("%s: exit status ", goal);
	char *v = mcp_log_last(log, tag);
	int st;

	if (v)
		st = atoi(v);
	else if (WIFEXITED(wstatus))
		st = WEXITSTATUS(wstatus);
	else
		st = 128 + (WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0);
	free(v);
	free(tag);
	return st;
}

/* The run directory the run printed ("boottest: results in DIR"). */
static char *run_dir_of(const char *log)
{
	return mcp_log_last(log, "boottest: results in ");
}

/* The last lines of the run's output, for a run that left no result. */
char *mcp_log_tail(const char *log, int lines)
{
	char *buf = NULL, *p, *t;
	size_t len;

	if (bt_read_file(log, &buf, &len, MCP_TOOL_OUTPUT_MAX, NULL) < 0)
		return bt_strdup("");
	p = buf + len;
	while (p > buf && lines >= 0) {
		p--;
		if (*p == '\n')
			lines--;
	}
	t = bt_strdup(p == buf ? p : p + 1);
	free(buf);
	return t;
}

struct json_object *mcp_file_lines(const char *console, long first,
				   long last)
{
	struct json_object *a = json_object_new_array();
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long no = 0;
	FILE *f;

	if (first < 1)
		return a;
	f = fopen(console, "r");
	if (!f)
		return a;
	if (last < first || last - first >= MCP_REPORT_LINES)
		last = first + MCP_REPORT_LINES - 1;
	while ((n = getline(&line, &cap, f)) >= 0 && ++no <= last) {
		if (no < first)
			continue;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		json_object_array_add(a, json_object_new_string_len(line, (int)n));
	}
	free(line);
	fclose(f);
	return a;
}

static struct json_object *strv_json(char **v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/* "stack_sources": file:line of each frame, null where not placed. */
static struct json_object *sources_json(const struct bt_result_crash *c)
{
	struct json_object *a = json_object_new_array();
	size_t i, k;

	for (i = 0; i < c->nsources; i++) {
		const struct bt_result_source *s = &c->sources[i];
		struct json_object *e, *in;

		if (!s->placed) {
			json_object_array_add(a, NULL);
			continue;
		}
		e = json_object_new_object();
		bt_json_add_str(e, "source", s->source);
		if (s->ninlined) {
			in = json_object_new_array();
			for (k = 0; k < s->ninlined; k++) {
				struct json_object *l = json_object_new_object();

				bt_json_add_str(l, "function", s->inlined[k].function);
				bt_json_add_str(l, "source", s->inlined[k].source);
				json_object_array_add(in, l);
			}
			json_object_object_add(e, "inlined", in);
		}
		json_object_array_add(a, e);
	}
	return a;
}

static struct json_object *boot_result(const struct mcp_env *env,
				       const char *log, int wstatus)
{
	struct json_object *o, *crashes;
	struct bt_result r;
	char *dir, *path, *console, *report, *tail;
	size_t i;

	bt_result_init(&r);
	dir = run_dir_of(log);
	path = dir ? bt_path_join(dir, "result.json") : NULL;
	if (!path || bt_result_read(path, &r) < 0) {
		tail = mcp_log_tail(log, 20);
		o = mcp_tool_error("boot_test: the run %s and left no result.json%s%s\n%s",
				   bt_wait_str(wstatus), dir ? " in " : "",
				   dir ? dir : "", tail);
		free(tail);
		free(path);
		free(dir);
		bt_result_free(&r);
		return o;
	}
	console = bt_path_join(dir, "console.log");
	o = json_object_new_object();
	bt_json_add_str(o, "verdict", r.verdict);
	bt_json_add_int(o, "exit_status", r.exit_status);
	bt_json_add_str(o, "reason", r.reason);
	bt_json_add_fixed(o, "duration_s", r.duration_s, 3);
	bt_json_add_str(o, "kernel", r.kernel.path);
	bt_json_add_str(o, "release", r.kernel.release);
	if (r.cmd.present) {
		bt_json_add_str(o, "cmd", r.cmd.command);
		if (r.cmd.status >= 0)
			bt_json_add_int(o, "cmd_status", r.cmd.status);
		else
			bt_json_add_str(o, "cmd_status", NULL);
	}
	crashes = json_object_new_array();
	for (i = 0; i < r.ncrashes; i++) {
		const struct bt_result_crash *c = &r.crashes[i];
		struct json_object *e = json_object_new_object();

		bt_json_add_str(e, "title", c->title);
		bt_json_add_str(e, "category", c->category);
		bt_json_add_bool(e, "panicked", c->panicked);
		bt_json_add_int(e, "start_line", c->start_line);
		bt_json_add_int(e, "end_line", c->end_line);
		json_object_object_add(e, "report",
				       mcp_file_lines(console, c->start_line, c->end_line));
		json_object_object_add(e, "stack", strv_json(c->stack, c->nstack));
		if (c->nsources)
			json_object_object_add(e, "stack_sources", sources_json(c));
		json_object_array_add(crashes, e);
	}
	json_object_object_add(o, "crashes", crashes);
	if (r.errors >= 0)
		bt_json_add_int(o, "errors", r.errors);
	if (r.warnings >= 0)
		bt_json_add_int(o, "warnings", r.warnings);
	bt_json_add_str(o, "run_dir", dir);
	bt_json_add_str(o, "result_json", path);
	bt_json_add_str(o, "console_log", console);
	report = bt_path_join(dir, "report.html");
	bt_json_add_str(o, "report_html", bt_is_file(report) ? report : NULL);
	bt_result_free(&r);
	free(report);
	free(console);
	free(path);
	free(dir);
	return mcp_tool_result(o, false);
}

/* ---- files the tools may read ---- */

static bool below(const char *path, const char *dir)
{
	char *d = dir ? realpath(dir, NULL) : NULL;
	size_t n = d ? strlen(d) : 0;
	bool in = d && !strncmp(path, d, n) &&
		  (path[n] == '/' || path[n] == '\0' || (n == 1 && *d == '/'));

	free(d);
	return in;
}

int mcp_path_check(const struct mcp_env *env, const char *path,
		   const char *where, char *err, size_t errlen)
{
	char *real = realpath(path, NULL), *cache = bt_cache_dir();
	int ret = 0;

	if (!real) {
		snprintf(err, errlen, "%s: %s: %s", where, path, strerror(errno));
		ret = -1;
	} else if (!below(real, env->root) && !below(real, env->out) &&
		   !below(real, cache)) {
		snprintf(err, errlen,
			 "%s: %s is outside the tree (%s), the object tree (%s) and the boottest cache (%s)",
			 where, path, env->root, env->out, cache ? cache : "none");
		ret = -1;
	}
	free(real);
	free(cache);
	return ret;
}

/* ---- the table ---- */

static const char boot_test_desc[] =
	"Boot a Linux kernel in QEMU and return the verdict (clean, panic, oops, BUG, WARNING, KASAN, lockdep, hung task, timeout, ...), the exit status, the crashes with syzbot-style titles and report lines, error and warning counts, the run directory and its report.html. Slow (minutes without KVM); one boot at a time.";
static const char classify_log_desc[] =
	"Find kernel crashes in a console log (panic, Oops, BUG, WARNING, KASAN, lockdep, hung task, RCU stall, ...) with syzbot-style titles, and its error and warning messages by level. Give the log's path or its text. No boot.";
static const char list_profiles_desc[] =
	"The kernel configuration profiles of Kconfig.test (boot, crash, debug-kasan, fstests-ext4, ...) and what each is for.";
static const char config_check_desc[] =
	"Check a kernel .config against Kconfig.test profiles (boot, crash, debug-kasan, ...): ok, and each missing symbol with the value wanted, the profile asking for it and why it is not there.";
static const char kernel_info_desc[] =
	"Facts of a kernel image (bzImage, Image, vmlinux; compressed or not): architecture, release, build, compression, modules.";

static const char fstests_run_desc[] =
	"Run fstests (xfstests) in a QEMU VM on the kernel, as make fstests-vm: totals, each failure with the first lines of its .out.bad diff, kernel crashes with the test they happened in, the results directory and report.html. Long (progress per test done out of the planned total); cancelling stops the VM and records the tests done so far.";
static const char bisect_desc[] =
	"git bisect the kernel tree between a good and a bad commit, building and booting each step (make boottest-bisect): the first bad commit, or the candidates when only skipped commits are left, and every step with its answer. A crash, hang or failed cmd is bad; with match, only a crash whose title matches. Long (progress per step); cancelling stops the step and resets the tree.";

static const char *const boot_args[] = { "kernel", "tests", "modules", NULL };
static const char *const fstests_args[] = { "fstests", "kernel", "modules", NULL };
static const char *const path_arg[] = { "path", NULL };
static const char *const config_arg[] = { "config", NULL };

const struct mcp_job mcp_boot_job = {
	.argv = boot_argv,
	.result = boot_result,
};

const struct mcp_tool mcp_tools[] = {
	{ .name = "boot_test", .description = boot_test_desc,
	  .schema = mcp_schema_boot_test, .output = mcp_output_boot_test,
	  .paths = boot_args, .job = &mcp_boot_job },
	{ .name = "fstests_run", .description = fstests_run_desc,
	  .schema = mcp_schema_fstests_run, .output = mcp_output_fstests_run,
	  .paths = fstests_args, .job = &mcp_fstests_job },
	{ .name = "bisect", .description = bisect_desc,
	  .schema = mcp_schema_bisect, .output = mcp_output_bisect,
	  .job = &mcp_bisect_job },
	{ .name = "classify_log", .description = classify_log_desc,
	  .schema = mcp_schema_classify_log, .output = mcp_output_classify_log,
	  .paths = path_arg, .run = tool_classify_log },
	{ .name = "list_profiles", .description = list_profiles_desc,
	  .output = mcp_output_list_profiles, .run = tool_list_profiles },
	{ .name = "config_check", .description = config_check_desc,
	  .schema = mcp_schema_config_check, .output = mcp_output_config_check,
	  .paths = config_arg, .run = tool_config_check },
	{ .name = "kernel_info", .description = kernel_info_desc,
	  .schema = mcp_schema_kernel_info, .output = mcp_output_kernel_info,
	  .paths = path_arg, .run = tool_kernel_info },
	{ NULL },
};

const struct mcp_tool *mcp_tool_find(const char *name)
{
	const struct mcp_tool *t;

	for (t = mcp_tools; name && t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

struct json_object *mcp_tool_schema(const struct mcp_tool *t)
{
	static struct json_object *cache[sizeof(mcp_tools) / sizeof(*mcp_tools)];
	size_t i = (size_t)(t - mcp_tools);

	if (!cache[i]) {
		cache[i] = mcp_object_schema();
		if (t->schema)
			t->schema(cache[i]);
	}
	return cache[i];
}

struct json_object *mcp_tool_output_schema(const struct mcp_tool *t)
{
	static struct json_object *cache[sizeof(mcp_tools) / sizeof(*mcp_tools)];
	size_t i = (size_t)(t - mcp_tools);

	if (!t->output)
		return NULL;
	if (!cache[i]) {
		cache[i] = json_object_new_object();
		json_object_object_add(cache[i], "type",
				       json_object_new_string("object"));
		json_object_object_add(cache[i], "properties",
				       json_object_new_object());
		t->output(cache[i]);
	}
	return cache[i];
}

struct json_object *mcp_tools_list(void)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	const struct mcp_tool *t;

	for (t = mcp_tools; t->name; t++) {
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "name", json_object_new_string(t->name));
		json_object_object_add(e, "description",
				       json_object_new_string(t->description));
		json_object_object_add(e, "inputSchema",
				       json_object_get(mcp_tool_schema(t)));
		if (mcp_tool_output_schema(t))
			json_object_object_add(e, "outputSchema",
				json_object_get(mcp_tool_output_schema(t)));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "tools", a);
	return o;
}
