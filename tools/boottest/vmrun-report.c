// SPDX-License-Identifier: GPL-2.0
/*
 * The verdict: run dmesg-classify over the console log (and the guest's
 * kmsg), combine it with what vmrun saw and what the guest wrote, and write
 * result.json, junit.xml, result.tap and a summary.  Returns the exit status.
 *
 * result.json (schema "boottest-result/1"):
 *   verdict      "clean" | a crash category (panic, oops, bug, warning, ...) |
 *                "timeout" | "no-init" | "init-died" | "cmd-failed" |
 *                "tests-failed" | "interrupted" | "infrastructure"
 *   exit_status  0 clean, 1 kernel/test failure, 2 infrastructure
 *   reason       one line saying why
 *   kernel       {path, initrd, release, arch}
 *   qemu         {argv: [...], accel, kvm_fallback, status, killed}
 *   run_dir, nonce, timeout_s, duration_s, timed_out
 *   init         {reached, seconds, finished}
 *   cmd          {command, status} (status null when unknown)
 *   tests        {path, status, total, passed, failed, skipped, failed_names}
 *   crashes      the classifier's crash list (category, title, ...)
 *   errors, warnings  counts (from kmsg.log when the guest saved it)
 *   classifier   {tool, verdict}
 *   dump         DUMP=1: {path, size, load_bytes, vmcoreinfo, reason, seconds},
 *                or {path: null, why}
 *   gdb          GDB=1: {port, wait, command}
 *   runner       "lava" when the boot was a LAVA job (else absent: QEMU)
 *   lava         LAVA's own outcome, not the verdict: {result, error_msg,
 *                error_type, seconds, cases: {action: result}}
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "path.h"
#include "proc.h"
#include "strbuf.h"
#include "vmrun.h"
#include "xml.h"

#define MAX_JSON	(64L << 20)
#define MAX_LOG		(256L << 20)

struct verdict {
	const char *verdict;
	char *reason;
	int exit_status;
	struct json_object *crashes;	/* array */
	long errors, warnings;
	const char *tool;
	const char *cls_verdict;
	struct json_object *cls;	/* console classification */
};

/*
 * Start dmesg-classify --json LOG > OUT; returns its pid, or -1 when the
 * tool is missing or could not start.  The console and the kmsg log are
 * classified at the same time.  With in >= 0 the log comes on stdin from
 * that descriptor (LOG is then "-").
 */
static pid_t classifier_start(const struct vm_opts *o, const char *log,
			      const char *out, int in)
{
	char *tool = vm_tool_path(o, "dmesg-classify");
	struct bt_spawn sp = BT_SPAWN_INIT;
	pid_t pid;
	int fd;

	if (!tool)
		return -1;
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		free(tool);
		return -1;
	}
	{
		char *argv[4] = { tool, "--json", in >= 0 ? "-" : (char *)log,
				  NULL };

		sp.fd_in = in;
		sp.fd_out = fd;
		/* Not in the terminal's group: Ctrl-C is vmrun's to handle. */
		sp.new_pgrp = in >= 0;
		pid = bt_spawn(argv, &sp);
	}
	close(fd);
	free(tool);
	return pid;
}

/* A classifier reading a pipe whose write end is *wfd; -1 when none. */
static pid_t classifier_start_pipe(const struct vm_opts *o, const char *run_dir,
				   const char *out_name, int *wfd)
{
	char *out = bt_path_join(run_dir, out_name);
	int p[2];
	pid_t pid = -1;

	*wfd = -1;
	if (pipe2(p, O_CLOEXEC) == 0) {
		pid = classifier_start(o, "-", out, p[0]);
		close(p[0]);
		if (pid >= 0)
			*wfd = p[1];
		else
			close(p[1]);
	}
	free(out);
	return pid;
}

/*
 * Start both classifiers while QEMU boots: their start-up (rules compiled)
 * overlaps the boot, the console reaches one as it streams
 * (vm_classify_feed), the guest's kmsg.log the other once it is home.
 */
