// SPDX-License-Identifier: GPL-2.0
/*
 * Run QEMU: build its command line from the arch table, start it in its own
 * process group with the serial console on a pipe, stream the console to the
 * terminal and console.log, and stop it on the first of: QEMU exits, the
 * init's "finished" marker (plus a grace period for the reboot), a kernel
 * panic (QEMU exits itself with panic=-1 -no-reboot; killed after a grace
 * period otherwise), the timeout, SIGINT/SIGTERM/SIGHUP.
 *
 * DUMP=1 keeps the guest for the post-mortem: the reboot that follows a
 * panic (panic=-1) pauses QEMU (-action reboot=shutdown,shutdown=pause,
 * which needs no pvpanic device in the kernel) instead of ending it; QMP
 * reports the stop, and on a stop before init's finished marker, a panic
 * or the timeout the guest's memory is dumped before QEMU is told to quit.
 * GDB=1 opens the gdb stub on a free local port and turns the timeout off.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wordexp.h>

#include "err.h"
#include "path.h"
#include "proc.h"
#include "strbuf.h"
#include "vmrun.h"

#define FINISH_GRACE_MS	10000
#define PANIC_GRACE_MS	3000
#define MAX_LINE	8192
#define TAIL_LINES	12
#define QMP_CONNECT_MS	20000
#define CONSOLE_BATCH_MS 5

static atomic_int got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

void vm_signals_install(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	unsigned int i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int vm_signal_pending(void)
{
	return got_signal;
}

struct argv_buf {
	char **v;
	size_t n, alloc;
};

static void add(struct argv_buf *a, const char *s)
{
	if (a->n + 2 > a->alloc) {
		a->alloc = a->alloc ? a->alloc * 2 : 64;
		a->v = bt_realloc(a->v, a->alloc * sizeof(*a->v));
	}
	a->v[a->n++] = bt_strdup(s);
	a->v[a->n] = NULL;
}

static void addf(struct argv_buf *a, const char *fmt, ...) __printf(2, 3);
static void addf(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		bt_die(BT_EXIT_USAGE, "out of memory");
	va_end(ap);
	add(a, s);
	free(s);
}

/* A free TCP port on 127.0.0.1 for the gdb stub (0 when none). */
static int free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = 0;

	if (fd < 0)
		return 0;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static const char *qemu_bin(const struct vm_arch *arch)
{
	const char *q = getenv("BOOTTEST_QEMU");

	return q && *q ? q : arch->qemu;
}

/* The kernel command line of a boot (QEMU's -append, a LAVA job's too). */
char *vm_kernel_cmdline(const struct vm_opts *o, const struct vm_arch *arch,
			const struct vm_facts *f, bool kvm)
{
	struct strbuf cmdline = STRBUF_INIT;

	sb_addf(&cmdline, "console=%s console_msg_format=syslog panic=-1 ",
		arch->console);
	/*
	 * An emulated CPU starved by a loaded host can miss the ticks of the
	 * IO-APIC timer check and panic ("IO-APIC + timer doesn't work!"), a
	 * false verdict: skip the check, as VM images do.
	 */
	if (!kvm && !strcmp(arch->name, "x86_64"))
		sb_addstr(&cmdline, "no_timer_check ");
	if (arch->append)
		sb_addf(&cmdline, "%s ", arch->append);
	/*
	 * TCG keeps its translations of guest code by virtual address: with
	 * ASLR every exec of a dynamically linked program maps ld.so, libc
	 * and a PIE binary at new addresses, and QEMU translates all their
	 * code again.  A program that returns at once took 16-20 ms to start
	 * in the fstests guest (static busybox: 3-4 ms), 3.6-3.8 ms without
	 * randomization; fstests' check starts hundreds of programs.  Only
	 * user space: the kernel keeps KASLR.  A later
	 * sysctl.kernel.randomize_va_space=2 in --append wins.
	 */
	if (!kvm)
		sb_addstr(&cmdline, "sysctl.kernel.randomize_va_space=0 ");
	/*
	 * --host-tsc: a kernel without HPET/ACPI (tinyconfig + Kconfig.test's
	 * profiles) cannot calibrate the TSC against the PIT under TCG ("Unable
	 * to calibrate against PIT"), keeps time with refined-jiffies, and loses
	 * the ticks a busy host delivers late: 50.4 host-s were 33.6 guest-s.
	 * TCG's TSC is the host's, so its rate is known here; with it (and no
	 * jiffies watchdog) the kernel switches to the tsc clocksource: 31.2
	 * host-s were 30.5 guest-s, the rest being the poll of the console.  A
	 * later tsc_early_khz= in --append wins.
	 */
	if (o->host_tsc && !kvm && !strcmp(arch->name, "x86_64")) {
		unsigned long khz = vm_host_tsc_khz();

		if (khz)
			sb_addf(&cmdline, "tsc_early_khz=%lu tsc=reliable ", khz);
		else
			bt_note("--host-tsc: the host's TSC rate is unknown or not constant (no constant_tsc/nonstop_tsc): the guest keeps its own time");
	}
	sb_addf(&cmdline, "root=/dev/vda rw rootfstype=ext4 init=/init ");
	sb_addf(&cmdline, "boottest.nonce=%s", f->nonce);
	/* Symbols at their link addresses for gdb and crash. */
	if (o->gdb || o->dump)
		sb_addstr(&cmdline, " nokaslr");
	if (o->append && *o->append)
		sb_addf(&cmdline, " %s", o->append);
	return sb_detach(&cmdline);
}

