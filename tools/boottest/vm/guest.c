// SPDX-License-Identifier: GPL-2.0
/*
 * The results disk: a small ext4 image per run holding the guest's inputs
 * (in/cmd, in/tests/) and, after the run, its outputs (out/).  Written with
 * mkrootfs, read back with rootfs-extract (a guest may have corrupted it), and
 * the files parsed here treat their content as hostile: bounded sizes, no
 * trust in numbers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler.h"
#include "err.h"
#include "path.h"
#include "proc.h"
#include "strbuf.h"
#include "vmrun.h"

#define RESULTS_SIZE	"32M"
#define RESULTS_TEMPLATE ".results-" RESULTS_SIZE ".ext4"
#define MAX_RESULT_BYTES (48L << 20)
#define MAX_SMALL	4096
#define MAX_TAP		(4L << 20)
#define MAX_NAMES	4096

char *vm_tool_path(const struct vm_opts *o, const char *name)
{
	char *p = bt_path_join(o->tools_dir, name);

	if (access(p, X_OK) == 0)
		return p;
	free(p);
	return NULL;
}

/* Run argv with stdout to /dev/null (stderr kept for its errors). */
static int run_quiet(char *const argv[])
{
	struct bt_spawn sp = BT_SPAWN_INIT;
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int status, ret = -1;
	pid_t pid;

	sp.fd_out = devnull;
	pid = bt_spawn(argv, &sp);
	if (pid >= 0 && bt_wait(pid, &status, -1) == 0 && WIFEXITED(status))
		ret = WEXITSTATUS(status);
	if (devnull >= 0)
		close(devnull);
	return ret;
}

/* Parse a decimal exit status 0-255 (surrounding whitespace allowed). */
int vm_parse_status(const char *buf, size_t len, int *value)
{
	size_t i = 0;
	long v = 0;
	int digits = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
			   buf[i] == '\r'))
		i++;
	while (i < len && buf[i] >= '0' && buf[i] <= '9') {
		v = v * 10 + (buf[i] - '0');
		if (v > 255)
			return -1;
		digits++;
		i++;
	}
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
			   buf[i] == '\r'))
		i++;
	if (!digits || i != len)
		return -1;
	*value = (int)v;
	return 0;
}

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);

	return len >= pl && !memcmp(s, prefix, pl);
}

static bool has_directive(const char *s, size_t len, const char *word)
{
	size_t wl = strlen(word), i;

	for (i = 0; i + 1 < len; i++) {
		if (s[i] != '#')
			continue;
		i++;
		while (i < len && s[i] == ' ')
			i++;
		return len - i >= wl && !strncasecmp(s + i, word, wl);
	}
	return false;
}

