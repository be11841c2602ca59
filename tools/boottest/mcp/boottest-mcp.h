/* SPDX-License-Identifier: GPL-2.0 */
/*
 * boottest-mcp: a Model Context Protocol server over stdio.
 *
 * The protocol layer (proto.c) turns one line into a checked
 * JSON-RPC 2.0 message and checks tool arguments against their JSON Schema;
 * the tools (tools.c; fstests.c, bisect.c) run boottest's programs, with
 * their JSON Schemas in schema.c; the main loop (boottest-mcp.c) reads
 * stdin, writes stdout and owns the running job.  The long tools
 * (boot_test, fstests_run, bisect) are make goals run as a job: one at a
 * time, with progress from their output and cancellation.
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
 * maxLength, enum of strings).  Returns 0, or -1 with the first violation in err.
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

/*
 * A long tool: a make goal in its own process group, its output in a file
 * (log) the server reads as it grows.
 */
struct mcp_job {
	/* The argv (make GOAL VAR=...) for these arguments. */
	char **(*argv)(const struct mcp_env *env, struct json_object *args);
	/*
	 * One line of the output: true when it is progress, with *done, *total
	 * (0: unknown) and msg set.  NULL: seconds elapsed every few seconds.
	 */
	bool (*progress)(const char *line, long *done, long *total, char *msg,
			 size_t msglen);
	/* The tool result once the goal exited with wait status wstatus. */
	struct json_object *(*result)(const struct mcp_env *env, const char *log,
				      int wstatus);
	/*
	 * After a cancelled run stopped: record what it did (started: the
	 * job's start, time(NULL)).  NULL: the goal records it itself.
	 */
	void (*partial)(const struct mcp_env *env, const char *log,
			long long started);
};

struct mcp_tool {
	const char *name;
	const char *description;
	/* Adds the tool's properties to an empty object schema (NULL: none). */
	void (*schema)(struct json_object *schema);
	/* Adds the result's properties and required keys (outputSchema). */
	void (*output)(struct json_object *schema);
	/* Arguments naming files: they must lie in the places mcp_path_check allows. */
	const char *const *paths;
	/* Quick tools: the result object ({content, structuredContent}). */
	struct json_object *(*run)(const struct mcp_env *env,
				   struct json_object *args);
	/* Long tools (they boot: one at a time); NULL for quick ones. */
	const struct mcp_job *job;
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
/* The outputSchema of a tool, NULL: none (kept for the process lifetime). */
struct json_object *mcp_tool_output_schema(const struct mcp_tool *t);
/* {"tools": [...]}: new reference. */
struct json_object *mcp_tools_list(void);

/* A tool result: structured content plus the same as text. */
struct json_object *mcp_tool_result(struct json_object *structured,
				    bool is_error);
/* A tool result holding only an error message. */
struct json_object *mcp_tool_error(const char *fmt, ...)
	__printf(1, 2);

/* ---- helpers of the long tools (tools.c) ---- */

/*
 * make -s [-f Makefile.boot] GOAL, the server's VAR=VALUE, then the
 * arguments of map (key -> VAR) that args has; room for extra more.
 */
struct mcp_var {
	const char *key, *var;
};
char **mcp_make_argv(const struct mcp_env *env, const char *goal,
		     struct json_object *args, const struct mcp_var *map,
		     size_t nmap, int extra);
/* The value after the last line starting with tag in the log; NULL: none. */
char *mcp_log_last(const char *log, const char *tag);
/* The last lines of the log. */
char *mcp_log_tail(const char *log, int lines);
/* Lines first..last (1-based) of a file, at most MCP_REPORT_LINES. */
struct json_object *mcp_file_lines(const char *path, long first, long last);
/* Lines of a crash report quoted from console.log, a diff excerpt. */
#define MCP_REPORT_LINES	40
/* "exit status N" printed by a failed make goal, else from the wait status. */
int mcp_goal_status(const char *log, const char *goal, int wstatus);
/* The output schema's helpers: a property of type(s) ("string|null"). */
void mcp_out_prop(struct json_object *schema, const char *name,
		  const char *types, const char *desc);

/* An object schema with no properties yet (additionalProperties false). */
struct json_object *mcp_object_schema(void);
/* An input property: type, description, bounds (0: none). */
void mcp_prop(struct json_object *schema, const char *name, const char *type,
	      const char *desc, long lo, long hi);
/* An input property of the string values vals (NULL-terminated). */
void mcp_prop_enum(struct json_object *schema, const char *name,
		   const char *desc, const char *const *vals);

extern const struct mcp_job mcp_boot_job, mcp_fstests_job, mcp_bisect_job;

/* Input (mcp_schema_) and output (mcp_output_) schemas of each tool. */
void mcp_schema_boot_test(struct json_object *s);
void mcp_output_boot_test(struct json_object *s);
void mcp_schema_fstests_run(struct json_object *s);
void mcp_output_fstests_run(struct json_object *s);
void mcp_schema_bisect(struct json_object *s);
void mcp_output_bisect(struct json_object *s);
void mcp_schema_classify_log(struct json_object *s);
void mcp_output_classify_log(struct json_object *s);
void mcp_output_list_profiles(struct json_object *s);
void mcp_schema_config_check(struct json_object *s);
void mcp_output_config_check(struct json_object *s);
void mcp_schema_kernel_info(struct json_object *s);
void mcp_output_kernel_info(struct json_object *s);

/* ---- resources ---- */

/* MCP's error code for a resource that does not exist. */
#define MCP_RESOURCE_NOT_FOUND	-32002

/*
 * boottest://runs/<id>/<file>: the index of file among the run's files
 * and id (a run directory's name, or "latest"), or -1 for any other URI.
 */
int mcp_resource_parse(const char *uri, char *id, size_t idlen);
/* Runs listed by resources/list, newest first. */
#define MCP_RESOURCE_RUNS	20
/* {"resources": [...]}: the files of the newest runs; new reference. */
struct json_object *mcp_resources_list(const struct mcp_env *env);
/* {"contents": [...]} of uri, or NULL with the reason in err. */
struct json_object *mcp_resource_read(const struct mcp_env *env,
				      const char *uri, char *err,
				      size_t errlen);

#endif
