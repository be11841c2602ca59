// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for report-html's writer: the input is split at
 * "\n@@\n" into a console log, a title (as a crash's and the page's) and
 * two bytes picking a crash's lines.  The log is parsed, its timeline and
 * initcalls read, and the page parts written to memory; the page must then
 * hold no tag but the writer's own (rh_tags_ok), whatever the guest wrote.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report-html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *parts[3];
	size_t lens[3] = { 0 }, i, plen = 0;
	struct rh_timeline tl = { .offset = -1, .qemu_end = -1 };
	struct rh_log log;
	char *title, *page = NULL;
	FILE *f;

	for (i = 0; i < 3; i++) {
		const char *sep = memmem(p, end - p, "\n@@\n", 4);

		parts[i] = p;
		lens[i] = sep ? (size_t)(sep - p) : (size_t)(end - p);
		p = sep ? sep + 4 : end;
	}
	title = strndup(parts[1], lens[1]);
	if (!title)
		return 0;
	rh_log_parse(&log, parts[0], lens[0]);
	if (lens[2] >= 2 && log.n) {
		long s = 1 + (unsigned char)parts[2][0] % log.n;

		rh_log_mark(&log, s, s + (unsigned char)parts[2][1], RH_CRASH);
		rh_log_mark(&log, s + 2, s + 2, RH_ERROR);
	}
	rh_timeline_scan(&tl, &log);
	if (tl.init_uptime >= 0) {
		tl.offset = 1.5;
		tl.qemu_end = tl.init_uptime + 3;
	}
	rh_timeline_add(&tl, title, rh_log_ts(&log, log.n), log.n, RH_EV_CRASH);
	rh_timeline_add(&tl, title, rh_log_ts(&log, 1), 1, RH_EV_WARN);
	rh_timeline_initcalls(&tl, &log, 15);

	f = open_memstream(&page, &plen);
	if (!f)
		abort();
	rh_page_start(f, title);
	rh_escs(f, title);
	rh_timeline_write(f, &tl);
	rh_log_write(f, &log);
	rh_page_end(f);
	fclose(f);
	if (!rh_tags_ok(page, plen)) {
		fprintf(stderr, "a tag the writer does not make got into the page\n");
		abort();
	}
	free(page);
	rh_timeline_free(&tl);
	rh_log_free(&log);
	free(title);
	return 0;
}
