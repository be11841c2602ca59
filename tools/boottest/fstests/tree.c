// SPDX-License-Identifier: GPL-2.0
/*
 * Reading an fstests results tree ($RESULT_BASE as the guest left it,
 * copied out of the results disk) and deciding, once every source is in,
 * which test was running when the guest died and which were never reached.
 * Symlinks in the tree are never followed.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fstests-results.h"
#include "path.h"
#include "strbuf.h"

/* Read a regular file (never through a symlink), at most max bytes. */
static char *slurp(const char *dir, const char *name, size_t max, size_t *len)
{
	char *path = bt_path_join(dir, name), *buf = NULL;
	struct stat st;

	*len = 0;
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    bt_read_file(path, &buf, len, max, NULL) < 0)
		buf = NULL;
	free(path);
	return buf;
}

static bool exists_reg(const char *dir, const char *name)
{
	char *path = bt_path_join(dir, name);
	struct stat st;
	bool ok = lstat(path, &st) == 0 && S_ISREG(st.st_mode);

	free(path);
	return ok;
}

static const char *const suffixes[] = {
	".out.bad", ".full", ".dmesg", ".notrun", ".hints",
};

static char *first_report_lines(const char *s, size_t len)
{
	static const char *const pats[] = {
		"WARNING:", "BUG:", "Oops:", "kernel BUG at", "UBSAN:",
		"general protection fault", "oom-kill", "INFO:",
	};
	struct strbuf sb = STRBUF_INIT;
	const char *p = s, *end = s + len;
	int n = 0;
	size_t k;

	while (p < end && n < FR_DIFF_LINES) {
		const char *nl = memchr(p, '\n', end - p);
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		for (k = 0; k < ARRAY_SIZE(pats); k++) {
			if (memmem(p, l, pats[k], strlen(pats[k]))) {
				sb_add(&sb, p, l > 300 ? 300 : l);
				sb_addch(&sb, '\n');
				n++;
				break;
			}
		}
		p += l + 1;
	}
	return sb.len ? sb_detach(&sb) : (sb_release(&sb), NULL);
}

static void test_files(struct fr_test *t, const char *rdir)
{
	size_t k, len;
	char *base, *buf;

	for (k = 0; k < ARRAY_SIZE(suffixes); k++) {
		base = bt_asprintf("%s%s", t->name, suffixes[k]);
		if (exists_reg(rdir, base))
			t->files |= 1u << k;
		free(base);
	}
	if (t->files & FR_F_NOTRUN) {
		base = bt_asprintf("%s.notrun", t->name);
		buf = slurp(rdir, base, 4096, &len);
		if (buf && (!t->known || t->status == FR_NOTRUN)) {
			t->status = FR_NOTRUN;
			t->known = true;
			if (!t->message) {
				len = strcspn(buf, "\n");
				t->message = bt_strndup(buf, len);
			}
		}
		free(buf);
		free(base);
	}
	if ((t->files & FR_F_OUTBAD) && !t->known) {
		t->status = FR_FAIL;
		t->known = true;
		if (!t->message)
			t->message = bt_asprintf("- output mismatch (see %s.out.bad)",
						 t->name);
	}
	if ((t->files & FR_F_DMESG) && !t->dmesg) {
		base = bt_asprintf("%s.dmesg", t->name);
		buf = slurp(rdir, base, FR_MAX_FILE, &len);
		if (buf)
			t->dmesg = first_report_lines(buf, len);
		free(buf);
		free(base);
	}
}

/*
 * "result.N.xml": the guest runner keeps each ./check's report by that
 * name when it runs ./check once per part of a shared queue.
 */
static bool part_report(const char *name)
{
	size_t n = strspn(name + 7, "0123456789");

	return !strncmp(name, "result.", 7) && n && n < 9 &&
	       !strcmp(name + 7 + n, ".xml");
}

static void read_section(struct fr_run *r, const char *section,
			 const char *rdir)
{
	struct dirent *de;
	size_t len, i;
	char *buf;
	DIR *d;

	fr_section(r, section);
	buf = slurp(rdir, "result.xml", FR_MAX_FILE, &len);
	if (buf)
		fr_parse_xml(r, section, buf, len);
	free(buf);
	d = opendir(rdir);
	for (i = 0; d && i < 100000 && (de = readdir(d)); i++) {
		if (!part_report(de->d_name))
			continue;
		buf = slurp(rdir, de->d_name, FR_MAX_FILE, &len);
		if (buf)
			fr_parse_xml(r, section, buf, len);
		free(buf);
	}
	if (d)
		closedir(d);
	buf = slurp(rdir, "check.log", FR_MAX_FILE, &len);
	if (buf)
		fr_parse_check_log(r, section, buf, len);
	free(buf);
	buf = slurp(rdir, "check.time", FR_MAX_FILE, &len);
	if (buf)
		fr_parse_check_time(r, section, buf, len);
	free(buf);
	for (i = 0; i < r->nt; i++)
		if (!strcmp(r->t[i].section, section))
			test_files(&r->t[i], rdir);
}