static int build_argv(const struct vm_opts *o, const struct vm_arch *arch,
		      const char *results_img, struct vm_facts *f,
		      const char *qmp_path, bool kvm, struct argv_buf *a)
{
	char *cmdline;
	long cpus = o->cpus;

	add(a, qemu_bin(arch));
	add(a, "-nodefaults");
	add(a, "-display");
	add(a, "none");
	add(a, "-no-reboot");
	add(a, "-machine");
	add(a, arch->machine);
	add(a, "-accel");
	if (kvm) {
		add(a, "kvm");
		add(a, "-cpu");
		add(a, "host");
		f->accel = "kvm";
	} else {
		add(a, "tcg");
		add(a, "-cpu");
		add(a, arch->cpu);
		f->accel = "tcg";
		if (o->tcg_cpus)
			cpus = o->tcg_cpus;
	}
	add(a, "-m");
	add(a, o->mem);
	add(a, "-smp");
	/*
	 * x86: one socket per CPU.  QEMU 7.2 puts the CPUs of -smp N in the
	 * cores of one socket, and SeaBIOS's MP table lists only the first CPU
	 * of each package: a kernel without ACPI (tinyconfig with the profiles
	 * of Kconfig.test) brought up 1 CPU of CPUS=2.
	 */
	if (!strcmp(arch->name, "x86_64"))
		addf(a, "%ld,sockets=%ld", cpus, cpus);
	else
		addf(a, "%ld", cpus);
	add(a, "-kernel");
	add(a, o->kernel);
	if (o->initrd) {
		add(a, "-initrd");
		add(a, o->initrd);
	}
	cmdline = vm_kernel_cmdline(o, arch, f, kvm);
	add(a, "-append");
	add(a, cmdline);
	free(cmdline);
	/* Serial console on QEMU's stdout, which is our pipe; stdin is /dev/null. */
	add(a, "-chardev");
	add(a, "stdio,id=con,signal=off");
	add(a, "-serial");
	add(a, "chardev:con");
	/* Root first so it is vda; the built image stays pristine (snapshot). */
	add(a, "-drive");
	addf(a, "file=%s,if=none,id=root,format=raw,snapshot=on", o->rootfs);
	add(a, "-device");
	addf(a, "%s,drive=root,serial=boottest-root", arch->blk);
	/*
	 * The results disk is read on this host after QEMU has exited, from
	 * the page cache QEMU wrote to: flushes to stable storage (the
	 * guest's, and QEMU's fdatasync at exit) would only cost time.
	 */
	add(a, "-drive");
	addf(a, "file=%s,if=none,id=results,format=raw,cache=unsafe", results_img);
	add(a, "-device");
	addf(a, "%s,drive=results,serial=boottest-results", arch->blk);
	if (o->dump) {
		add(a, "-action");
		add(a, "reboot=shutdown,shutdown=pause");
		add(a, "-device");
		add(a, "vmcoreinfo");
		add(a, "-qmp");
		addf(a, "unix:%s,server=on,wait=off", qmp_path);
	}
	if (o->gdb) {
		f->gdb_port = free_port();
		if (!f->gdb_port)
			return bt_error("GDB=1: no free TCP port on 127.0.0.1: %s",
					strerror(errno));
		add(a, "-gdb");
		addf(a, "tcp:127.0.0.1:%d", f->gdb_port);
		if (o->gdb_wait)
			add(a, "-S");
	}
	if (o->qemu_opts && *o->qemu_opts) {
		wordexp_t we;
		size_t i;

		if (wordexp(o->qemu_opts, &we, WRDE_NOCMD) != 0)
			return bt_error("QEMU_OPTS='%s': cannot split into words (unbalanced quotes or $(...)?)",
					o->qemu_opts);
		for (i = 0; i < we.we_wordc; i++)
			add(a, we.we_wordv[i]);
		wordfree(&we);
	}
	return 0;
}

