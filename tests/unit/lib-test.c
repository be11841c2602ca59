// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tools/boottest/lib, printed as TAP.  Built and run by
 * tests/01-lib.t against the sanitized library.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "junit.h"
#include "num.h"
#include "path.h"
#include "proc.h"
#include "result.h"
#include "strbuf.h"
#include "tap.h"

static int num, failed;

static void ok(int cond, const char *name)
{
	num++;
	printf("%sok %d - %s\n", cond ? "" : "not ", num, name);
	if (!cond)
		failed++;
}

static void is_str(char *got, const char *want, const char *name)
{
	ok(strcmp(got, want) == 0, name);
	if (strcmp(got, want))
		printf("# got '%s', want '%s'\n", got, want);
	free(got);
}

static void test_paths(const char *tmp)
{
	char *p, *q, *r;
	struct stat st;

	is_str(bt_path_join("a//", "b"), "a/b", "join strips doubled slashes");
	is_str(bt_path_join("a/", "/abs"), "/abs", "join keeps an absolute b");
	is_str(bt_path_join("", "b"), "b", "join onto an empty directory");
	is_str(bt_basename("/x/y/z//"), "z", "basename ignores trailing slashes");
	is_str(bt_dirname("/x/y/z"), "/x/y", "dirname");
	is_str(bt_dirname("z"), ".", "dirname of a bare name is .");
	is_str(bt_dirname("/z"), "/", "dirname of /z is /");

	p = bt_asprintf("%s/d1/d2/d3", tmp);
	ok(bt_mkdir_p(p, 0755) == 0 && bt_is_dir(p), "mkdir_p creates nested directories");
	ok(bt_mkdir_p(p, 0755) == 0, "mkdir_p on an existing directory succeeds");
	q = bt_asprintf("%s/d1", tmp);
	r = bt_path_join(p, "escape");
	ok(symlink("/", r) == 0, "a symlink to / inside the tree");
	free(r);
	ok(bt_remove_tree(q) == 0 && lstat(q, &st) < 0, "remove_tree removes it without following links");
	ok(lstat("/", &st) == 0, "the symlink target survived");
	free(p);
	free(q);
}

static void test_atomic(const char *tmp)
{
	char *path = bt_asprintf("%s/out", tmp);
	struct bt_atomic a;
	char *buf;
	size_t len;

	ok(bt_atomic_open(&a, path, 0644) == 0, "atomic_open");
	ok(access(path, F_OK) < 0, "target absent before commit");
	bt_write_all(a.fd, "hello", 5);
	ok(bt_atomic_commit(&a) == 0, "atomic_commit");
	ok(bt_read_file(path, &buf, &len, 0, NULL) == 0 && len == 5 &&
	   !memcmp(buf, "hello", 5), "content arrives under the final name");
	free(buf);

	ok(bt_atomic_open(&a, path, 0644) == 0, "atomic_open over an existing file");
	bt_write_all(a.fd, "x", 1);
	bt_atomic_abort(&a);
	ok(bt_read_file(path, &buf, &len, 0, NULL) == 0 && len == 5,
	   "abort leaves the old file untouched");
	free(buf);
	free(path);

	path = bt_asprintf("%s/dir", tmp);
	mkdir(path, 0755);
	ok(bt_atomic_open(&a, path, 0644) < 0, "atomic_open refuses a directory target");
	free(path);
}

static void test_read_limit(const char *tmp)
{
	char *path = bt_asprintf("%s/big", tmp);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	bool trunc;
	char *buf;
	size_t len;

	bt_write_all(fd, "0123456789", 10);
	close(fd);
	ok(bt_read_file(path, &buf, &len, 4, &trunc) == 0 && len == 4 && trunc &&
	   buf[4] == '\0', "read_file bounds the size and reports truncation");
	free(buf);
	ok(bt_read_file("/nonexistent/x", &buf, &len, 0, NULL) < 0 && errno == ENOENT,
	   "read_file reports ENOENT");
	free(path);
}

