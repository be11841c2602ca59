// SPDX-License-Identifier: GPL-2.0
/*
 * vmrun - boot a kernel in QEMU on the boottest root and give a verdict.
 *
 *   vmrun --kernel FILE --rootfs IMAGE --runs-dir DIR [options]
 *
 * Makes DIR/<time>-<pid>/ (and DIR/latest), a results disk for the guest,
 * runs QEMU, reads the results back, classifies the console and writes
 * console.log, kmsg.log, result.json, junit.xml, result.tap, qemu.cmdline,
 * and kcidb.json (the kcidb tool).
 * Exit status: 0 clean, 1 the kernel or CMD/TESTS failed, 2 usage or
 * infrastructure (scripts/boottest/run turns 2 into 125 under BISECT=1).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "path.h"
#include "proc.h"
#include "vmrun.h"

static void print_usage(FILE *fp)
{
	fprintf(fp,
		"usage: vmrun --kernel FILE --rootfs IMAGE --runs-dir DIR [options]\n"
		"  --kernel FILE     kernel to boot (vmlinux with PVH note, bzImage, Image)\n"
		"  --initrd FILE     initramfs (modular kernels)\n"
		"  --rootfs IMAGE    ext4 root image (attached copy-on-write: never modified)\n"
		"  --runs-dir DIR    runs go to DIR/<time>-<pid>/, DIR/latest points there\n"
		"  --arch ARCH       %s (default x86_64)\n"
		"  --release REL     kernel release, for the report\n"
		"  --tools DIR       where mkrootfs, rootfs-extract, dmesg-classify are\n"
		"                    (default: vmrun's own directory)\n"
		"  --workload boot|fstests  what the guest runs; it sets the defaults of\n"
		"                    --mem, --cpus, --tcg-cpus and --timeout (default boot)\n"
		"  --mem SIZE        guest memory, e.g. 512M, 1G (boot 1G, fstests 2G)\n"
		"  --cpus N          guest CPUs (default 2)\n"
		"  --tcg-cpus N      guest CPUs when KVM is not usable (default: --cpus\n"
		"                    when given, else boot 2, fstests 1)\n"
		"  --accel auto|kvm|tcg  auto (default): KVM when the device opens, and\n"
		"                    TCG again in the same run when the KVM boot shows no\n"
		"                    kernel line (remembered until the host reboots)\n"
		"  --print-accel     print kvm or tcg, what --accel and --arch would give\n"
		"                    (the reason for tcg on stderr), and exit\n"
		"  --timeout SEC     hard limit for the whole boot (boot 300, fstests 3600)\n"
		"  --append STR      extra kernel command line\n"
		"  --host-tsc        x86_64 under TCG: give the kernel the host's TSC rate\n"
		"                    (tsc_early_khz= tsc=reliable), so a kernel without\n"
		"                    HPET/ACPI keeps time (it cannot calibrate the TSC)\n"
		"  --qemu-opts STR   extra QEMU arguments (shell-style words)\n"
		"  --cmd STR         command (or host script file) to run in the guest\n"
		"  --tests PATH      bats file or directory to run in the guest\n"
		"  -v, --verbose     print the QEMU command line and the whole console\n"
		"  --dump            on a panic or the timeout, save the guest's memory as\n"
		"                    an ELF core, RUN/vmcore (crash vmlinux vmcore)\n"
		"  --gdb[=wait|nowait]  QEMU's gdb stub on a free local port, nokaslr, no\n"
		"                    timeout; wait (default): the guest starts when gdb\n"
		"                    continues\n"
		"  --vmlinux FILE    the kernel ELF with symbols (gdb, file:line in stacks)\n"
		"  --modules-dir DIR  where NAME.ko with symbols are (its modules.order)\n"
		"  --runner qemu|lava  qemu (default); lava: the boot as a LAVA job run\n"
		"                    by lava-run on this host (RUN/job.yaml, RUN/lava/)\n"
		"  --lava-job-only   write RUN/job.yaml (and keep RUN/results.ext4), no boot\n"
		"  --lava-url URL    the job's artifact URLs: URL/<file> (default file://)\n"
		"  --lava-device PROG  renders the device dictionary: PROG JOB > device.yaml\n"
		"  -h, --help        this text\n"
		"\n"
		"Examples:\n"
		"  vmrun --kernel vmlinux --rootfs rootfs.ext4 --runs-dir runs --cmd true\n"
		"  vmrun --kernel bzImage --initrd initramfs.cpio --rootfs rootfs.ext4 \\\n"
		"        --runs-dir runs --timeout 60 --append 'loglevel=8' --dump\n"
		"\n"
		"Environment:\n"
		"  BOOTTEST_QEMU  the QEMU binary to run (default qemu-system-ARCH)\n"
		"  BOOTTEST_CACHE where a failed KVM boot is recorded (kvm-failed; default\n"
		"                 $XDG_CACHE_HOME/boottest, else $HOME/.cache/boottest)\n"
		"  BOOTTEST_KVM_DEV  the KVM device to open (default /dev/kvm)\n"
		"  BOOTTEST_KVM_TRY_S  seconds an automatic KVM try waits for a kernel line\n"
		"                 (default 10)\n"
		"  BOOTTEST_CLASSIFY_WAIT_S  seconds the classifier may run after QEMU\n"
		"                 exits before it is killed (default 120)\n"
		"  PATH           where qemu-system-ARCH is looked up\n"
		"\n"
		"Exit: 0 clean, 1 kernel/CMD/TESTS failed, 2 usage or infrastructure.\n",
		vm_arch_names());
}

static long parse_num(const char *what, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		bt_die(BT_EXIT_USAGE, "%s=%s: not a number in %ld..%ld", what, s,
		       min, max);
	return v;
}

static void check_mem(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || v <= 0 ||
	    (*end && (strchr("MGmg", *end) == NULL || end[1])))
		bt_die(BT_EXIT_USAGE, "MEM=%s: not a size (a number of MiB, or e.g. 512M, 2G)",
		       s);
	if ((!*end || *end == 'M' || *end == 'm') && v < 64)
		bt_die(BT_EXIT_USAGE, "MEM=%s: too small; give at least 64M", s);
}

/*
 * The defaults of MEM=, CPUS= and TIMEOUT=, one row per workload: make and
 * scripts/boottest/fstests/vm pass on only what the user set.
 *
 * fstests under TCG gets one CPU unless CPUS= is given: check forks
 * hundreds of programs before each test, and with 2 TCG CPUs an SMP guest
 * made its startup 1.65x as long (generic/001 on the fstests profile's
 * kernel: 10.2 s against 6.1 s, 3 runs each, load 3-4 on 2 cores; TLB
 * shootdowns and atomics between emulated CPUs, presumably: not measured);
 * a UP kernel ignores the second CPU anyway.  (Measured with user-space
 * ASLR on; with randomize_va_space=0 under TCG, an idle 2-core host ran 15
 * real fstests in 68-70 s on 2 CPUs, 74-76 s on 1: not yet measured
 * loaded.)
 */