/* Console line handling: log, echo, markers. */
struct vm_console {
	const struct vm_opts *o;
	struct vm_facts *f;
	int log_fd;
	struct strbuf line;
	char *tail[TAIL_LINES];
	unsigned int tail_pos;
	long long finished_ms;
	long long panic_ms;
	char *m_started, *m_finished;
	/*
	 * A KVM try (--accel auto): the console is held back from console.log
	 * and the classifier until a kernel line shows KVM works, so that a
	 * boot again under TCG starts both afresh (firmware or boot-loader
	 * output of the try, "Probing EDD", is not the kernel's).
	 */
	bool probing;
	struct strbuf held;
};

#define HELD_MAX	(1 << 20)

/* A kernel line under console_msg_format=syslog: "<N>[ ...". */
static int kernel_prio(const char *s)
{
	if (s[0] == '<' && s[1] >= '0' && s[1] <= '9') {
		const char *e = strchr(s, '>');

		if (e && e - s <= 4)
			return atoi(s + 1) & 7;
	}
	return -1;
}

static void echo_line(struct vm_console *c, const char *s)
{
	int prio = kernel_prio(s);

	/*
	 * Default view: userspace (init, CMD, tests) and kernel messages of
	 * warning level or worse, which is where every crash report lives.
	 */
	if (c->o->verbose || prio < 0 || prio <= 4) {
		fputs(s, stdout);
		fputc('\n', stdout);
		fflush(stdout);
	}
}

/* A kernel line: "<N>[ ..." (console_msg_format=syslog), or "[    0.000000] ". */
static bool kernel_line(const char *s)
{
	size_t n;

	if (kernel_prio(s) >= 0)
		return true;
	if (s[0] != '[')
		return false;
	n = strspn(s + 1, " ");
	n += strspn(s + 1 + n, "0123456789");
	return n > 1 && s[1 + n] == '.';
}

static void console_line(struct vm_console *c)
{
	char *s = c->line.buf ? c->line.buf : (char *)"";
	size_t len = c->line.len;

	while (len && (s[len - 1] == '\r'))
		s[--len] = '\0';
	echo_line(c, s);
	/* the init's marker counts too: APPEND=quiet hides the kernel's lines */
	if (!c->f->kernel_seen && (kernel_line(s) || strstr(s, c->m_started)))
		c->f->kernel_seen = true;
	if (!c->f->init_reached && strstr(s, c->m_started)) {
		c->f->init_reached = true;
		c->f->init_s = (bt_now_ms() - c->f->start_ms) / 1000.0;
	}
	if (!c->f->finished && strstr(s, c->m_finished)) {
		c->f->finished = true;
		c->finished_ms = bt_now_ms();
	}
	if (!c->f->panic_seen && strstr(s, "Kernel panic - not syncing")) {
		c->f->panic_seen = true;
		c->panic_ms = bt_now_ms();
	}
	free(c->tail[c->tail_pos]);
	c->tail[c->tail_pos] = bt_strndup(s, len);
	c->tail_pos = (c->tail_pos + 1) % TAIL_LINES;
	sb_reset(&c->line);
}

