/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fstests-results: the results of an fstests run (a results tree copied out
 * of a guest, the guest's console log, the kernel verdict) as one model.
 * Everything read here was written by a guest that may have crashed or been
 * hostile: every parser is bounded and tolerant.
 */
#ifndef BOOTTEST_FSTESTS_RESULTS_H
#define BOOTTEST_FSTESTS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

enum fr_status {
	FR_NOTREACHED,	/* planned, never started (or interrupted: no result) */
	FR_PASS,
	FR_FAIL,
	FR_NOTRUN,
	FR_EXPUNGED,
	FR_CRASHED,	/* running when the guest died or stopped */
	FR_TIMEOUT,	/* running when the run hit TIMEOUT= (no crash) */
};

/* Per-test files found in the results tree. */
#define FR_F_OUTBAD	0x01
#define FR_F_FULL	0x02
#define FR_F_DMESG	0x04
#define FR_F_NOTRUN	0x08
#define FR_F_HINTS	0x10

struct fr_test {
	char *section;
	char *name;
	enum fr_status status;
	long time;		/* seconds; -1 unknown */
	char *message;		/* failure message, not-run reason, crash */
	char *diff;		/* first lines of the output diff */
	char *dmesg;		/* first kernel report lines of .dmesg */
	char *kernel_title;	/* classifier title of a report in this test */
	char *kernel_category;
	unsigned int files;
	bool started;		/* seen starting on the console */
	bool known;		/* some source gave its outcome */
	int shard;		/* merged shards: the one whose outcome this is */
	int tries;		/* merged shards: how many were handed the test */
};

struct fr_section {
	char *name;
	char *fstyp;
	char *kernel;
	char *mkfs_options;
	char *mount_options;
	long time;		/* -1 unknown */
	bool summary;		/* check wrote its end-of-section summary */
	bool interrupted;
};

struct fr_crash {
	char *category;
	char *title;
	long line;		/* console line (1-based), 0 unknown */
	bool panicked;
	char *section;		/* test it happened in, or NULL */
	char *test;
	int shard;		/* merged shards: whose kernel, else 0 */
};

struct fr_run {
	struct fr_section *sec;
	size_t nsec;
	struct fr_test *t;
	size_t nt;
	struct fr_crash *crash;
	size_t ncrash;
	char *cur_section;	/* section of the last console event */
	long check_status;	/* ./check's exit status; -1 unknown */
	bool done;		/* the guest runner finished */
	bool timed_out;		/* the boot's verdict: TIMEOUT= reached */
	long timeout_s;		/* that TIMEOUT=, -1 unknown */
	bool interrupted;	/* the boot's verdict: stopped by SIGINT/TERM */
	bool have_plan;
	bool have_console;
	char *error;		/* runner-reported error, if any */
	/* the results disk filled up: by this test, of this size */
	char *full_section;
	char *full_test;
	long full_kib;
	/* console: line number at which each test started */
	long *start_line;	/* parallel to t[] */
	int nshards;		/* shards merged into this run (0: one VM) */
};

/* Limits on untrusted input. */
#define FR_MAX_TESTS	100000
#define FR_MAX_SECTIONS	256
#define FR_MAX_FILE	(64 << 20)
#define FR_SNIPPET	(64 << 10)
#define FR_DIFF_LINES	12

void fr_init(struct fr_run *r);
void fr_free(struct fr_run *r);

struct fr_section *fr_section(struct fr_run *r, const char *name);
/* Find or add; NULL when the name is invalid or a limit is reached. */
struct fr_test *fr_test(struct fr_run *r, const char *section,
			const char *name);
bool fr_valid_name(const char *s, size_t len);

/* In-memory parsers (the fuzz target calls these directly). */
void fr_parse_xml(struct fr_run *r, const char *section, const char *buf,
		  size_t len);
void fr_parse_check_log(struct fr_run *r, const char *section,
			const char *buf, size_t len);
void fr_parse_check_time(struct fr_run *r, const char *section,
			 const char *buf, size_t len);
void fr_parse_plan(struct fr_run *r, const char *buf, size_t len);
void fr_parse_console(struct fr_run *r, const char *buf, size_t len);
/* The boot's verdict (vmrun's result.json): crashes, TIMEOUT=. */
struct bt_result;
void fr_parse_kernel(struct fr_run *r, const struct bt_result *k);

/* Read a results tree (RESULT_BASE). Returns 0, or -1 if unreadable. */
int fr_read_tree(struct fr_run *r, const char *dir);

/* After all sources: decide crashed / not reached, attribute crashes. */
void fr_finish(struct fr_run *r);

/*
 * Shards (make fstests-vm JOBS=N): merge a finished shard's run (shard
 * numbers from 1); then the queue's "SECTION TEST REASON" lines of tests
 * no shard started.  The merged run needs no fr_finish.
 */
void fr_merge_shard(struct fr_run *r, const struct fr_run *s, int shard);
void fr_parse_unrun(struct fr_run *r, const char *buf, size_t len);

/* Reports. */
struct json_object *fr_to_json(const struct fr_run *r);
/* Compare with a baseline result.json; adds "baseline" to out. */
int fr_baseline(struct json_object *out, struct json_object *base,
		const char *base_name, bool complete);
void fr_write_junit(FILE *f, const struct fr_run *r);
void fr_write_text(FILE *f, struct json_object *out);
/* 0 all ran tests passed, 1 failure/crash/regression, 2 nothing ran. */
int fr_exit_status(struct json_object *out);

const char *fr_status_str(enum fr_status s);

/*
 * Console progress follower (fstests-results --progress): one log, or the
 * logs of shards with the run's TOTAL number of tests.
 */
int fr_progress(const char *const *logs, int nlogs, long total, long pid,
		int tty);

#endif
