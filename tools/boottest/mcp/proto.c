// SPDX-License-Identifier: GPL-2.0
/*
 * boottest-mcp: JSON-RPC 2.0 messages (one per line) and the JSON Schema
 * subset the tools' inputSchema use.  Everything here reads untrusted
 * input: fuzz/fuzz-mcp.c drives it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "boottest-mcp.h"
#include "strbuf.h"

/* Known revisions, newest first. */
static const char *const mcp_versions[] = {
	MCP_PROTOCOL_LATEST, "2025-03-26", "2024-11-05",
};

const char *mcp_negotiate(const char *version)
{
	size_t i;

	for (i = 0; version && i < sizeof(mcp_versions) / sizeof(*mcp_versions); i++)
		if (!strcmp(version, mcp_versions[i]))
			return mcp_versions[i];
	return MCP_PROTOCOL_LATEST;
}

void mcp_msg_free(struct mcp_msg *m)
{
	if (m->root)
		json_object_put(m->root);
	memset(m, 0, sizeof(*m));
}

static bool id_usable(struct json_object *id)
{
	return id && (json_object_is_type(id, json_type_string) ||
		      json_object_is_type(id, json_type_int));
}

int mcp_parse(const char *line, size_t len, struct mcp_msg *m,
	      char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *o, *v, *id = NULL;
	enum json_tokener_error jerr;
	size_t used;
	bool has_id;

	memset(m, 0, sizeof(*m));
	if (len > MCP_MAX_LINE) {
		snprintf(err, errlen, "parse error: message longer than %d bytes",
			 MCP_MAX_LINE);
		return MCP_PARSE_ERROR;
	}
	if (memchr(line, '\0', len)) {
		snprintf(err, errlen, "parse error: NUL byte in the message");
		return MCP_PARSE_ERROR;
	}
	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || jerr != json_tokener_success) {
		if (o)
			json_object_put(o);
		snprintf(err, errlen, "parse error: %s",
			 jerr == json_tokener_continue || jerr == json_tokener_success ?
			 "incomplete JSON" : json_tokener_error_desc(jerr));
		return MCP_PARSE_ERROR;
	}
	for (; used < len; used++) {
		if (!strchr(" \t\r\n", line[used])) {
			json_object_put(o);
			snprintf(err, errlen,
				 "parse error: text after the JSON value at byte %zu",
				 used);
			return MCP_PARSE_ERROR;
		}
	}
	m->root = o;
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "invalid request: a message is a JSON object%s",
			 json_object_is_type(o, json_type_array) ?
			 " (batches are not part of this protocol revision)" : "");
		return MCP_INVALID_REQUEST;
	}
	has_id = json_object_object_get_ex(o, "id", &id);
	if (id_usable(id))
		m->id = id;
	if (!json_object_object_get_ex(o, "jsonrpc", &v) ||
	    !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), "2.0")) {
		snprintf(err, errlen, "invalid request: \"jsonrpc\" must be \"2.0\"");
		return MCP_INVALID_REQUEST;
	}
	if (has_id && !m->id) {
		snprintf(err, errlen,
			 "invalid request: \"id\" must be a string or an integer");
		return MCP_INVALID_REQUEST;
	}
	if (!json_object_object_get_ex(o, "method", &v)) {
		if (m->id && (json_object_object_get_ex(o, "result", NULL) ||
			      json_object_object_get_ex(o, "error", NULL))) {
			m->kind = MCP_RESPONSE;
			return 0;
		}
		snprintf(err, errlen, "invalid request: no \"method\"");
		return MCP_INVALID_REQUEST;
	}
	if (!json_object_is_type(v, json_type_string)) {
		snprintf(err, errlen, "invalid request: \"method\" must be a string");
		return MCP_INVALID_REQUEST;
	}
	m->method = json_object_get_string(v);
	m->kind = m->id ? MCP_REQUEST : MCP_NOTIFICATION;
	if (json_object_object_get_ex(o, "params", &v) && v) {
		if (!json_object_is_type(v, json_type_object)) {
			snprintf(err, errlen,
				 "invalid request: \"params\" must be an object");
			return MCP_INVALID_REQUEST;
		}
		m->params = v;
	}
	return 0;
}

static const char *type_name(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "boolean";
	case json_type_double: return "number";
	case json_type_int: return "integer";
	case json_type_object: return "object";
	case json_type_array: return "array";
	case json_type_string: return "string";
	}
	return "unknown";
}

static bool type_is(struct json_object *v, const char *type)
{
	enum json_type t = json_object_get_type(v);

	if (!strcmp(type, "integer")) {
		double d;

		if (t == json_type_int)
			return true;
		if (t != json_type_double)
			return false;
		d = json_object_get_double(v);
		return isfinite(d) && d == floor(d);
	}
	if (!strcmp(type, "number"))
		return t == json_type_int || t == json_type_double;
	return !strcmp(type, type_name(v));
}