/* Console bytes to console.log and the classifier. */
static void console_out(struct vm_console *c, const char *buf, size_t n)
{
	if (c->log_fd >= 0 && bt_write_all(c->log_fd, buf, n) < 0) {
		bt_warn("console.log: write failed: %s; the log is incomplete",
			strerror(errno));
		close(c->log_fd);
		c->log_fd = -1;
	}
	vm_classify_feed(c->f, buf, n);
}

/* The end of a KVM try that worked: what was held goes out. */
static void console_release(struct vm_console *c)
{
	c->probing = false;
	if (c->held.len)
		console_out(c, c->held.buf, c->held.len);
	sb_release(&c->held);
}

static void console_data(struct vm_console *c, const char *buf, size_t n)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			console_line(c);
			if (c->probing && c->f->kernel_seen) {
				sb_add(&c->held, buf + from, i + 1 - from);
				console_release(c);
				from = i + 1;
			}
		} else if (c->line.len < MAX_LINE) {
			sb_addch(&c->line, buf[i] ? buf[i] : ' ');
		}
	}
	if (!c->probing) {
		console_out(c, buf + from, n - from);
		return;
	}
	sb_add(&c->held, buf + from, n - from);
	/* Plenty of output without a kernel line: whatever it is, KVM runs. */
	if (c->held.len > HELD_MAX)
		console_release(c);
}

static char *console_tail(struct vm_console *c)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned int i;

	for (i = 0; i < TAIL_LINES; i++) {
		char *t = c->tail[(c->tail_pos + i) % TAIL_LINES];

		if (t) {
			sb_addstr(&sb, t);
			sb_addch(&sb, '\n');
			free(t);
		}
	}
	return sb_detach(&sb);
}

/*
 * The console of a boot that another program runs (a LAVA job): the same
 * line handling (console.log, the classifier, init's markers, the tail).
 */
struct vm_console *vm_console_open(const struct vm_opts *o, struct vm_facts *f)
{
	struct vm_console *c = bt_calloc(1, sizeof(*c));
	char *log_path = bt_path_join(f->run_dir, "console.log");

	c->o = o;
	c->f = f;
	c->log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (c->log_fd < 0)
		bt_warn("%s: cannot create: %s", log_path, strerror(errno));
	free(log_path);
	c->m_started = bt_asprintf("boottest-init: started %s", f->nonce);
	c->m_finished = bt_asprintf("boottest-init: finished %s", f->nonce);
	return c;
}

void vm_console_data(struct vm_console *c, const char *buf, size_t n)
{
	console_data(c, buf, n);
}

void vm_console_close(struct vm_console *c)
{
	if (c->line.len)
		console_line(c);
	if (c->log_fd >= 0)
		close(c->log_fd);
	free(c->f->last_lines);
	c->f->last_lines = console_tail(c);
	sb_release(&c->line);
	free(c->m_started);
	free(c->m_finished);
	free(c);
}

static void save_cmdline(const char *run_dir, char **argv)
{
	char *p = bt_path_join(run_dir, "qemu.cmdline");
	FILE *fp = fopen(p, "w");
	size_t i;

	if (fp) {
		for (i = 0; argv[i]; i++) {
			const char *s = argv[i];

			if (strpbrk(s, " \t'\"$\\;&|<>*?()")) {
				fputc('\'', fp);
				for (; *s; s++) {
					if (*s == '\'')
						fputs("'\\''", fp);
					else
						fputc(*s, fp);
				}
				fputc('\'', fp);
			} else {
				fputs(s, fp);
			}
			fputc(argv[i + 1] ? ' ' : '\n', fp);
		}
		fclose(fp);
	}
	free(p);
}

