// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: lines of LAVA's job log, as vm/lava.c reads them
 * (one record a line, YAML flow mappings; the console lines in them are
 * what the guest printed).  Every record is parsed; what it yields must lie
 * inside its parsed document and be consistent with its kind.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vmrun.h"

static void check(const struct vm_lava_rec *r)
{
	switch (r->kind) {
	case VM_LAVA_CONSOLE:
	case VM_LAVA_SAVED:
	case VM_LAVA_MESSAGE:
		if (!r->text)
			abort();
		/* no NUL inside (scalars with one are refused), every byte there */
		if (memchr(r->text, '\0', r->len))
			abort();
		break;
	case VM_LAVA_RESULT:
		if (!r->rcase || !r->result)
			abort();
		strlen(r->rcase);
		strlen(r->result);
		if (r->error_msg)
			strlen(r->error_msg);
		if (r->error_type)
			strlen(r->error_type);
		if (r->label)
			strlen(r->label);
		break;
	default:
		if (r->text)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct vm_lava_rec r;

		if (vm_lava_parse(p, n, &r) == 0) {
			check(&r);
			vm_lava_rec_free(&r);
		} else if (r.kind != VM_LAVA_OTHER || r.doc) {
			abort();
		}
		p += n + 1;
	}
	return 0;
}
