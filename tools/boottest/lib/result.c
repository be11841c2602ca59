// SPDX-License-Identifier: GPL-2.0
/* result.json: struct bt_result to and from its JSON document. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "result.h"

#define MAX_RESULT	(64L << 20)

void bt_result_init(struct bt_result *r)
{
	memset(r, 0, sizeof(*r));
	r->timeout_s = -1;
	r->init.seconds = -1;
	r->cmd.status = -1;
	r->tests.status = -1;
	r->errors = -1;
	r->warnings = -1;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void bt_result_crash_free(struct bt_result_crash *c)
{
	free(c->category);
	free(c->title);
	free_strv(c->alt, c->nalt);
	free(c->frame);
	free_strv(c->stack, c->nstack);
	for (size_t i = 0; i < c->nsources; i++) {
		struct bt_result_source *s = &c->sources[i];

		free(s->source);
		for (size_t k = 0; k < s->ninlined; k++) {
			free(s->inlined[k].function);
			free(s->inlined[k].source);
		}
		free(s->inlined);
	}
	free(c->sources);
	json_object_put(c->extra);
	memset(c, 0, sizeof(*c));
}

void bt_result_free(struct bt_result *r)
{
	free(r->verdict);
	free(r->reason);
	free(r->kernel.path);
	free(r->kernel.initrd);
	free(r->kernel.release);
	free(r->kernel.arch);
	free_strv(r->qemu.argv, r->qemu.argc);
	free(r->qemu.accel);
	free(r->qemu.kvm_fallback);
	free(r->qemu.status);
	free(r->run_dir);
	free(r->nonce);
	free(r->cmd.command);
	free(r->tests.path);
	free(r->tests.failed_names);
	for (size_t i = 0; i < r->ncrashes; i++)
		bt_result_crash_free(&r->crashes[i]);
	free(r->crashes);
	free(r->classifier.tool);
	free(r->classifier.verdict);
	free(r->dump.path);
	free(r->dump.reason);
	free(r->dump.why);
	free(r->gdb.command);
	json_object_put(r->fstests);
	json_object_put(r->extra);
	bt_result_init(r);
}

/* ---- reading ---- */

/*
 * The reader's state: the document's name for messages and the first
 * error.  Each getter leaves its default when the key is absent and
 * records an error when the key has another type.
 */
struct rd {
	const char *name;
	int err;
};

static bool rd_get(struct rd *d, struct json_object *o, const char *key,
		   enum json_type want, const char *what,
		   struct json_object **v)
{
	*v = NULL;
	if (!o || !json_object_object_get_ex(o, key, v) || !*v)
		return false;
	if (json_object_is_type(*v, want) ||
	    (want == json_type_double && json_object_is_type(*v, json_type_int)))
		return true;
	if (!d->err)
		bt_err("%s: \"%s\" is not %s", d->name, key, what);
	d->err = -1;
	return false;
}

static char *rd_str(struct rd *d, struct json_object *o, const char *key)
{
	struct json_object *v;

	return rd_get(d, o, key, json_type_string, "a string", &v) ?
	       bt_strdup(json_object_get_string(v)) : NULL;
}

static long long rd_int(struct rd *d, struct json_object *o, const char *key,
			long long def)
{
	struct json_object *v;

	return rd_get(d, o, key, json_type_int, "an integer", &v) ?
	       json_object_get_int64(v) : def;
}

static double rd_double(struct rd *d, struct json_object *o, const char *key,
			double def)
{
	struct json_object *v;

	return rd_get(d, o, key, json_type_double, "a number", &v) ?
	       json_object_get_double(v) : def;
}

static bool rd_bool(struct rd *d, struct json_object *o, const char *key,
		    bool def)
{
	struct json_object *v;

	return rd_get(d, o, key, json_type_boolean, "true or false", &v) ?
	       json_object_get_boolean(v) : def;
}

static struct json_object *rd_obj(struct rd *d, struct json_object *o,
				  const char *key)
{
	struct json_object *v;

	return rd_get(d, o, key, json_type_object, "an object", &v) ? v : NULL;
}

static struct json_object *rd_arr(struct rd *d, struct json_object *o,
				  const char *key)
{
	struct json_object *v;

	return rd_get(d, o, key, json_type_array, "an array", &v) ? v : NULL;
}