/* Count TAP results ("ok", "not ok"; SKIP/TODO directives) of bats --tap. */
void vm_parse_tap(const char *buf, size_t len, struct vm_guest *g)
{
	struct strbuf names = STRBUF_INIT;
	size_t pos = 0;

	g->tests_total = g->tests_pass = g->tests_fail = g->tests_skip = 0;
	while (pos < len) {
		const char *s = buf + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos;

		pos += l + (nl ? 1 : 0);
		if (l && s[l - 1] == '\r')
			l--;
		if (starts(s, l, "ok") && (l == 2 || s[2] == ' ')) {
			g->tests_total++;
			if (has_directive(s, l, "skip"))
				g->tests_skip++;
			else
				g->tests_pass++;
		} else if (starts(s, l, "not ok") && (l == 6 || s[6] == ' ')) {
			g->tests_total++;
			if (has_directive(s, l, "todo")) {
				g->tests_pass++;
				continue;
			}
			g->tests_fail++;
			if (names.len < MAX_NAMES) {
				size_t take = l - 6 < 200 ? l - 6 : 200;

				sb_add(&names, s + 6, take);
				sb_addch(&names, '\n');
			}
		}
	}
	free(g->tests_failed_names);
	g->tests_failed_names = names.len ? sb_detach(&names) : NULL;
	sb_release(&names);
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || bt_write_all(fd, text, strlen(text)) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return bt_error("%s: cannot write: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

/*
 * Copy an image keeping its holes: only the data extents are read and
 * written (SEEK_DATA), or, where the filesystem cannot say, the blocks that
 * are not all zeros.
 */
static int copy_sparse(const char *from, const char *to)
{
	static char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out = -1, ret = -1;
	bool seek = true;
	off_t pos = 0, end;
	struct stat st;

	if (in < 0 || fstat(in, &st) < 0)
		goto out;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0 || ftruncate(out, st.st_size) < 0)
		goto out;
	while (pos < st.st_size) {
		if (seek) {
			off_t d = lseek(in, pos, SEEK_DATA);

			if (d < 0 && errno == ENXIO)
				break;
			if (d < 0) {
				seek = false;
				continue;
			}
			pos = d;
			end = lseek(in, pos, SEEK_HOLE);
			if (end < 0)
				end = st.st_size;
		} else {
			end = st.st_size;
		}
		while (pos < end) {
			size_t want = end - pos < (off_t)sizeof(buf) ?
				      (size_t)(end - pos) : sizeof(buf);
			ssize_t n = pread(in, buf, want, pos);
			size_t i = 0;

			if (n <= 0)
				goto out;
			if (!seek)
				while (i < (size_t)n && !buf[i])
					i++;
			if (i < (size_t)n && pwrite(out, buf, n, pos) != n)
				goto out;
			pos += n;
		}
	}
	ret = 0;
out:
	if (ret < 0)
		bt_err("%s: cannot copy to %s: %s", from, to, strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) < 0 && !ret)
		ret = bt_error("%s: %s", to, strerror(errno));
	return ret;
}

/*
 * Without CMD= and TESTS= every run's disk is the same empty one (mkrootfs
 * writes the same bytes for the same manifest): it is made once per runs
 * directory, again when mkrootfs is newer, and copied, so that a boot does
 * not wait for mkrootfs.
 */
static int results_from_template(const struct vm_opts *o,
				 const char *mkrootfs, const char *img)
{
	char *tpl = bt_path_join(o->runs_dir, RESULTS_TEMPLATE);
	struct stat ts, ms;
	int ret = 0;

	if (stat(mkrootfs, &ms) < 0 || stat(tpl, &ts) < 0 ||
	    ts.st_mtim.tv_sec < ms.st_mtim.tv_sec ||
	    (ts.st_mtim.tv_sec == ms.st_mtim.tv_sec &&
	     ts.st_mtim.tv_nsec < ms.st_mtim.tv_nsec)) {
		char *tmp = bt_asprintf("%s.tmp.%ld", tpl, (long)getpid());
		char *man = bt_asprintf("%s.manifest", tmp);
		char *argv[7] = { (char *)mkrootfs, "-o", tmp, "--size",
				  RESULTS_SIZE, man, NULL };

		bt_cleanup_add(tmp);
		bt_cleanup_add(man);
		ret = write_file(man, "# boottest results disk (generated by vmrun)\n"
				 "dir /in 0755 0 0\ndir /out 0777 0 0\n", 0644);
		if (!ret && bt_run(argv) != 0)
			ret = bt_error("%s: cannot write the results disk (mkrootfs failed)",
				       tmp);
		if (!ret && rename(tmp, tpl) < 0)
			ret = bt_error("%s: cannot rename to %s: %s", tmp, tpl,
				       strerror(errno));
		unlink(tmp);
		unlink(man);
		bt_cleanup_del(tmp);
		bt_cleanup_del(man);
		free(tmp);
		free(man);
	}
	if (!ret)
		ret = copy_sparse(tpl, img);
	free(tpl);
	return ret;
}

/* CMD= is a command string, or the path of a host script to run. */
static char *cmd_script(const char *cmd)
{
	if (bt_is_file(cmd)) {
		char *buf = NULL;

		if (bt_read_file(cmd, &buf, NULL, 1 << 20, NULL) == 0)
			return buf;
	}
	return bt_asprintf("%s\n", cmd);
}

