// SPDX-License-Identifier: GPL-2.0
/*
 * boottest-mcp - a Model Context Protocol server for boottest.
 *
 *   boottest-mcp --root DIR --tools DIR [VAR=VALUE...]
 *
 * JSON-RPC 2.0 messages, one per line, on stdin and stdout (protocol
 * revision 2025-06-18; older ones the client asks for are spoken too).
 * Only protocol messages go to stdout; logs and the tools' output go to
 * stderr.  One long tool (boot_test, fstests_run, bisect: they boot) runs
 * at a time, in its own process group: a second is refused while it runs,
 * notifications/cancelled stops it.  Its progress is read from its output.
 * VAR=VALUE arguments (O=, ...) are given to every run.
 * Started by scripts/boottest/mcp, which builds the tools first.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boottest-mcp.h"
#include "err.h"
#include "json.h"
#include "path.h"
#include "proc.h"
#include "strbuf.h"

/* How long a stopped boot has to clean up before SIGKILL. */
#define MCP_CANCEL_GRACE_MS	60000
/* Seconds between progress notifications of a running boot. */
#define MCP_PROGRESS_S		5

struct boot {
	pid_t pid;			/* 0: no job running */
	int pidfd;
	const struct mcp_tool *tool;	/* the long tool running */
	int log_fd;			/* the output, read as it grows */
	struct strbuf pend;		/* its last line, not complete yet */
	long done;			/* the progress sent last */
	long long started_wall;		/* bt_wall_ms() at the start */
	struct json_object *id;		/* the tools/call request */
	struct json_object *token;	/* its progressToken, or NULL */
	char log[PATH_MAX];		/* the run's output */
	long long started_ms, progress_ms;
};

static struct mcp_env env;
static struct boot boot;
static bool initialized;

static void send_msg(struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	struct strbuf sb = STRBUF_INIT;

	sb_addstr(&sb, s);
	sb_addch(&sb, '\n');
	if (bt_write_all(STDOUT_FILENO, sb.buf, sb.len) < 0)
		bt_die(BT_EXIT_USAGE, "cannot write to stdout: %s", strerror(errno));
	sb_release(&sb);
	json_object_put(o);
}

static void send_error(struct json_object *id, int code, const char *msg)
{
	bt_note("error %d: %s", code, msg);
	send_msg(mcp_error_new(id, code, msg));
}

static bool same_id(struct json_object *a, struct json_object *b)
{
	if (!a || !b || json_object_get_type(a) != json_object_get_type(b))
		return false;
	if (json_object_is_type(a, json_type_int))
		return json_object_get_int64(a) == json_object_get_int64(b);
	return !strcmp(json_object_get_string(a), json_object_get_string(b));
}

static void boot_clear(void)
{
	if (boot.pidfd >= 0)
		close(boot.pidfd);
	if (boot.log_fd >= 0)
		close(boot.log_fd);
	json_object_put(boot.id);
	json_object_put(boot.token);
	unlink(boot.log);
	sb_release(&boot.pend);
	memset(&boot, 0, sizeof(boot));
	boot.pidfd = -1;
	boot.log_fd = -1;
}

static void boot_progress(bool force);

static void boot_start(const struct mcp_tool *t, struct json_object *id,
		       struct json_object *params, struct json_object *args)
{
	struct bt_spawn opt = BT_SPAWN_INIT;
	struct json_object *meta, *token;
	char **argv;
	int fd, i;

