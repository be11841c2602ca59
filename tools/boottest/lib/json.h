/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON through json-c: reading documents with a size bound and naming the
 * file and json-c's reason on failure, writing them atomically, and small
 * builders for the common shapes.
 */
#ifndef BOOTTEST_JSON_H
#define BOOTTEST_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

/* Parse path ("-" for stdin); prints "PATH: error: REASON" and returns NULL. */
struct json_object *bt_json_load(const char *path, size_t max_bytes);
/* Serialize to a stream (pretty: 2-space indent), with a trailing newline. */
int bt_json_fprint(FILE *f, struct json_object *obj, bool pretty);
/* Write to path atomically (temporary name + rename). */
int bt_json_save(const char *path, struct json_object *obj, bool pretty);

/*
 * Streaming output, for documents too large to build as a tree: s[0..n)
 * as the inside of a JSON string literal (no quotes), escaped byte for
 * byte as json-c writes it with JSON_C_TO_STRING_NOSLASHESCAPE, into dst
 * (room for 6 * n bytes); returns the bytes written.
 */
size_t bt_json_escape(char *dst, const char *s, size_t n);
/* Does s[0..n) need no escape in a JSON string (no control byte, '"', '\\')? */
bool bt_json_plain(const char *s, size_t n);

/* Builders: add key with a value; a NULL string adds JSON null. */
void bt_json_add_str(struct json_object *o, const char *key, const char *s);
void bt_json_add_int(struct json_object *o, const char *key, long long v);
void bt_json_add_bool(struct json_object *o, const char *key, bool v);
void bt_json_add_double(struct json_object *o, const char *key, double v);
/*
 * A number written with at most digits decimals, trailing zeros dropped
 * but one kept ("2.954", "3.0"): the digits the measurement has, not the
 * 17 of the nearest double (2.9540000000000002).
 */
struct json_object *bt_json_new_fixed(double v, int digits);
void bt_json_add_fixed(struct json_object *o, const char *key, double v,
		       int digits);

/* Readers: NULL / default when absent or of another type. */
const char *bt_json_get_str(struct json_object *o, const char *key);
long long bt_json_get_int(struct json_object *o, const char *key, long long def);
bool bt_json_get_bool(struct json_object *o, const char *key, bool def);
struct json_object *bt_json_get_array(struct json_object *o, const char *key);
/* An int or a double; def when absent or of another type. */
double bt_json_get_double(struct json_object *o, const char *key, double def);

#endif