void vm_classify_start(const struct vm_opts *o, struct vm_facts *f)
{
	f->cls_pid = classifier_start_pipe(o, f->run_dir, "classify.json",
					   &f->cls_fd);
	if (f->cls_pid >= 0)
		f->kcls_pid = classifier_start_pipe(o, f->run_dir,
						    "classify-kmsg.json",
						    &f->kcls_fd);
}

/* Drop a streaming classifier: the log files are classified instead. */
static void classifier_drop(pid_t *pid, int *fd)
{
	int status;

	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		bt_wait(*pid, &status, -1);
	}
	*pid = -1;
}

/* Console bytes, exactly as written to console.log. */
void vm_classify_feed(struct vm_facts *f, const char *buf, size_t len)
{
	if (f->cls_fd >= 0 && bt_write_all(f->cls_fd, buf, len) < 0) {
		classifier_drop(&f->cls_pid, &f->cls_fd);
		classifier_drop(&f->kcls_pid, &f->kcls_fd);
	}
}

/* kmsg.log to the streaming kmsg classifier; false when it cannot have it. */
static bool classifier_feed_file(int fd, const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	bool ok;

	ok = bt_read_file(path, &buf, &len, MAX_LOG, NULL) == 0 &&
	     bt_write_all(fd, buf, len) == 0;
	free(buf);
	return ok;
}

/* Wait for classifier_start's child; returns the parsed JSON or NULL. */
static struct json_object *classifier_finish(pid_t pid, const char *log,
					     const char *out)
{
	int status;

	if (pid < 0)
		return NULL;
	if (bt_wait(pid, &status, 120000) == 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) <= 1)
		return bt_json_load(out, MAX_JSON);
	bt_warn("%s: dmesg-classify failed; using the built-in checks", log);
	return NULL;
}

/*
 * Built-in stand-in when dmesg-classify is not there: the crash headers
 * every kernel prints, first match per line.
 */
static const struct {
	const char *needle, *category;
} builtin_rules[] = {
	{ "Kernel panic - not syncing", "panic" },
	{ "BUG: KASAN:", "kasan" },
	{ "UBSAN:", "ubsan" },
	{ "BUG: soft lockup", "soft_lockup" },
	{ "BUG: unable to handle", "page_fault" },
	{ "kernel BUG at", "bug" },
	{ "general protection fault", "gpf" },
	{ "WARNING: CPU:", "warning" },
	{ "WARNING: possible", "lockdep" },
	{ "blocked for more than", "hung_task" },
	{ "rcu_sched detected stalls", "rcu_stall" },
	{ "rcu_preempt detected stalls", "rcu_stall" },
	{ "Oops:", "oops" },
	{ "BUG: ", "bug" },
};

static struct json_object *builtin_classify(const char *log)
{
	struct json_object *j = json_object_new_object();
	struct json_object *crashes = json_object_new_array();
	char *buf = NULL;
	size_t len = 0, pos = 0;
	long line = 0;
	bool panicked = false;

	if (bt_read_file(log, &buf, &len, MAX_LOG, NULL) < 0)
		buf = NULL;
	while (buf && pos < len) {
		char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos;
		unsigned int i;

		pos += l + 1;
		line++;
		if (nl)
			*nl = '\0';
		/* Userspace lines (no "<N>" prefix) are not kernel reports. */
		if (s[0] != '<')
			continue;
		for (i = 0; i < ARRAY_SIZE(builtin_rules); i++) {
			char *hit = strstr(s, builtin_rules[i].needle);
			struct json_object *c;

			if (!hit)
				continue;
			if (!strcmp(builtin_rules[i].category, "panic"))
				panicked = true;
			c = json_object_new_object();
			bt_json_add_str(c, "category", builtin_rules[i].category);
			bt_json_add_str(c, "title", hit);
			bt_json_add_int(c, "start_line", line);
			bt_json_add_bool(c, "panicked", false);
			json_object_array_add(crashes, c);
			break;
		}
	}
	if (panicked) {
		size_t n = json_object_array_length(crashes), i;

		for (i = 0; i < n; i++)
			bt_json_add_bool(json_object_array_get_idx(crashes, i),
					 "panicked", true);
	}
	free(buf);
	bt_json_add_str(j, "verdict",
			json_object_array_length(crashes) ? "crash" : "clean");
	json_object_object_add(j, "crashes", crashes);
	json_object_object_add(j, "errors", json_object_new_array());
	json_object_object_add(j, "warnings", json_object_new_array());
	return j;
}

