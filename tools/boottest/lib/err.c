// SPDX-License-Identifier: GPL-2.0
/* Diagnostics and allocation helpers shared by every boottest tool. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static const char *prog = "boottest";
static int quiet_level;

void bt_set_prog(const char *argv0)
{
	const char *slash;

	if (!argv0 || !*argv0)
		return;
	slash = strrchr(argv0, '/');
	prog = slash ? slash + 1 : argv0;
}

const char *bt_prog(void)
{
	return prog;
}

void bt_set_quiet(int quiet)
{
	quiet_level = quiet;
}

static __printf(2, 0) void vmsg(const char *kind, const char *fmt, va_list ap)
{
	int saved = errno;

	fflush(stdout);
	fprintf(stderr, "%s: %s: ", prog, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	errno = saved;
}

void bt_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
}

int bt_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
	return -1;
}

void bt_warn(const char *fmt, ...)
{
	va_list ap;

	if (quiet_level > 0)
		return;
	va_start(ap, fmt);
	vmsg("warning", fmt, ap);
	va_end(ap);
}

void bt_note(const char *fmt, ...)
{
	va_list ap;

	if (quiet_level > 0)
		return;
	va_start(ap, fmt);
	vmsg("note", fmt, ap);
	va_end(ap);
}

void bt_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error", fmt, ap);
	va_end(ap);
	exit(status);
}

static void *check_alloc(void *p, size_t size)
{
	if (!p && size)
		bt_die(BT_EXIT_USAGE, "out of memory allocating %zu bytes", size);
	return p;
}

void *bt_malloc(size_t size)
{
	return check_alloc(malloc(size ? size : 1), size);
}

void *bt_calloc(size_t nmemb, size_t size)
{
	return check_alloc(calloc(nmemb ? nmemb : 1, size ? size : 1),
			   nmemb * size);
}

void *bt_realloc(void *ptr, size_t size)
{
	return check_alloc(realloc(ptr, size ? size : 1), size);
}

char *bt_strdup(const char *s)
{
	return bt_strndup(s, strlen(s));
}

char *bt_strndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	return check_alloc(p, n + 1);
}

char *bt_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		bt_die(BT_EXIT_USAGE, "out of memory formatting a string");
	return s;
}