static void gdb_hint(const struct vm_opts *o, struct vm_facts *f)
{
	const char *sym = o->vmlinux ? o->vmlinux : o->kernel;

	printf("boottest: GDB=1: QEMU's gdb stub listens on 127.0.0.1:%d%s; in another terminal:\n"
	       "boottest:   gdb %s -ex 'target remote :%d'\n",
	       f->gdb_port, o->gdb_wait ? " and the guest waits for it (hbreak FUNC, then continue)" : "",
	       sym, f->gdb_port);
	if (!o->vmlinux)
		printf("boottest:   (%s may lack symbols: give VMLINUX=path/to/vmlinux)\n", sym);
	printf("boottest: no TIMEOUT while GDB=1: the run ends with the guest, or Ctrl-C\n");
	fflush(stdout);
}

static double epoch_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void console_drain(struct vm_console *c, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[65536];
	ssize_t n;

	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		console_data(c, buf, n);
	}
}

/*
 * DUMP=1: decide whether the guest has stopped for good (its reboot paused
 * QEMU, the timeout, a panic that did not reboot), dump it if that was not
 * init's normal end, and tell QEMU to quit.  Returns true when it did.
 */
static bool postmortem_step(struct vm_qmp *q, struct vm_facts *f,
			    struct vm_console *c, int con_fd, long long deadline)
{
	unsigned int ev = vm_qmp_events(q);
	long long now = bt_now_ms();
	const char *why = NULL;

	if (ev & VM_QMP_EV_SHUTDOWN) {
		/* The guest is paused: what it printed is in the pipe. */
		console_drain(c, con_fd);
		if (!f->finished)
			why = f->panic_seen ? "kernel panic" :
			      "the guest reset before init finished";
	} else if (now >= deadline) {
		f->timed_out = true;
		why = "timeout";
	} else if (c->panic_ms && now - c->panic_ms > PANIC_GRACE_MS) {
		why = "kernel panic";
	} else {
		return false;
	}
	if (why)
		vm_dump_take(q, f, why);
	else
		f->dump_why = bt_strdup("no crash and no timeout: init finished");
	vm_qmp_execute(q, "quit", NULL, 5000, NULL);
	return true;
}

/*
 * One boot.  try_kvm: an automatic KVM boot, given up (*gave_up set to the
 * reason) when QEMU exits or VM_KVM_TRY_MS pass before a kernel line.
 */
