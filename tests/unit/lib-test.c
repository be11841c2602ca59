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
#include "num.h"
#include "path.h"
#include "proc.h"
#include "strbuf.h"

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

/* bt_cache_dir() and scripts/boottest/cache.sh: one rule, two languages. */
static void test_cache_dir(const char *cache_sh)
{
	static const char *const cases[][3] = {
		/* BOOTTEST_CACHE, XDG_CACHE_HOME, HOME */
		{ "/c/bt", "/c/xdg", "/c/home" },
		{ "", "/c/xdg", "/c/home" },
		{ NULL, NULL, "/c/home" },
	};
	static const char *const want[] = {
		"/c/bt", "/c/xdg/boottest", "/c/home/.cache/boottest",
	};
	char line[256], *cmd, *got;
	size_t i;
	FILE *fp;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i][0])
			setenv("BOOTTEST_CACHE", cases[i][0], 1);
		else
			unsetenv("BOOTTEST_CACHE");
		if (cases[i][1])
			setenv("XDG_CACHE_HOME", cases[i][1], 1);
		else
			unsetenv("XDG_CACHE_HOME");
		setenv("HOME", cases[i][2], 1);
		got = bt_cache_dir();
		ok(got && !strcmp(got, want[i]), "bt_cache_dir()");
		if (got && strcmp(got, want[i]))
			printf("# got '%s', want '%s'\n", got, want[i]);
		free(got);
		if (!cache_sh)
			continue;
		cmd = bt_asprintf(". '%s' && bt_cache_dir", cache_sh);
		fp = popen(cmd, "r");
		line[0] = '\0';
		if (fp && fgets(line, sizeof(line), fp))
			line[strcspn(line, "\n")] = '\0';
		if (fp)
			pclose(fp);
		is_str(bt_strdup(line), want[i], "scripts/boottest/cache.sh: the same directory");
		free(cmd);
	}
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

int main(int argc, char **argv)
{
	const char *tmp = argc > 1 ? argv[1] : "/tmp";

	setvbuf(stdout, NULL, _IOLBF, 0);
	bt_set_prog(argv[0]);
	test_paths(tmp);
	test_cache_dir(argc > 2 ? argv[2] : NULL);
	test_atomic(tmp);
	test_read_limit(tmp);
	test_proc();
	test_strbuf_json(tmp);
	test_normalize_size();
	printf("1..%d\n", num);
	return failed ? 1 : 0;
}
