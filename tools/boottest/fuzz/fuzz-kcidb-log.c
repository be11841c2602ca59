// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: what kcidb takes from a console log (the guest's
 * output): the compiler of the kernel's banner and excerpts.  What comes
 * out must be what KCIDB accepts: no NUL, valid UTF-8, within the limit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/kcidb.h"

static void check_text(const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	if (n > max)
		abort();
	while (i < n) {
		if (u[i] < 0x80)
			k = 1;
		else if (u[i] >= 0xc2 && u[i] <= 0xdf)
			k = 2;
		else if (u[i] >= 0xe0 && u[i] <= 0xef)
			k = 3;
		else if (u[i] >= 0xf0 && u[i] <= 0xf4)
			k = 4;
		else
			abort();
		if (i + k > n)
			abort();
		for (size_t j = 1; j < k; j++)
			if ((u[i + j] & 0xc0) != 0x80)
				abort();
		i += k;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *log = (const char *)data;
	long first = size ? data[0] % 8 : 0, last = size > 1 ? data[1] % 16 : 0;
	char *s;

	s = kc_banner_compiler(log, size);
	if (s) {
		check_text(s, 1024);
		free(s);
	}
	s = kc_excerpt(log, size, first, last, 64);
	check_text(s, 64);
	free(s);
	s = kc_excerpt(log, size, 0, 0, 100);
	check_text(s, 100);
	free(s);
	s = kc_clean_text(log, size, 16384);
	check_text(s, 16384);
	free(s);
	return 0;
}