int fr_read_tree(struct fr_run *r, const char *dir)
{
	struct dirent *de;
	int sections = 0;
	size_t len;
	char *buf;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return bt_error("%s: cannot read the results directory: %s",
				dir, strerror(errno));
	buf = slurp(dir, "vm-plan", FR_MAX_FILE, &len);
	if (buf)
		fr_parse_plan(r, buf, len);
	free(buf);
	buf = slurp(dir, "vm-status", 4096, &len);
	if (buf && !strncmp(buf, "done ", 5) && isdigit((unsigned char)buf[5])) {
		r->done = true;
		r->check_status = strtol(buf + 5, NULL, 10);
	}
	free(buf);
	while ((de = readdir(d))) {
		char *sub;
		struct stat st;

		if (de->d_name[0] == '.' ||
		    !fr_valid_name(de->d_name, strlen(de->d_name)))
			continue;
		sub = bt_path_join(dir, de->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (exists_reg(sub, "result.xml") || exists_reg(sub, "check.log"))) {
			read_section(r, de->d_name, sub);
			sections++;
		}
		free(sub);
	}
	closedir(d);
	/* Without sections the results are at the top (section "global"). */
	if (!sections && (exists_reg(dir, "result.xml") || exists_reg(dir, "check.log")))
		read_section(r, "global", dir);
	return 0;
}

void fr_finish(struct fr_run *r)
{
	const char *panic_title = NULL;
	long last = -1, prev = -1;
	size_t i, j;

	/* Attribute each kernel report to the test running at its line. */
	for (i = 0; i < r->ncrash; i++) {
		struct fr_crash *k = &r->crash[i];
		long best = 0;
		size_t bi = 0;

		if (k->panicked && !panic_title)
			panic_title = k->title;
		for (j = 0; j < r->nt; j++)
			if (r->start_line[j] > best && k->line > 0 &&
			    r->start_line[j] <= k->line) {
				best = r->start_line[j];
				bi = j;
			}
		if (!best)
			continue;
		k->section = bt_strdup(r->t[bi].section);
		k->test = bt_strdup(r->t[bi].name);
		if (!r->t[bi].kernel_title) {
			r->t[bi].kernel_title = bt_strdup(k->title);
			r->t[bi].kernel_category = bt_strdup(k->category);
		}
	}
	/* The last test started without a recorded outcome was running. */
	for (j = 0; j < r->nt; j++) {
		struct fr_test *t = &r->t[j];

		if (!t->started || t->known)
			continue;
		t->status = FR_CRASHED;
		free(t->message);
		if (t->kernel_title)
			t->message = bt_asprintf("the kernel crashed during this test: %s",
						 t->kernel_title);
		else if (panic_title)
			t->message = bt_asprintf("the kernel crashed: %s",
						 panic_title);
		else if (r->timed_out && !r->done) {
			t->status = FR_TIMEOUT;
			t->message = r->timeout_s > 0 ?
				bt_asprintf("TIMEOUT=%ld s reached during this test: the run was stopped, no result",
					    r->timeout_s) :
				bt_strdup("TIMEOUT reached during this test: the run was stopped, no result");
		} else if (r->interrupted && !r->done) {
			t->status = FR_NOTREACHED;
			t->message = bt_strdup("the run was interrupted during this test; no result");
		} else if (!r->done)
			t->message = bt_strdup("the guest stopped during this test (timeout or crash); no result");
		else
			t->message = bt_strdup("no result recorded for this test");
		if (last < 0 || r->start_line[j] >= r->start_line[last])
			last = j;
	}
	/* Stopped between tests: the last one that finished. */
	for (j = 0; j < r->nt; j++)
		if (r->t[j].known && r->start_line[j] > 0 &&
		    (prev < 0 || r->start_line[j] > r->start_line[prev]))
			prev = j;
	for (j = 0; j < r->nt; j++) {
		struct fr_test *t = &r->t[j];

		if (t->known || t->status == FR_CRASHED ||
		    t->status == FR_TIMEOUT || t->message)
			continue;
		if (last < 0 && prev >= 0 && r->timed_out)
			t->message = bt_asprintf("not reached: the run stopped (TIMEOUT) after %s, between tests",
						 r->t[prev].name);
		else if (last >= 0)
			t->message = bt_asprintf("not reached: the run stopped%s during %s",
						 r->timed_out ? " (TIMEOUT)" : "",
						 r->t[last].name);
		else if (r->timed_out)
			t->message = bt_strdup("not reached: the run stopped (TIMEOUT) before this test");
		else
			t->message = bt_strdup("not reached: the run stopped before this test");
	}
}
