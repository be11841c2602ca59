// SPDX-License-Identifier: GPL-2.0
/*
 * The shards of make fstests-vm JOBS=N: each shard is a VM that took tests
 * from one queue and was read into a run of its own (fr_finish done: its
 * crashes are on its tests).  Merged, they are one run, as if one VM had
 * run every test: each test keeps the outcome of the shard that got
 * furthest with it (a test handed back by a shard that stopped before it,
 * then run by another, is that other's result) and the shard's number;
 * the queue's list of tests no shard started gives those their reason.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fstests-results.h"

/* How far a shard got with a test: a result, a start, nothing. */
static int rank(const struct fr_test *t)
{
	if (t->known)
		return 3;
	if (t->started || t->status == FR_CRASHED || t->status == FR_TIMEOUT)
		return 2;
	return 1;
}

static char *dup_or_null(const char *s)
{
	return s ? bt_strdup(s) : NULL;
}

static void copy_test(struct fr_test *d, const struct fr_test *s)
{
	free(d->message);
	free(d->diff);
	free(d->dmesg);
	free(d->kernel_title);
	free(d->kernel_category);
	d->status = s->status;
	d->time = s->time;
	d->message = dup_or_null(s->message);
	d->diff = dup_or_null(s->diff);
	d->dmesg = dup_or_null(s->dmesg);
	d->kernel_title = dup_or_null(s->kernel_title);
	d->kernel_category = dup_or_null(s->kernel_category);
	d->files = s->files;
	d->started = s->started;
	d->known = s->known;
}

static void fill(char **d, const char *s)
{
	if (!*d && s)
		*d = bt_strdup(s);
}

void fr_merge_shard(struct fr_run *r, const struct fr_run *s, int shard)
{
	size_t i;
	bool first = r->nshards == 0;

	r->nshards++;
	for (i = 0; i < s->nsec; i++) {
		const struct fr_section *ss = &s->sec[i];
		size_t before = r->nsec;
		struct fr_section *d = fr_section(r, ss->name);

		if (!d)
			continue;
		fill(&d->fstyp, ss->fstyp);
		fill(&d->kernel, ss->kernel);
		fill(&d->mkfs_options, ss->mkfs_options);
		fill(&d->mount_options, ss->mount_options);
		if (ss->time > d->time)
			d->time = ss->time;
		d->summary = ss->summary && (r->nsec > before || d->summary);
		d->interrupted |= ss->interrupted;
	}
	for (i = 0; i < s->nt; i++) {
		const struct fr_test *st = &s->t[i];
		struct fr_test *d = fr_test(r, st->section, st->name);

		if (!d)
			continue;
		d->tries++;
		if (d->shard && rank(d) >= rank(st))
			continue;
		copy_test(d, st);
		d->shard = shard;
		r->start_line[d - r->t] = s->start_line[i];
	}
	for (i = 0; i < s->ncrash && r->ncrash < 1000; i++) {
		const struct fr_crash *sk = &s->crash[i];
		struct fr_crash *k;

		r->crash = bt_realloc(r->crash,
				      (r->ncrash + 1) * sizeof(*r->crash));
		k = &r->crash[r->ncrash++];
		memset(k, 0, sizeof(*k));
		k->category = dup_or_null(sk->category);
		k->title = dup_or_null(sk->title);
		k->line = sk->line;
		k->panicked = sk->panicked;
		k->section = dup_or_null(sk->section);
		k->test = dup_or_null(sk->test);
		k->shard = shard;
	}
	/* the run is done when every shard's runner finished */
	r->done = (first || r->done) && s->done;
	if (s->check_status > r->check_status)
		r->check_status = s->check_status;
	r->timed_out |= s->timed_out && !s->done;
	r->interrupted |= s->interrupted && !s->done;
	if (s->timeout_s > r->timeout_s)
		r->timeout_s = s->timeout_s;
	r->have_plan |= s->have_plan;
	r->have_console |= s->have_console;
	fill(&r->error, s->error);
	if (!r->full_test && s->full_test) {
		r->full_section = dup_or_null(s->full_section);
		r->full_test = bt_strdup(s->full_test);
		r->full_kib = s->full_kib;
	}
}

/*
 * "SECTION TEST REASON" lines (the queue's unrun file): tests no shard
 * started.  A test no shard ran gets the reason; one that is not in any
 * shard (never handed out) is added with it.
 */
void fr_parse_unrun(struct fr_run *r, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *e = nl ? nl : end, *a, *b;
		char *sec, *name;
		struct fr_test *t;

		a = memchr(p, ' ', e - p);
		b = a ? memchr(a + 1, ' ', e - a - 1) : NULL;
		if (a && b && e - b > 1) {
			sec = bt_strndup(p, a - p);
			name = bt_strndup(a + 1, b - a - 1);
			t = fr_test(r, sec, name);
			if (t && rank(t) == 1) {
				free(t->message);
				t->message = bt_strndup(b + 1, e - b - 1 > 512 ? 512 : e - b - 1);
				t->status = FR_NOTREACHED;
				r->have_plan = true;
			}
			free(sec);
			free(name);
		}
		p = e + 1;
	}
}
