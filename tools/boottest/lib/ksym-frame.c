// SPDX-License-Identifier: GPL-2.0
/*
 * Parse a stack frame as the kernel prints it with %pS/%pSb and as
 * dmesg-classify lists it: "[? ]func+0xOFF/0xSIZE[ [module[ buildid]]]".
 * The text comes from a guest's console: anything else is refused.
 */
#include <ctype.h>
#include <string.h>

#include "ksym.h"

static bool sym_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '$';
}

static bool mod_char(int c)
{
	return isalnum(c) || c == '_' || c == '-';
}

/* "0x" and 1..16 hex digits. */
static const char *parse_hex(const char *p, const char *end,
			     unsigned long long *v)
{
	int n = 0;

	if (end - p < 3 || p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return NULL;
	p += 2;
	*v = 0;
	while (p < end && isxdigit((unsigned char)*p)) {
		if (++n > 16)
			return NULL;
		*v = *v * 16 + (isdigit((unsigned char)*p) ? *p - '0' :
				(tolower((unsigned char)*p) - 'a' + 10));
		p++;
	}
	return n ? p : NULL;
}

int ksym_parse_frame(const char *s, size_t len, struct ksym_frame *fr)
{
	const char *p = s, *end = s + len, *q;

	memset(fr, 0, sizeof(*fr));
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (end - p >= 2 && p[0] == '?' && p[1] == ' ') {
		fr->unreliable = true;
		p += 2;
	}
	for (q = p; q < end && sym_char((unsigned char)*q); q++)
		;
	if (q == p || q - p >= KSYM_NAME_MAX || q >= end || *q != '+')
		return -1;
	memcpy(fr->func, p, q - p);
	p = parse_hex(q + 1, end, &fr->off);
	if (!p || p >= end || *p != '/')
		return -1;
	p = parse_hex(p + 1, end, &fr->size);
	if (!p || fr->size == 0 || fr->off > fr->size)
		return -1;
	if (p == end)
		return 0;
	if (*p != ' ')
		return -1;
	while (p < end && *p == ' ')
		p++;
	if (p >= end || *p != '[' || end[-1] != ']')
		return -1;
	for (q = ++p; q < end && mod_char((unsigned char)*q); q++)
		;
	if (q == p || q - p >= KSYM_MOD_MAX)
		return -1;
	memcpy(fr->module, p, q - p);
	/* An optional build id: " HEX" before the "]". */
	if (*q == ' ') {
		for (q++; q < end - 1 && isxdigit((unsigned char)*q); q++)
			;
	}
	return q == end - 1 ? 0 : -1;
}