struct vm_workload {
	const char *name;
	const char *mem;
	long cpus;
	long tcg_cpus;		/* when CPUS= is not given */
	long timeout_s;
};

static const struct vm_workload workloads[] = {
	{ .name = "boot", .mem = "1G", .cpus = 2, .tcg_cpus = 2,
	  .timeout_s = 300 },
	{ .name = "fstests", .mem = "2G", .cpus = 2, .tcg_cpus = 1,
	  .timeout_s = 3600 },
};

static const struct vm_workload *workload_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(workloads); i++)
		if (!strcmp(workloads[i].name, name))
			return &workloads[i];
	bt_die(BT_EXIT_USAGE, "--workload %s: give boot or fstests", name);
}

/* What the options left unset comes from the workload's row. */
static void apply_defaults(struct vm_opts *o, const struct vm_workload *w)
{
	if (!o->mem)
		o->mem = w->mem;
	if (!o->cpus) {
		o->cpus = w->cpus;
		if (!o->tcg_cpus)
			o->tcg_cpus = w->tcg_cpus;
	}
	if (!o->timeout_s)
		o->timeout_s = w->timeout_s;
}

static char *self_dir(const char *argv0)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n > 0) {
		buf[n] = '\0';
		return bt_dirname(buf);
	}
	return bt_dirname(argv0);
}

