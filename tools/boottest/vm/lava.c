// SPDX-License-Identifier: GPL-2.0
/*
 * RUNNER=lava: the boot as a LAVA job.  job.yaml (device_type qemu; the
 * kernel, initramfs, root and results disk deployed to tmpfs as images; boot
 * method qemu until init's finished marker; timeouts from TIMEOUT=) is
 * written into the run directory; for a local run also device.yaml (the
 * device dictionary of a QEMU board, rendered by the lava-device program from
 * lava-server's device-type templates) and dispatcher.yaml, and lava-run
 * runs the job on this host.
 *
 * Its log (YAML lines on stderr) streams through lava-log.c: console
 * lines go to the same console handling as a native boot (console.log, the
 * classifier, init's markers), results give LAVA's own outcome, kept in
 * result.json's "lava" object and never taken as the verdict: with
 * panic=-1 -no-reboot a crashed kernel ends QEMU, which LAVA reports as
 * "Connection closed" (Infrastructure), where boottest says kernel failure.
 *
 * LAVA copies file:// images into its job directory and removes them when
 * the job ends: the results disk the guest wrote is kept open from its copy
 * on and read back through that descriptor after lava-run exits
 * (f->results_img, f->results_fd).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "hash.h"
#include "json.h"
#include "path.h"
#include "proc.h"
#include "strbuf.h"
#include "vmrun.h"

/* Deploy (four file copies) and power-off, on top of TIMEOUT= for the boot. */
#define DEPLOY_S	300
/* Past LAVA's own job timeout, lava-run is stopped. */
#define LAVA_GRACE_S	60
#define MAX_LOG_LINE	(1 << 20)

/* A YAML double-quoted scalar (JSON's string syntax is one). */
static void yq(FILE *fp, const char *s)
{
	struct json_object *j = json_object_new_string(s ? s : "");

	fputs(json_object_to_json_string_ext(j, JSON_C_TO_STRING_NOSLASHESCAPE),
	      fp);
	json_object_put(j);
}

static char *artifact_url(const struct vm_opts *o, const char *path)
{
	char *abs = realpath(path, NULL), *url;

	if (o->lava_url && *o->lava_url) {
		char *base = bt_basename(path);
		size_t n = strlen(o->lava_url);

		url = bt_asprintf("%s%s%s", o->lava_url,
				  o->lava_url[n - 1] == '/' ? "" : "/", base);
		free(base);
	} else {
		url = bt_asprintf("file://%s", abs ? abs : path);
	}
	free(abs);
	return url;
}

/* MEM= (512M, 1G, 2048) in MiB. */
static long mem_mib(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *end == 'G' || *end == 'g' ? v * 1024 : v;
}

static void image(FILE *fp, const struct vm_opts *o, const char *label,
		  const char *path, const char *arg)
{
	char *url = artifact_url(o, path);

	fprintf(fp, "      %s:\n        url: ", label);
	yq(fp, url);
	fputs("\n        image_arg: ", fp);
	yq(fp, arg);
	fputc('\n', fp);
	free(url);
}

/* The job's context: all the device dictionary is rendered with. */
static char *job_context(const struct vm_opts *o, const struct vm_arch *arch,
			 bool kvm)
{
	long cpus = !kvm && o->tcg_cpus ? o->tcg_cpus : o->cpus;

	return bt_asprintf("context:\n  arch: amd64\n  no_kvm: %s\n  memory: %ld\n"
			   "  extra_options:\n  - -no-reboot\n  - -machine %s\n"
			   "  - -cpu %s\n  - -smp %ld,sockets=%ld\n",
			   kvm ? "false" : "true", mem_mib(o->mem),
			   arch->machine, kvm ? "host" : arch->cpu, cpus, cpus);
}

