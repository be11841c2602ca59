// SPDX-License-Identifier: GPL-2.0
/*
 * The verdict: run dmesg-classify over the console log (and the guest's
 * kmsg), combine it with what vmrun saw and what the guest wrote, and write
 * result.json, junit.xml, result.tap and a summary.  Returns the exit status.
 *
 * result.json is struct bt_result (lib/result.h); a classifier that fails
 * or is still running BOOTTEST_CLASSIFY_WAIT_S (120 s) after QEMU exits
 * (then killed) makes the run an infrastructure error: nothing is known of
 * the kernel.
 * A LAVA run (RUNNER=lava) adds two keys of its own: "runner": "lava" and
 * "lava", LAVA's own outcome ({result, error_msg, error_type, seconds,
 * cases: {action: result}}), which is not the verdict.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "junit.h"
#include "path.h"
#include "proc.h"
#include "result.h"
#include "tap.h"
#include "vmrun.h"

#define MAX_JSON	(64L << 20)
#define MAX_LOG		(256L << 20)

static char *dup_or_null(const char *s)
{
	return s ? bt_strdup(s) : NULL;
}

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

/*
 * Wait for classifier_start's child until deadline (bt_now_ms()); one that
 * is still running then is killed.  Returns the parsed JSON, or NULL with
 * *why saying what went wrong (the run is then an infrastructure error:
 * without the classifier nothing is known about the kernel's health).
 */
static struct json_object *classifier_finish(pid_t pid, const char *log,
					     const char *out,
					     long long deadline, long wait_ms,
					     char **why)
{
	long long left = deadline - bt_now_ms();
	struct json_object *j;
	int status;

	if (pid < 0) {
		*why = bt_asprintf("dmesg-classify could not be started on %s",
				   log);
		return NULL;
	}
	if (bt_wait(pid, &status, left > 0 ? left : 0) != 0) {
		kill(pid, SIGKILL);
		bt_wait(pid, &status, -1);
		*why = bt_asprintf("dmesg-classify did not finish %s within %ld s; killed",
				   log, wait_ms / 1000);
		return NULL;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		*why = bt_asprintf("dmesg-classify %s on %s",
				   bt_wait_str(status), log);
		return NULL;
	}
	j = bt_json_load(out, MAX_JSON);
	if (!j)
		*why = bt_asprintf("dmesg-classify wrote no valid JSON to %s",
				   out);
	return j;
}

static long array_len(struct json_object *j, const char *key)
{
	struct json_object *a = bt_json_get_array(j, key);

	return a ? (long)json_object_array_length(a) : -1;
}

/*
 * Classify console.log (and kmsg.log when the guest saved it): the crashes
 * with file:line where the kernel has line tables, the message counts.
 * Returns NULL, or why the classification failed.
 */
static char *run_classifiers(const struct vm_opts *o, const struct vm_facts *f,
			     struct bt_result *r)
{
	char *log = bt_path_join(f->run_dir, "console.log");
	char *kmsg = bt_path_join(f->run_dir, "kmsg.log");
	char *out = bt_path_join(f->run_dir, "classify.json");
	char *kout = bt_path_join(f->run_dir, "classify-kmsg.json");
	long long deadline = bt_now_ms() + o->classify_wait_ms;
	struct json_object *cj, *kj = NULL, *crashes;
	pid_t cpid = f->cls_pid, kpid = f->kcls_pid;
	int kfd = f->kcls_fd;
	bool have_kmsg = bt_is_file(kmsg);
	char *why = NULL;

	if (kfd >= 0 && (!have_kmsg || !classifier_feed_file(kfd, kmsg)))
		classifier_drop(&kpid, &kfd);
	if (kfd >= 0)
		close(kfd);
	if (cpid < 0)
		cpid = classifier_start(o, log, out, -1);
	if (kpid < 0 && have_kmsg)
		kpid = classifier_start(o, kmsg, kout, -1);

