/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report-html: one self-contained HTML page per run directory (report.html
 * beside result.json), written from result.json, the classifier's JSON and
 * the console log.  Plain HTML, inline CSS and inline SVG: no script, no
 * network; every byte that comes from the guest is escaped (rh_esc).
 */
#ifndef BOOTTEST_REPORT_HTML_H
#define BOOTTEST_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

/* ---- escaping and small writers (html-esc.c) ---- */

/* s[0..n) as HTML text or attribute value: &<>"' escaped, control bytes U+FFFD. */
void rh_esc(FILE *f, const char *s, size_t n);
/* The same for a NUL-terminated string; NULL writes nothing. */
void rh_escs(FILE *f, const char *s);
/* A relative path as a URL: bytes but [A-Za-z0-9._/~-] percent-encoded. */
void rh_href(FILE *f, const char *path);
/* A decimal number, faster than fprintf in the console's loop. */
void rh_num(FILE *f, unsigned long v);
/* Does the page text contain only tags this writer makes (rh_tags_ok)? */
bool rh_tags_ok(const char *page, size_t len);

/* ---- the console log (html-log.c) ---- */

struct rh_line {
	size_t off;		/* of the text after the priority prefix */
	size_t len;
	double ts;		/* the kernel's [ seconds] or -1 */
	signed char prio;	/* syslog level 0-7, -1 when the line has none */
	unsigned char mark;	/* RH_CRASH, RH_CRASH_START ... */
};

#define RH_CRASH	0x01	/* inside a crash report */
#define RH_CRASH_START	0x02	/* first line of a crash report */
#define RH_SHOW		0x04	/* shown when a long log is folded */
#define RH_ERROR	0x08	/* the classifier counted it an error */
#define RH_WARN		0x10	/* ... a warning */

struct rh_log {
	const char *buf;	/* the whole file */
	size_t len;
	struct rh_line *line;	/* line[0] is line 1 */
	size_t n;
};

/* Split buf into lines (the log keeps pointing into buf). */
void rh_log_parse(struct rh_log *log, const char *buf, size_t len);
void rh_log_free(struct rh_log *log);
/* The timestamp of line no (1-based), or of the nearest line before it. */
double rh_log_ts(const struct rh_log *log, long no);
/* Mark crash report lines [start, end] (1-based) and classifier lines. */
void rh_log_mark(struct rh_log *log, long start, long end, unsigned int mark);
/* Write the console section: lines with anchors, long runs folded. */
void rh_log_write(FILE *f, struct rh_log *log);

/* ---- the boot timeline (html-svg.c) ---- */

struct rh_event {
	const char *label;	/* static text */
	double ts;		/* kernel seconds */
	long line;		/* console line, 0 when none */
	int kind;		/* RH_EV_* */
};

enum { RH_EV_MILESTONE, RH_EV_CRASH, RH_EV_WARN };

struct rh_initcall {
	char *name;
	double start;		/* kernel seconds */
	double secs;
};

struct rh_timeline {
	double offset;		/* host seconds of kernel time 0; <0: unknown */
	double qemu_end;	/* host seconds QEMU ran, <0: unknown */
	struct rh_event ev[64];
	int nev;
	struct rh_initcall *ic;	/* the slowest, longest first */
	size_t nic;
	bool initcall_debug;	/* the kernel printed initcall lines */
	double init_uptime;	/* boottest-init's "started" uptime, or -1 */
};

/* Milestones of a console log: first kernel line, Run /init, boottest-init. */
void rh_timeline_scan(struct rh_timeline *t, const struct rh_log *log);
/* The slowest initcalls of a log with initcall_debug (kmsg.log or console). */
void rh_timeline_initcalls(struct rh_timeline *t, const struct rh_log *log,
			   size_t keep);
void rh_timeline_add(struct rh_timeline *t, const char *label, double ts,
		     long line, int kind);
void rh_timeline_write(FILE *f, const struct rh_timeline *t);
void rh_timeline_free(struct rh_timeline *t);

/* ---- fstests and bisect sections ---- */

/*
 * The fstests section from fstests-results' document: doc (result.json's
 * "fstests"), else RUN/fstests.json; false when neither is there.
 */
bool rh_fstests_write(FILE *f, const char *run_dir, struct json_object *doc);
/* A page for a bisect directory (steps, git-bisect.out, step logs). */
int rh_bisect_page(const char *dir, const char *out);
/* The page's head (title escaped) and its end. */
void rh_page_start(FILE *f, const char *title);
void rh_page_end(FILE *f);

#endif