/* An array of strings; *n its length. */
static char **rd_strv(struct rd *d, struct json_object *o, const char *key,
		      size_t *n)
{
	struct json_object *a = rd_arr(d, o, key);
	size_t len = a ? json_object_array_length(a) : 0;
	char **v = len ? bt_calloc(len, sizeof(*v)) : NULL;

	for (size_t i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);

		if (!json_object_is_type(e, json_type_string)) {
			if (!d->err)
				bt_err("%s: \"%s\" holds a non-string", d->name,
				       key);
			d->err = -1;
			v[i] = bt_strdup("");
			continue;
		}
		v[i] = bt_strdup(json_object_get_string(e));
	}
	*n = len;
	return v;
}

/* The keys of o not in known[] (NULL-terminated), or NULL when none. */
static struct json_object *rd_extra(struct json_object *o,
				    const char *const *known)
{
	struct json_object *x = NULL;

	json_object_object_foreach(o, key, val) {
		const char *const *k;

		for (k = known; *k && strcmp(*k, key); k++)
			;
		if (*k)
			continue;
		if (!x)
			x = json_object_new_object();
		json_object_object_add(x, key, json_object_get(val));
	}
	return x;
}

static void rd_source(struct rd *d, struct json_object *o,
		      struct bt_result_source *s)
{
	struct json_object *a;

	if (!o || json_object_is_type(o, json_type_null))
		return;
	if (!json_object_is_type(o, json_type_object)) {
		if (!d->err)
			bt_err("%s: a \"stack_sources\" entry is not an object",
			       d->name);
		d->err = -1;
		return;
	}
	s->placed = true;
	s->source = rd_str(d, o, "source");
	a = rd_arr(d, o, "inlined");
	s->ninlined = a ? json_object_array_length(a) : 0;
	if (s->ninlined)
		s->inlined = bt_calloc(s->ninlined, sizeof(*s->inlined));
	for (size_t i = 0; i < s->ninlined; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);

		s->inlined[i].function = rd_str(d, e, "function");
		s->inlined[i].source = rd_str(d, e, "source");
	}
}

static const char *const crash_keys[] = {
	"category", "title", "alt", "frame", "start_line", "end_line",
	"panicked", "corrupted", "stack", "new", "stack_sources", NULL
};

static int crash_read(struct rd *d, struct json_object *o,
		      struct bt_result_crash *c)
{
	struct json_object *a;

	memset(c, 0, sizeof(*c));
	c->is_new = -1;
	if (!json_object_is_type(o, json_type_object)) {
		bt_err("%s: a crash is not an object", d->name);
		return d->err = -1;
	}
	c->category = rd_str(d, o, "category");
	c->title = rd_str(d, o, "title");
	c->alt = rd_strv(d, o, "alt", &c->nalt);
	c->frame = rd_str(d, o, "frame");
	c->start_line = rd_int(d, o, "start_line", 0);
	c->end_line = rd_int(d, o, "end_line", 0);
	c->panicked = rd_bool(d, o, "panicked", false);
	c->corrupted = rd_bool(d, o, "corrupted", false);
	c->stack = rd_strv(d, o, "stack", &c->nstack);
	if (json_object_object_get_ex(o, "new", NULL))
		c->is_new = rd_bool(d, o, "new", false);
	a = rd_arr(d, o, "stack_sources");
	c->nsources = a ? json_object_array_length(a) : 0;
	if (c->nsources)
		c->sources = bt_calloc(c->nsources, sizeof(*c->sources));
	for (size_t i = 0; i < c->nsources; i++)
		rd_source(d, json_object_array_get_idx(a, i), &c->sources[i]);
	c->extra = rd_extra(o, crash_keys);
	return d->err;
}

int bt_result_crash_from_json(struct json_object *o, const char *name,
			      struct bt_result_crash *c)
{
	struct rd d = { .name = name };

	if (crash_read(&d, o, c) < 0) {
		bt_result_crash_free(c);
		return -1;
	}
	return 0;
}

int bt_result_add_crashes(struct bt_result *r, struct json_object *crashes,
			  const char *name)
{
	size_t n = crashes ? json_object_array_length(crashes) : 0;

	if (!n)
		return 0;
	r->crashes = bt_realloc(r->crashes,
				(r->ncrashes + n) * sizeof(*r->crashes));
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(crashes, i);

		if (bt_result_crash_from_json(c, name,
					      &r->crashes[r->ncrashes]) < 0)
			return -1;
		r->ncrashes++;
	}
	return 0;
}