static int run_once(const struct vm_opts *o, const struct vm_arch *arch,
		    const char *results_img, struct vm_facts *f, bool kvm,
		    bool try_kvm, char **gave_up)
{
	struct argv_buf a = { 0 };
	struct bt_spawn sp = BT_SPAWN_INIT;
	struct vm_console c = { .o = o, .f = f, .log_fd = -1 };
	struct strbuf err = STRBUF_INIT;
	int out[2], errp[2], ret = 0;
	bool out_open = true, err_open = true, exited = false;
	long long deadline, quit_ms = 0;
	struct vm_qmp *qmp = NULL;
	char *log_path, *qmp_path = NULL;
	int qmp_dirfd = -1, qemu_fd = -1;
	bool check_exit = true;
	pid_t pid;

	if (o->dump) {
		qmp_path = vm_qmp_socket_path(f->run_dir, &qmp_dirfd);
		if (!qmp_path)
			return bt_error("%s: cannot open: %s", f->run_dir, strerror(errno));
	}
	if (build_argv(o, arch, results_img, f, qmp_path, kvm, &a) < 0)
		return -1;
	f->argv = a.v;
	save_cmdline(f->run_dir, a.v);
	if (o->verbose) {
		char *p = bt_path_join(f->run_dir, "qemu.cmdline");
		char *txt = NULL;

		if (bt_read_file(p, &txt, NULL, 1 << 16, NULL) == 0)
			printf("  QEMU    %s", txt);
		free(txt);
		free(p);
	}

	log_path = bt_path_join(f->run_dir, "console.log");
	c.log_fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (c.log_fd < 0) {
		ret = bt_error("%s: cannot create: %s", log_path, strerror(errno));
		free(log_path);
		return ret;
	}
	free(log_path);
	c.m_started = bt_asprintf("boottest-init: started %s", f->nonce);
	c.m_finished = bt_asprintf("boottest-init: finished %s", f->nonce);
	c.probing = try_kvm;
	f->kernel_seen = false;

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		bt_die(BT_EXIT_USAGE, "cannot create a pipe: %s", strerror(errno));
	sp.fd_out = out[1];
	sp.fd_err = errp[1];
	sp.new_pgrp = true;
	f->start_ms = bt_now_ms();
	f->qemu_start_epoch = epoch_now();
	pid = bt_spawn(a.v, &sp);
	close(out[1]);
	close(errp[1]);
	if (pid < 0) {
		close(out[0]);
		close(errp[0]);
		close(c.log_fd);
		return -1;
	}
	f->qemu_started = true;
	qemu_fd = bt_pidfd(pid);
	/* A gdb session is never cut short: no timeout with GDB=1. */
	deadline = o->gdb ? LLONG_MAX : f->start_ms + o->timeout_s * 1000;
	if (o->gdb)
		gdb_hint(o, f);
	if (o->dump) {
		qmp = vm_qmp_connect(qmp_path, pid, QMP_CONNECT_MS);
		if (!qmp)
			f->dump_why = bt_strdup("no connection to QEMU's monitor (QMP)");
	}

	while (out_open || err_open || !exited) {
		struct pollfd pfd[4];
		int nfds = 0, timeout = 100;
		long long now = bt_now_ms();
		char buf[65536];
		size_t got = 0;
		ssize_t n;
		struct rusage ru;
		int status;

		if (!exited && (qemu_fd < 0 || check_exit) &&
		    wait4(pid, &status, WNOHANG, &ru) == pid) {
			exited = true;
			f->qemu_status = status;
			f->qemu_exit_epoch = epoch_now();
			f->qemu_cpu_s = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
					(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
		}
		check_exit = false;
		if (got_signal && !exited) {
			f->interrupted = true;
			break;
		}
		if (qmp && !exited && !quit_ms &&
		    postmortem_step(qmp, f, &c, out[0], deadline))
			quit_ms = bt_now_ms();
		if (quit_ms) {
			/* QEMU is quitting: read the console to its end. */
			if (!exited && now - quit_ms > 10000)
				break;
		} else if (!exited && now >= deadline) {
			f->timed_out = true;
			break;
		} else if (!exited && c.finished_ms &&
			   now - c.finished_ms > FINISH_GRACE_MS) {
			break;
		} else if (!exited && !qmp && c.panic_ms &&
			   now - c.panic_ms > PANIC_GRACE_MS) {
			break;
		} else if (!exited && c.probing && !o->gdb &&
			   now - f->start_ms >= VM_KVM_TRY_MS) {
			break;
		}
		if (out_open)
			pfd[nfds++] = (struct pollfd){ .fd = out[0], .events = POLLIN };
		if (err_open)
			pfd[nfds++] = (struct pollfd){ .fd = errp[0], .events = POLLIN };
		if (qmp && !quit_ms && !(vm_qmp_events(qmp) & VM_QMP_EV_EOF))
			pfd[nfds++] = (struct pollfd){ .fd = vm_qmp_fd(qmp),
						       .events = POLLIN };
		/* QEMU's exit wakes the loop at once (its pipes may close first). */
		if (qemu_fd >= 0 && !exited)
			pfd[nfds++] = (struct pollfd){ .fd = qemu_fd, .events = POLLIN };
		if (nfds == 0) {
			poll(NULL, 0, 20);
			continue;
		}
		if (poll(pfd, nfds, timeout) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < nfds; i++) {
			if (pfd[i].fd == qemu_fd && pfd[i].revents)
				check_exit = true;
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) ||
			    (qmp && pfd[i].fd == vm_qmp_fd(qmp)) ||
			    pfd[i].fd == qemu_fd)
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				if (pfd[i].fd == out[0])
					out_open = false;
				else
					err_open = false;
				continue;
			}
			if (pfd[i].fd == out[0]) {
				console_data(&c, buf, n);
				got += n;
			} else {
				if (err.len < 4096)
					sb_add(&err, buf, n);
				if (o->verbose)
					bt_write_all(STDERR_FILENO, buf, n);
			}
		}
		/*
		 * QEMU writes the serial console a byte at a time: let a few
		 * ms of it gather in the pipe rather than wake for each byte
		 * (thousands of wake-ups taken from the emulated CPUs).
		 */
		if (got && got < 4096 && !check_exit)
			poll(NULL, 0, CONSOLE_BATCH_MS);
	}
	if (!exited) {
		f->qemu_killed = true;
		bt_kill_group(pid, SIGTERM, 2000);
		f->qemu_status = 0;
	}
	if (c.line.len)
		console_line(&c);
	f->duration_s = (bt_now_ms() - f->start_ms) / 1000.0;
	if (qemu_fd >= 0)
		close(qemu_fd);
	if (c.probing && !f->kernel_seen && !f->interrupted && !f->timed_out) {
		char *e = err.len ? bt_strndup(err.buf, strcspn(err.buf, "\n")) : NULL;

		if (e)
			*gave_up = e;
		else if (f->qemu_killed)
			*gave_up = bt_asprintf("no kernel line in %d s", VM_KVM_TRY_MS / 1000);
		else
			*gave_up = bt_asprintf("QEMU %s before a kernel line",
					       bt_wait_str(f->qemu_status));
	} else if (c.probing) {
		console_release(&c);
	}
	close(out[0]);
	close(errp[0]);
	if (c.log_fd >= 0)
		close(c.log_fd);
	vm_qmp_close(qmp);
	if (qmp_dirfd >= 0)
		close(qmp_dirfd);
	if (qmp_path && qmp_path[0] == '/' && strncmp(qmp_path, "/proc/", 6))
		unlink(qmp_path);
	free(qmp_path);
	free(f->qemu_error);
	f->qemu_error = sb_detach(&err);
	free(f->last_lines);
	f->last_lines = console_tail(&c);
	sb_release(&c.line);
	sb_release(&c.held);
	free(c.m_started);
	free(c.m_finished);
	return 0;
}

