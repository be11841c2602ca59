// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: boottest-mcp's message parser (mcp/proto.c),
 * then the check of tool arguments against the tools' own inputSchema,
 * the error answer built from what the parser kept, and the resource URI
 * of resources/read: a run id it accepts never leaves the runs directory
 * (no "/", no "." first: not ".." nor a hidden name), else abort.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/boottest-mcp.h"
#include "err.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mcp_tool *t;
	struct json_object *args, *reply;
	struct mcp_msg m;
	char err[512], id[64];
	size_t n, ntools;
	int code;

	bt_set_quiet(1);
	code = mcp_parse((const char *)data, size, &m, err, sizeof(err));
	if (code) {
		reply = mcp_error_new(m.id, code, err);
		json_object_to_json_string(reply);
		json_object_put(reply);
	} else if (m.params) {
		if (!json_object_object_get_ex(m.params, "arguments", &args))
			args = m.params;
		t = mcp_tool_find(bt_json_get_str(m.params, "name"));
		for (ntools = 0; mcp_tools[ntools].name; ntools++)
			;
		for (n = 0; !t && n < ntools; n++)
			if (size % ntools == n)	/* each schema in turn */
				t = &mcp_tools[n];
		if (!t)
			t = mcp_tools;
		mcp_schema_check(mcp_tool_schema(t), args, "arguments", err,
				 sizeof(err));
	}
	mcp_negotiate(m.method);
	if (m.params && bt_json_get_str(m.params, "uri") &&
	    mcp_resource_parse(bt_json_get_str(m.params, "uri"), id,
			       sizeof(id)) >= 0 &&
	    (!*id || *id == '.' || strchr(id, '/')))
		abort();
	mcp_msg_free(&m);
	return 0;
}
