/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmrun: boot a kernel in QEMU on the boottest root, watch the console,
 * bring the guest's results home and write the verdict.
 *
 *   vmrun.c     options, run directory, orchestration, exit status
 *   arch.c      per-architecture QEMU facts (one table), kernel head check
 *   qemu.c      QEMU command line, console streaming, timeout, signals
 *   guest.c     results disk: create, read back, parse (untrusted)
 *   report.c    classifier, result.json, junit.xml, result.tap, summary
 *   qmp.c       QMP client (QEMU's monitor) for DUMP=1
 *   qmp-msg.c   QMP messages: lines, events, replies (untrusted)
 *   dump.c      DUMP=1: the guest's memory as an ELF core
 *   lava.c      RUNNER=lava: the boot as a LAVA job run by lava-run
 *   lava-log.c  LAVA's job log (YAML lines): console, results (untrusted)
 */
#ifndef BOOTTEST_VMRUN_H
#define BOOTTEST_VMRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <json-c/json.h>

struct vm_arch {
	const char *name;	/* kinspect's name: x86_64, arm64 */
	const char *qemu;	/* qemu-system-* binary */
	const char *deb;	/* Debian package providing it */
	const char *machine;
	const char *cpu;
	const char *console;	/* guest console device */
	const char *blk;	/* virtio block device model */
	const char *append;	/* kernel options of every boot, or NULL */
	unsigned int kernel_formats;	/* VM_KFMT_* QEMU boots */
	unsigned short elf_machine[2];	/* with VM_KFMT_ELF, 0: none */
	const char *kernel_hint;	/* what to give instead */
};

/* Kernel file formats, as vm_kernel_check() tells them by their head. */
enum {
	VM_KFMT_BZIMAGE = 1 << 0,	/* x86 boot protocol */
	VM_KFMT_ELF = 1 << 1,		/* an ELF of .elf_machine, PVH note */
	VM_KFMT_IMAGE = 1 << 2,		/* arm64 Image */
	VM_KFMT_GZIP = 1 << 3,		/* gzip of another format (Image.gz) */
};
/* How much of a kernel file's head the check reads; where formats are told. */
#define VM_KHEAD_MAX	(64 << 10)
#define VM_KFMT_HEAD	4096

struct Elf;

enum vm_accel { VM_ACCEL_AUTO, VM_ACCEL_KVM, VM_ACCEL_TCG };

const struct vm_arch *vm_arch_find(const char *name);
const char *vm_arch_names(void);
int vm_kernel_head_check(const struct vm_arch *arch, const void *head,
			 size_t len, struct Elf *elf, const char *path,
			 char **why);
int vm_kernel_check(const struct vm_arch *arch, const char *path,
		    char **why);
unsigned long vm_host_tsc_khz(void);

struct vm_opts {
	const char *kernel;
	const char *initrd;
	const char *rootfs;
	const char *arch;
	const char *release;
	const char *runs_dir;	/* parent of <time>-<pid>/ and latest */
	const char *tools_dir;	/* mkrootfs, rootfs-extract, dmesg-classify */
	const char *mem;
	long cpus;
	long tcg_cpus;		/* CPUs under TCG, 0: cpus */
	long timeout_s;
	const char *append;
	const char *qemu_opts;
	const char *cmd;
	const char *tests;
	bool verbose;
	bool dump;		/* DUMP=1: vmcore on a panic or the timeout */
	bool gdb;		/* GDB=1: gdb stub, no timeout */
	bool gdb_wait;		/* ... and QEMU waits for gdb (-S) */
	const char *vmlinux;	/* ELF with the symbols (gdb, file:line) */
	const char *modules_dir; /* .ko files with symbols (modules.order) */
	bool host_tsc;		/* x86_64 TCG: the guest told the TSC rate */
	int accel;		/* enum vm_accel */
	long kvm_try_ms;	/* an automatic KVM try gives up after this */
	long classify_wait_ms;	/* the classifiers may run this long after QEMU */
	bool lava;		/* RUNNER=lava: boot through lava-run */
	bool lava_job_only;	/* write the LAVA job, do not run it */
	const char *lava_url;	/* artifacts' URL prefix (default file://) */
	const char *lava_device; /* the program rendering device.yaml */
};

/* What happened while QEMU ran. */
struct vm_facts {
	char *run_dir;
	char nonce[33];
	char **argv;		/* QEMU command line */
	const char *accel;
	char *kvm_fallback;	/* why a KVM try gave way to TCG, or NULL */
	bool kernel_seen;	/* a kernel line, or the init's marker, came */
	long long start_ms;
	double duration_s;
	double init_s;		/* < 0: init marker not seen */
	bool init_reached;
	bool finished;
	bool timed_out;
	bool interrupted;
	bool panic_seen;
	bool qemu_started;
	int qemu_status;	/* raw wait status */
	double qemu_cpu_s;	/* its user + system time (0: killed) */
	double qemu_start_epoch, qemu_exit_epoch; /* wall clock, s (0: unknown) */
	bool qemu_killed;	/* by us */
	char *qemu_error;	/* first lines QEMU wrote on stderr */
	char *last_lines;	/* last console lines, for "no init" reasons */
	int gdb_port;		/* GDB=1: the stub's TCP port */
	const char *dump_reason; /* DUMP=1: why a dump was taken */
	char *dump_path;	/* the vmcore written, or NULL */
	char *dump_why;		/* why there is none (DUMP=1) */
	long long dump_size, dump_load_bytes;
	double dump_seconds;
	bool dump_vmcoreinfo;
	/*
	 * dmesg-classify started with QEMU, reading the console as it
	 * streams (cls) and later the guest's kmsg.log (kcls) on stdin, so
	 * that their start-up is not paid after QEMU exits.  -1: none.
	 */
	pid_t cls_pid, kcls_pid;
	int cls_fd, kcls_fd;
	struct json_object *lava; /* RUNNER=lava: LAVA's own outcome */
	/* The results disk the guest wrote when not vmrun's (LAVA's copy). */
	char *results_img;
	int results_fd;		/* ... held open: -1 none */
};

/* Results read back from the results disk (guest-controlled data). */
struct vm_guest {
	bool have_results;
	bool done;
	int cmd_status;		/* -1: unknown */
	int tests_status;	/* -1: unknown */
	long tests_total, tests_pass, tests_fail, tests_skip;
	char *tests_failed_names; /* newline-separated, bounded */
};

/* accel.c: KVM or TCG, and what a failed KVM boot taught */
#define VM_KVM_TRY_MS	10000
/* report.c: how long the classifiers may take after QEMU exits */
#define VM_CLASSIFY_WAIT_MS	120000
int vm_accel_parse(const char *s);
bool vm_accel_kvm(const struct vm_opts *o, const struct vm_arch *arch,
		  const char *qemu, char **why);
void vm_accel_record(const char *qemu, const char *reason);
char *vm_accel_record_path(void);
char *vm_accel_which(const char *prog);

/* qemu.c */
char *vm_kernel_cmdline(const struct vm_opts *o, const struct vm_arch *arch,
			const struct vm_facts *f, bool kvm);
struct vm_console;
struct vm_console *vm_console_open(const struct vm_opts *o, struct vm_facts *f);
void vm_console_data(struct vm_console *c, const char *buf, size_t n);
void vm_console_close(struct vm_console *c);
int vm_qemu_run(const struct vm_opts *o, const struct vm_arch *arch,
		const char *results_img, struct vm_facts *f);
void vm_signals_install(void);
int vm_signal_pending(void);

/* guest.c */
int vm_guest_make_disk(const struct vm_opts *o, const char *run_dir,
		       const char *img);
int vm_guest_read_back(const struct vm_opts *o, const char *run_dir,
		       const char *img, struct vm_guest *g);
int vm_parse_status(const char *buf, size_t len, int *value);
void vm_parse_tap(const char *buf, size_t len, struct vm_guest *g);
char *vm_tool_path(const struct vm_opts *o, const char *name);

/* qmp.c */
#define VM_QMP_EV_SHUTDOWN	0x1
#define VM_QMP_EV_STOP		0x2
#define VM_QMP_EV_RESET		0x4
#define VM_QMP_EV_EOF		0x8
struct vm_qmp;
char *vm_qmp_socket_path(const char *run_dir, int *dirfd);
struct vm_qmp *vm_qmp_connect(const char *path, pid_t qemu, long timeout_ms);
int vm_qmp_fd(const struct vm_qmp *q);
unsigned int vm_qmp_events(struct vm_qmp *q);
int vm_qmp_execute(struct vm_qmp *q, const char *cmd, struct json_object *args,
		   long timeout_ms, char **errmsg);
void vm_qmp_close(struct vm_qmp *q);

/* qmp-msg.c: what QEMU's monitor sent, apart from the socket */
struct strbuf;
/*
 * Handle the complete lines in *in (removed from it), setting VM_QMP_EV_*
 * in *events; returns the first message that is not an event (the caller
 * puts it) or NULL.  An unterminated line over 1 MiB is dropped.
 */
struct json_object *vm_qmp_drain(struct strbuf *in, unsigned int *events);
bool vm_qmp_is_greeting(struct json_object *msg);
/* 0 for {"return": ...}; else -1 and *errmsg (when errmsg) = error.desc. */
int vm_qmp_reply_result(struct json_object *reply, char **errmsg);

/* dump.c */
int vm_dump_take(struct vm_qmp *q, struct vm_facts *f, const char *why);

/* postmortem.c: result.json keys, summary lines, file:line */
struct bt_result;
void vm_postmortem_result(const struct vm_opts *o, const struct vm_facts *f,
			  struct bt_result *r);
void vm_postmortem_summary(const struct vm_opts *o, const struct vm_facts *f,
			   const struct bt_result *r);
void vm_postmortem_symbolize(const struct vm_opts *o, const char *console_log,
			     struct json_object *crashes);

/* lava.c */
int vm_lava_job(const struct vm_opts *o, const struct vm_arch *arch,
		const char *results_img, struct vm_facts *f);
int vm_lava_run(const struct vm_opts *o, const struct vm_arch *arch,
		const char *results_img, struct vm_facts *f);

/* lava-log.c: one line of lava-run's log */
enum vm_lava_kind {
	VM_LAVA_OTHER,
	VM_LAVA_CONSOLE,	/* text: a console line (target, feedback) */
	VM_LAVA_RESULT,		/* an action's result */
	VM_LAVA_SAVED,		/* text: where a download was saved */
	VM_LAVA_MESSAGE,	/* text: any other message */
};
struct vm_lava_rec {
	enum vm_lava_kind kind;
	const char *text;	/* not NUL-free for console lines: use len */
	size_t len;
	const char *rcase, *result, *error_msg, *error_type, *label;
	void *doc;		/* the parsed line, which the strings are in */
};
/*
 * Parse one line (-1: not a YAML mapping, r->kind OTHER); the strings of *r
 * live until vm_lava_rec_free(r), which is due after a 0 return.
 */
int vm_lava_parse(const char *line, size_t len, struct vm_lava_rec *r);
void vm_lava_rec_free(struct vm_lava_rec *r);

/* report.c */
void vm_classify_start(const struct vm_opts *o, struct vm_facts *f);
void vm_classify_feed(struct vm_facts *f, const char *buf, size_t len);
int vm_report(const struct vm_opts *o, const struct vm_facts *f,
	      const struct vm_guest *g);

#endif
