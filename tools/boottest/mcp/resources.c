// SPDX-License-Identifier: GPL-2.0
/*
 * boottest-mcp: the resources.  The files of a run in the object tree's
 * runs directory, boottest://runs/<id>/<file>, where id is a run's
 * directory name or "latest" and file one of result.json, console.log and
 * report.html.  resources/list names the files of the newest runs (at
 * most MCP_RESOURCE_RUNS, newest first); resources/read reads any run's,
 * never a file outside the runs directory.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boottest-mcp.h"
#include "err.h"
#include "path.h"

/* The largest file resources/read returns. */
#define MCP_RESOURCE_MAX	(64 << 20)

static const char uri_prefix[] = "boottest://runs/";

static const struct {
	const char *file, *mime, *description;
} run_files[] = {
	{ "result.json", "application/json",
	  "the run's verdict (schema boottest-result/1; fstests' under \"fstests\")" },
	{ "console.log", "text/plain", "the run's console log" },
	{ "report.html", "text/html",
	  "the run's report: verdict, crashes, timeline, fstests, console" },
};

#define NFILES (sizeof(run_files) / sizeof(*run_files))

int mcp_resource_parse(const char *uri, char *id, size_t idlen)
{
	const char *p, *slash;
	size_t n, i;

	if (strncmp(uri, uri_prefix, sizeof(uri_prefix) - 1))
		return -1;
	p = uri + sizeof(uri_prefix) - 1;
	slash = strchr(p, '/');
	if (!slash)
		return -1;
	n = (size_t)(slash - p);
	/* A directory name: no dot first (., .., hidden), nothing odd. */
	if (!n || n >= idlen || *p == '.' ||
	    strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-_.") < n)
		return -1;
	for (i = 0; i < NFILES; i++) {
		if (!strcmp(slash + 1, run_files[i].file)) {
			memcpy(id, p, n);
			id[n] = '\0';
			return (int)i;
		}
	}
	return -1;
}

static char *runs_dir(const struct mcp_env *env)
{
	return bt_path_join(env->out, ".boottest/runs");
}

static int by_name_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* The run directories' names (not the "latest" link), newest first. */
static char **run_ids(const char *runs, size_t *n)
{
	DIR *d = opendir(runs);
	struct dirent *de;
	char **ids = NULL, id[256];
	size_t cap = 0;

	*n = 0;
	while (d && (de = readdir(d))) {
		char *path, *uri;
		bool dir;

		uri = bt_asprintf("%s%s/result.json", uri_prefix, de->d_name);
		path = bt_path_join(runs, de->d_name);
		dir = de->d_type == DT_DIR ||
		      (de->d_type == DT_UNKNOWN && bt_is_dir(path));
		if (dir && mcp_resource_parse(uri, id, sizeof(id)) >= 0) {
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				ids = bt_realloc(ids, cap * sizeof(*ids));
			}
			ids[(*n)++] = bt_strdup(de->d_name);
		}
		free(path);
		free(uri);
	}
	if (d)
		closedir(d);
	if (*n)
		qsort(ids, *n, sizeof(*ids), by_name_desc);
	return ids;
}

struct json_object *mcp_resources_list(const struct mcp_env *env)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	char *runs = runs_dir(env), **ids;
	size_t i, k, n;

	ids = run_ids(runs, &n);
	for (k = 0; k < n; k++) {
		char *dir = bt_path_join(runs, ids[k]);

		for (i = 0; k < MCP_RESOURCE_RUNS && i < NFILES; i++) {
			char *path = bt_path_join(dir, run_files[i].file);
			struct json_object *e;
			char *uri, *name;

			if (bt_is_file(path)) {
				e = json_object_new_object();
				uri = bt_asprintf("%s%s/%s", uri_prefix, ids[k],
						  run_files[i].file);
				name = bt_asprintf("%s/%s", ids[k], run_files[i].file);
				json_object_object_add(e, "uri", json_object_new_string(uri));
				json_object_object_add(e, "name", json_object_new_string(name));
				json_object_object_add(e, "description",
					json_object_new_string(run_files[i].description));
				json_object_object_add(e, "mimeType",
					json_object_new_string(run_files[i].mime));
				json_object_array_add(a, e);
				free(name);
				free(uri);
			}
			free(path);
		}
		free(dir);
		free(ids[k]);
	}
	free(ids);
	free(runs);
	json_object_object_add(o, "resources", a);
	return o;
}

/* Is real (a resolved path) inside dir's resolved path? */
static bool inside(const char *real, const char *dir)
{
	char *d = realpath(dir, NULL);
	size_t n = d ? strlen(d) : 0;
	bool in = d && !strncmp(real, d, n) && real[n] == '/';

	free(d);
	return in;
}

struct json_object *mcp_resource_read(const struct mcp_env *env,
				      const char *uri, char *err,
				      size_t errlen)
{
	struct json_object *o, *contents, *c;
	char id[256], *runs, *dir, *path, *real, *buf = NULL;
	size_t len;
	int i;

	i = mcp_resource_parse(uri, id, sizeof(id));
	if (i < 0) {
		snprintf(err, errlen,
			 "resource not found: %s (boottest://runs/<run or latest>/result.json, console.log or report.html)",
			 uri);
		return NULL;
	}
	runs = runs_dir(env);
	dir = bt_path_join(runs, id);
	path = bt_path_join(dir, run_files[i].file);
	real = realpath(path, NULL);
	if (!real) {
		snprintf(err, errlen, "resource not found: %s: %s", uri,
			 strerror(errno));
	} else if (!inside(real, runs)) {
		snprintf(err, errlen, "resource not found: %s is outside %s",
			 uri, runs);
	} else if (bt_read_file(real, &buf, &len, MCP_RESOURCE_MAX, NULL) < 0) {
		snprintf(err, errlen, "resource %s: cannot read %s", uri, real);
	}
	free(path);
	free(dir);
	free(runs);
	free(real);
	if (!buf)
		return NULL;
	c = json_object_new_object();
	json_object_object_add(c, "uri", json_object_new_string(uri));
	json_object_object_add(c, "mimeType",
			       json_object_new_string(run_files[i].mime));
	json_object_object_add(c, "text",
			       json_object_new_string_len(buf, (int)len));
	free(buf);
	contents = json_object_new_array();
	json_object_array_add(contents, c);
	o = json_object_new_object();
	json_object_object_add(o, "contents", contents);
	return o;
}