	cj = classifier_finish(cpid, log, out, deadline, o->classify_wait_ms,
			       &why);
	if (have_kmsg) {
		char *kwhy = NULL;

		kj = classifier_finish(kpid, kmsg, kout, deadline,
				       o->classify_wait_ms, &kwhy);
		if (why)
			free(kwhy);
		else
			why = kwhy;
	}
	/*
	 * A classifier started on a log that never came (kmsg of a crashed or
	 * stopped guest), killed or failed leaves an empty or partial file:
	 * none is better.
	 */
	if (!cj)
		unlink(out);
	if (!kj)
		unlink(kout);
	if (cj && !why) {
		crashes = bt_json_get_array(cj, "crashes");
		vm_postmortem_symbolize(o, log, crashes);
		if (bt_result_add_crashes(r, crashes, out) < 0)
			why = bt_asprintf("%s: not dmesg-classify's crash list",
					  out);
		r->classifier.verdict = dup_or_null(bt_json_get_str(cj, "verdict"));
		r->errors = array_len(kj ? kj : cj, "errors");
		r->warnings = array_len(kj ? kj : cj, "warnings");
	}
	json_object_put(cj);
	json_object_put(kj);
	free(log);
	free(kmsg);
	free(out);
	free(kout);
	return why;
}

static void decide(const struct vm_opts *o, const struct vm_facts *f,
		   const struct vm_guest *g, const char *cls_why,
		   struct bt_result *r)
{
	const char *v;

	r->exit_status = 1;
	if (f->interrupted) {
		v = "interrupted";
		r->reason = bt_strdup("interrupted by a signal; QEMU stopped, partial log kept");
		r->exit_status = 2;
	} else if (!f->qemu_started ||
		   (!f->qemu_killed && !(WIFEXITED(f->qemu_status) &&
					 WEXITSTATUS(f->qemu_status) == 0))) {
		char *e = f->qemu_error ? bt_strdup(f->qemu_error) : bt_strdup("");
		char *nl = strchr(e, '\n');

		if (nl)
			*nl = '\0';
		v = "infrastructure";
		r->reason = f->qemu_started ?
			bt_asprintf("QEMU %s: %s", bt_wait_str(f->qemu_status), e) :
			bt_strdup("QEMU could not be started");
		r->exit_status = 2;
		free(e);
	} else if (cls_why) {
		v = "infrastructure";
		r->reason = bt_asprintf("the console log could not be classified: %s",
					cls_why);
		r->exit_status = 2;
	} else if (r->ncrashes) {
		const struct bt_result_crash *c = &r->crashes[0];
		size_t i;

		/* A panic that follows another report names the first one. */
		for (i = 0; i < r->ncrashes && !f->init_reached; i++) {
			if (r->crashes[i].category &&
			    !strcmp(r->crashes[i].category, "panic")) {
				c = &r->crashes[i];
				break;
			}
		}
		v = c->category ? c->category : "other";
		if (!f->init_reached)
			r->reason = bt_asprintf("init not reached: %s",
						c->title ? c->title : "crash");
		else
			r->reason = bt_strdup(c->title ? c->title : "crash");
	} else if (f->timed_out) {
		v = "timeout";
		r->reason = bt_asprintf("no result within TIMEOUT=%ld s (%s)", o->timeout_s,
					f->init_reached ? "init running, CMD did not finish" :
					"init never reached");
	} else if (!f->init_reached) {
		v = "no-init";
		r->reason = bt_strdup("the kernel stopped before init started (see console.log)");
	} else if (!f->finished && !g->done) {
		v = "init-died";
		r->reason = bt_strdup("init started but did not finish");
	} else if (o->cmd && *o->cmd && g->cmd_status != 0) {
		v = "cmd-failed";
		r->reason = g->cmd_status < 0 ?
			bt_strdup("CMD status unknown (results disk unreadable)") :
			bt_asprintf("CMD exited with status %d", g->cmd_status);
	} else if (o->tests && *o->tests &&
		   (g->tests_status != 0 || g->tests_fail || !g->tests_total)) {
		v = "tests-failed";
		r->reason = bt_asprintf("TESTS: %ld of %ld failed (bats status %d)",
					g->tests_fail, g->tests_total, g->tests_status);
	} else {
		v = "clean";
		r->reason = bt_strdup("booted clean");
		r->exit_status = 0;
	}
	r->verdict = bt_strdup(v);
}