static int write_job(const struct vm_opts *o, const struct vm_arch *arch,
		     const char *results_img, struct vm_facts *f,
		     const char *path, const char *ctx, bool kvm)
{
	char *cmdline = vm_kernel_cmdline(o, arch, f, kvm), *s;
	FILE *fp;

	/* LAVA hands the boot command to a shell: the line goes in "...". */
	if (strpbrk(cmdline, "\"$`\\")) {
		bt_err("RUNNER=lava: the kernel command line may not hold \" $ ` or \\ (LAVA runs QEMU through a shell): %s",
		       cmdline);
		free(cmdline);
		return -1;
	}
	fp = fopen(path, "w");
	if (!fp) {
		free(cmdline);
		return bt_error("%s: cannot create: %s", path, strerror(errno));
	}
	fputs("# A boottest boot as a LAVA job (vmrun RUNNER=lava).\n"
	      "device_type: qemu\njob_name: ", fp);
	s = bt_asprintf("boottest %s %s", o->release ? o->release : "kernel",
			f->nonce);
	yq(fp, s);
	free(s);
	fprintf(fp, "\npriority: medium\nvisibility: public\n"
		"timeouts:\n  job: {seconds: %ld}\n  action: {seconds: %ld}\n"
		"  connection: {seconds: %ld}\n",
		o->timeout_s + DEPLOY_S, o->timeout_s, o->timeout_s);
	fputs(ctx, fp);
	fputs("actions:\n- deploy:\n    to: tmpfs\n    os: oe\n", fp);
	fprintf(fp, "    timeout: {seconds: %d}\n    images:\n", DEPLOY_S);
	s = bt_asprintf("-kernel {kernel} -append \"%s\"", cmdline);
	image(fp, o, "kernel", o->kernel, s);
	free(s);
	if (o->initrd)
		image(fp, o, "ramdisk", o->initrd, "-initrd {ramdisk}");
	s = bt_asprintf("-drive file={rootfs},if=none,id=root,format=raw,snapshot=on -device %s,drive=root,serial=boottest-root",
			arch->blk);
	image(fp, o, "rootfs", o->rootfs, s);
	free(s);
	s = bt_asprintf("-drive file={results},if=none,id=results,format=raw,cache=unsafe -device %s,drive=results,serial=boottest-results",
			arch->blk);
	image(fp, o, "results", results_img, s);
	free(s);
	fprintf(fp, "- boot:\n    method: qemu\n    media: tmpfs\n"
		"    timeout: {seconds: %ld}\n    prompts:\n    - ", o->timeout_s);
	s = bt_asprintf("boottest-init: finished %s", f->nonce);
	yq(fp, s);
	free(s);
	fputc('\n', fp);
	free(cmdline);
	if (fclose(fp) != 0)
		return bt_error("%s: write failed: %s", path, strerror(errno));
	return 0;
}

static int check_arch(const struct vm_arch *arch)
{
	if (strcmp(arch->name, "x86_64"))
		return bt_error("RUNNER=lava: boots x86_64 guests (LAVA's qemu device type, arch amd64), not %s",
				arch->name);
	return 0;
}

int vm_lava_job(const struct vm_opts *o, const struct vm_arch *arch,
		const char *results_img, struct vm_facts *f)
{
	char *job = bt_path_join(f->run_dir, "job.yaml");
	char *ctx = job_context(o, arch, false);
	int ret = check_arch(arch);

	if (!ret)
		ret = write_job(o, arch, results_img, f, job, ctx, false);
	if (!ret) {
		printf("boottest: LAVA job: %s\n", job);
		printf("boottest: its artifacts: %s%s%s %s %s\n", o->kernel,
		       o->initrd ? " " : "", o->initrd ? o->initrd : "",
		       o->rootfs, results_img);
		if (o->lava_url && *o->lava_url)
			printf("boottest: publish them under %s, then: lavacli jobs submit %s\n",
			       o->lava_url, job);
		else
			printf("boottest: run it here: lava-run --job-id N --output-dir DIR --device device.yaml --dispatcher dispatcher.yaml %s\n",
			       job);
	}
	free(job);
	free(ctx);
	return ret;
}

/* What the log told, as it streamed. */
struct lava_run {
	const struct vm_opts *o;
	struct vm_facts *f;
	struct vm_console *con;
	int log_fd;
	struct strbuf line;
	char *saved_results;	/* LAVA's copy of the results disk */
	int results_fd;		/* ... held open */
	bool qemu_ran;
	bool timed_out;
	char *job_result, *error_msg, *error_type;
	struct json_object *cases;	/* {case: result} */
};

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? bt_strdup(s) : NULL;
}