static void read_kernel_qemu(struct rd *d, struct json_object *o,
			     struct bt_result *r)
{
	struct json_object *k = rd_obj(d, o, "kernel");
	struct json_object *q = rd_obj(d, o, "qemu");

	r->kernel.path = rd_str(d, k, "path");
	r->kernel.initrd = rd_str(d, k, "initrd");
	r->kernel.release = rd_str(d, k, "release");
	r->kernel.arch = rd_str(d, k, "arch");
	r->qemu.argv = rd_strv(d, q, "argv", &r->qemu.argc);
	r->qemu.accel = rd_str(d, q, "accel");
	r->qemu.kvm_fallback = rd_str(d, q, "kvm_fallback");
	r->qemu.status = rd_str(d, q, "status");
	r->qemu.killed = rd_bool(d, q, "killed", false);
	r->qemu.cpu_s = rd_double(d, q, "cpu_s", 0);
	r->qemu.started_at = rd_double(d, q, "started_at", 0);
	r->qemu.exited_at = rd_double(d, q, "exited_at", 0);
}

static void read_guest(struct rd *d, struct json_object *o,
		       struct bt_result *r)
{
	struct json_object *i = rd_obj(d, o, "init");
	struct json_object *c = rd_obj(d, o, "cmd");
	struct json_object *t = rd_obj(d, o, "tests");

	r->init.reached = rd_bool(d, i, "reached", false);
	r->init.seconds = rd_double(d, i, "seconds", -1);
	r->init.finished = rd_bool(d, i, "finished", false);
	r->cmd.present = c != NULL;
	r->cmd.command = rd_str(d, c, "command");
	r->cmd.status = rd_int(d, c, "status", -1);
	r->tests.present = t != NULL;
	r->tests.path = rd_str(d, t, "path");
	r->tests.status = rd_int(d, t, "status", -1);
	r->tests.total = rd_int(d, t, "total", 0);
	r->tests.passed = rd_int(d, t, "passed", 0);
	r->tests.failed = rd_int(d, t, "failed", 0);
	r->tests.skipped = rd_int(d, t, "skipped", 0);
	r->tests.failed_names = rd_str(d, t, "failed_names");
}

static void read_postmortem(struct rd *d, struct json_object *o,
			    struct bt_result *r)
{
	struct json_object *x = rd_obj(d, o, "dump");
	struct json_object *g = rd_obj(d, o, "gdb");

	r->dump.present = x != NULL;
	r->dump.path = rd_str(d, x, "path");
	r->dump.size = rd_int(d, x, "size", 0);
	r->dump.load_bytes = rd_int(d, x, "load_bytes", 0);
	r->dump.vmcoreinfo = rd_bool(d, x, "vmcoreinfo", false);
	r->dump.reason = rd_str(d, x, "reason");
	r->dump.seconds = rd_double(d, x, "seconds", 0);
	r->dump.why = rd_str(d, x, "why");
	r->gdb.present = g != NULL;
	r->gdb.port = rd_int(d, g, "port", 0);
	r->gdb.wait = rd_bool(d, g, "wait", false);
	r->gdb.command = rd_str(d, g, "command");
}

static const char *const top_keys[] = {
	"schema", "verdict", "exit_status", "reason", "kernel", "qemu",
	"run_dir", "nonce", "timeout_s", "duration_s", "timed_out", "init",
	"cmd", "tests", "crashes", "errors", "warnings", "classifier", "dump",
	"gdb", "fstests", NULL
};

int bt_result_from_json(struct json_object *o, const char *name,
			struct bt_result *r)
{
	struct rd d = { .name = name };
	struct json_object *c, *f;
	const char *schema = bt_json_get_str(o, "schema");