int vm_guest_make_disk(const struct vm_opts *o, const char *run_dir,
		       const char *img)
{
	char *mkrootfs = vm_tool_path(o, "mkrootfs");
	char *cmdfile = NULL, *script = NULL, *tests = NULL;
	int ret = 0;

	if (o->cmd && *o->cmd) {
		cmdfile = bt_path_join(run_dir, "cmd.sh");
		script = cmd_script(o->cmd);
		if (write_file(cmdfile, script, 0755) < 0) {
			ret = -1;
			goto out;
		}
	}
	if (o->tests && *o->tests) {
		char *abs = realpath(o->tests, NULL);

		if (!abs) {
			ret = bt_error("TESTS=%s: %s", o->tests, strerror(errno));
			goto out;
		}
		tests = abs;
	}

	if (mkrootfs && !cmdfile && !tests) {
		ret = results_from_template(o, mkrootfs, img);
	} else if (mkrootfs) {
		char *man = bt_path_join(run_dir, "results.manifest");
		struct strbuf m = STRBUF_INIT;
		char *argv[7] = { mkrootfs, "-o", (char *)img, "--size",
				 RESULTS_SIZE, man, NULL };

		sb_addstr(&m, "# boottest results disk (generated by vmrun)\n");
		sb_addstr(&m, "dir /in 0755 0 0\ndir /out 0777 0 0\n");
		if (cmdfile)
			sb_addf(&m, "file /in/cmd %s 0755 0 0\n", cmdfile);
		if (tests && bt_is_dir(tests)) {
			sb_addf(&m, "tree /in/tests %s\n", tests);
		} else if (tests) {
			char *base = bt_basename(tests);

			sb_addf(&m, "dir /in/tests 0755 0 0\nfile /in/tests/%s %s 0644 0 0\n",
				base, tests);
			free(base);
		}
		ret = write_file(man, sb_str(&m), 0644);
		sb_release(&m);
		if (!ret && bt_run(argv) != 0)
			ret = bt_error("%s: cannot write the results disk (mkrootfs failed)",
				       img);
		free(man);
	} else {
		/* Stand-in until mkrootfs is built: mke2fs -d of a staging dir. */
		char *stage = bt_path_join(run_dir, ".results-stage");
		char *in = bt_path_join(stage, "in");
		char *outd = bt_path_join(stage, "out");
		char *argv[16] = { "mke2fs", "-q", "-F", "-t", "ext4", "-N", "1024",
				   "-O", "^has_journal", "-E",
				   "root_owner=0:0,lazy_itable_init=0", "-d", stage,
				   (char *)img, RESULTS_SIZE, NULL };

		bt_mkdir_p(in, 0755);
		bt_mkdir_p(outd, 0777);
		chmod(outd, 0777);
		if (cmdfile) {
			char *dst = bt_path_join(in, "cmd");

			ret = write_file(dst, script, 0755);
			free(dst);
		}
		if (!ret && tests) {
			char *dst = bt_path_join(in, "tests");
			char *cp[5] = { "cp", "-R", tests, dst, NULL };

			if (bt_is_dir(tests)) {
				if (bt_run(cp) != 0)
					ret = bt_error("TESTS=%s: cannot copy", tests);
			} else {
				char *base = bt_basename(tests);
				char *f = bt_path_join(dst, base);
				char *cp1[4] = { "cp", tests, f, NULL };

				bt_mkdir_p(dst, 0755);
				if (bt_run(cp1) != 0)
					ret = bt_error("TESTS=%s: cannot copy", tests);
				free(f);
				free(base);
			}
			free(dst);
		}
		if (!ret && run_quiet(argv) != 0)
			ret = bt_error("%s: mke2fs failed; install e2fsprogs", img);
		bt_remove_tree(stage);
		free(stage);
		free(in);
		free(outd);
	}
out:
	free(mkrootfs);
	free(cmdfile);
	free(script);
	free(tests);
	return ret;
}

