// SPDX-License-Identifier: GPL-2.0
/*
 * Live progress of an fstests run from the guest's console log as it grows:
 * test N of M, its name, elapsed time, failures so far.  On a terminal one
 * line is redrawn; otherwise plain lines, one per test.  Follows the file
 * until the guest runner's "done" line, or until --pid exits.
 *
 * Several logs (the shards of make fstests-vm JOBS=N, each a VM taking
 * tests from one queue): N counts the tests finished in all of them, M is
 * --total, each line names its shard (the log's place, from 1), and the
 * terminal line shows every shard's running test.  A log that does not
 * exist yet is opened once it does.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fstests-results.h"
#include "proc.h"
#include "strbuf.h"

struct follow {
	const char *path;
	int fd;
	struct strbuf pend;
	char cur[192];
	char pos[32];
	long long started;
	bool done;
};

struct prog {
	int tty;
	struct follow *f;
	int nf;
	long total;		/* 0: one log, its own I/N */
	long failures;
	long ran;
	bool drawn;
};

static void clear(struct prog *p)
{
	if (p->tty && p->drawn) {
		fputs("\r\033[K", stdout);
		p->drawn = false;
	}
}

static void draw(struct prog *p)
{
	long long now = bt_now_ms();
	int i;

	if (!p->tty)
		return;
	if (p->nf == 1) {
		struct follow *f = &p->f[0];

		if (!f->cur[0])
			return;
		printf("\r\033[Kfstests: %s %s  %llds  failures: %ld",
		       f->pos, f->cur, (now - f->started) / 1000, p->failures);
	} else {
		printf("\r\033[Kfstests: %ld/%ld", p->ran, p->total);
		for (i = 0; i < p->nf; i++)
			if (p->f[i].cur[0])
				printf("  (%d) %s %llds", i + 1, p->f[i].cur,
				       (now - p->f[i].started) / 1000);
		printf("  failures: %ld", p->failures);
	}
	fflush(stdout);
	p->drawn = true;
}

/* "fstests-vm: VERB SECTION I/N TEST [STATUS SECS MSG]" */
static void line(struct prog *p, struct follow *f, int k, const char *l)
{
	char verb[16], sec[64], pos[32], test[96], st[16], sh[24] = "";
	const char *m = strstr(l, "fstests-vm: ");
	long secs = 0;
	int n;

	if (!m)
		return;
	m += 12;
	if (p->nf > 1)
		snprintf(sh, sizeof(sh), " (shard %d)", k + 1);
	n = sscanf(m, "%15s %63s %31s %95s %15s %ld", verb, sec, pos, test, st,
		   &secs);
	if (n >= 4 && !strcmp(verb, "start")) {
		snprintf(f->cur, sizeof(f->cur), "[%s] %s", sec, test);
		snprintf(f->pos, sizeof(f->pos), "%s", pos);
		f->started = bt_now_ms();
		if (!p->tty) {
			if (p->nf > 1)
				printf("fstests: [%s] %s started%s\n", sec, test, sh);
			else
				printf("fstests: %s %s started\n", pos, f->cur);
			fflush(stdout);
		}
		draw(p);
	} else if (n >= 5 && !strcmp(verb, "end")) {
		p->ran++;
		if (!strcmp(st, "fail"))
			p->failures++;
		if (p->nf > 1)
			f->cur[0] = 0;
		if (p->tty && strcmp(st, "fail")) {
			draw(p);
			return;
		}
		clear(p);
		if (p->nf > 1)
			snprintf(pos, sizeof(pos), "%ld/%ld", p->ran, p->total);
		printf("fstests: %s [%s] %s %s%s%ld s%s\n", pos, sec, test,
		       st, n >= 6 ? " " : "", n >= 6 ? secs : 0L, sh);
		fflush(stdout);
		draw(p);
	} else if (n >= 1 && (!strcmp(verb, "done") || !strcmp(verb, "error") ||
			      (!strcmp(verb, "section") && p->nf == 1) ||
			      !strcmp(verb, "note") ||
			      !strcmp(verb, "results-full"))) {
		clear(p);
		if (p->nf > 1)
			printf("fstests: shard %d: %s\n", k + 1, m);
		else
			printf("fstests: %s\n", m);
		fflush(stdout);
		if (!strcmp(verb, "done"))
			f->done = true;
		f->cur[0] = 0;
	}
}

/* Read what the log has: 1 something, 0 nothing new, -1 error. */
static int poll_log(struct prog *p, int k)
{
	struct follow *f = &p->f[k];
	char buf[8192];
	ssize_t n;
	char *nl;

	if (f->fd < 0)
		f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return errno == ENOENT ? 0 : -1;
	n = read(f->fd, buf, sizeof(buf));
	if (n < 0 && errno != EINTR)
		return -1;
	if (n <= 0)
		return 0;
	sb_add(&f->pend, buf, n);
	while ((nl = memchr(f->pend.buf, '\n', f->pend.len))) {
		*nl = 0;
		line(p, f, k, f->pend.buf);
		memmove(f->pend.buf, nl + 1,
			f->pend.len - (nl + 1 - f->pend.buf));
		f->pend.len -= nl + 1 - f->pend.buf;
		f->pend.buf[f->pend.len] = 0;
	}
	if (f->pend.len > 65536)
		sb_reset(&f->pend);
	return 1;
}

int fr_progress(const char *const *logs, int nlogs, long total, long pid,
		int tty)
{
	struct prog p = { .tty = tty, .nf = nlogs, .total = total };
	bool gone = false;
	int i, rc = 0;

	p.f = calloc(nlogs, sizeof(*p.f));
	if (!p.f)
		return bt_error("out of memory");
	for (i = 0; i < nlogs; i++) {
		p.f[i].path = logs[i];
		p.f[i].fd = -1;
	}
	for (;;) {
		bool any = false, all_done = true, all_open = true;

		for (i = 0; i < nlogs; i++) {
			int got;

			while ((got = poll_log(&p, i)) > 0)
				any = true;
			if (got < 0) {
				rc = bt_error("%s: %s", logs[i], strerror(errno));
				goto out;
			}
			all_done &= p.f[i].done;
			all_open &= p.f[i].fd >= 0;
		}
		if (any)
			continue;
		if (all_done || gone || (!pid && all_open))
			break;
		if (pid && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			gone = true;	/* one more pass to drain the files */
			continue;
		}
		draw(&p);
		usleep(250 * 1000);
	}
out:
	clear(&p);
	for (i = 0; i < nlogs; i++) {
		if (p.f[i].fd >= 0)
			close(p.f[i].fd);
		sb_release(&p.f[i].pend);
	}
	free(p.f);
	return rc;
}