	bt_result_init(r);
	if (!o || !json_object_is_type(o, json_type_object) || !schema ||
	    strcmp(schema, BT_RESULT_SCHEMA))
		return bt_error("%s: not a boottest result.json (schema %s, want %s)",
				name, schema ? schema : "missing",
				BT_RESULT_SCHEMA);
	r->verdict = rd_str(&d, o, "verdict");
	r->exit_status = rd_int(&d, o, "exit_status", 2);
	r->reason = rd_str(&d, o, "reason");
	read_kernel_qemu(&d, o, r);
	r->run_dir = rd_str(&d, o, "run_dir");
	r->nonce = rd_str(&d, o, "nonce");
	r->timeout_s = rd_int(&d, o, "timeout_s", -1);
	r->duration_s = rd_double(&d, o, "duration_s", 0);
	r->timed_out = rd_bool(&d, o, "timed_out", false);
	read_guest(&d, o, r);
	c = rd_arr(&d, o, "crashes");
	if (!d.err && bt_result_add_crashes(r, c, name) < 0)
		d.err = -1;
	r->errors = rd_int(&d, o, "errors", -1);
	r->warnings = rd_int(&d, o, "warnings", -1);
	c = rd_obj(&d, o, "classifier");
	r->classifier.tool = rd_str(&d, c, "tool");
	r->classifier.verdict = rd_str(&d, c, "verdict");
	read_postmortem(&d, o, r);
	f = rd_obj(&d, o, "fstests");
	r->fstests = f ? json_object_get(f) : NULL;
	r->extra = rd_extra(o, top_keys);
	if (!r->verdict && !d.err)
		d.err = bt_error("%s: no \"verdict\"", name);
	if (d.err)
		bt_result_free(r);
	return d.err;
}

int bt_result_read(const char *path, struct bt_result *r)
{
	struct json_object *o = bt_json_load(path, MAX_RESULT);
	int rc;

	if (!o) {
		bt_result_init(r);
		return -1;
	}
	rc = bt_result_from_json(o, path, r);
	json_object_put(o);
	return rc;
}

/* ---- writing ---- */