static long array_len(struct json_object *j, const char *key)
{
	struct json_object *a = j ? bt_json_get_array(j, key) : NULL;

	return a ? (long)json_object_array_length(a) : -1;
}

static void decide(const struct vm_opts *o, const struct vm_facts *f,
		   const struct vm_guest *g, struct verdict *v)
{
	size_t ncrash = v->crashes ? json_object_array_length(v->crashes) : 0;

	v->exit_status = 1;
	if (f->interrupted) {
		v->verdict = "interrupted";
		v->reason = bt_strdup("interrupted by a signal; QEMU stopped, partial log kept");
		v->exit_status = 2;
	} else if (!f->qemu_started ||
		   (!f->qemu_killed && !(WIFEXITED(f->qemu_status) &&
					 WEXITSTATUS(f->qemu_status) == 0))) {
		char *e = f->qemu_error ? bt_strdup(f->qemu_error) : bt_strdup("");
		char *nl = strchr(e, '\n');

		if (nl)
			*nl = '\0';
		v->verdict = "infrastructure";
		v->reason = f->qemu_started ?
			bt_asprintf("QEMU %s: %s", bt_wait_str(f->qemu_status), e) :
			bt_strdup("QEMU could not be started");
		v->exit_status = 2;
		free(e);
	} else if (ncrash) {
		struct json_object *c = json_object_array_get_idx(v->crashes, 0);
		const char *cat = bt_json_get_str(c, "category");
		const char *title = bt_json_get_str(c, "title");
		size_t i;

		/* A panic that follows another report names the first one. */
		for (i = 0; i < ncrash; i++) {
			struct json_object *ci = json_object_array_get_idx(v->crashes, i);
			const char *cc = bt_json_get_str(ci, "category");

			if (cc && !strcmp(cc, "panic") && !f->init_reached) {
				c = ci;
				cat = cc;
				title = bt_json_get_str(ci, "title");
				break;
			}
		}
		v->verdict = cat ? cat : "other";
		if (!f->init_reached)
			v->reason = bt_asprintf("init not reached: %s", title ? title : "crash");
		else
			v->reason = bt_strdup(title ? title : "crash");
	} else if (f->timed_out) {
		v->verdict = "timeout";
		v->reason = bt_asprintf("no result within TIMEOUT=%ld s (%s)", o->timeout_s,
					f->init_reached ? "init running, CMD did not finish" :
					"init never reached");
	} else if (!f->init_reached) {
		v->verdict = "no-init";
		v->reason = bt_strdup("the kernel stopped before init started (see console.log)");
	} else if (!f->finished && !g->done) {
		v->verdict = "init-died";
		v->reason = bt_strdup("init started but did not finish");
	} else if (o->cmd && *o->cmd && g->cmd_status != 0) {
		v->verdict = "cmd-failed";
		v->reason = g->cmd_status < 0 ?
			bt_strdup("CMD status unknown (results disk unreadable)") :
			bt_asprintf("CMD exited with status %d", g->cmd_status);
	} else if (o->tests && *o->tests &&
		   (g->tests_status != 0 || g->tests_fail || !g->tests_total)) {
		v->verdict = "tests-failed";
		v->reason = bt_asprintf("TESTS: %ld of %ld failed (bats status %d)",
					g->tests_fail, g->tests_total, g->tests_status);
	} else {
		v->verdict = "clean";
		v->reason = bt_strdup("booted clean");
		v->exit_status = 0;
	}
}