static bool is_results_copy(const char *path, size_t len)
{
	const char *slash;

	/* LAVA saves an image labelled L as <download dir>/L/<file>. */
	if (memchr(path, '\0', len) || len < 10 || path[0] != '/')
		return false;
	slash = memrchr(path, '/', len);
	return slash && slash - path >= 8 && !strncmp(slash - 8, "/results", 8);
}

static void log_record(struct lava_run *r, const char *s, size_t n)
{
	struct vm_lava_rec rec;

	if (vm_lava_parse(s, n, &rec) < 0)
		return;

	switch (rec.kind) {
	case VM_LAVA_CONSOLE:
		vm_console_data(r->con, rec.text, rec.len);
		vm_console_data(r->con, "\n", 1);
		break;
	case VM_LAVA_SAVED:
		if (is_results_copy(rec.text, rec.len)) {
			free(r->saved_results);
			r->saved_results = bt_strndup(rec.text, rec.len);
		}
		break;
	case VM_LAVA_RESULT:
		bt_json_add_str(r->cases, rec.rcase, rec.result);
		if (!strcmp(rec.rcase, "file-download") && rec.label &&
		    !strcmp(rec.label, "results") && r->saved_results &&
		    r->results_fd < 0)
			r->results_fd = open(r->saved_results, O_RDONLY | O_CLOEXEC);
		if (!strcmp(rec.rcase, "execute-qemu") &&
		    !strcmp(rec.result, "pass"))
			r->qemu_ran = true;
		if (!strcmp(rec.rcase, "job")) {
			set_str(&r->job_result, rec.result);
			set_str(&r->error_msg, rec.error_msg);
			set_str(&r->error_type, rec.error_type);
		}
		if (rec.error_msg && strstr(rec.error_msg, "timed out"))
			r->timed_out = true;
		break;
	default:
		break;
	}
	vm_lava_rec_free(&rec);
}

static void log_data(struct lava_run *r, const char *buf, size_t n)
{
	size_t i, from = 0;

	if (r->log_fd >= 0 && bt_write_all(r->log_fd, buf, n) < 0) {
		close(r->log_fd);
		r->log_fd = -1;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] != '\n')
			continue;
		if (r->line.len) {
			sb_add(&r->line, buf + from, i - from);
			log_record(r, r->line.buf, r->line.len);
			sb_reset(&r->line);
		} else {
			log_record(r, buf + from, i - from);
		}
		from = i + 1;
	}
	/* A line longer than any record LAVA writes is dropped. */
	if (r->line.len + (n - from) > MAX_LOG_LINE)
		sb_reset(&r->line);
	else
		sb_add(&r->line, buf + from, n - from);
}