int vm_qemu_run(const struct vm_opts *o, const struct vm_arch *arch,
		const char *results_img, struct vm_facts *f)
{
	const char *qemu = qemu_bin(arch);
	char *why = NULL, *gave_up = NULL, *path;
	bool kvm;
	int ret;

	path = vm_accel_which(qemu);
	if (!path)
		return bt_error("%s: not found; install the Debian package %s (or run scripts/boottest/setup)",
				qemu, arch->deb);
	free(path);
	kvm = vm_accel_kvm(o, arch, qemu, &why);
	if (!kvm)
		bt_note("KVM not used (%s): TCG, boots are slower", why);
	free(why);
	vm_classify_start(o, f);
	ret = run_once(o, arch, results_img, f, kvm,
		       kvm && o->accel == VM_ACCEL_AUTO, &gave_up);
	if (!ret && gave_up) {
		char *rec = vm_accel_record_path();

		bt_note("KVM did not boot the kernel (%s): booting again under TCG; ACCEL=tcg skips the try, ACCEL=kvm forces KVM",
			gave_up);
		f->kvm_fallback = gave_up;
		for (size_t i = 0; f->argv[i]; i++)
			free(f->argv[i]);
		free(f->argv);
		f->argv = NULL;
		f->qemu_started = false;
		f->qemu_killed = false;
		f->qemu_status = 0;
		free(f->dump_why);
		f->dump_why = NULL;
		ret = run_once(o, arch, results_img, f, false, false, NULL);
		/* The kernel writes to this console: KVM was the reason. */
		if (!ret && f->kernel_seen) {
			vm_accel_record(qemu, gave_up);
			if (rec)
				bt_note("recorded in %s: runs until the host reboots use TCG at once",
					rec);
		}
		free(rec);
	}
	/* The console is complete: its classifier may finish. */
	if (f->cls_fd >= 0)
		close(f->cls_fd);
	f->cls_fd = -1;
	return ret;
}