static struct json_object *str_array(char **v)
{
	struct json_object *a = json_object_new_array();

	for (; v && *v; v++)
		json_object_array_add(a, json_object_new_string(*v));
	return a;
}

static void write_json(const struct vm_opts *o, const struct vm_facts *f,
		       const struct vm_guest *g, const struct verdict *v,
		       const char *path)
{
	struct json_object *j = json_object_new_object(), *k, *q, *i, *c, *t;

	bt_json_add_str(j, "schema", "boottest-result/1");
	bt_json_add_str(j, "verdict", v->verdict);
	bt_json_add_int(j, "exit_status", v->exit_status);
	bt_json_add_str(j, "reason", v->reason);
	k = json_object_new_object();
	bt_json_add_str(k, "path", o->kernel);
	bt_json_add_str(k, "initrd", o->initrd);
	bt_json_add_str(k, "release", o->release);
	bt_json_add_str(k, "arch", o->arch);
	json_object_object_add(j, "kernel", k);
	q = json_object_new_object();
	json_object_object_add(q, "argv", str_array(f->argv));
	bt_json_add_str(q, "accel", f->accel);
	bt_json_add_str(q, "kvm_fallback", f->kvm_fallback);
	bt_json_add_str(q, "status", f->qemu_started && !f->qemu_killed ?
			bt_wait_str(f->qemu_status) : NULL);
	bt_json_add_bool(q, "killed", f->qemu_killed);
	bt_json_add_double(q, "cpu_s", f->qemu_cpu_s);
	bt_json_add_double(q, "started_at", f->qemu_start_epoch);
	bt_json_add_double(q, "exited_at", f->qemu_exit_epoch);
	json_object_object_add(j, "qemu", q);
	bt_json_add_str(j, "run_dir", f->run_dir);
	bt_json_add_str(j, "nonce", f->nonce);
	bt_json_add_int(j, "timeout_s", o->timeout_s);
	bt_json_add_double(j, "duration_s", f->duration_s);
	bt_json_add_bool(j, "timed_out", f->timed_out);
	i = json_object_new_object();
	bt_json_add_bool(i, "reached", f->init_reached);
	if (f->init_reached)
		bt_json_add_double(i, "seconds", f->init_s);
	else
		json_object_object_add(i, "seconds", NULL);
	bt_json_add_bool(i, "finished", f->finished || g->done);
	json_object_object_add(j, "init", i);
	if (o->cmd && *o->cmd) {
		c = json_object_new_object();
		bt_json_add_str(c, "command", o->cmd);
		if (g->cmd_status >= 0)
			bt_json_add_int(c, "status", g->cmd_status);
		else
			json_object_object_add(c, "status", NULL);
		json_object_object_add(j, "cmd", c);
	}
	if (o->tests && *o->tests) {
		t = json_object_new_object();
		bt_json_add_str(t, "path", o->tests);
		bt_json_add_int(t, "status", g->tests_status);
		bt_json_add_int(t, "total", g->tests_total);
		bt_json_add_int(t, "passed", g->tests_pass);
		bt_json_add_int(t, "failed", g->tests_fail);
		bt_json_add_int(t, "skipped", g->tests_skip);
		bt_json_add_str(t, "failed_names", g->tests_failed_names);
		json_object_object_add(j, "tests", t);
	}
	json_object_object_add(j, "crashes", v->crashes ?
			       json_object_get(v->crashes) : json_object_new_array());
	bt_json_add_int(j, "errors", v->errors);
	bt_json_add_int(j, "warnings", v->warnings);
	c = json_object_new_object();
	bt_json_add_str(c, "tool", v->tool);
	bt_json_add_str(c, "verdict", v->cls_verdict);
	json_object_object_add(j, "classifier", c);
	vm_postmortem_json(o, f, j);
	if (f->lava) {
		bt_json_add_str(j, "runner", "lava");
		json_object_object_add(j, "lava", json_object_get(f->lava));
	}
	bt_json_save(path, j, true);
	json_object_put(j);
}

