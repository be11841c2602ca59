/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmrun: boot a kernel in QEMU on the boottest root, watch the console,
 * bring the guest's results home and write the verdict.
 *
 *   vmrun.c          options, run directory, orchestration, exit status
 *   vmrun-arch.c     per-architecture QEMU facts (one table)
 *   vmrun-qemu.c     QEMU command line, console streaming, timeout, signals
 *   vmrun-guest.c    results disk: create, read back, parse (untrusted)
 *   vmrun-report.c   classifier, result.json, junit.xml, result.tap, summary
 */
#ifndef BOOTTEST_VMRUN_H
#define BOOTTEST_VMRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

struct vm_arch {
	const char *name;	/* kinspect's name: x86_64, arm64 */
	const char *qemu;	/* qemu-system-* binary */
	const char *deb;	/* Debian package providing it */
	const char *machine;
	const char *cpu;
	const char *console;	/* guest console device */
	const char *blk;	/* virtio block device model */
};

const struct vm_arch *vm_arch_find(const char *name);
const char *vm_arch_names(void);

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
	long timeout_s;
	const char *append;
	const char *qemu_opts;
	const char *cmd;
	const char *tests;
	bool verbose;
	bool bisect;
};

/* What happened while QEMU ran. */
struct vm_facts {
	char *run_dir;
	char nonce[33];
	char **argv;		/* QEMU command line */
	const char *accel;
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
	bool qemu_killed;	/* by us */
	char *qemu_error;	/* first lines QEMU wrote on stderr */
	char *last_lines;	/* last console lines, for "no init" reasons */
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

/* vmrun-qemu.c */
int vm_qemu_run(const struct vm_opts *o, const struct vm_arch *arch,
		const char *results_img, struct vm_facts *f);
void vm_signals_install(void);
int vm_signal_pending(void);

/* vmrun-guest.c */
int vm_guest_make_disk(const struct vm_opts *o, const char *run_dir,
		       const char *img);
int vm_guest_read_back(const struct vm_opts *o, const char *run_dir,
		       const char *img, struct vm_guest *g);
int vm_parse_status(const char *buf, size_t len, int *value);
void vm_parse_tap(const char *buf, size_t len, struct vm_guest *g);
char *vm_tool_path(const struct vm_opts *o, const char *name);

/* vmrun-report.c */
int vm_report(const struct vm_opts *o, const struct vm_facts *f,
	      const struct vm_guest *g);

#endif