static struct json_object *str_array(char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static void add_seconds(struct json_object *o, const char *key, double v)
{
	bt_json_add_fixed(o, key, v, BT_RESULT_SEC_DIGITS);
}

/* Append the keys of extra (a json-c object) to o. */
static void add_extra(struct json_object *o, struct json_object *extra)
{
	if (!extra)
		return;
	json_object_object_foreach(extra, key, val)
		json_object_object_add(o, key, json_object_get(val));
}

static struct json_object *source_json(const struct bt_result_source *s)
{
	struct json_object *j, *a;

	if (!s->placed)
		return NULL;
	j = json_object_new_object();
	bt_json_add_str(j, "source", s->source);
	if (s->ninlined) {
		a = json_object_new_array();
		for (size_t i = 0; i < s->ninlined; i++) {
			struct json_object *e = json_object_new_object();

			bt_json_add_str(e, "function", s->inlined[i].function);
			bt_json_add_str(e, "source", s->inlined[i].source);
			json_object_array_add(a, e);
		}
		json_object_object_add(j, "inlined", a);
	}
	return j;
}

static struct json_object *crash_json(const struct bt_result_crash *c)
{
	struct json_object *j = json_object_new_object();

	bt_json_add_str(j, "category", c->category);
	bt_json_add_str(j, "title", c->title);
	json_object_object_add(j, "alt", str_array(c->alt, c->nalt));
	bt_json_add_str(j, "frame", c->frame);
	bt_json_add_int(j, "start_line", c->start_line);
	bt_json_add_int(j, "end_line", c->end_line);
	bt_json_add_bool(j, "panicked", c->panicked);
	bt_json_add_bool(j, "corrupted", c->corrupted);
	json_object_object_add(j, "stack", str_array(c->stack, c->nstack));
	if (c->is_new >= 0)
		bt_json_add_bool(j, "new", c->is_new);
	if (c->nsources) {
		struct json_object *a = json_object_new_array();

		for (size_t i = 0; i < c->nsources; i++)
			json_object_array_add(a, source_json(&c->sources[i]));
		json_object_object_add(j, "stack_sources", a);
	}
	add_extra(j, c->extra);
	return j;
}

static void write_kernel_qemu(struct json_object *j, const struct bt_result *r)
{
	struct json_object *k = json_object_new_object();
	struct json_object *q = json_object_new_object();

	bt_json_add_str(k, "path", r->kernel.path);
	bt_json_add_str(k, "initrd", r->kernel.initrd);
	bt_json_add_str(k, "release", r->kernel.release);
	bt_json_add_str(k, "arch", r->kernel.arch);
	json_object_object_add(j, "kernel", k);
	json_object_object_add(q, "argv", str_array(r->qemu.argv, r->qemu.argc));
	bt_json_add_str(q, "accel", r->qemu.accel);
	bt_json_add_str(q, "kvm_fallback", r->qemu.kvm_fallback);
	bt_json_add_str(q, "status", r->qemu.status);
	bt_json_add_bool(q, "killed", r->qemu.killed);
	add_seconds(q, "cpu_s", r->qemu.cpu_s);
	add_seconds(q, "started_at", r->qemu.started_at);
	add_seconds(q, "exited_at", r->qemu.exited_at);
	json_object_object_add(j, "qemu", q);
}

static void write_guest(struct json_object *j, const struct bt_result *r)
{
	struct json_object *i = json_object_new_object(), *c, *t;

	bt_json_add_bool(i, "reached", r->init.reached);
	if (r->init.seconds >= 0)
		add_seconds(i, "seconds", r->init.seconds);
	else
		json_object_object_add(i, "seconds", NULL);
	bt_json_add_bool(i, "finished", r->init.finished);
	json_object_object_add(j, "init", i);
	if (r->cmd.present) {
		c = json_object_new_object();
		bt_json_add_str(c, "command", r->cmd.command);
		if (r->cmd.status >= 0)
			bt_json_add_int(c, "status", r->cmd.status);
		else
			json_object_object_add(c, "status", NULL);
		json_object_object_add(j, "cmd", c);
	}
	if (r->tests.present) {
		t = json_object_new_object();
		bt_json_add_str(t, "path", r->tests.path);
		bt_json_add_int(t, "status", r->tests.status);
		bt_json_add_int(t, "total", r->tests.total);
		bt_json_add_int(t, "passed", r->tests.passed);
		bt_json_add_int(t, "failed", r->tests.failed);
		bt_json_add_int(t, "skipped", r->tests.skipped);
		bt_json_add_str(t, "failed_names", r->tests.failed_names);
		json_object_object_add(j, "tests", t);
	}
}

static void write_postmortem(struct json_object *j, const struct bt_result *r)
{
	struct json_object *d;

	if (r->dump.present) {
		d = json_object_new_object();
		bt_json_add_str(d, "path", r->dump.path);
		if (r->dump.path) {
			bt_json_add_int(d, "size", r->dump.size);
			bt_json_add_int(d, "load_bytes", r->dump.load_bytes);
			bt_json_add_bool(d, "vmcoreinfo", r->dump.vmcoreinfo);
			bt_json_add_str(d, "reason", r->dump.reason);
			add_seconds(d, "seconds", r->dump.seconds);
		} else {
			bt_json_add_str(d, "why", r->dump.why);
		}
		json_object_object_add(j, "dump", d);
	}
	if (r->gdb.present) {
		d = json_object_new_object();
		bt_json_add_int(d, "port", r->gdb.port);
		bt_json_add_bool(d, "wait", r->gdb.wait);
		bt_json_add_str(d, "command", r->gdb.command);
		json_object_object_add(j, "gdb", d);
	}
}

struct json_object *bt_result_to_json(const struct bt_result *r)
{
	struct json_object *j = json_object_new_object(), *a, *c;

	bt_json_add_str(j, "schema", BT_RESULT_SCHEMA);
	bt_json_add_str(j, "verdict", r->verdict);
	bt_json_add_int(j, "exit_status", r->exit_status);
	bt_json_add_str(j, "reason", r->reason);
	write_kernel_qemu(j, r);
	bt_json_add_str(j, "run_dir", r->run_dir);
	bt_json_add_str(j, "nonce", r->nonce);
	bt_json_add_int(j, "timeout_s", r->timeout_s);
	add_seconds(j, "duration_s", r->duration_s);
	bt_json_add_bool(j, "timed_out", r->timed_out);
	write_guest(j, r);
	a = json_object_new_array();
	for (size_t i = 0; i < r->ncrashes; i++)
		json_object_array_add(a, crash_json(&r->crashes[i]));
	json_object_object_add(j, "crashes", a);
	bt_json_add_int(j, "errors", r->errors);
	bt_json_add_int(j, "warnings", r->warnings);
	c = json_object_new_object();
	bt_json_add_str(c, "tool", r->classifier.tool);
	bt_json_add_str(c, "verdict", r->classifier.verdict);
	json_object_object_add(j, "classifier", c);
	write_postmortem(j, r);
	if (r->fstests)
		json_object_object_add(j, "fstests", json_object_get(r->fstests));
	add_extra(j, r->extra);
	return j;
}

int bt_result_write(const char *path, const struct bt_result *r)
{
	struct json_object *j = bt_result_to_json(r);
	int rc = bt_json_save(path, j, true);

	json_object_put(j);
	return rc;
}