static int bound_check(struct json_object *schema, struct json_object *val,
		       const char *where, char *err, size_t errlen)
{
	struct json_object *b;
	double d;
	size_t n;

	if (json_object_is_type(val, json_type_int) ||
	    json_object_is_type(val, json_type_double)) {
		d = json_object_get_double(val);
		if (json_object_object_get_ex(schema, "minimum", &b) &&
		    d < json_object_get_double(b)) {
			snprintf(err, errlen, "%s: %g is below the minimum %g",
				 where, d, json_object_get_double(b));
			return -1;
		}
		if (json_object_object_get_ex(schema, "maximum", &b) &&
		    d > json_object_get_double(b)) {
			snprintf(err, errlen, "%s: %g is above the maximum %g",
				 where, d, json_object_get_double(b));
			return -1;
		}
	}
	if (json_object_is_type(val, json_type_string)) {
		n = (size_t)json_object_get_string_len(val);
		if (json_object_object_get_ex(schema, "minLength", &b) &&
		    n < (size_t)json_object_get_int64(b)) {
			snprintf(err, errlen, "%s: shorter than %lld characters",
				 where, (long long)json_object_get_int64(b));
			return -1;
		}
		if (json_object_object_get_ex(schema, "maxLength", &b) &&
		    n > (size_t)json_object_get_int64(b)) {
			snprintf(err, errlen, "%s: longer than %lld characters",
				 where, (long long)json_object_get_int64(b));
			return -1;
		}
	}
	return 0;
}

/* "enum" of strings: val must be one of them. */
static int enum_check(struct json_object *schema, struct json_object *val,
		      const char *where, char *err, size_t errlen)
{
	struct json_object *e;
	struct strbuf sb = STRBUF_INIT;
	size_t i, n;

	if (!json_object_object_get_ex(schema, "enum", &e) ||
	    !json_object_is_type(e, json_type_array))
		return 0;
	n = json_object_array_length(e);
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(e, i);

		if (json_object_is_type(val, json_type_string) &&
		    json_object_is_type(v, json_type_string) &&
		    !strcmp(json_object_get_string(val), json_object_get_string(v))) {
			sb_release(&sb);
			return 0;
		}
		sb_addf(&sb, "%s%s", i ? ", " : "", json_object_get_string(v));
	}
	snprintf(err, errlen, "%s: %s is not one of %s", where,
		 json_object_to_json_string(val), sb_str(&sb));
	sb_release(&sb);
	return -1;
}

int mcp_schema_check(struct json_object *schema, struct json_object *val,
		     const char *where, char *err, size_t errlen)
{
	struct json_object *type, *props, *req, *sub, *add;
	char path[256];
	size_t i;

	if (json_object_object_get_ex(schema, "type", &type) &&
	    !type_is(val, json_object_get_string(type))) {
		snprintf(err, errlen, "%s: expected %s, got %s", where,
			 json_object_get_string(type), type_name(val));
		return -1;
	}
	if (bound_check(schema, val, where, err, errlen) ||
	    enum_check(schema, val, where, err, errlen))
		return -1;
	if (!json_object_is_type(val, json_type_object))
		return 0;
	json_object_object_get_ex(schema, "properties", &props);
	if (json_object_object_get_ex(schema, "required", &req)) {
		for (i = 0; i < json_object_array_length(req); i++) {
			const char *k = json_object_get_string(
				json_object_array_get_idx(req, i));

			if (!json_object_object_get_ex(val, k, NULL)) {
				snprintf(err, errlen, "%s: \"%s\" is required",
					 where, k);
				return -1;
			}
		}
	}
	json_object_object_foreach(val, key, v) {
		snprintf(path, sizeof(path), "%s.%s", where, key);
		if (props && json_object_object_get_ex(props, key, &sub)) {
			if (mcp_schema_check(sub, v, path, err, errlen))
				return -1;
			continue;
		}
		if (json_object_object_get_ex(schema, "additionalProperties", &add) &&
		    !json_object_get_boolean(add)) {
			snprintf(err, errlen, "%s: unknown property \"%s\"",
				 where, key);
			return -1;
		}
	}
	return 0;
}

struct json_object *mcp_error_new(struct json_object *id, int code,
				  const char *msg)
{
	struct json_object *o = json_object_new_object();
	struct json_object *e = json_object_new_object();

	json_object_object_add(o, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(o, "id", id ? json_object_get(id) : NULL);
	json_object_object_add(e, "code", json_object_new_int(code));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_object_add(o, "error", e);
	return o;
}

struct json_object *mcp_result_new(struct json_object *id,
				   struct json_object *result)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(o, "id", json_object_get(id));
	json_object_object_add(o, "result", result);
	return o;
}