/* Is any process of group pgid still alive (zombies do not count)? */
static int group_alive(pid_t pgid)
{
	char path[300], buf[512], *rp;
	struct dirent *de;
	int alive = 0;
	DIR *d = opendir("/proc");

	while (d && !alive && (de = readdir(d))) {
		char state;
		int ppid, pgrp;
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			rp = strrchr(buf, ')');
			if (rp && sscanf(rp + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 &&
			    pgrp == pgid && state != 'Z')
				alive = 1;
		}
		fclose(f);
	}
	if (d)
		closedir(d);
	return alive;
}

static void test_proc(void)
{
	char *const t[] = { "true", NULL };
	char *const f[] = { "sh", "-c", "exit 3", NULL };
	char *const missing[] = { "/nonexistent/boottest-no-such-program", NULL };
	/* ignores SIGTERM, and so does its child: only SIGKILL ends them */
	char *const slow[] = { "sh", "-c", "trap '' TERM; sleep 30 & sleep 5", NULL };
	struct bt_spawn opt = BT_SPAWN_INIT;
	int status, i;
	pid_t pid;

	ok(bt_run(t) == 0, "run true gives 0");
	ok(bt_run(f) == 3, "run gives the exit status");
	ok(bt_run(missing) == -1, "run of a missing program fails to start");

	opt.new_pgrp = true;
	pid = bt_spawn(slow, &opt);
	ok(pid > 0, "spawn in a new process group");
	ok(bt_wait(pid, &status, 100) == 1, "wait times out on a running child");
	bt_kill_group(pid, SIGTERM, 1000);
	/*
	 * The group's members die of SIGKILL asynchronously: a CI run saw the
	 * background sleep still alive just after the return.  Without the
	 * SIGKILL it would live 30 s.
	 */
	for (i = 0; i < 200 && group_alive(pid); i++)
		usleep(10000);
	ok(!group_alive(pid), "kill_group leaves nothing of the group alive (within 2 s)");
}

static void test_strbuf_json(const char *tmp)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_object *o, *r;
	char *path;
	int i;

	for (i = 0; i < 1000; i++)
		sb_addf(&sb, "%d,", i);
	ok(sb.len == strlen(sb_str(&sb)) && !strncmp(sb.buf, "0,1,2,", 6),
	   "strbuf grows and stays NUL-terminated");
	sb_release(&sb);

	o = json_object_new_object();
	bt_json_add_str(o, "s", "a\"b");
	bt_json_add_int(o, "n", 42);
	path = bt_asprintf("%s/x.json", tmp);
	ok(bt_json_save(path, o, true) == 0, "json_save");
	r = bt_json_load(path, 1 << 20);
	ok(r && !strcmp(bt_json_get_str(r, "s"), "a\"b") &&
	   bt_json_get_int(r, "n", 0) == 42, "json round trip");
	json_object_put(r);
	json_object_put(o);
	r = bt_json_load(path, 4);
	ok(!r, "json_load refuses a file over the bound");
	free(path);
}

static void is_norm(const char *in, bool pop, const char *want)
{
	char *got = bt_path_normalize(in, pop);
	char *name = bt_asprintf("normalize '%s'%s -> %s", in,
				 pop ? " (pop ..)" : "", want ? want : "NULL");

	if (want)
		ok(got && strcmp(got, want) == 0, name);
	else
		ok(!got, name);
	if (got && (!want || strcmp(got, want)))
		printf("# got '%s'\n", got);
	free(got);
	free(name);
}

static void test_normalize_size(void)
{
	uint64_t v = 0;

	is_norm("a//b/./c/", false, "/a/b/c");
	is_norm("/", false, "/");
	is_norm("", false, NULL);
	is_norm("/a/../b", false, NULL);
	is_norm("/a/../b", true, "/b");
	is_norm("/../../x", true, "/x");
	ok(bt_parse_size("64M", &v) == 0 && v == 64ULL << 20, "parse_size 64M");
	ok(bt_parse_size("2GiB", &v) == 0 && v == 2ULL << 30, "parse_size 2GiB");
	ok(bt_parse_size("4096", &v) == 0 && v == 4096, "parse_size 4096");
	ok(bt_parse_size("-1", &v) < 0, "parse_size refuses -1");
	ok(bt_parse_size("12X", &v) < 0, "parse_size refuses 12X");
	ok(bt_parse_size("", &v) < 0, "parse_size refuses empty");
	ok(bt_parse_size("2000T", &v) < 0, "parse_size refuses more than 2^50");
}

