// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: the manifest parser (syntax, ${VAR} expansion). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "err.h"
#include "rootfs/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct mf_list list;

	if (!init) {
		setenv("BOOTTEST_SRC", "/src", 1);
		bt_set_quiet(1);
		init = 1;
	}
	mf_init(&list);
	mf_parse(&list, (const char *)data, size, "fuzz");
	mf_free(&list);
	return 0;
}
