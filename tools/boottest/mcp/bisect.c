// SPDX-License-Identifier: GPL-2.0
/*
 * boottest-mcp: bisect, make boottest-bisect as a long tool.  Its lines
 * ("boottest-bisect: step N: REV: good: ...", git's "Bisecting: ...
 * (roughly K steps)") give the progress, one per step done; at the end
 * they give the first bad commit (or the candidates) and every step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boottest-mcp.h"
#include "err.h"
#include "json.h"
#include "path.h"

/* The whole output read back: larger is cut. */
#define MCP_BISECT_LOG_MAX	(64 << 20)

static const char tag[] = "boottest-bisect: ";

static const struct mcp_var bisect_vars[] = {
	{ "good", "GOOD" }, { "bad", "BAD" }, { "match", "MATCH" },
	{ "cmd", "CMD" }, { "timeout", "TIMEOUT" },
};

static char **bisect_argv(const struct mcp_env *env, struct json_object *args)
{
	return mcp_make_argv(env, "boottest-bisect", args, bisect_vars,
			     sizeof(bisect_vars) / sizeof(*bisect_vars), 0);
}

/*
 * "step N: REV: ANSWER: DETAIL" (a step done; "step N: REV SUBJECT" is
 * one starting): N, and the answer and detail.  false: not a step's end.
 */
static bool step_end(const char *line, long *n, char *rev, size_t revlen,
		     const char **answer)
{
	const char *p;
	int end = 0;

	if (strncmp(line, tag, sizeof(tag) - 1))
		return false;
	line += sizeof(tag) - 1;
	if (sscanf(line, "step %ld: %n", n, &end) < 1 || !end)
		return false;
	p = line + end;
	end = (int)strspn(p, "0123456789abcdef");
	if (!end || p[end] != ':' || (size_t)end >= revlen)
		return false;
	memcpy(rev, p, (size_t)end);
	rev[end] = '\0';
	*answer = p + end + 1 + strspn(p + end + 1, " ");
	return true;
}

/* git's steps left after the commit under test, from its last line. */
static long steps_left;

static bool bisect_progress(const char *line, long *done, long *total,
			    char *msg, size_t msglen)
{
	const char *answer, *r;
	char rev[64];
	long k;

	if (!strncmp(line, tag, sizeof(tag) - 1) &&
	    !strncmp(line + sizeof(tag) - 1, "bisecting ", 10))
		steps_left = 0;
	r = strstr(line, "(roughly ");
	if (!strncmp(line, "Bisecting: ", 11) && r &&
	    sscanf(r, "(roughly %ld step", &k) == 1)
		steps_left = k;
	if (!step_end(line, done, rev, sizeof(rev), &answer))
		return false;
	*total = *done + steps_left;
	snprintf(msg, msglen, "step %ld: %s: %s", *done, rev, answer);
	return true;
}

/* "ANSWER: DETAIL" of a step into {step, commit, answer, detail}. */
static struct json_object *step_json(long n, const char *rev,
				     const char *answer)
{
	struct json_object *e = json_object_new_object();
	size_t w = strcspn(answer, ":");

	json_object_object_add(e, "step", json_object_new_int64(n));
	bt_json_add_str(e, "commit", rev);
	json_object_object_add(e, "answer",
			       json_object_new_string_len(answer, (int)w));
	answer += w;
	answer += strspn(answer, ": ");
	bt_json_add_str(e, "detail", answer);
	return e;
}

static struct json_object *bisect_result(const struct mcp_env *env,
					 const char *log, int wstatus)
{
	struct json_object *o, *steps = json_object_new_array();
	struct json_object *cands = json_object_new_array(), *first = NULL;
	char *buf = NULL, *line, *next, *dir = NULL, *report = NULL, *msg = NULL;
	bool in_cands = false, want_subject = false;
	const char *answer;
	char rev[64];
	size_t len;
	long n;
	int st = mcp_goal_status(log, "boottest-bisect", wstatus);

	(void)env;
	if (bt_read_file(log, &buf, &len, MCP_BISECT_LOG_MAX, NULL) < 0)
		buf = bt_strdup("");
	for (line = buf; line && *line; line = next) {
		const char *l;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, tag, sizeof(tag) - 1))
			continue;
		l = line + sizeof(tag) - 1;
		if (want_subject && !strncmp(l, "  ", 2)) {
			bt_json_add_str(first, "subject", l + strspn(l, " "));
			want_subject = false;
		} else if (in_cands && !strncmp(l, "  ", 2)) {
			l += strspn(l, " ");
			json_object_array_add(cands, json_object_new_string_len(l,
				(int)strspn(l, "0123456789abcdef")));
		} else if (step_end(line, &n, rev, sizeof(rev), &answer)) {
			json_object_array_add(steps, step_json(n, rev, answer));
		} else if (strstr(l, " is the first bad commit")) {
			json_object_put(first);
			first = json_object_new_object();
			json_object_object_add(first, "commit",
				json_object_new_string_len(l, (int)strcspn(l, " ")));
			bt_json_add_str(first, "subject", NULL);
			want_subject = true;
		} else if (!strncmp(l, "inconclusive:", 13)) {
			in_cands = true;
			free(msg);
			msg = bt_strdup(l);
		} else if (!strncmp(l, "logs in ", 8)) {
			free(dir);
			dir = bt_strndup(l + 8, strcspn(l + 8, " "));
		} else if (!strncmp(l, "report ", 7)) {
			free(report);
			report = bt_strdup(l + 7);
		} else if (!strncmp(l, "error: ", 7) || !strcmp(l, "interrupted")) {
			free(msg);
			msg = bt_strdup(l);
		}
	}
	free(buf);
	if (!dir) {
		char *tail = mcp_log_tail(log, 20);

		o = mcp_tool_error("bisect: make boottest-bisect exited with status %d before bisecting\n%s",
				   st, tail);
		free(tail);
		json_object_put(steps);
		json_object_put(cands);
		json_object_put(first);
		free(report);
		free(msg);
		return o;
	}
	o = json_object_new_object();
	bt_json_add_bool(o, "found", first != NULL);
	json_object_object_add(o, "first_bad", first);
	json_object_object_add(o, "candidates", cands);
	json_object_object_add(o, "steps", steps);
	bt_json_add_int(o, "exit_status", st);
	bt_json_add_str(o, "bisect_dir", dir);
	bt_json_add_str(o, "report_html", report);
	bt_json_add_str(o, "message", msg);
	free(dir);
	free(report);
	free(msg);
	return mcp_tool_result(o, false);
}

const struct mcp_job mcp_bisect_job = {
	.argv = bisect_argv,
	.progress = bisect_progress,
	.result = bisect_result,
};