struct tcase {
	const char *name;
	bool fail;
	bool skip;
	char *msg;
};

static void write_junit_tap(const struct vm_opts *o, const struct vm_facts *f,
			    const struct vm_guest *g, const struct verdict *v)
{
	struct tcase tc[3];
	int n = 0, fails = 0, k;
	char *p;
	FILE *fp;
	bool boot_bad = strcmp(v->verdict, "clean") &&
			strcmp(v->verdict, "cmd-failed") &&
			strcmp(v->verdict, "tests-failed");

	tc[n++] = (struct tcase){ "boot", boot_bad, false,
		boot_bad ? bt_strdup(v->reason) :
		bt_asprintf("booted, init reached at %.1f s", f->init_s) };
	if (o->cmd && *o->cmd) {
		tc[n++] = (struct tcase){
			"cmd", g->cmd_status != 0, boot_bad && g->cmd_status < 0,
			g->cmd_status >= 0 ? bt_asprintf("CMD exited with status %d", g->cmd_status)
					   : bt_strdup("CMD did not complete") };
	}
	if (o->tests && *o->tests) {
		tc[n++] = (struct tcase){
			"tests", g->tests_status != 0 || g->tests_fail || !g->tests_total,
			boot_bad && g->tests_status < 0,
			bt_asprintf("%ld tests, %ld failed, %ld skipped", g->tests_total,
				    g->tests_fail, g->tests_skip) };
	}
	for (k = 0; k < n; k++)
		if (tc[k].fail && !tc[k].skip)
			fails++;

	p = bt_path_join(f->run_dir, "junit.xml");
	fp = fopen(p, "w");
	if (fp) {
		fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		fprintf(fp, "<testsuites>\n  <testsuite name=\"boottest\" tests=\"%d\" failures=\"%d\" time=\"%.3f\">\n",
			n, fails, f->duration_s);
		for (k = 0; k < n; k++) {
			fprintf(fp, "    <testcase classname=\"boottest\" name=\"%s\">\n",
				tc[k].name);
			if (tc[k].skip) {
				fprintf(fp, "      <skipped message=\"");
				bt_xml_escape(fp, "not reached: the boot failed");
				fprintf(fp, "\"/>\n");
			} else if (tc[k].fail) {
				fprintf(fp, "      <failure type=\"%s\" message=\"", v->verdict);
				bt_xml_escape(fp, tc[k].msg);
				fprintf(fp, "\"/>\n");
			}
			fprintf(fp, "    </testcase>\n");
		}
		fprintf(fp, "    <system-out>");
		bt_xml_escape(fp, f->run_dir);
		fprintf(fp, "</system-out>\n  </testsuite>\n</testsuites>\n");
		fclose(fp);
	}
	free(p);

	p = bt_path_join(f->run_dir, "result.tap");
	fp = fopen(p, "w");
	if (fp) {
		fprintf(fp, "TAP version 13\n1..%d\n", n);
		for (k = 0; k < n; k++) {
			fprintf(fp, "%sok %d - %s", tc[k].fail && !tc[k].skip ? "not " : "",
				k + 1, tc[k].name);
			if (tc[k].skip)
				fprintf(fp, " # SKIP not reached");
			fputc('\n', fp);
			fprintf(fp, "# ");
			bt_tap_escape(fp, tc[k].msg);
			fputc('\n', fp);
		}
		fclose(fp);
	}
	free(p);
	for (k = 0; k < n; k++)
		free(tc[k].msg);
}

