// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for dmesg-classify: any bytes as a console log, with
 * the shipped rules; also the rules parser on the same bytes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmesg-classify.h"
#include "err.h"
#include "path.h"

#ifndef DC_RULES_DIR
#define DC_RULES_DIR "."
#endif

static struct dc_rules rules;
static bool loaded;

static void load_rules(void)
{
	char *path = bt_path_join(DC_RULES_DIR, "dmesg-classify.rules");

	bt_set_prog("fuzz-classify");
	if (dc_rules_load(&rules, path) < 0 || dc_rules_finish(&rules) < 0)
		abort();
	free(path);
	loaded = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dc_result res;
	struct dc_log log;

	if (!loaded)
		load_rules();

	dc_log_parse(&log, &rules, (const char *)data, size);
	dc_classify(&rules, &log, &res);
	for (int i = 0; i < res.ncrash; i++)
		if (!res.crashes[i].title || !res.crashes[i].category)
			abort();
	dc_result_free(&res);
	dc_log_free(&log);

	/* the rules parser: a bad file is an error, never a crash */
	if (size < 4096 && !memchr(data, '\0', size)) {
		struct dc_rules r = { 0 };
		char *buf = bt_strndup((const char *)data, size);

		bt_set_quiet(1);
		if (dc_rules_load_buf(&r, "fuzz", buf) == 0)
			dc_rules_finish(&r);
		bt_set_quiet(0);
		dc_rules_free(&r);
		free(buf);
	}
	return 0;
}