static char *read_small(const char *dir, const char *name, size_t max,
			size_t *len)
{
	char *p = bt_path_join(dir, name);
	char *buf = NULL;
	struct stat st;

	/* Only regular files: a guest may leave a symlink or a FIFO there. */
	if (lstat(p, &st) < 0 || !S_ISREG(st.st_mode) ||
	    bt_read_file(p, &buf, len, max, NULL) < 0)
		buf = NULL;
	free(p);
	return buf;
}

int vm_guest_read_back(const struct vm_opts *o, const char *run_dir,
		       const char *img, struct vm_guest *g)
{
	char *extract = vm_tool_path(o, "rootfs-extract");
	char *dest = bt_path_join(run_dir, "guest");
	char *outdir, *buf;
	size_t len;
	int rc, ret = 0;

	g->cmd_status = -1;
	g->tests_status = -1;
	bt_remove_tree(dest);
	if (extract) {
		char max[32];
		char *argv[8] = { extract, "-q", "--max-bytes", max,
				  (char *)img, "/out", dest, NULL };

		snprintf(max, sizeof(max), "%ld", MAX_RESULT_BYTES);
		rc = bt_run(argv);
	} else {
		char *req = bt_asprintf("rdump /out %s", dest);
		char *argv[5] = { "debugfs", "-R", req, (char *)img, NULL };
		struct bt_spawn sp = BT_SPAWN_INIT;
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		int status;
		pid_t pid;

		bt_mkdir_p(dest, 0755);
		sp.fd_out = devnull;
		sp.fd_err = devnull;
		pid = bt_spawn(argv, &sp);
		rc = pid < 0 || bt_wait(pid, &status, 60000) != 0 ||
		     !WIFEXITED(status) || WEXITSTATUS(status);
		close(devnull);
		free(req);
	}
	free(extract);
	/* 1: something was refused or damaged; what was copied is still used. */
	if (rc == 1 && bt_is_dir(dest)) {
		bt_warn("%s: the results disk is damaged; using what could be read",
			img);
		rc = 0;
	}
	if (rc != 0) {
		bt_warn("%s: cannot read the guest's results back; using the console only",
			img);
		ret = -1;
		goto out;
	}
	/* rootfs-extract copies /out's content; debugfs rdump makes out/. */
	outdir = bt_path_join(dest, "out");
	if (!bt_is_dir(outdir)) {
		free(outdir);
		outdir = bt_strdup(dest);
	}
	g->have_results = true;
	buf = read_small(outdir, "done", MAX_SMALL, &len);
	g->done = buf != NULL;
	free(buf);
	buf = read_small(outdir, "cmd.status", MAX_SMALL, &len);
	if (buf && vm_parse_status(buf, len, &g->cmd_status) < 0)
		g->cmd_status = -1;
	free(buf);
	buf = read_small(outdir, "tests.status", MAX_SMALL, &len);
	if (buf && vm_parse_status(buf, len, &g->tests_status) < 0)
		g->tests_status = -1;
	free(buf);
	buf = read_small(outdir, "tests.tap", MAX_TAP, &len);
	if (buf)
		vm_parse_tap(buf, len, g);
	free(buf);
	/* Well-known files one level up, where users look for them. */
	{
		static const char *const names[][2] = {
			{ "kmsg.log", "kmsg.log" },
			{ "cmd.out", "cmd.out" },
			{ "tests.tap", "tests.tap" },
		};
		unsigned int i;

		for (i = 0; i < ARRAY_SIZE(names); i++) {
			char *from = bt_path_join(outdir, names[i][0]);
			char *to = bt_path_join(run_dir, names[i][1]);
			struct stat st;

			if (lstat(from, &st) == 0 && S_ISREG(st.st_mode))
				rename(from, to);
			free(from);
			free(to);
		}
	}
	free(outdir);
out:
	free(dest);
	return ret;
}
