// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the result.json reader (lib/result.c), then the
 * writer on what it read, and the reader again on that.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "err.h"
#include "result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct json_tokener *tok;
	struct json_object *j, *again;
	struct bt_result r, back;

	if (!init) {
		bt_set_quiet(1);
		init = 1;
	}
	if (size > 1 << 20)
		return 0;
	tok = json_tokener_new();
	j = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (!j)
		return 0;
	if (bt_result_from_json(j, "fuzz", &r) == 0) {
		again = bt_result_to_json(&r);
		if (bt_result_from_json(again, "fuzz", &back) != 0)
			abort();	/* the writer wrote what the reader refuses */
		bt_result_free(&back);
		json_object_put(again);
	}
	bt_result_free(&r);
	json_object_put(j);
	return 0;
}