/* What a writer printed to a memory stream, as a string to free. */
struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	return c->f;
}

static char *cap_close(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

static void is_fixed(double v, int digits, const char *want)
{
	struct json_object *j = bt_json_new_fixed(v, digits);
	char *name = bt_asprintf("number %.17g with %d decimals is %s", v,
				 digits, want);

	is_str(bt_strdup(json_object_to_json_string(j)), want, name);
	free(name);
	json_object_put(j);
}

static void test_fixed(void)
{
	is_fixed(2.954, 3, "2.954");
	is_fixed(80.826999999999998, 3, "80.827");
	is_fixed(0.1 + 0.2, 3, "0.3");
	is_fixed(3.0, 3, "3.0");
	is_fixed(0, 3, "0.0");
	is_fixed(-0.5, 3, "-0.5");
	is_fixed(1764970000.1234567, 3, "1764970000.123");
	is_fixed(12.0004, 3, "12.0");
}

/* A result with every key set, as vmrun writes one for a crashed boot. */
static void fill_result(struct bt_result *r)
{
	static const char *const argv[] = { "qemu-system-x86_64", "-m", "2G" };
	struct bt_result_crash *c;
	struct bt_result_source *s;

	bt_result_init(r);
	r->verdict = bt_strdup("kasan");
	r->exit_status = 1;
	r->reason = bt_strdup("KASAN: use-after-free Read in f");
	r->kernel.path = bt_strdup("/k/bzImage");
	r->kernel.release = bt_strdup("6.1.0");
	r->kernel.arch = bt_strdup("x86_64");
	r->qemu.argc = 3;
	r->qemu.argv = bt_calloc(3, sizeof(char *));
	for (int i = 0; i < 3; i++)
		r->qemu.argv[i] = bt_strdup(argv[i]);
	r->qemu.accel = bt_strdup("tcg");
	r->qemu.status = bt_strdup("exited with status 0");
	r->qemu.cpu_s = 1.5;
	r->qemu.started_at = 1764970000.25;
	r->qemu.exited_at = 1764970003.2040001;
	r->run_dir = bt_strdup("/runs/1");
	r->nonce = bt_strdup("00ff");
	r->timeout_s = 300;
	r->duration_s = 2.9540000000000002;
	r->init.reached = true;
	r->init.seconds = 1.25;
	r->cmd.present = true;
	r->cmd.command = bt_strdup("true");
	r->cmd.status = -1;
	r->ncrashes = 1;
	r->crashes = c = bt_calloc(1, sizeof(*c));
	c->category = bt_strdup("kasan");
	c->title = bt_strdup("KASAN: use-after-free Read in f");
	c->nalt = 1;
	c->alt = bt_calloc(1, sizeof(char *));
	c->alt[0] = bt_strdup("bad-access in f");
	c->frame = bt_strdup("f");
	c->start_line = 10;
	c->end_line = 20;
	c->nstack = 2;
	c->stack = bt_calloc(2, sizeof(char *));
	c->stack[0] = bt_strdup("f+0x1/0x2");
	c->stack[1] = bt_strdup("g+0x3/0x4 [m]");
	c->is_new = -1;
	c->nsources = 2;
	c->sources = s = bt_calloc(2, sizeof(*s));
	s->placed = true;
	s->source = bt_strdup("a.c:1");
	s->ninlined = 1;
	s->inlined = bt_calloc(1, sizeof(*s->inlined));
	s->inlined[0].function = bt_strdup("h");
	s->inlined[0].source = bt_strdup("a.h:2");
	c->extra = json_object_new_object();
	json_object_object_add(c->extra, "newer", json_object_new_int(7));
	r->errors = 3;
	r->warnings = 0;
	r->classifier.tool = bt_strdup("dmesg-classify");
	r->classifier.verdict = bt_strdup("crash");
	r->dump.present = true;
	r->dump.why = bt_strdup("no crash and no timeout");
	r->fstests = json_tokener_parse("{\"verdict\":\"pass\"}");
}

static char *file_text(const char *path)
{
	char *buf = NULL;
	size_t len;

	if (bt_read_file(path, &buf, &len, 1 << 20, NULL) < 0)
		return bt_strdup("");
	return buf;
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_result(const char *tmp)
{
	char *p1 = bt_path_join(tmp, "r1.json"), *p2 = bt_path_join(tmp, "r2.json");
	char *t1, *t2, *bad = bt_path_join(tmp, "bad.json");
	struct bt_result r, back;

	fill_result(&r);
	ok(bt_result_write(p1, &r) == 0, "result: written");
	bt_result_free(&r);
	ok(r.verdict == NULL && r.errors == -1, "result: free leaves an empty result");
	ok(bt_result_read(p1, &back) == 0, "result: read back");
	ok(back.verdict && !strcmp(back.verdict, "kasan") && back.exit_status == 1 &&
	   back.qemu.argc == 3 && !strcmp(back.qemu.argv[2], "2G") &&
	   back.timeout_s == 300 && back.init.seconds == 1.25 &&
	   back.cmd.present && back.cmd.status == -1 && !back.tests.present &&
	   back.ncrashes == 1 && back.crashes[0].start_line == 10 &&
	   back.crashes[0].nstack == 2 && back.crashes[0].nsources == 2 &&
	   back.crashes[0].sources[0].placed && !back.crashes[0].sources[1].placed &&
	   !strcmp(back.crashes[0].sources[0].inlined[0].function, "h") &&
	   back.crashes[0].is_new == -1 && back.errors == 3 && back.warnings == 0 &&
	   back.dump.present && !back.dump.path && !back.gdb.present &&
	   back.kernel.initrd == NULL && back.fstests,
	   "result: every field read back");
	ok(bt_result_write(p2, &back) == 0, "result: written again");
	bt_result_free(&back);
	t1 = file_text(p1);
	t2 = file_text(p2);
	ok(!strcmp(t1, t2), "result: write, read, write gives the same bytes");
	ok(strstr(t1, "\"duration_s\": 2.954,\n") &&
	   strstr(t1, "\"exited_at\": 1764970003.204\n") &&
	   strstr(t1, "\"cpu_s\": 1.5,\n"),
	   "result: seconds with their meaningful digits");
	ok(strstr(t1, "\"exit_status\": 1,\n") && strstr(t1, "\"timeout_s\": 300,\n") &&
	   strstr(t1, "\"status\": null\n"), "result: integers stay integers, unknown is null");
	ok(strstr(t1, "\"stack_sources\": [") && strstr(t1, "\"newer\": 7\n") &&
	   strstr(t1, "\"fstests\": {"), "result: sources, unknown crash keys, fstests written");
	free(t1);
	free(t2);

	put_file(bad, "{\"schema\":\"boottest-result/2\",\"verdict\":\"clean\"}");
	ok(bt_result_read(bad, &back) < 0 && !back.verdict, "result: another schema refused");
	put_file(bad, "{\"schema\":\"boottest-result/1\",\"verdict\":3}");
	ok(bt_result_read(bad, &back) < 0, "result: a known key of the wrong type refused");
	put_file(bad, "{\"schema\":\"boottest-result/1\",\"verdict\":\"x\",\"crashes\":[{\"stack\":[1]}]}");
	ok(bt_result_read(bad, &back) < 0, "result: a crash stack of numbers refused");
	put_file(bad, "{\"schema\":\"boottest-result/1\",\"verdict\":\"clean\"}");
	ok(bt_result_read(bad, &back) == 0 && back.errors == -1 && back.timeout_s == -1 &&
	   back.init.seconds < 0 && !back.ncrashes, "result: absent keys read as unknown");
	bt_result_free(&back);
	free(p1);
	free(p2);
	free(bad);
}

static void test_junit_tap(void)
{
	struct capture c;
	struct bt_junit j;

	bt_junit_begin(&j, cap_open(&c), BT_JUNIT_OPEN_EMPTY);
	bt_junit_suites(&j, NULL);
	bt_junit_suite(&j, "s<1>", 2, 1, -1, -1, 1.5);
	bt_junit_case(&j, "c", "a&b \"q\" 'x'", -1);
	bt_junit_result(&j, BT_JUNIT_FAILURE, "oops", "line1\nctl\001\377");
	bt_junit_text(&j, "<x>\n");
	bt_junit_result_end(&j);
	bt_junit_case_end(&j);
	bt_junit_case(&j, "c", "pass", -1);
	bt_junit_case_end(&j);
	bt_junit_system_out(&j, "/r&d");
	bt_junit_suite_end(&j);
	bt_junit_suites_end(&j);
	is_str(cap_close(&c),
	       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<testsuites>\n"
	       "  <testsuite name=\"s&lt;1&gt;\" tests=\"2\" failures=\"1\" time=\"1.500\">\n"
	       "    <testcase classname=\"c\" name=\"a&amp;b &quot;q&quot; &apos;x&apos;\">\n"
	       "      <failure type=\"oops\" message=\"line1\nctl??\">&lt;x&gt;\n</failure>\n"
	       "    </testcase>\n"
	       "    <testcase classname=\"c\" name=\"pass\">\n"
	       "    </testcase>\n"
	       "    <system-out>/r&amp;d</system-out>\n"
	       "  </testsuite>\n"
	       "</testsuites>\n", "junit: escaping, nesting, an open empty test case");

	bt_junit_begin(&j, cap_open(&c), BT_JUNIT_TYPE_LAST);
	bt_junit_suite(&j, "s", 3, 0, 1, 1, -1);
	bt_junit_case(&j, "c", "p", 4);
	bt_junit_case_end(&j);
	bt_junit_case(&j, "c", "e", 0);
	bt_junit_result(&j, BT_JUNIT_ERROR, "crashed", "m");
	bt_junit_result_end(&j);
	bt_junit_case_end(&j);
	bt_junit_case(&j, "c", "s", 0);
	bt_junit_result(&j, BT_JUNIT_SKIPPED, NULL, "why");
	bt_junit_result_end(&j);
	bt_junit_case_end(&j);
	bt_junit_suite_end(&j);
	is_str(cap_close(&c),
	       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	       "<testsuite name=\"s\" tests=\"3\" failures=\"0\" errors=\"1\" skipped=\"1\">\n"
	       "  <testcase classname=\"c\" name=\"p\" time=\"4\"/>\n"
	       "  <testcase classname=\"c\" name=\"e\" time=\"0\">\n"
	       "    <error message=\"m\" type=\"crashed\"/>\n"
	       "  </testcase>\n"
	       "  <testcase classname=\"c\" name=\"s\" time=\"0\">\n"
	       "    <skipped message=\"why\"/>\n"
	       "  </testcase>\n"
	       "</testsuite>\n", "junit: no testsuites, type last, self-closed elements");

	cap_open(&c);
	bt_tap_plan(c.f, 2);
	bt_tap_result(c.f, false, 1, "a # b\nc", NULL);
	bt_tap_yaml_begin(c.f);
	bt_tap_yaml(c.f, "start_line", "%d", 3);
	bt_tap_yaml_end(c.f);
	bt_tap_result(c.f, true, 2, "d", "not reached");
	bt_tap_comment(c.f, "x\ty");
	is_str(cap_close(&c),
	       "TAP version 13\n1..2\n"
	       "not ok 1 - a \\# b c\n  ---\n  start_line: 3\n  ...\n"
	       "ok 2 - d # SKIP not reached\n# x y\n", "tap: escaping, YAML block, SKIP");
}

int main(int argc, char **argv)
{
	const char *tmp = argc > 1 ? argv[1] : "/tmp";

	setvbuf(stdout, NULL, _IOLBF, 0);
	bt_set_prog(argv[0]);
	test_paths(tmp);
	test_atomic(tmp);
	test_read_limit(tmp);
	test_proc();
	test_strbuf_json(tmp);
	test_normalize_size();
	test_fixed();
	test_result(tmp);
	test_junit_tap();
	printf("1..%d\n", num);
	return failed ? 1 : 0;
}