static void make_nonce(char *out, size_t size)
{
	unsigned char r[8];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != sizeof(r)) {
		long long t = bt_now_ms() ^ ((long long)getpid() << 20);

		memcpy(r, &t, sizeof(r));
	}
	for (i = 0; i < sizeof(r) && 2 * i + 2 < size; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

static char *make_run_dir(const char *runs)
{
	char stamp[32], *dir, *latest, *tmp;
	time_t now = time(NULL);
	struct tm tm;

	if (bt_mkdir_p(runs, 0755) < 0)
		bt_die(BT_EXIT_USAGE, "%s: cannot create: %s; choose a writable output directory (O=)",
		       runs, strerror(errno));
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	dir = bt_asprintf("%s/%s-%ld", runs, stamp, (long)getpid());
	if (mkdir(dir, 0755) < 0)
		bt_die(BT_EXIT_USAGE, "%s: cannot create: %s", dir, strerror(errno));
	/* latest -> newest run, replaced atomically. */
	latest = bt_path_join(runs, "latest");
	tmp = bt_asprintf("%s/.latest.tmp.%ld", runs, (long)getpid());
	unlink(tmp);
	if (symlink(strrchr(dir, '/') + 1, tmp) == 0 && rename(tmp, latest) < 0)
		unlink(tmp);
	free(latest);
	free(tmp);
	return dir;
}

/*
 * Every run's KCIDB submission, RUN/kcidb.json, written by the kcidb tool
 * from result.json (its options from the environment: KCIDB_ORIGIN,
 * BT_SRCTREE, BT_KCONFIG, BT_CONFIG_NAME).  A failure is only a warning:
 * the verdict stands.
 */
static void write_kcidb(const struct vm_opts *o, const char *run_dir)
{
	char *tool = vm_tool_path(o, "kcidb");
	char *argv[3] = { tool, (char *)run_dir, NULL };
	int status;

	if (!tool)
		return;
	status = bt_run(argv);
	if (status)
		bt_warn("%s: kcidb.json not written (kcidb exited %d)", run_dir,
			status);
	free(tool);
}

static const struct option longopts[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "rootfs", required_argument, NULL, 'r' },
	{ "runs-dir", required_argument, NULL, 'd' },
	{ "arch", required_argument, NULL, 'a' },
	{ "release", required_argument, NULL, 'R' },
	{ "tools", required_argument, NULL, 'T' },
	{ "workload", required_argument, NULL, 'W' },
	{ "mem", required_argument, NULL, 'm' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "tcg-cpus", required_argument, NULL, 'U' },
	{ "accel", required_argument, NULL, 'X' },
	{ "print-accel", no_argument, NULL, 'P' },
	{ "timeout", required_argument, NULL, 't' },
	{ "append", required_argument, NULL, 'A' },
	{ "host-tsc", no_argument, NULL, 'H' },
	{ "qemu-opts", required_argument, NULL, 'Q' },
	{ "cmd", required_argument, NULL, 'C' },
	{ "tests", required_argument, NULL, 'S' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "dump", no_argument, NULL, 'D' },
	{ "gdb", optional_argument, NULL, 'G' },
	{ "vmlinux", required_argument, NULL, 'L' },
	{ "modules-dir", required_argument, NULL, 'O' },
	{ "runner", required_argument, NULL, 'N' },
	{ "lava-job-only", no_argument, NULL, 'J' },
	{ "lava-url", required_argument, NULL, 'u' },
	{ "lava-device", required_argument, NULL, 'E' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The command line: the options, and what only main needs to know. */
struct vm_cmdline {
	struct vm_opts o;
	const struct vm_workload *work;
	bool print_accel;
};

/* One option of getopt_long into cl; false for an unknown one. */
static bool set_option(struct vm_cmdline *cl, int c, char *arg)
{
	struct vm_opts *o = &cl->o;

	switch (c) {
	case 'k':
		o->kernel = arg;
		break;
	case 'i':
		o->initrd = *arg ? arg : NULL;
		break;
	case 'r':
		o->rootfs = arg;
		break;
	case 'd':
		o->runs_dir = arg;
		break;
	case 'a':
		o->arch = arg;
		break;
	case 'R':
		o->release = *arg ? arg : NULL;
		break;
	case 'T':
		o->tools_dir = arg;
		break;
	case 'W':
		cl->work = workload_find(arg);
		break;
	case 'm':
		o->mem = arg;
		break;
	case 'c':
		o->cpus = parse_num("CPUS", arg, 1, 64);
		break;
	case 'U':
		o->tcg_cpus = parse_num("TCG CPUS", arg, 1, 64);
		break;
	case 't':
		o->timeout_s = parse_num("TIMEOUT", arg, 1, 86400);
		break;
	case 'A':
		o->append = arg;
		break;
	case 'H':
		o->host_tsc = true;
		break;
	case 'Q':
		o->qemu_opts = arg;
		break;
	case 'C':
		o->cmd = arg;
		break;
	case 'S':
		o->tests = *arg ? arg : NULL;
		break;
	case 'v':
		o->verbose = true;
		break;
	case 'X':
		o->accel = vm_accel_parse(arg);
		if (o->accel < 0)
			bt_die(BT_EXIT_USAGE, "ACCEL=%s: give auto, kvm or tcg", arg);
		break;
	case 'P':
		cl->print_accel = true;
		break;
	case 'D':
		o->dump = true;
		break;
	case 'G':
		o->gdb = true;
		o->gdb_wait = !arg || !strcmp(arg, "wait");
		if (arg && strcmp(arg, "wait") && strcmp(arg, "nowait"))
			bt_die(BT_EXIT_USAGE, "--gdb=%s: give wait or nowait (GDB_WAIT=1 or 0)",
			       arg);
		break;
	case 'L':
		o->vmlinux = *arg ? arg : NULL;
		break;
	case 'O':
		o->modules_dir = *arg ? arg : NULL;
		break;
	case 'N':
		if (strcmp(arg, "qemu") && strcmp(arg, "lava"))
			bt_die(BT_EXIT_USAGE, "RUNNER=%s: give qemu or lava", arg);
		o->lava = !strcmp(arg, "lava");
		break;
	case 'J':
		o->lava_job_only = true;
		break;
	case 'u':
		o->lava_url = arg;
		break;
	case 'E':
		o->lava_device = arg;
		break;
	default:
		return false;
	}
	return true;
}

/* The options, the workload's defaults for what they left unset. */
static void parse_options(struct vm_cmdline *cl, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		if (c == 'h') {
			print_usage(stdout);
			exit(0);
		}
		if (!set_option(cl, c, optarg)) {
			print_usage(stderr);
			exit(BT_EXIT_USAGE);
		}
	}
	apply_defaults(&cl->o, cl->work);
}

static const struct vm_arch *arch_find(const char *name)
{
	const struct vm_arch *arch = vm_arch_find(name);

	if (!arch)
		bt_die(BT_EXIT_USAGE, "ARCH=%s: no QEMU entry; known: %s", name,
		       vm_arch_names());
	return arch;
}

/* --print-accel: kvm or tcg (and why on stderr). */
static int print_accel(const struct vm_opts *o)
{
	const struct vm_arch *arch = arch_find(o->arch);
	const char *qemu = getenv("BOOTTEST_QEMU");
	char *why = NULL;

	if (vm_accel_kvm(o, arch, qemu && *qemu ? qemu : arch->qemu, &why)) {
		puts("kvm");
	} else {
		puts("tcg");
		bt_note("%s", why);
	}
	free(why);
	return 0;
}

/* A time in whole seconds from the environment, in ms; else DEF_MS. */
static long env_ms(const char *name, long def_ms)
{
	const char *s = getenv(name);

	return s ? parse_num(name, s, 1, 3600) * 1000 : def_ms;
}

/*
 * What can be checked before the run directory is made: a run that cannot
 * start leaves none.
 */
static const struct vm_arch *check_options(struct vm_opts *o, const char *argv0)
{
	const struct vm_arch *arch;
	char *kwhy;

	if ((o->lava || o->lava_job_only) && (o->dump || o->gdb))
		bt_die(BT_EXIT_USAGE, "RUNNER=lava: DUMP=1 and GDB=1 need QEMU's monitor and gdb stub, which a LAVA job does not give");
	check_mem(o->mem);
	o->kvm_try_ms = env_ms("BOOTTEST_KVM_TRY_S", VM_KVM_TRY_MS);
	o->classify_wait_ms = env_ms("BOOTTEST_CLASSIFY_WAIT_S",
				     VM_CLASSIFY_WAIT_MS);
	arch = arch_find(o->arch);
	o->arch = arch->name;
	if (!bt_is_file(o->kernel))
		bt_die(BT_EXIT_USAGE,
		       "%s: no such kernel image; build one with make (or make boottest-minimal first), or pass KERNEL=",
		       o->kernel);
	if (vm_kernel_check(arch, o->kernel, &kwhy) < 0)
		bt_die(BT_EXIT_USAGE, "%s", kwhy);
	if (!bt_is_file(o->rootfs))
		bt_die(BT_EXIT_USAGE, "%s: no root image; make rootfs writes it",
		       o->rootfs);
	if (o->initrd && !bt_is_file(o->initrd))
		bt_die(BT_EXIT_USAGE, "%s: no such initramfs", o->initrd);
	if (o->tests && !bt_is_file(o->tests) && !bt_is_dir(o->tests))
		bt_die(BT_EXIT_USAGE, "TESTS=%s: no such bats file or directory",
		       o->tests);
	if (!o->tools_dir)
		o->tools_dir = self_dir(argv0);
	return arch;
}

/*
 * The boot itself, by QEMU or a LAVA job, then the guest's results and the
 * report.  Returns the exit status.
 */
static int boot(const struct vm_opts *o, const struct vm_arch *arch,
		const char *results, struct vm_facts *f)
{
	struct vm_guest g = { .cmd_status = -1, .tests_status = -1 };
	int status;

	if (vm_guest_make_disk(o, f->run_dir, results) < 0)
		return BT_EXIT_USAGE;
	if (o->lava_job_only) {
		bt_cleanup_del(results);
		return vm_lava_job(o, arch, results, f) < 0 ? BT_EXIT_USAGE : 0;
	}
	if ((o->lava ? vm_lava_run(o, arch, results, f) :
	     vm_qemu_run(o, arch, results, f)) == 0 && !f->interrupted)
		vm_guest_read_back(o, f->run_dir,
				   f->results_img ? f->results_img : results, &g);
	status = vm_report(o, f, &g);
	write_kcidb(o, f->run_dir);
	return status;
}

static void facts_free(struct vm_facts *f)
{
	free(f->run_dir);
	free(f->qemu_error);
	free(f->last_lines);
	free(f->kvm_fallback);
	free(f->dump_why);
	free(f->dump_path);
	for (size_t i = 0; f->argv && f->argv[i]; i++)
		free(f->argv[i]);
	free(f->argv);
	if (f->lava)
		json_object_put(f->lava);
	if (f->results_fd >= 0)
		close(f->results_fd);
	free(f->results_img);
}

/* A run in its directory, with its results disk; the exit status. */
static int run(const struct vm_opts *o, const struct vm_arch *arch)
{
	struct vm_facts f = { .init_s = -1, .cls_pid = -1, .kcls_pid = -1,
			      .cls_fd = -1, .kcls_fd = -1, .results_fd = -1 };
	char *results;
	int status;

	vm_signals_install();
	make_nonce(f.nonce, sizeof(f.nonce));
	f.run_dir = make_run_dir(o->runs_dir);
	results = bt_path_join(f.run_dir, "results.ext4");
	bt_cleanup_add(results);
	status = boot(o, arch, results, &f);
	bt_cleanup_now();
	free(results);
	facts_free(&f);
	/* Interrupted: end as the signal would have ended vmrun. */
	if (f.interrupted) {
		int sig = vm_signal_pending();

		signal(sig, SIG_DFL);
		raise(sig);
	}
	return status;
}

int main(int argc, char **argv)
{
	struct vm_cmdline cl = { .o = { .arch = "x86_64" }, .work = &workloads[0] };
	const struct vm_arch *arch;

	bt_set_prog(argv[0]);
	parse_options(&cl, argc, argv);
	if (cl.print_accel && optind == argc)
		return print_accel(&cl.o);
	if (optind != argc || !cl.o.kernel || !cl.o.rootfs || !cl.o.runs_dir) {
		print_usage(stderr);
		return BT_EXIT_USAGE;
	}
	arch = check_options(&cl.o, argv[0]);
	return run(&cl.o, arch);
}
