// SPDX-License-Identifier: GPL-2.0
/*
 * The writer's primitives: HTML escaping of untrusted text, numbers, the
 * page's head with its style sheet, and the check that a page holds only
 * the tags this writer makes (the fuzz target and the tests use it).
 */
#include <string.h>

#include "compiler.h"
#include "report-html.h"

#define FFFD "\xef\xbf\xbd"

/* What each byte becomes; NULL: itself. */
static const char *const esc_tab[256] = {
	[0 ... 8] = FFFD, [11 ... 31] = FFFD, [127] = FFFD,
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
	['"'] = "&quot;", ['\''] = "&#39;",
};

void rh_esc(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const unsigned char *run = p;

	for (; p < end; p++) {
		const char *rep = esc_tab[*p];

		if (!rep)
			continue;
		if (p > run)
			fwrite(run, 1, p - run, f);
		fputs(rep, f);
		run = p + 1;
	}
	if (p > run)
		fwrite(run, 1, p - run, f);
}

void rh_escs(FILE *f, const char *s)
{
	if (s)
		rh_esc(f, s, strlen(s));
}

void rh_href(FILE *f, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._/~", *p)) {
			fputc(*p, f);
		} else {
			fputc('%', f);
			fputc(hex[*p >> 4], f);
			fputc(hex[*p & 15], f);
		}
	}
}

void rh_num(FILE *f, unsigned long v)
{
	char b[24];
	int i = sizeof(b);

	do {
		b[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	fwrite(b + i, 1, sizeof(b) - i, f);
}

/* Every element the pages use; rh_tags_ok() accepts these only. */
static const char *const page_tags[] = {
	"!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header",
	"h1", "h2", "h3", "div", "span", "a", "pre", "details", "summary",
	"table", "tr", "th", "td", "svg", "g", "line", "rect", "text",
	"polygon", "ul", "li", "p", "code", "b", "section", "nav", "br",
};

bool rh_tags_ok(const char *page, size_t len)
{
	const char *p = page, *end = page + len;

	while ((p = memchr(p, '<', end - p))) {
		size_t i, n;
		bool known = false;

		p++;
		if (p < end && *p == '/')
			p++;
		for (n = 0; p + n < end && (p[n] == '!' ||
		     (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
		     (p[n] >= '0' && p[n] <= '9')); n++)
			;
		if (p + n >= end || (p[n] != ' ' && p[n] != '>'))
			return false;
		for (i = 0; i < ARRAY_SIZE(page_tags); i++)
			if (strlen(page_tags[i]) == n && !memcmp(page_tags[i], p, n))
				known = true;
		if (!known)
			return false;
	}
	return true;
}

static const char style[] =
"body{font:14px/1.4 sans-serif;margin:0;color:#1b1b1b;background:#fafafa}\n"
"section{margin:0 16px}\n"
"h2{font-size:17px;margin:22px 16px 8px;border-bottom:1px solid #ccc}\n"
"h3{font-size:15px;margin:14px 0 6px}\n"
"header{padding:14px 16px;color:#fff}\n"
"header h1{margin:0 0 6px;font-size:22px}\n"
"header .facts span{margin-right:18px;white-space:nowrap}\n"
"header a{color:#fff}\n"
".v-clean{background:#2e7d32}.v-crash{background:#c62828}\n"
".v-hang{background:#6a1b9a}.v-noinit{background:#d84315}\n"
".v-infra{background:#546e7a}.v-failed{background:#ef6c00}\n"
"pre{font:12px/1.35 monospace;margin:0;white-space:pre-wrap;word-break:break-all}\n"
".cmd{background:#eee;padding:6px;border-radius:3px}\n"
".log{background:#fff;border:1px solid #ddd;padding:4px}\n"
".log a{color:#999;display:inline-block;min-width:7ch;text-decoration:none}\n"
".p0,.p1,.p2{color:#b71c1c;font-weight:bold}.p3{color:#c62828}\n"
".p4{color:#a15c00}.p5{color:#1a237e}.p7{color:#777}.pu{color:#2e7d32}\n"
".c{background:#ffebee}.cs{border-top:2px solid #c62828}\n"
":target{background:#fff59d}\n"
"details.fold>summary{color:#555;background:#f0f0f0;cursor:pointer;font:12px monospace}\n"
".crash{border-left:5px solid #c62828;background:#fff;padding:6px 10px;margin:10px 0}\n"
".crash .cat{display:inline-block;background:#c62828;color:#fff;padding:0 6px;border-radius:3px;margin-right:8px}\n"
".first{background:#fff59d;font-weight:bold}\n"
"table{border-collapse:collapse;margin:6px 0}\n"
"td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;font-size:13px}\n"
"td.pass{background:#c8e6c9}td.fail{background:#ffcdd2;font-weight:bold}\n"
"td.notrun{background:#eeeeee;color:#555}td.crashed,td.timeout,td.notreached{background:#ef9a9a}\n"
".diff .add{color:#1b5e20;background:#e8f5e9}.diff .del{color:#b71c1c;background:#ffebee}\n"
".muted{color:#666}svg{background:#fff;border:1px solid #ddd}\n";

void rh_page_start(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>", f);
	rh_escs(f, title);
	fputs("</title>\n<style>\n", f);
	fputs(style, f);
	fputs("</style>\n</head>\n<body>\n", f);
}

void rh_page_end(FILE *f)
{
	fputs("</body>\n</html>\n", f);
}
