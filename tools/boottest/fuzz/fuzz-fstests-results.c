// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for fstests-results' parsers: the input is split at
 * "\n@@\n" into result.xml, check.log, check.time, the plan, the console
 * log, a baseline/kernel JSON document and a queue's unrun list, all
 * parsed into one run; that run is then merged twice as two shards, with
 * the unrun list, and reported again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fstests/fstests-results.h"
#include "json.h"
#include "result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *parts[7];
	size_t lens[7] = { 0 }, i;
	struct json_object *out, *mout, *j = NULL;
	struct fr_run r, m;
	struct bt_result k;
	FILE *devnull;

	for (i = 0; i < 7; i++) {
		const char *sep = memmem(p, end - p, "\n@@\n", 4);

		parts[i] = p;
		lens[i] = sep ? (size_t)(sep - p) : (size_t)(end - p);
		p = sep ? sep + 4 : end;
	}
	fr_init(&r);
	fr_parse_console(&r, parts[4], lens[4]);
	fr_parse_plan(&r, parts[3], lens[3]);
	fr_parse_xml(&r, "sec", parts[0], lens[0]);
	fr_parse_check_log(&r, "sec", parts[1], lens[1]);
	fr_parse_check_time(&r, "sec", parts[2], lens[2]);
	if (lens[5]) {
		struct json_tokener *tok = json_tokener_new();

		j = json_tokener_parse_ex(tok, parts[5], (int)lens[5]);
		json_tokener_free(tok);
		if (j && bt_result_from_json(j, "fuzz", &k) == 0) {
			fr_parse_kernel(&r, &k);
			bt_result_free(&k);
		}
	}
	fr_finish(&r);
	out = fr_to_json(&r);
	fr_init(&m);
	fr_merge_shard(&m, &r, 1);
	fr_merge_shard(&m, &r, 2);
	fr_parse_unrun(&m, parts[6], lens[6]);
	mout = fr_to_json(&m);
	if (j)
		fr_baseline(out, j, "fuzz", false);
	devnull = fopen("/dev/null", "w");
	if (devnull) {
		fr_write_junit(devnull, &r);
		fr_write_text(devnull, out);
		fr_write_junit(devnull, &m);
		fr_write_text(devnull, mout);
		fclose(devnull);
	}
	fr_exit_status(out);
	fr_exit_status(mout);
	json_object_put(out);
	json_object_put(mout);
	fr_free(&m);
	json_object_put(j);
	fr_free(&r);
	return 0;
}
