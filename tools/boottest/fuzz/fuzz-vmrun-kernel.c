// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a kernel file as vm/arch.c judges it before a boot
 * (its head, an ELF's PVH note, what a gzip stream holds), for every
 * architecture: taken, or refused with one line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "vm/vmrun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const arches[] = { "x86_64", "arm64" };
	unsigned int i;
	uint8_t *buf;

	if (size > VM_KHEAD_MAX)
		size = VM_KHEAD_MAX;
	/* libelf may write to its input: give it a private copy. */
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	for (i = 0; i < ARRAY_SIZE(arches); i++) {
		char *why = NULL;
		int rc;

		memcpy(buf, data, size);
		rc = vm_kernel_head_check(vm_arch_find(arches[i]), buf, size,
					  NULL, "k", &why);
		if ((rc == 0) != !why || (why && strchr(why, '\n')))
			abort();
		free(why);
	}
	free(buf);
	return 0;
}