static void summary(const struct vm_opts *o, const struct vm_facts *f,
		    const struct vm_guest *g, const struct verdict *v)
{
	size_t ncrash = v->crashes ? json_object_array_length(v->crashes) : 0, i;

	printf("boottest: verdict: %s: %s\n", v->verdict, v->reason);
	printf("boottest: kernel %s (%s), %s, %.1f s",
	       o->release ? o->release : "(release unknown)", o->arch,
	       f->accel ? f->accel : "-", f->duration_s);
	if (f->init_reached)
		printf(", init reached at %.1f s", f->init_s);
	else
		printf(", init not reached");
	if (o->cmd && *o->cmd) {
		if (g->cmd_status >= 0)
			printf(", CMD status %d", g->cmd_status);
		else
			printf(", CMD status unknown");
	}
	if (o->tests && *o->tests)
		printf(", tests %ld/%ld passed", g->tests_pass, g->tests_total);
	printf("\n");
	for (i = 0; i < ncrash && i < 10; i++) {
		struct json_object *c = json_object_array_get_idx(v->crashes, i);

		printf("boottest: crash: [%s] %s\n", bt_json_get_str(c, "category"),
		       bt_json_get_str(c, "title"));
	}
	if (ncrash > 10)
		printf("boottest: ... %zu crashes in all\n", ncrash);
	printf("boottest: %ld error and %ld warning messages (%s)\n",
	       v->errors, v->warnings, v->tool);
	if (!strcmp(v->verdict, "no-init") && f->last_lines && *f->last_lines)
		printf("boottest: last console lines:\n%s", f->last_lines);
	vm_postmortem_summary(o, f, v->crashes);
	printf("boottest: results in %s\n", f->run_dir);
	fflush(stdout);
}

int vm_report(const struct vm_opts *o, const struct vm_facts *f,
	      const struct vm_guest *g)
{
	struct verdict v = { .tool = "dmesg-classify", .errors = -1, .warnings = -1 };
	char *log = bt_path_join(f->run_dir, "console.log");
	char *kmsg = bt_path_join(f->run_dir, "kmsg.log");
	char *out = bt_path_join(f->run_dir, "classify.json");
	char *kout = bt_path_join(f->run_dir, "classify-kmsg.json");
	char *res = bt_path_join(f->run_dir, "result.json");
	struct json_object *kj = NULL;

	if (f->qemu_started) {
		pid_t cpid = f->cls_pid, kpid = f->kcls_pid;
		int kfd = f->kcls_fd;
		bool have_kmsg = bt_is_file(kmsg);

		if (kfd >= 0 && (!have_kmsg || !classifier_feed_file(kfd, kmsg)))
			classifier_drop(&kpid, &kfd);
		if (kfd >= 0)
			close(kfd);
		if (cpid < 0)
			cpid = classifier_start(o, log, out, -1);
		if (kpid < 0)
			kpid = cpid >= 0 && have_kmsg ?
			       classifier_start(o, kmsg, kout, -1) : -1;

		v.cls = classifier_finish(cpid, log, out);
		kj = classifier_finish(kpid, kmsg, kout);
		if (!v.cls) {
			v.tool = "builtin";
			v.cls = builtin_classify(log);
			if (kj)
				json_object_put(kj);
			kj = NULL;
		}
		v.crashes = json_object_get(bt_json_get_array(v.cls, "crashes"));
		vm_postmortem_symbolize(o, log, v.crashes);
		v.cls_verdict = bt_json_get_str(v.cls, "verdict");
		v.errors = array_len(kj ? kj : v.cls, "errors");
		v.warnings = array_len(kj ? kj : v.cls, "warnings");
	}
	decide(o, f, g, &v);
	write_json(o, f, g, &v, res);
	write_junit_tap(o, f, g, &v);
	summary(o, f, g, &v);

	if (v.crashes)
		json_object_put(v.crashes);
	if (v.cls)
		json_object_put(v.cls);
	if (kj)
		json_object_put(kj);
	free(v.reason);
	free(log);
	free(kmsg);
	free(out);
	free(kout);
	free(res);
	return v.exit_status;
}
