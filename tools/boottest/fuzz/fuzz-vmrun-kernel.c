// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the head of a kernel file as vm/arch.c judges it
 * before a boot, for every architecture: taken, or refused with one line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "vm/vmrun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const arches[] = { "x86_64", "arm64" };
	unsigned int i;

	if (size > 4096)
		size = 4096;
	for (i = 0; i < ARRAY_SIZE(arches); i++) {
		char *why = NULL;
		int rc = vm_kernel_head_check(vm_arch_find(arches[i]), data,
					      size, "k", &why);

		if ((rc == 0) != !why || (why && strchr(why, '\n')))
			abort();
		free(why);
	}
	return 0;
}