/* What vmrun saw and what the guest wrote, before the verdict. */
static void facts(const struct vm_opts *o, const struct vm_facts *f,
		  const struct vm_guest *g, struct bt_result *r)
{
	size_t n = 0;

	r->kernel.path = dup_or_null(o->kernel);
	r->kernel.initrd = dup_or_null(o->initrd);
	r->kernel.release = dup_or_null(o->release);
	r->kernel.arch = dup_or_null(o->arch);
	while (f->argv && f->argv[n])
		n++;
	r->qemu.argv = n ? bt_calloc(n, sizeof(char *)) : NULL;
	for (r->qemu.argc = 0; r->qemu.argc < n; r->qemu.argc++)
		r->qemu.argv[r->qemu.argc] = bt_strdup(f->argv[r->qemu.argc]);
	r->qemu.accel = dup_or_null(f->accel);
	r->qemu.kvm_fallback = dup_or_null(f->kvm_fallback);
	r->qemu.status = f->qemu_started && !f->qemu_killed ?
			 bt_strdup(bt_wait_str(f->qemu_status)) : NULL;
	r->qemu.killed = f->qemu_killed;
	r->qemu.cpu_s = f->qemu_cpu_s;
	r->qemu.started_at = f->qemu_start_epoch;
	r->qemu.exited_at = f->qemu_exit_epoch;
	r->run_dir = dup_or_null(f->run_dir);
	r->nonce = bt_strdup(f->nonce);
	r->timeout_s = o->timeout_s;
	r->duration_s = f->duration_s;
	r->timed_out = f->timed_out;
	r->init.reached = f->init_reached;
	r->init.seconds = f->init_reached ? f->init_s : -1;
	r->init.finished = f->finished || g->done;
	if (o->cmd && *o->cmd) {
		r->cmd.present = true;
		r->cmd.command = bt_strdup(o->cmd);
		r->cmd.status = g->cmd_status;
	}
	if (o->tests && *o->tests) {
		r->tests.present = true;
		r->tests.path = bt_strdup(o->tests);
		r->tests.status = g->tests_status;
		r->tests.total = g->tests_total;
		r->tests.passed = g->tests_pass;
		r->tests.failed = g->tests_fail;
		r->tests.skipped = g->tests_skip;
		r->tests.failed_names = dup_or_null(g->tests_failed_names);
	}
	r->classifier.tool = bt_strdup("dmesg-classify");
	vm_postmortem_result(o, f, r);
	if (f->lava) {
		if (!r->extra)
			r->extra = json_object_new_object();
		bt_json_add_str(r->extra, "runner", "lava");
		json_object_object_add(r->extra, "lava", json_object_get(f->lava));
	}
}

struct tcase {
	const char *name;
	bool fail;
	bool skip;
	char *msg;
};

static void write_junit(const struct vm_facts *f, const char *verdict,
			const struct tcase *tc, int n, int fails)
{
	char *p = bt_path_join(f->run_dir, "junit.xml");
	FILE *fp = fopen(p, "w");
	struct bt_junit j;

	free(p);
	if (!fp)
		return;
	bt_junit_begin(&j, fp, BT_JUNIT_OPEN_EMPTY);
	bt_junit_suites(&j, NULL);
	bt_junit_suite(&j, "boottest", n, fails, -1, -1, f->duration_s);
	for (int k = 0; k < n; k++) {
		bt_junit_case(&j, "boottest", tc[k].name, -1);
		if (tc[k].skip)
			bt_junit_result(&j, BT_JUNIT_SKIPPED, NULL,
					"not reached: the boot failed");
		else if (tc[k].fail)
			bt_junit_result(&j, BT_JUNIT_FAILURE, verdict,
					tc[k].msg);
		if (tc[k].skip || tc[k].fail)
			bt_junit_result_end(&j);
		bt_junit_case_end(&j);
	}
	bt_junit_system_out(&j, f->run_dir);
	bt_junit_suite_end(&j);
	bt_junit_suites_end(&j);
	fclose(fp);
}

