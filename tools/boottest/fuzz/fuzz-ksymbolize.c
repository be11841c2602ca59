// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the stack frame parser of ksymbolize.  Frames come
 * from the guest's console (untrusted); vmlinux and the modules are the
 * user's own build and are not fuzzed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ksym.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ksym_frame fr;

	if (ksym_parse_frame((const char *)data, size, &fr) == 0) {
		if (!fr.func[0] || strlen(fr.func) >= KSYM_NAME_MAX ||
		    strlen(fr.module) >= KSYM_MOD_MAX || fr.off > fr.size ||
		    !fr.size)
			abort();
	}
	return 0;
}
