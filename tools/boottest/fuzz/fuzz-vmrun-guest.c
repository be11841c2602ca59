// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the parsers of the files a guest writes on the results
 * disk (cmd.status, tests.status, tests.tap).  The guest is untrusted.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vm/vmrun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_guest g = { 0 };
	int v = -1;

	if (vm_parse_status((const char *)data, size, &v) == 0 &&
	    (v < 0 || v > 255))
		abort();
	vm_parse_tap((const char *)data, size, &g);
	if (g.tests_pass + g.tests_fail + g.tests_skip != g.tests_total)
		abort();
	free(g.tests_failed_names);
	return 0;
}
