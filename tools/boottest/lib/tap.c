// SPDX-License-Identifier: GPL-2.0
/* TAP version 13: the one writer (see tap.h). */
#include <stdarg.h>

#include "tap.h"

void bt_tap_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fputc(' ', f);
		else if (*p == '#')
			fputs("\\#", f);
		else
			fputc(*p, f);
	}
}

void bt_tap_plan(FILE *f, int n)
{
	fprintf(f, "TAP version 13\n1..%d\n", n);
}

void bt_tap_result(FILE *f, bool ok, int num, const char *desc,
		   const char *skip)
{
	fprintf(f, "%sok %d - ", ok ? "" : "not ", num);
	bt_tap_escape(f, desc);
	if (skip) {
		fputs(" # SKIP ", f);
		bt_tap_escape(f, skip);
	}
	fputc('\n', f);
}

void bt_tap_comment(FILE *f, const char *s)
{
	fputs("# ", f);
	bt_tap_escape(f, s);
	fputc('\n', f);
}

void bt_tap_yaml_begin(FILE *f)
{
	fputs("  ---\n", f);
}

void bt_tap_yaml(FILE *f, const char *key, const char *fmt, ...)
{
	va_list ap;

	fprintf(f, "  %s: ", key);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

void bt_tap_yaml_end(FILE *f)
{
	fputs("  ...\n", f);
}
