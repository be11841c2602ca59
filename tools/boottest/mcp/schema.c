// SPDX-License-Identifier: GPL-2.0
/*
 * boottest-mcp: the JSON Schemas of the tools, for tools/list: each tool's
 * inputSchema (checked by the server before a tool runs) and outputSchema
 * (what its structuredContent holds; clients validate it).
 */
#include <string.h>

#include "boottest-mcp.h"

void mcp_prop(struct json_object *schema, const char *name, const char *type,
	      const char *desc, long lo, long hi)
{
	struct json_object *props, *p = json_object_new_object();
	bool str = !strcmp(type, "string");

	json_object_object_get_ex(schema, "properties", &props);
	json_object_object_add(p, "type", json_object_new_string(type));
	json_object_object_add(p, "description", json_object_new_string(desc));
	if (lo)
		json_object_object_add(p, str ? "minLength" : "minimum",
				       json_object_new_int64(lo));
	if (hi)
		json_object_object_add(p, str ? "maxLength" : "maximum",
				       json_object_new_int64(hi));
	json_object_object_add(props, name, p);
}

void mcp_prop_enum(struct json_object *schema, const char *name,
		   const char *desc, const char *const *vals)
{
	struct json_object *props, *p, *e = json_object_new_array();

	mcp_prop(schema, name, "string", desc, 0, 0);
	json_object_object_get_ex(schema, "properties", &props);
	json_object_object_get_ex(props, name, &p);
	for (; *vals; vals++)
		json_object_array_add(e, json_object_new_string(*vals));
	json_object_object_add(p, "enum", e);
}

struct json_object *mcp_object_schema(void)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("object"));
	json_object_object_add(o, "properties", json_object_new_object());
	json_object_object_add(o, "additionalProperties",
			       json_object_new_boolean(false));
	return o;
}

static void required(struct json_object *s, const char *const *keys)
{
	struct json_object *req = json_object_new_array();

	for (; *keys; keys++)
		json_object_array_add(req, json_object_new_string(*keys));
	json_object_object_add(s, "required", req);
}

void mcp_out_prop(struct json_object *schema, const char *name,
		  const char *types, const char *desc)
{
	struct json_object *props, *p = json_object_new_object();
	const char *bar = strchr(types, '|');

	json_object_object_get_ex(schema, "properties", &props);
	if (bar) {
		struct json_object *t = json_object_new_array();

		json_object_array_add(t, json_object_new_string_len(types,
							(int)(bar - types)));
		json_object_array_add(t, json_object_new_string(bar + 1));
		json_object_object_add(p, "type", t);
	} else {
		json_object_object_add(p, "type", json_object_new_string(types));
	}
	json_object_object_add(p, "description", json_object_new_string(desc));
	json_object_object_add(props, name, p);
}

/* ---- boot_test ---- */

static const char *const arches[] = { "x86_64", "arm64", NULL };

void mcp_schema_boot_test(struct json_object *s)
{
	mcp_prop(s, "kernel", "string",
		 "kernel image (default: the tree's; Debian's outside a kernel tree)", 1, 0);
	mcp_prop(s, "cmd", "string",
		 "shell command the guest runs after boot; its status is part of the verdict",
		 0, 0);
	mcp_prop(s, "timeout", "integer", "seconds before the boot counts as hung",
		 1, 86400);
	mcp_prop(s, "mem", "string", "guest memory, e.g. 512M or 2G", 1, 16);
	mcp_prop(s, "cpus", "integer", "guest CPUs", 1, 64);
	mcp_prop(s, "tests", "string",
		 "a bats file or directory the guest runs after boot (TESTS=)", 1, 0);
	mcp_prop(s, "profile", "string",
		 "Kconfig.test profiles the kernel's config must have, comma-separated (PROFILE=)",
		 1, 256);
	mcp_prop(s, "modules", "string",
		 "the kernel's modules directory, lib/modules/RELEASE (MODULES=)", 1, 0);
	mcp_prop_enum(s, "arch",
		      "the guest's architecture (ARCH=; default: the kernel's, else the tree's)",
		      arches);
}