static int write_small(const char *dir, const char *name, const char *text)
{
	char *p = bt_path_join(dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), ret = 0;

	if (fd < 0 || bt_write_all(fd, text, strlen(text)) < 0)
		ret = bt_error("%s: cannot write: %s", p, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(p);
	return ret;
}

/* Render the device dictionary of job into path (via path.tmp). */
static int render_device(const struct vm_opts *o, const char *job,
			 const char *path)
{
	char *tmp = bt_asprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	char *argv[3] = { (char *)o->lava_device, (char *)job, NULL };
	struct bt_spawn sp = BT_SPAWN_INIT;
	int status, ret = 0;
	pid_t pid;

	if (fd < 0) {
		ret = bt_error("%s: cannot create: %s", tmp, strerror(errno));
		free(tmp);
		return ret;
	}
	sp.fd_out = fd;
	pid = bt_spawn(argv, &sp);
	close(fd);
	if (pid < 0 || bt_wait(pid, &status, 120000) != 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		ret = bt_error("%s: could not render LAVA's device dictionary (%s)",
			       o->lava_device, pid < 0 ? "not started" :
			       bt_wait_str(status));
	else if (rename(tmp, path) < 0)
		ret = bt_error("%s: cannot rename: %s", tmp, strerror(errno));
	if (ret)
		unlink(tmp);
	free(tmp);
	return ret;
}

/*
 * device.yaml: the dictionary depends only on the job's context (and the
 * templates), and rendering it starts Python with jinja2 (0.2 s of CPU,
 * a second on a loaded host): it is rendered once per context into the
 * cache, $BOOTTEST_CACHE/lava/device-HASH.yaml, and copied from there.
 */
static int write_device(const struct vm_opts *o, const char *dir,
			const char *job, const char *ctx)
{
	char *dev = bt_path_join(dir, "device.yaml"), *cache = bt_cache_dir();
	char *cached = NULL, *tpl, *text = NULL;
	uint64_t h = bt_fnv1a_str(BT_FNV64_OFFSET, ctx);
	struct stat st;
	size_t len;
	int ret;

	if (cache) {
		tpl = bt_path_join(cache, "lava/device-types/qemu.jinja2");
		if (stat(tpl, &st) == 0)
			h = bt_fnv1a_str(h, ctime(&st.st_mtime));
		cached = bt_asprintf("%s/lava/device-%016llx.yaml", cache,
				     (unsigned long long)h);
		free(tpl);
	}
	if (cached && !bt_is_file(cached)) {
		char *cdir = bt_dirname(cached);

		if (bt_mkdir_p(cdir, 0755) < 0 || render_device(o, job, cached) < 0) {
			free(cached);
			cached = NULL;
		}
		free(cdir);
	}
	if (cached && bt_read_file(cached, &text, &len, 1 << 20, NULL) == 0) {
		int fd = open(dev, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		ret = fd < 0 || bt_write_all(fd, text, len) < 0 ?
		      bt_error("%s: cannot write: %s", dev, strerror(errno)) : 0;
		if (fd >= 0)
			close(fd);
	} else {
		ret = render_device(o, job, dev);
	}
	if (!ret) {
		char *dl = bt_path_join(dir, "download");
		char *disp = bt_asprintf("dispatcher_download_dir: %s\n", dl);

		ret = write_small(dir, "dispatcher.yaml", disp);
		free(dl);
		free(disp);
	}
	free(text);
	free(cached);
	free(cache);
	free(dev);
	return ret;
}

static double epoch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char **lava_argv(const char *dir, const char *job)
{
	char **v = bt_calloc(11, sizeof(*v));

	v[0] = bt_strdup("lava-run");
	v[1] = bt_strdup("--job-id");
	v[2] = bt_asprintf("%ld", (long)getpid());
	v[3] = bt_strdup("--output-dir");
	v[4] = bt_path_join(dir, "output");
	v[5] = bt_strdup("--device");
	v[6] = bt_path_join(dir, "device.yaml");
	v[7] = bt_strdup("--dispatcher");
	v[8] = bt_path_join(dir, "dispatcher.yaml");
	v[9] = bt_strdup(job);
	return v;
}

static void outcome(struct lava_run *r, double seconds)
{
	struct json_object *l = json_object_new_object();

	bt_json_add_str(l, "result", r->job_result);
	bt_json_add_str(l, "error_msg", r->error_msg);
	bt_json_add_str(l, "error_type", r->error_type);
	bt_json_add_double(l, "seconds", seconds);
	json_object_object_add(l, "cases", r->cases);
	r->cases = NULL;
	r->f->lava = l;
}

int vm_lava_run(const struct vm_opts *o, const struct vm_arch *arch,
		const char *results_img, struct vm_facts *f)
{
	struct lava_run r = { .o = o, .f = f, .log_fd = -1, .results_fd = -1 };
	struct bt_spawn sp = BT_SPAWN_INIT;
	char *dir = bt_path_join(f->run_dir, "lava");
	char *job = bt_path_join(f->run_dir, "job.yaml");
	char *logp = bt_path_join(dir, "lava.log");
	char *why = NULL, *w, *ctx = NULL;
	long long deadline;
	int p[2], pfd = -1, ret = -1;
	bool kvm = false, exited = false;
	pid_t pid;

	if (check_arch(arch) < 0)
		goto out;
	if (!o->lava_device)
		bt_die(BT_EXIT_USAGE, "RUNNER=lava: no --lava-device program (scripts/boottest/lava-device)");
	w = vm_accel_which("lava-run");
	if (!w) {
		bt_error("lava-run: not found; install the Debian package lava-dispatcher (scripts/boottest/setup)");
		goto out;
	}
	free(w);
	if (o->accel != VM_ACCEL_TCG)
		kvm = vm_accel_kvm(o, arch, arch->qemu, &why);
	if (!kvm)
		bt_note("KVM not used (%s): TCG, boots are slower", why);
	free(why);
	f->accel = kvm ? "kvm" : "tcg";
	if (bt_mkdir_p(dir, 0755) < 0) {
		bt_error("%s: cannot create: %s", dir, strerror(errno));
		goto out;
	}
	ctx = job_context(o, arch, kvm);
	if (write_job(o, arch, results_img, f, job, ctx, kvm) < 0 ||
	    write_device(o, dir, job, ctx) < 0)
		goto out;

	r.cases = json_object_new_object();
	r.log_fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	f->argv = lava_argv(dir, job);
	vm_classify_start(o, f);
	r.con = vm_console_open(o, f);
	if (pipe2(p, O_CLOEXEC) < 0)
		bt_die(BT_EXIT_USAGE, "cannot create a pipe: %s", strerror(errno));
	sp.fd_out = p[1];
	sp.fd_err = p[1];
	sp.new_pgrp = true;
	f->start_ms = bt_now_ms();
	f->qemu_start_epoch = epoch_now();
	pid = bt_spawn(f->argv, &sp);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		vm_console_close(r.con);
		goto out;
	}
	f->qemu_started = true;
	pfd = bt_pidfd(pid);
	deadline = f->start_ms + (o->timeout_s + DEPLOY_S + LAVA_GRACE_S) * 1000;
	for (;;) {
		struct pollfd fds[2] = { { .fd = p[0], .events = POLLIN },
					 { .fd = pfd, .events = POLLIN } };
		char buf[65536];
		ssize_t n;

		if (vm_signal_pending()) {
			f->interrupted = true;
			break;
		}
		if (bt_now_ms() >= deadline) {
			r.timed_out = true;
			break;
		}
		if (poll(fds, pfd >= 0 ? 2 : 1, 200) < 0 && errno != EINTR)
			break;
		if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(p[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		log_data(&r, buf, n);
	}
	if (r.line.len)
		log_record(&r, r.line.buf, r.line.len);
	/* lava-run has closed its log: it is ending, or was told to. */
	if (f->interrupted || r.timed_out) {
		bt_kill_group(pid, SIGTERM, 5000);
		f->qemu_killed = true;
	}
	exited = bt_wait(pid, &f->qemu_status, 30000) == 0;
	if (!exited) {
		bt_kill_group(pid, SIGKILL, 0);
		bt_wait(pid, &f->qemu_status, -1);
	}
	f->qemu_exit_epoch = epoch_now();
	f->duration_s = (bt_now_ms() - f->start_ms) / 1000.0;
	close(p[0]);
	if (pfd >= 0)
		close(pfd);
	vm_console_close(r.con);
	if (f->cls_fd >= 0)
		close(f->cls_fd);
	f->cls_fd = -1;

	f->timed_out = r.timed_out;
	/*
	 * LAVA ends QEMU itself: once it ran, how it ended is the console's
	 * to tell.  A job that never started QEMU is an infrastructure error.
	 */
	if (r.qemu_ran) {
		f->qemu_killed = true;
	} else if (!f->interrupted) {
		f->qemu_error = bt_asprintf("lava-run: %s (%s; see %s)",
					    r.error_msg ? r.error_msg : "no boot",
					    r.error_type ? r.error_type : "no error type",
					    logp);
		if (WIFEXITED(f->qemu_status) && !WEXITSTATUS(f->qemu_status))
			f->qemu_status = 2 << 8;
	}
	outcome(&r, f->duration_s);
	if (r.results_fd >= 0) {
		/*
		 * The copy the guest wrote is read back through the descriptor
		 * (by rootfs-extract, a child: this process's /proc entry).
		 */
		f->results_fd = r.results_fd;
		f->results_img = bt_asprintf("/proc/%ld/fd/%d", (long)getpid(),
					     r.results_fd);
	} else if (r.qemu_ran) {
		bt_warn("LAVA's copy of the results disk was not found in its log: the console only");
	}
	ret = 0;
out:
	if (r.log_fd >= 0)
		close(r.log_fd);
	sb_release(&r.line);
	if (r.cases)
		json_object_put(r.cases);
	free(r.saved_results);
	free(r.job_result);
	free(r.error_msg);
	free(r.error_type);
	free(ctx);
	free(dir);
	free(job);
	free(logp);
	return ret;
}
