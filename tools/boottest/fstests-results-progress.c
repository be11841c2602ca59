// SPDX-License-Identifier: GPL-2.0
/*
 * Live progress of an fstests run from the guest's console log as it grows:
 * test N of M, its name, elapsed time, failures so far.  On a terminal one
 * line is redrawn; otherwise plain lines, one per test.  Follows the file
 * until the guest runner's "done" line, or until --pid exits.
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

struct prog {
	int tty;
	char cur[192];
	char pos[32];
	long long started;
	long failures;
	long ran;
	bool drawn;
	bool done;
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
	if (!p->tty || !p->cur[0])
		return;
	printf("\r\033[Kfstests: %s %s  %llds  failures: %ld",
	       p->pos, p->cur, (bt_now_ms() - p->started) / 1000, p->failures);
	fflush(stdout);
	p->drawn = true;
}

/* "fstests-vm: VERB SECTION I/N TEST [STATUS SECS MSG]" */
static void line(struct prog *p, const char *l)
{
	char verb[16], sec[64], pos[32], test[96], st[16];
	const char *m = strstr(l, "fstests-vm: ");
	long secs = 0;
	int n;

	if (!m)
		return;
	m += 12;
	n = sscanf(m, "%15s %63s %31s %95s %15s %ld", verb, sec, pos, test, st,
		   &secs);
	if (n >= 4 && !strcmp(verb, "start")) {
		snprintf(p->cur, sizeof(p->cur), "[%s] %s", sec, test);
		snprintf(p->pos, sizeof(p->pos), "%s", pos);
		p->started = bt_now_ms();
		if (!p->tty) {
			printf("fstests: %s %s started\n", pos, p->cur);
			fflush(stdout);
		}
		draw(p);
	} else if (n >= 5 && !strcmp(verb, "end")) {
		p->ran++;
		if (!strcmp(st, "fail"))
			p->failures++;
		if (p->tty && strcmp(st, "fail"))
			return;
		clear(p);
		printf("fstests: %s [%s] %s %s%s%ld s\n", pos, sec, test,
		       st, n >= 6 ? " " : "", n >= 6 ? secs : 0L);
		fflush(stdout);
		draw(p);
	} else if (n >= 1 && (!strcmp(verb, "done") || !strcmp(verb, "error") ||
			      !strcmp(verb, "section") || !strcmp(verb, "note") ||
			      !strcmp(verb, "results-full"))) {
		clear(p);
		printf("fstests: %s\n", m);
		fflush(stdout);
		if (!strcmp(verb, "done"))
			p->done = true;
		p->cur[0] = 0;
	}
}

int fr_progress(const char *log, long pid, int tty)
{
	struct strbuf pend = STRBUF_INIT;
	struct prog p = { .tty = tty };
	char buf[8192];
	int fd = -1;
	bool gone = false;

	for (;;) {
		ssize_t n;

		if (fd < 0)
			fd = open(log, O_RDONLY | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT)
			return bt_error("%s: %s", log, strerror(errno));
		n = fd < 0 ? 0 : read(fd, buf, sizeof(buf));
		if (n > 0) {
			char *nl;

			sb_add(&pend, buf, n);
			while ((nl = memchr(pend.buf, '\n', pend.len))) {
				*nl = 0;
				line(&p, pend.buf);
				memmove(pend.buf, nl + 1, pend.len - (nl + 1 - pend.buf));
				pend.len -= nl + 1 - pend.buf;
				pend.buf[pend.len] = 0;
			}
			if (pend.len > 65536)
				sb_reset(&pend);
			continue;
		}
		if (n < 0 && errno != EINTR)
			break;
		if (p.done || gone || (!pid && fd >= 0))
			break;
		if (pid && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			gone = true;	/* one more pass to drain the file */
			continue;
		}
		draw(&p);
		usleep(250 * 1000);
	}
	clear(&p);
	if (fd >= 0)
		close(fd);
	sb_release(&pend);
	return 0;
}