void mcp_output_boot_test(struct json_object *s)
{
	static const char *const req[] = {
		"verdict", "exit_status", "crashes", "run_dir", NULL
	};

	mcp_out_prop(s, "verdict", "string",
		     "clean, panic, oops, bug, warning, kasan, ..., timeout, interrupted");
	mcp_out_prop(s, "exit_status", "integer",
		     "make boottest's: 0 clean, 1 the kernel failed, 2 infrastructure");
	mcp_out_prop(s, "reason", "string|null", "why, in words");
	mcp_out_prop(s, "duration_s", "number|null", "the boot's wall time");
	mcp_out_prop(s, "kernel", "string|null", "the image booted");
	mcp_out_prop(s, "release", "string|null", "its release");
	mcp_out_prop(s, "cmd", "string", "the command the guest ran");
	mcp_out_prop(s, "cmd_status", "integer|null", "its exit status");
	mcp_out_prop(s, "crashes", "array",
		     "title, category, panicked, start_line, end_line, report (console lines), stack, stack_sources");
	mcp_out_prop(s, "errors", "integer", "kernel messages at error level");
	mcp_out_prop(s, "warnings", "integer", "kernel messages at warning level");
	mcp_out_prop(s, "run_dir", "string", "the run directory");
	mcp_out_prop(s, "result_json", "string", "its result.json");
	mcp_out_prop(s, "console_log", "string", "its console.log");
	mcp_out_prop(s, "report_html", "string|null", "its report.html");
	required(s, req);
}

/* ---- fstests_run ---- */

static const char *const fstypes[] = {
	"ext4", "ext3", "ext2", "xfs", "btrfs", NULL
};

void mcp_schema_fstests_run(struct json_object *s)
{
	mcp_prop(s, "fstests", "string",
		 "a built fstests tree (FSTESTS=; default: the server's FSTESTS=)", 1, 0);
	mcp_prop_enum(s, "fstyp", "the file system under test (FSTYP=; default ext4)",
		      fstypes);
	mcp_prop(s, "tests", "string",
		 "check's selection: test names or groups, e.g. \"-g quick\" or \"generic/001 ext4/003\" (TESTS=)",
		 1, 4096);
	mcp_prop(s, "config", "string",
		 "config sections, comma-separated, e.g. 4k,1k (CONFIG=)", 1, 256);
	mcp_prop(s, "jobs", "integer", "VMs taking tests from one queue (JOBS=)", 1, 64);
	mcp_prop(s, "kernel", "string", "kernel image (default: the tree's)", 1, 0);
	mcp_prop(s, "modules", "string",
		 "the kernel's modules directory (MODULES=)", 1, 0);
	mcp_prop(s, "timeout", "integer", "seconds the whole run may take", 1, 604800);
	mcp_prop(s, "mem", "string", "guest memory, e.g. 2G", 1, 16);
	mcp_prop(s, "cpus", "integer", "guest CPUs", 1, 64);
}

void mcp_output_fstests_run(struct json_object *s)
{
	static const char *const req[] = {
		"verdict", "exit_status", "partial", "counts", "failures",
		"crashes", NULL
	};

	mcp_out_prop(s, "verdict", "string|null",
		     "fstests' verdict: pass, fail, crash, timeout, ...");
	mcp_out_prop(s, "kernel_verdict", "string|null", "the kernel's, as boot_test's");
	mcp_out_prop(s, "exit_status", "integer",
		     "make fstests-vm's: 0 pass, 1 a test failed or the kernel crashed, 2 usage or infrastructure");
	mcp_out_prop(s, "complete", "boolean", "every planned test ran");
	mcp_out_prop(s, "partial", "boolean", "cancelled: the tests done so far");
	mcp_out_prop(s, "counts", "object",
		     "tests, passed, failed, notrun, expunged, crashed, timeout, notreached");
	mcp_out_prop(s, "sections", "array", "each config section: name, fstyp, counts");
	mcp_out_prop(s, "failures", "array",
		     "each test not passed nor skipped: section, name, status, message, diff (the first lines of its .out.bad diff)");
	mcp_out_prop(s, "crashes", "array",
		     "kernel crashes: category, title, section, test");
	mcp_out_prop(s, "running", "object|null", "the test running when the run ended");
	mcp_out_prop(s, "run_dir", "string|null", "the run directory");
	mcp_out_prop(s, "results_dir", "string|null", "fstests' results tree in it");
	mcp_out_prop(s, "fstests_json", "string|null", "the whole verdict (fstests.json)");
	mcp_out_prop(s, "report_html", "string|null", "the run's report.html");
	required(s, req);
}

