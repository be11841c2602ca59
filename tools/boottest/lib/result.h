/* SPDX-License-Identifier: GPL-2.0 */
/*
 * result.json, the verdict of one boot (schema "boottest-result/1"): the
 * one definition of its keys, with a reader and a writer.  vmrun writes
 * it, fstests-results reads it and merges its "fstests" key into it.
 * Documentation/dev-tools/boottest.rst has the table of keys.
 *
 * Every string and array is owned by the struct and freed by
 * bt_result_free(); a NULL string is written as JSON null.  The "fstests"
 * document and the keys this version does not know ("extra", at the top
 * and in each crash) are json-c objects held by one reference each: they
 * come back out of the writer unchanged, after the known keys.
 */
#ifndef BOOTTEST_RESULT_H
#define BOOTTEST_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#define BT_RESULT_SCHEMA	"boottest-result/1"
/* Seconds are written with this many decimals (the clocks give ms). */
#define BT_RESULT_SEC_DIGITS	3

/* One location of an inlining chain (ksymbolize). */
struct bt_result_loc {
	char *function;
	char *source;			/* "path/file.c:LINE" */
};

/* file:line of one stack frame ("stack_sources" entry). */
struct bt_result_source {
	bool placed;			/* false: JSON null, not placed */
	char *source;			/* innermost file:line, NULL unknown */
	struct bt_result_loc *inlined;	/* innermost first; written when n > 0 */
	size_t ninlined;
};

/* One kernel report, as dmesg-classify --json gives it. */
struct bt_result_crash {
	char *category;			/* panic, oops, bug, warning, kasan, ... */
	char *title;			/* syzbot-style title */
	char **alt;			/* alternative titles */
	size_t nalt;
	char *frame;			/* the frame the title names; NULL none */
	long start_line, end_line;	/* 1-based lines of the console log */
	bool panicked;			/* the kernel panicked after it */
	bool corrupted;			/* report cut or interleaved */
	char **stack;			/* "func+0x1/0x2 [mod]" */
	size_t nstack;
	int is_new;			/* "new" (--baseline): -1 absent, 0, 1 */
	/* "stack_sources" (kernels with line tables): nsources 0 absent */
	struct bt_result_source *sources;
	size_t nsources;
	struct json_object *extra;	/* other keys, in order; NULL none */
};

struct bt_result {
	char *verdict;		/* "clean", a crash category, "timeout", ... */
	int exit_status;	/* 0 clean, 1 kernel/test failure, 2 infra */
	char *reason;		/* one line saying why */
	struct {
		char *path, *initrd, *release, *arch;
	} kernel;
	struct {
		char **argv;
		size_t argc;
		char *accel;		/* "kvm" / "tcg" */
		char *kvm_fallback;	/* why KVM was not used; NULL */
		char *status;		/* "exited with status 0"; NULL killed */
		bool killed;
		double cpu_s;		/* user + system CPU time of QEMU */
		double started_at;	/* epoch seconds; 0 never started */
		double exited_at;
	} qemu;
	char *run_dir;
	char *nonce;
	long timeout_s;
	double duration_s;
	bool timed_out;
	struct {
		bool reached;
		double seconds;		/* when it was reached; < 0: null */
		bool finished;
	} init;
	struct {			/* CMD= */
		bool present;
		char *command;
		int status;		/* < 0: null (unknown) */
	} cmd;
	struct {			/* TESTS= (bats) */
		bool present;
		char *path;
		int status;
		long total, passed, failed, skipped;
		char *failed_names;	/* NULL none */
	} tests;
	struct bt_result_crash *crashes;
	size_t ncrashes;
	long errors, warnings;	/* kernel messages by level; -1 unknown */
	struct {
		char *tool;		/* "dmesg-classify" */
		char *verdict;		/* its own verdict: "clean" / "crash" */
	} classifier;
	struct {			/* DUMP=1 */
		bool present;
		char *path;		/* NULL: no dump, then why says why */
		long long size, load_bytes;
		bool vmcoreinfo;
		char *reason;
		double seconds;
		char *why;
	} dump;
	struct {			/* GDB=1 */
		bool present;
		int port;
		bool wait;
		char *command;
	} gdb;
	struct json_object *fstests;	/* fstests-results' document; NULL */
	struct json_object *extra;	/* other top-level keys; NULL none */
};

/* Empty result: numbers that can be unknown are -1, init.seconds -1. */
void bt_result_init(struct bt_result *r);
void bt_result_free(struct bt_result *r);
void bt_result_crash_free(struct bt_result_crash *c);

/*
 * Read path into r (initialised here).  Returns 0, or -1 with a message
 * naming the file and the key when it is not a result.json of this schema
 * or a known key has the wrong type; r is then empty.  Absent keys keep
 * the bt_result_init() values.
 */
int bt_result_read(const char *path, struct bt_result *r);
/* The same from a parsed document; name is used in messages. */
int bt_result_from_json(struct json_object *o, const char *name,
			struct bt_result *r);
/* One crash object (dmesg-classify --json "crashes" entry) into c. */
int bt_result_crash_from_json(struct json_object *o, const char *name,
			      struct bt_result_crash *c);
/* Append dmesg-classify's "crashes" array to r->crashes. */
int bt_result_add_crashes(struct bt_result *r, struct json_object *crashes,
			  const char *name);

/* The document (a new reference), and written atomically, pretty. */
struct json_object *bt_result_to_json(const struct bt_result *r);
int bt_result_write(const char *path, const struct bt_result *r);

#endif
