// SPDX-License-Identifier: GPL-2.0
/* JSON documents through json-c. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "path.h"

struct json_object *bt_json_load(const char *path, size_t max_bytes)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	bool truncated;
	size_t len;
	char *buf;

	if (bt_read_file(path, &buf, &len, max_bytes, &truncated) < 0) {
		bt_err("%s: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	if (truncated) {
		bt_err("%s: larger than %zu bytes; not a result file?", path,
		       max_bytes);
		free(buf);
		return NULL;
	}
	tok = json_tokener_new();
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!obj || jerr != json_tokener_success) {
		bt_err("%s: not valid JSON at byte %zu: %s", path,
		       json_tokener_get_parse_end(tok),
		       json_tokener_error_desc(jerr == json_tokener_success ?
					       json_tokener_continue : jerr));
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	free(buf);
	return obj;
}

static int json_flags(bool pretty)
{
	return JSON_C_TO_STRING_NOSLASHESCAPE |
	       (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			 JSON_C_TO_STRING_PLAIN);
}

int bt_json_fprint(FILE *f, struct json_object *obj, bool pretty)
{
	const char *s = json_object_to_json_string_ext(obj, json_flags(pretty));

	if (fputs(s, f) == EOF || fputc('\n', f) == EOF)
		return -1;
	return 0;
}

int bt_json_save(const char *path, struct json_object *obj, bool pretty)
{
	const char *s = json_object_to_json_string_ext(obj, json_flags(pretty));
	struct bt_atomic a;

	if (bt_atomic_open(&a, path, 0644) < 0)
		return -1;
	if (bt_write_all(a.fd, s, strlen(s)) < 0 ||
	    bt_write_all(a.fd, "\n", 1) < 0) {
		bt_err("%s: cannot write: %s", a.tmp, strerror(errno));
		bt_atomic_abort(&a);
		return -1;
	}
	return bt_atomic_commit(&a);
}

/* The bytes a JSON string escapes: controls, '"' and '\\'. */
static const bool json_special[256] = {
	[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true,
};

/* The escape of a byte that needs one: \n and the like, else \u00XX. */
static size_t json_escape(unsigned char c, char *out)
{
	static const char from[] = "\b\f\n\r\t\"\\", to[] = "bfnrt\"\\";
	static const char hex[] = "0123456789abcdef";
	const char *p = c ? memchr(from, c, sizeof(from) - 1) : NULL;

	out[0] = '\\';
	if (p) {
		out[1] = to[p - from];
		return 2;
	}
	memcpy(out + 1, "u00", 3);
	out[4] = hex[c >> 4];
	out[5] = hex[c & 15];
	return 6;
}

/*
 * Does s[0..n) need no JSON escape (no byte of json_special above)?  For
 * a writer that keeps plain strings in a buffer of its own and calls
 * bt_json_escape() for the rest.  8 bytes at a time: a byte below
 * 0x20 or equal to '"' or '\\' leaves a high bit in the tests below
 * (bytes >= 0x80 are excluded from the "below" test by ~x).
 */
bool bt_json_plain(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones << 7;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, q, b;

		memcpy(&x, s + i, 8);
		q = x ^ (ones * '"');
		b = x ^ (ones * '\\');
		if ((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
		     ((b - ones) & ~b)) & high)
			return false;
	}
	for (; i < n; i++)
		if (json_special[(unsigned char)s[i]])
			return false;
	return true;
}

size_t bt_json_escape(char *dst, const char *s, size_t n)
{
	char *d = dst;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (json_special[c])
			d += json_escape(c, d);
		else
			*d++ = c;
	}
	return d - dst;
}

void bt_json_add_str(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

void bt_json_add_int(struct json_object *o, const char *key, long long v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

void bt_json_add_bool(struct json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

void bt_json_add_double(struct json_object *o, const char *key, double v)
{
	json_object_object_add(o, key, json_object_new_double(v));
}

struct json_object *bt_json_new_fixed(double v, int digits)
{
	char buf[64];
	int n;

	if (!isfinite(v) || digits < 1 || digits > 17)
		return json_object_new_double(v);
	n = snprintf(buf, sizeof(buf), "%.*f", digits, v);
	if (n <= 0 || n >= (int)sizeof(buf))
		return json_object_new_double(v);
	while (buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	return json_object_new_double_s(v, buf);
}

void bt_json_add_fixed(struct json_object *o, const char *key, double v,
		       int digits)
{
	json_object_object_add(o, key, bt_json_new_fixed(v, digits));
}

const char *bt_json_get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

long long bt_json_get_int(struct json_object *o, const char *key, long long def)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return def;
	return json_object_get_int64(v);
}

bool bt_json_get_bool(struct json_object *o, const char *key, bool def)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_boolean))
		return def;
	return json_object_get_boolean(v);
}

struct json_object *bt_json_get_array(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

double bt_json_get_double(struct json_object *o, const char *key, double def)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_double) ||
	      json_object_is_type(v, json_type_int)))
		return def;
	return json_object_get_double(v);
}