/* ---- bisect ---- */

void mcp_schema_bisect(struct json_object *s)
{
	static const char *const req[] = { "good", "bad", NULL };

	mcp_prop(s, "good", "string", "a commit that boots fine (GOOD=)", 1, 256);
	mcp_prop(s, "bad", "string", "a commit that fails (BAD=)", 1, 256);
	mcp_prop(s, "match", "string",
		 "extended regex: only a crash whose title matches is bad (MATCH=)", 1, 1024);
	mcp_prop(s, "cmd", "string", "shell command the guest runs at each step (CMD=)",
		 0, 0);
	mcp_prop(s, "timeout", "integer", "seconds before a step's boot counts as hung",
		 1, 86400);
	required(s, req);
}

void mcp_output_bisect(struct json_object *s)
{
	static const char *const req[] = { "found", "exit_status", "steps", NULL };

	mcp_out_prop(s, "found", "boolean", "the first bad commit was found");
	mcp_out_prop(s, "first_bad", "object|null", "commit and subject");
	mcp_out_prop(s, "candidates", "array",
		     "inconclusive: the commits among which the first bad one is");
	mcp_out_prop(s, "steps", "array", "step, commit, answer (good, bad, skip), detail");
	mcp_out_prop(s, "exit_status", "integer",
		     "0 found, 1 inconclusive, 2 refused, error or interrupted");
	mcp_out_prop(s, "bisect_dir", "string|null", "the logs of every step");
	mcp_out_prop(s, "report_html", "string|null", "the page of the steps");
	mcp_out_prop(s, "message", "string|null", "why it stopped, when not found");
	required(s, req);
}

/* ---- the quick tools ---- */

void mcp_schema_classify_log(struct json_object *s)
{
	mcp_prop(s, "path", "string", "a console or dmesg log file", 1, 0);
	mcp_prop(s, "text", "string", "the log itself (instead of path)", 0, 0);
}

void mcp_output_classify_log(struct json_object *s)
{
	static const char *const req[] = { "verdict", "crashes", NULL };

	mcp_out_prop(s, "verdict", "string", "the worst the log shows");
	mcp_out_prop(s, "crashes", "array", "title, category and lines of each crash");
	mcp_out_prop(s, "errors", "array", "messages at error level");
	mcp_out_prop(s, "warnings", "array", "messages at warning level");
	mcp_out_prop(s, "counts", "object", "messages per level");
	required(s, req);
}

void mcp_output_list_profiles(struct json_object *s)
{
	static const char *const req[] = { "profiles", NULL };

	mcp_out_prop(s, "profiles", "array", "name and description of each");
	required(s, req);
}

void mcp_schema_config_check(struct json_object *s)
{
	mcp_prop(s, "profile", "string",
		 "Kconfig.test profiles, comma-separated (default: boot)", 1, 256);
	mcp_prop(s, "config", "string",
		 "the .config to check (default: the object tree's .config)", 1, 0);
}

void mcp_output_config_check(struct json_object *s)
{
	static const char *const req[] = { "ok", "missing", NULL };

	mcp_out_prop(s, "ok", "boolean", "the config has every profile's symbols");
	mcp_out_prop(s, "config", "string", "the .config checked");
	mcp_out_prop(s, "profile", "string", "the profiles");
	mcp_out_prop(s, "missing", "array", "symbol, want, profile, reason");
	required(s, req);
}

void mcp_schema_kernel_info(struct json_object *s)
{
	static const char *const req[] = { "path", NULL };

	mcp_prop(s, "path", "string", "the kernel image (bzImage, Image, vmlinux)", 1, 0);
	required(s, req);
}

void mcp_output_kernel_info(struct json_object *s)
{
	static const char *const req[] = { "file", "format", NULL };

	mcp_out_prop(s, "file", "string", "the image");
	mcp_out_prop(s, "format", "string", "bzImage, Image, ELF, ...");
	mcp_out_prop(s, "arch", "string|null", "its architecture");
	mcp_out_prop(s, "release", "string|null", "its release");
	required(s, req);
}