static void write_tap(const struct vm_facts *f, const struct tcase *tc,
		      int n)
{
	char *p = bt_path_join(f->run_dir, "result.tap");
	FILE *fp = fopen(p, "w");

	free(p);
	if (!fp)
		return;
	bt_tap_plan(fp, n);
	for (int k = 0; k < n; k++) {
		bt_tap_result(fp, !tc[k].fail || tc[k].skip, k + 1, tc[k].name,
			      tc[k].skip ? "not reached" : NULL);
		bt_tap_comment(fp, tc[k].msg);
	}
	fclose(fp);
}

/* Test cases boot, cmd (CMD=) and tests (TESTS=) as JUnit and TAP. */
static void write_junit_tap(const struct vm_opts *o, const struct vm_facts *f,
			    const struct vm_guest *g, const struct bt_result *r)
{
	struct tcase tc[3];
	int n = 0, fails = 0, k;
	bool boot_bad = strcmp(r->verdict, "clean") &&
			strcmp(r->verdict, "cmd-failed") &&
			strcmp(r->verdict, "tests-failed");

	tc[n++] = (struct tcase){ "boot", boot_bad, false,
		boot_bad ? bt_strdup(r->reason) :
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
	write_junit(f, r->verdict, tc, n, fails);
	write_tap(f, tc, n);
	for (k = 0; k < n; k++)
		free(tc[k].msg);
}

/*
 * RUN/report.html by report-html (a page of the run for people); returns
 * its path, or NULL when the tool is not there or failed (said on stderr).
 */
static char *write_page(const struct vm_opts *o, const struct vm_facts *f)
{
	char *tool = vm_tool_path(o, "report-html");
	char *argv[3] = { tool, f->run_dir, NULL };
	char *page = NULL;
	int rc;

	if (!tool)
		return NULL;
	rc = bt_run(argv);
	if (rc == 0)
		page = bt_path_join(f->run_dir, "report.html");
	else
		bt_warn("report-html failed (%d): no report.html", rc);
	free(tool);
	return page;
}

static void summary(const struct vm_opts *o, const struct vm_facts *f,
		    const struct vm_guest *g, const struct bt_result *r,
		    const char *page)
{
	size_t i;

	printf("boottest: verdict: %s: %s\n", r->verdict, r->reason);
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
	for (i = 0; i < r->ncrashes && i < 10; i++)
		printf("boottest: crash: [%s] %s\n", r->crashes[i].category,
		       r->crashes[i].title);
	if (r->ncrashes > 10)
		printf("boottest: ... %zu crashes in all\n", r->ncrashes);
	printf("boottest: %ld error and %ld warning messages (%s)\n",
	       r->errors, r->warnings, r->classifier.tool);
	if (!strcmp(r->verdict, "no-init") && f->last_lines && *f->last_lines)
		printf("boottest: last console lines:\n%s", f->last_lines);
	vm_postmortem_summary(o, f, r);
	printf("boottest: results in %s\n", f->run_dir);
	if (page)
		printf("boottest: report %s\n", page);
	fflush(stdout);
}

int vm_report(const struct vm_opts *o, const struct vm_facts *f,
	      const struct vm_guest *g)
{
	char *res = bt_path_join(f->run_dir, "result.json");
	char *cls_why = NULL, *page;
	struct bt_result r;
	int status;

	bt_result_init(&r);
	facts(o, f, g, &r);
	if (f->qemu_started)
		cls_why = run_classifiers(o, f, &r);
	decide(o, f, g, cls_why, &r);
	bt_result_write(res, &r);
	write_junit_tap(o, f, g, &r);
	page = write_page(o, f);
	summary(o, f, g, &r, page);
	status = r.exit_status;
	bt_result_free(&r);
	free(cls_why);
	free(page);
	free(res);
	return status;
}
