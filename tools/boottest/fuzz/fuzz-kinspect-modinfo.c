// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: kinspect's module path (decompression, .modinfo). */
#include <stdlib.h>
#include <string.h>

#include "inspect/kinspect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ki_modinfo mi;
	uint8_t *buf;

	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!ki_modinfo_buffer(buf, size, 16 << 20, &mi)) {
		ki_modinfo_get(&mi, "depends");
		ki_modinfo_free(&mi);
	}
	free(buf);
	return 0;
}
