/* SPDX-License-Identifier: GPL-2.0 */
/*
 * boottest-mcp: a Model Context Protocol server over stdio.
 *
 * The protocol layer (proto.c) turns one line into a checked
 * JSON-RPC 2.0 message and checks tool arguments against their JSON Schema;
 * the tools (tools.c) run boottest's programs; the main loop
 * (boottest-mcp.c) reads stdin, writes stdout and owns the running boot.
 */
#ifndef BOOTTEST_MCP_H
#define BOOTTEST_MCP_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "compiler.h"

/* JSON-RPC 2.0 error codes. */
#define MCP_PARSE_ERROR		-32700
#define MCP_INVALID_REQUEST	-32600
#define MCP_METHOD_NOT_FOUND	-32601
#define MCP_INVALID_PARAMS	-32602
#define MCP_INTERNAL_ERROR	-32603

/* The newest protocol revision this server speaks. */
#define MCP_PROTOCOL_LATEST	"2025-06-18"
/* Longest message accepted, in bytes (one line). */
#define MCP_MAX_LINE		(8 << 20)

enum mcp_kind {
	MCP_REQUEST,		/* method and id */
	MCP_NOTIFICATION,	/* method, no id */
	MCP_RESPONSE,		/* result or error, with an id */
};

struct mcp_msg {
	enum mcp_kind kind;
	struct json_object *root;	/* owns everything below */
	const char *method;
	struct json_object *id;		/* string or integer; NULL: none */
	struct json_object *params;	/* object or NULL */
};

/*
 * Parse one line.  Returns 0 and fills m (release with mcp_msg_free), or a
 * JSON-RPC error code with a message in err (and m->id set when the
 * message had a usable id, so the error can answer it).
 */
int mcp_parse(const char *line, size_t len, struct mcp_msg *m,
	      char *err, size_t errlen);
void mcp_msg_free(struct mcp_msg *m);

/* The revision to answer a client asking for version (NULL: latest). */
const char *mcp_negotiate(const char *version);

/*
 * Check val against schema (the subset the tools use: type, properties,
 * required, additionalProperties false, minimum, maximum, minLength,
 * maxLength).  Returns 0, or -1 with the first violation in err.
 */
int mcp_schema_check(struct json_object *schema, struct json_object *val,
		     const char *where, char *err, size_t errlen);

/* {"jsonrpc": "2.0", "id": id, "error": {"code", "message"}}; new reference. */
struct json_object *mcp_error_new(struct json_object *id, int code,
				  const char *msg);
/* {"jsonrpc": "2.0", "id": id, "result": result} (takes result). */
struct json_object *mcp_result_new(struct json_object *id,
				   struct json_object *result);

/* ---- tools ---- */

struct mcp_env {
	const char *root;	/* the boottest checkout (scripts/boottest/) */
	const char *tools;	/* the built tools */
	const char *out;	/* the object tree (O=; default root) */
	char **vars;		/* make variables for every run (O=...) */
	int nvars;
};

struct mcp_tool {
	const char *name;
	const char *description;
	/* Adds the tool's properties to an empty object schema (NULL: none). */
	void (*schema)(struct json_object *schema);
	bool boots;		/* starts a VM: one at a time */
	/* Arguments naming files: they must lie in the places mcp_path_check allows. */
	const char *const *paths;
	/* Quick tools: the result object ({content, structuredContent}). */
	struct json_object *(*run)(const struct mcp_env *env,
				   struct json_object *args);
};

/*
 * A file argument must resolve (symbolic links followed) below the tree
 * (root), the object tree (out) or boottest's cache.  Returns 0, or -1
 * with the reason in err.
 */
int mcp_path_check(const struct mcp_env *env, const char *path,
		   const char *where, char *err, size_t errlen);

extern const struct mcp_tool mcp_tools[];
const struct mcp_tool *mcp_tool_find(const char *name);
/* The parsed inputSchema of a tool (kept for the process lifetime). */
struct json_object *mcp_tool_schema(const struct mcp_tool *t);
/* {"tools": [...]}: new reference. */
struct json_object *mcp_tools_list(void);

/* A tool result: structured content plus the same as text. */
struct json_object *mcp_tool_result(struct json_object *structured,
				    bool is_error);
/* A tool result holding only an error message. */
struct json_object *mcp_tool_error(const char *fmt, ...)
	__printf(1, 2);

/* boot_test: the argv of scripts/boottest/run for these arguments. */
char **mcp_boot_argv(const struct mcp_env *env, struct json_object *args);
/* boot_test: the result after the run; log is the run's output file. */
struct json_object *mcp_boot_result(const char *log, int wstatus);

/* ---- resources ---- */

/* MCP's error code for a resource that does not exist. */
#define MCP_RESOURCE_NOT_FOUND	-32002

/*
 * boottest://runs/<id>/<file>: the index of file among the run's files
 * and id (a run directory's name, or "latest"), or -1 for any other URI.
 */
int mcp_resource_parse(const char *uri, char *id, size_t idlen);
/* {"resources": [...]}: the latest run's files; new reference. */
struct json_object *mcp_resources_list(const struct mcp_env *env);
/* {"contents": [...]} of uri, or NULL with the reason in err. */
struct json_object *mcp_resource_read(const struct mcp_env *env,
				      const char *uri, char *err,
				      size_t errlen);

#endif
