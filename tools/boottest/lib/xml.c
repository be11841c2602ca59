// SPDX-License-Identifier: GPL-2.0
/* Escaping for the JUnit XML and TAP writers. */
#include "xml.h"

void bt_xml_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			if ((*p < 0x20 && *p != '\n' && *p != '\t') ||
			    *p == 0x7f || *p >= 0x80)
				fputc('?', f);
			else
				fputc(*p, f);
		}
	}
}

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