	snprintf(boot.log, sizeof(boot.log), "%s/boottest-mcp-run.XXXXXX",
		 getenv("TMPDIR") ?: "/tmp");
	fd = mkstemp(boot.log);
	if (fd < 0) {
		send_msg(mcp_result_new(id, mcp_tool_error(
			"%s: cannot create the run's log: %s", t->name,
			strerror(errno))));
		return;
	}
	argv = t->job->argv(&env, args);
	opt.fd_out = fd;
	opt.fd_err = fd;
	opt.new_pgrp = true;
	for (i = 0; argv[i]; i++)
		bt_note("%s: %s %s", t->name, i ? "  " : "run", argv[i]);
	boot.pid = bt_spawn(argv, &opt);
	close(fd);
	for (i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
	if (boot.pid < 0) {
		unlink(boot.log);
		boot.pid = 0;
		send_msg(mcp_result_new(id, mcp_tool_error(
			"%s: cannot start make", t->name)));
		return;
	}
	boot.tool = t;
	boot.pidfd = bt_pidfd(boot.pid);
	boot.log_fd = open(boot.log, O_RDONLY | O_CLOEXEC);
	boot.id = json_object_get(id);
	if (json_object_object_get_ex(params, "_meta", &meta) &&
	    json_object_object_get_ex(meta, "progressToken", &token) && token)
		boot.token = json_object_get(token);
	boot.started_ms = boot.progress_ms = bt_now_ms();
	boot.started_wall = (long long)time(NULL);
	/* The first at once: a quick run may end before the next. */
	boot_progress(true);
}

/* Without a pidfd (old kernels): has the job exited?  (Not reaped.) */
static bool boot_exited(void)
{
	siginfo_t si = { 0 };

	if (boot.pidfd >= 0)
		return false;
	return waitid(P_PID, boot.pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       si.si_pid == boot.pid;
}

/* The job's process exited: answer its request. */
static void boot_finish(void)
{
	struct json_object *r;
	int status = 0;

	bt_wait(boot.pid, &status, -1);
	bt_note("%s: the run %s", boot.tool->name, bt_wait_str(status));
	boot_progress(false);
	r = boot.tool->job->result(&env, boot.log, status);
	send_msg(mcp_result_new(boot.id, r));
	boot_clear();
}

/*
 * Stop the running job: SIGINT to its process group (make and vmrun, which
 * stops its QEMU and writes the run's result), then wait until the whole
 * group is gone; SIGKILL what is left after the grace period.  Then the
 * tool records what the run did so far.
 */
static void boot_stop(const char *why)
{
	long long deadline = bt_now_ms() + MCP_CANCEL_GRACE_MS;
	pid_t pgid = boot.pid;
	bool reaped;
	int status = 0;

	bt_note("%s: stopping the run (%s)", boot.tool->name, why);
	kill(-pgid, SIGINT);
	reaped = bt_wait(pgid, &status, MCP_CANCEL_GRACE_MS) == 0;
	while (kill(-pgid, 0) == 0 && bt_now_ms() < deadline)
		usleep(100 * 1000);
	if (kill(-pgid, 0) == 0) {
		bt_warn("%s: the run did not stop in %d s: SIGKILL",
			boot.tool->name, MCP_CANCEL_GRACE_MS / 1000);
		kill(-pgid, SIGKILL);
	}
	if (!reaped)
		bt_wait(pgid, &status, -1);
	bt_note("%s: the run stopped (make %s)", boot.tool->name,
		bt_wait_str(status));
	if (boot.tool->job->partial)
		boot.tool->job->partial(&env, boot.log, boot.started_wall);
	boot_clear();
}

static void send_progress(long progress, long total, const char *msg)
{
	struct json_object *n, *p;

	n = json_object_new_object();
	p = json_object_new_object();
	json_object_object_add(n, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(n, "method",
			       json_object_new_string("notifications/progress"));
	json_object_object_add(p, "progressToken", json_object_get(boot.token));
	json_object_object_add(p, "progress", json_object_new_int64(progress));
	if (total > 0)
		json_object_object_add(p, "total", json_object_new_int64(total));
	json_object_object_add(p, "message", json_object_new_string(msg));
	json_object_object_add(n, "params", p);
	send_msg(n);
}

/* The job's new output lines: a notification for each step forward. */
static void follow_log(void)
{
	char buf[65536], msg[256], *nl;
	long done, total;
	ssize_t n;

	while (boot.log_fd >= 0 &&
	       (n = read(boot.log_fd, buf, sizeof(buf))) > 0) {
		sb_add(&boot.pend, buf, (size_t)n);
		while (boot.pend.len &&
		       (nl = memchr(boot.pend.buf, '\n', boot.pend.len))) {
			size_t len = (size_t)(nl - boot.pend.buf);

			*nl = '\0';
			done = total = 0;
			if (boot.tool->job->progress(boot.pend.buf, &done, &total,
						     msg, sizeof(msg)) &&
			    done > boot.done) {
				boot.done = done;
				send_progress(done, total, msg);
			}
			memmove(boot.pend.buf, nl + 1, boot.pend.len - len - 1);
			boot.pend.len -= len + 1;
			boot.pend.buf[boot.pend.len] = '\0';
		}
		if (boot.pend.len > 65536)
			sb_reset(&boot.pend);
	}
}

/*
 * Progress: the tool's steps from its output as they come; for a boot,
 * the seconds elapsed every MCP_PROGRESS_S seconds, or now (force).
 */
static void boot_progress(bool force)
{
	long long now = bt_now_ms();
	char msg[64];

	if (!boot.token)
		return;
	if (boot.tool->job->progress) {
		if (force)
			send_progress(0, 0, "started");
		follow_log();
		return;
	}
	if (!force && now - boot.progress_ms < MCP_PROGRESS_S * 1000)
		return;
	boot.progress_ms = now;
	snprintf(msg, sizeof(msg), "booting (progress: seconds elapsed)");
	send_progress((long)((now - boot.started_ms) / 1000), 0, msg);
}

static const char instructions[] =
	"boot_test boots a kernel in QEMU and returns the verdict with crash titles; fstests_run runs fstests in a VM; bisect finds the commit that broke the boot; classify_log finds crashes in a log without booting. One boot at a time; runs' files are resources (boottest://runs/<id>/...).";

static void do_initialize(struct json_object *id, struct json_object *params)
{
	struct json_object *r = json_object_new_object();
	struct json_object *caps = json_object_new_object();
	struct json_object *tools = json_object_new_object();
	struct json_object *info = json_object_new_object();
	const char *want = bt_json_get_str(params, "protocolVersion");

	if (!want) {
		send_error(id, MCP_INVALID_PARAMS,
			   "initialize: params.protocolVersion (a string) is required");
		json_object_put(r);
		json_object_put(caps);
		json_object_put(tools);
		json_object_put(info);
		return;
	}
	bt_note("initialize: client asks for %s, answering %s", want,
		mcp_negotiate(want));
	json_object_object_add(r, "protocolVersion",
			       json_object_new_string(mcp_negotiate(want)));
	json_object_object_add(tools, "listChanged", json_object_new_boolean(false));
	json_object_object_add(caps, "tools", tools);
	json_object_object_add(caps, "resources", json_object_new_object());
	json_object_object_add(r, "capabilities", caps);
	json_object_object_add(info, "name", json_object_new_string("boottest"));
	json_object_object_add(info, "version", json_object_new_string("1"));
	json_object_object_add(r, "serverInfo", info);
	json_object_object_add(r, "instructions",
			       json_object_new_string(instructions));
	send_msg(mcp_result_new(id, r));
	initialized = true;
}

static const char refused[] =
	"%s: refused: a boot is already running (%s, request %s); one boot at a time, never two QEMUs on one run directory: wait for it or cancel it";

static int check_paths(const struct mcp_tool *t, struct json_object *args,
		       char *err, size_t errlen)
{
	const char *const *p;
	char where[64];

	for (p = t->paths; p && *p; p++) {
		const char *path = bt_json_get_str(args, *p);

		snprintf(where, sizeof(where), "arguments.%s", *p);
		if (path && mcp_path_check(&env, path, where, err, errlen))
			return -1;
	}
	return 0;
}

static void do_tools_call(struct json_object *id, struct json_object *params)
{
	const char *name = bt_json_get_str(params, "name");
	const struct mcp_tool *t;
	struct json_object *args = NULL;
	char err[512], *msg;
	bool own_args = false;

	if (!name) {
		send_error(id, MCP_INVALID_PARAMS,
			   "tools/call: params.name (a string) is required");
		return;
	}
	t = mcp_tool_find(name);
	if (!t) {
		msg = bt_asprintf("unknown tool: %s", name);
		send_error(id, MCP_INVALID_PARAMS, msg);
		free(msg);
		return;
	}
	if (!json_object_object_get_ex(params, "arguments", &args) || !args) {
		args = json_object_new_object();
		own_args = true;
	}
	if (mcp_schema_check(mcp_tool_schema(t), args, "arguments", err,
			     sizeof(err)) || check_paths(t, args, err, sizeof(err))) {
		msg = bt_asprintf("invalid arguments for %s: %s", name, err);
		send_error(id, MCP_INVALID_PARAMS, msg);
		free(msg);
	} else if (t->job && boot.pid) {
		send_msg(mcp_result_new(id, mcp_tool_error(refused, name,
			boot.tool->name, json_object_to_json_string(boot.id))));
	} else if (t->job) {
		boot_start(t, id, params, args);
	} else {
		bt_note("tools/call %s", name);
		send_msg(mcp_result_new(id, t->run(&env, args)));
	}
	if (own_args)
		json_object_put(args);
}

static void do_resources_read(struct json_object *id,
			      struct json_object *params)
{
	const char *uri = bt_json_get_str(params, "uri");
	struct json_object *r;
	char err[PATH_MAX + 256];

	if (!uri) {
		send_error(id, MCP_INVALID_PARAMS,
			   "resources/read: params.uri (a string) is required");
		return;
	}
	r = mcp_resource_read(&env, uri, err, sizeof(err));
	if (r)
		send_msg(mcp_result_new(id, r));
	else
		send_error(id, MCP_RESOURCE_NOT_FOUND, err);
}

static void do_cancelled(struct json_object *params)
{
	struct json_object *rid = NULL;

	json_object_object_get_ex(params, "requestId", &rid);
	if (boot.pid && same_id(rid, boot.id)) {
		boot_stop(bt_json_get_str(params, "reason") ?: "cancelled by the client");
		return;
	}
	bt_note("notifications/cancelled for %s: nothing running under that id",
		rid ? json_object_to_json_string(rid) : "(no requestId)");
}

static void handle(const char *line, size_t len)
{
	struct mcp_msg m;
	char err[512], *msg;
	int code;

	code = mcp_parse(line, len, &m, err, sizeof(err));
	if (code) {
		send_error(m.id, code, err);
		mcp_msg_free(&m);
		return;
	}
	if (m.kind == MCP_RESPONSE) {
		mcp_msg_free(&m);
		return;
	}
	if (m.kind == MCP_NOTIFICATION) {
		if (!strcmp(m.method, "notifications/cancelled"))
			do_cancelled(m.params);
		else if (strcmp(m.method, "notifications/initialized"))
			bt_note("notification %s ignored", m.method);
		mcp_msg_free(&m);
		return;
	}
	if (!strcmp(m.method, "initialize")) {
		do_initialize(m.id, m.params);
	} else if (!strcmp(m.method, "ping")) {
		send_msg(mcp_result_new(m.id, json_object_new_object()));
	} else if (!strcmp(m.method, "tools/list")) {
		send_msg(mcp_result_new(m.id, mcp_tools_list()));
	} else if (!strcmp(m.method, "resources/list")) {
		send_msg(mcp_result_new(m.id, mcp_resources_list(&env)));
	} else if (!strcmp(m.method, "resources/read")) {
		do_resources_read(m.id, m.params);
	} else if (!strcmp(m.method, "tools/call")) {
		if (!initialized)
			bt_warn("tools/call before initialize");
		do_tools_call(m.id, m.params);
	} else {
		msg = bt_asprintf("method not found: %s", m.method);
		send_error(m.id, MCP_METHOD_NOT_FOUND, msg);
		free(msg);
	}
	mcp_msg_free(&m);
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: boottest-mcp --root DIR --tools DIR [VAR=VALUE...]\n"
		"\n"
		"An MCP server (JSON-RPC 2.0 over stdio, one message per line) with\n"
		"the tools boot_test, fstests_run, bisect, classify_log, config_check,\n"
		"list_profiles and kernel_info, and the runs' files as resources.\n"
		"Start it as scripts/boottest/mcp from a kernel tree.\n"
		"\n"
		"  --root DIR    the boottest checkout (holds scripts/boottest/)\n"
		"  --tools DIR   the built boottest tools (dmesg-classify, kinspect)\n"
		"  VAR=VALUE     a make variable given to every boot (O=, APPEND=, ...)\n"
		"  -h, --help    this text\n"
		"\n"
		"Examples:\n"
		"  boottest-mcp --root ~/boottest --tools obj/.boottest/tools O=obj\n"
		"  scripts/boottest/mcp O=../obj      (builds the tools, then this)\n"
		"\n"
		"Environment:\n"
		"  TMPDIR        where a run's output and classify_log's text are kept\n"
		"                while the tool runs (default /tmp)\n"
		"\n"
		"Exit: 0 at the end of stdin, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "tools", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf in = STRBUF_INIT;
	char buf[65536], *nl;
	bool eof = false, skipping = false;
	ssize_t n;
	int c;

	bt_set_prog(argv[0]);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			env.root = optarg;
			break;
		case 't':
			env.tools = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return BT_EXIT_OK;
		default:
			print_usage(stderr);
			return BT_EXIT_USAGE;
		}
	}
	if (!env.root || !env.tools) {
		print_usage(stderr);
		return BT_EXIT_USAGE;
	}
	for (c = optind; c < argc; c++)
		if (!strchr(argv[c], '='))
			bt_die(BT_EXIT_USAGE, "%s: not VAR=VALUE", argv[c]);
	env.vars = argv + optind;
	env.nvars = argc - optind;
	env.out = env.root;
	for (c = 0; c < env.nvars; c++)
		if (!strncmp(env.vars[c], "O=", 2) && env.vars[c][2])
			env.out = env.vars[c] + 2;
	signal(SIGPIPE, SIG_IGN);
	boot.pidfd = -1;
	boot.log_fd = -1;
	bt_note("serving MCP %s on stdio", MCP_PROTOCOL_LATEST);

	while (!eof || boot.pid) {
		struct pollfd pfd[2] = {
			{ .fd = eof ? -1 : STDIN_FILENO, .events = POLLIN },
			{ .fd = boot.pid ? boot.pidfd : -1, .events = POLLIN },
		};

		if (eof && boot.pid) {
			boot_stop("end of input");
			break;
		}
		if (poll(pfd, 2, boot.pid ? 1000 : -1) < 0) {
			if (errno == EINTR)
				continue;
			bt_die(BT_EXIT_USAGE, "poll: %s", strerror(errno));
		}
		if (boot.pid && (pfd[1].revents || boot_exited()))
			boot_finish();
		if (boot.pid)
			boot_progress(false);
		if (!pfd[0].revents)
			continue;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			eof = true;
			continue;
		}
		sb_add(&in, buf, (size_t)n);
		while (in.len && (nl = memchr(in.buf, '\n', in.len))) {
			size_t len = (size_t)(nl - in.buf);

			if (skipping)
				skipping = false;
			else if (len && strspn(in.buf, " \t\r") < len)
				handle(in.buf, len);
			memmove(in.buf, nl + 1, in.len - len - 1);
			in.len -= len + 1;
			in.buf[in.len] = '\0';
		}
		if (in.len > MCP_MAX_LINE) {
			/* Answer now, drop the rest of that line. */
			send_error(NULL, MCP_PARSE_ERROR,
				   "parse error: message longer than the limit");
			sb_reset(&in);
			skipping = true;
		}
	}
	sb_release(&in);
	bt_note("end of input");
	return BT_EXIT_OK;
}
