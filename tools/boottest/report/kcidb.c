// SPDX-License-Identifier: GPL-2.0
/*
 * kcidb - write a run's KCIDB v5.3 submission, RUN/kcidb.json, from its
 * result.json (and console.log).
 *
 *   kcidb [--origin NAME] [--srctree DIR] [--config FILE]
 *         [--config-name NAME] [-o FILE] RUN_DIR
 *
 * One checkout (the git commit of --srctree, its remote's URL, its branch,
 * a patchset hash when the tree has uncommitted changes; without a git
 * tree, the kernel release names it), one build (architecture, compiler of
 * the kernel's banner, config name and the config's SHA-256), one test per
 * boot (path "boot": clean PASS, a kernel or CMD/TESTS failure FAIL,
 * infrastructure ERROR, interrupted MISS; duration, start time, QEMU
 * machine and accelerator, the console lines of the first crash as the
 * excerpt), one test per fstests test when result.json has fstests'
 * results (fstests.SECTION.SUITE-NUMBER: PASS, FAIL, SKIP; its diff as the
 * excerpt), and for every crash title an issue, whose id is a hash of the
 * title (the same crash in two runs is the same issue), with an incident
 * linking it to the boot test.  Every id starts with ORIGIN:.
 *
 * Exit status: 0 written, 2 usage error or unreadable result.json.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "err.h"
#include "json.h"
#include "kcidb.h"
#include "path.h"
#include "proc.h"
#include "result.h"
#include "strbuf.h"

#define MAX_CONSOLE	(256L << 20)
#define MAX_GIT_OUT	(1L << 20)
#define KCIDB_MAJOR	5
#define KCIDB_MINOR	3

struct kc {
	const char *origin;
	const char *srctree;
	const char *config;
	const char *config_name;
	const char *run_dir;
	struct bt_result r;
	char *console;
	size_t console_len;
	char *test_id, *build_id;
	struct json_object *tests, *issues, *incidents;
};

static void print_usage(FILE *fp)
{
	fputs("usage: kcidb [--origin NAME] [--srctree DIR] [--config FILE]\n"
	      "             [--config-name NAME] [-o FILE] RUN_DIR\n"
	      "  RUN_DIR's result.json (and console.log) as a KCIDB v5.3\n"
	      "  submission, RUN_DIR/kcidb.json\n"
	      "  --origin NAME      the CI system's name, prefix of every id\n"
	      "                     (default $KCIDB_ORIGIN, else boottest)\n"
	      "  --srctree DIR      the kernel's git tree (default $BT_SRCTREE)\n"
	      "  --config FILE      the kernel's .config (default $BT_KCONFIG)\n"
	      "  --config-name NAME  e.g. the profiles (default $BT_CONFIG_NAME)\n"
	      "  -o, --output FILE  write there instead of RUN_DIR/kcidb.json\n"
	      "  -h, --help         this text\n"
	      "\n"
	      "Examples:\n"
	      "  kcidb .boottest/runs/latest\n"
	      "  kcidb --origin myci --srctree ~/linux -o k.json .boottest/runs/latest\n"
	      "\n"
	      "Environment:\n"
	      "  KCIDB_ORIGIN, BT_SRCTREE, BT_KCONFIG, BT_CONFIG_NAME  the defaults\n"
	      "                     of --origin, --srctree, --config, --config-name\n"
	      "\n"
	      "Exit: 0 written, 2 usage error or unreadable result.json.\n", fp);
}

/* SHA-256 in hex; ctx NULL: of s. */
static void hex_digest(EVP_MD_CTX *ctx, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_DigestFinal_ex(ctx, md, &n);
	for (i = 0; i < n && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * i] = '\0';
}

static EVP_MD_CTX *sha_new(void)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		bt_die(BT_EXIT_USAGE, "SHA-256 unavailable (libcrypto)");
	return ctx;
}

static void sha_str(const char *s, char out[65])
{
	EVP_MD_CTX *ctx = sha_new();

	EVP_DigestUpdate(ctx, s, strlen(s));
	hex_digest(ctx, out);
	EVP_MD_CTX_free(ctx);
}

/* SHA-256 of a file, or of a command's output; false when it failed. */
static bool sha_fd(int fd, char out[65])
{
	EVP_MD_CTX *ctx = sha_new();
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(ctx, buf, n);
	hex_digest(ctx, out);
	EVP_MD_CTX_free(ctx);
	return n == 0;
}

/*
 * Run git -C srctree ARGS; its stdout, first line only unless whole (a new
 * string), or NULL when it failed.  sha: hash the output instead.
 */
static char *git(const char *srctree, const char *a1, const char *a2,
		 const char *a3, char sha[65])
{
	char *argv[7] = { "git", "-C", (char *)srctree, (char *)a1,
			  (char *)a2, (char *)a3, NULL };
	struct bt_spawn sp = BT_SPAWN_INIT;
	int p[2], devnull = open("/dev/null", O_WRONLY | O_CLOEXEC), status;
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	ssize_t n;
	pid_t pid;
	bool ok = true;

	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	sp.fd_out = p[1];
	sp.fd_err = devnull;
	pid = bt_spawn(argv, &sp);
	close(p[1]);
	if (devnull >= 0)
		close(devnull);
	if (pid < 0) {
		close(p[0]);
		return NULL;
	}
	if (sha) {
		ok = sha_fd(p[0], sha);
	} else {
		while ((n = read(p[0], buf, sizeof(buf))) > 0)
			if (sb.len < MAX_GIT_OUT)
				sb_add(&sb, buf, n);
	}
	close(p[0]);
	if (bt_wait(pid, &status, -1) != 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || !ok) {
		sb_release(&sb);
		return NULL;
	}
	if (sha)
		return bt_strdup(sha);
	sb_addstr(&sb, "");
	sb.buf[strcspn(sb.buf, "\n")] = '\0';
	return sb_detach(&sb);
}

/* The tree's name from its remote URL: .../linux-next.git -> linux-next. */
static char *tree_name(const char *url, const char *dir)
{
	char *b = bt_basename(url ? url : dir);
	size_t n = strlen(b);

	if (n > 4 && !strcmp(b + n - 4, ".git"))
		b[n - 4] = '\0';
	return b;
}

static struct json_object *checkout(struct kc *k)
{
	struct json_object *c = json_object_new_object();
	char *commit = NULL, *url = NULL, *branch = NULL, *status = NULL;
	char *id, *name, sha[65], patch[65];

	if (k->srctree)
		commit = git(k->srctree, "rev-parse", "--verify", "HEAD", NULL);
	if (commit) {
		url = git(k->srctree, "remote", "get-url", "origin", NULL);
		branch = git(k->srctree, "rev-parse", "--abbrev-ref", "HEAD", NULL);
		status = git(k->srctree, "status", "--porcelain", "-uno", NULL);
		patch[0] = '\0';
		/* Uncommitted changes: the hash of their diff. */
		if (status && *status) {
			char *h = git(k->srctree, "diff", "HEAD", "--", patch);

			if (!h)
				patch[0] = '\0';
			free(h);
		}
		sha_str(commit, sha);
		id = bt_asprintf("%s:%s%s%.16s", k->origin, commit,
				 patch[0] ? "+" : "", patch[0] ? patch : "");
		name = tree_name(url, k->srctree);
	} else {
		/* No git tree: the kernel that booted names it. */
		const char *what = k->r.kernel.release ? k->r.kernel.release :
				   k->r.kernel.path ? k->r.kernel.path : "kernel";

		sha_str(what, sha);
		id = bt_asprintf("%s:%.16s", k->origin, sha);
		name = bt_strdup(k->r.kernel.release ? k->r.kernel.release : "unknown");
		patch[0] = '\0';
	}
	bt_json_add_str(c, "id", id);
	bt_json_add_str(c, "origin", k->origin);
	bt_json_add_str(c, "tree_name", name);
	if (commit)
		bt_json_add_str(c, "git_commit_hash", commit);
	if (url)
		bt_json_add_str(c, "git_repository_url", url);
	if (branch && strcmp(branch, "HEAD"))
		bt_json_add_str(c, "git_repository_branch", branch);
	if (patch[0])
		bt_json_add_str(c, "patchset_hash", patch);
	bt_json_add_bool(c, "valid", true);
	free(commit);
	free(url);
	free(branch);
	free(status);
	free(name);
	free(id);
	return c;
}

static struct json_object *build(struct kc *k, const char *checkout_id)
{
	struct json_object *b = json_object_new_object(), *misc;
	char *compiler = NULL, cfg[65] = "", sha[65], *key;
	int fd;

	if (k->console)
		compiler = kc_banner_compiler(k->console, k->console_len);
	if (k->config) {
		fd = open(k->config, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || !sha_fd(fd, cfg))
			cfg[0] = '\0';
		if (fd >= 0)
			close(fd);
	}
	key = bt_asprintf("%s\n%s\n%s\n%s", checkout_id,
			  k->r.kernel.release ? k->r.kernel.release : "",
			  k->r.kernel.path ? k->r.kernel.path : "", cfg);
	sha_str(key, sha);
	free(key);
	k->build_id = bt_asprintf("%s:%.16s", k->origin, sha);
	bt_json_add_str(b, "id", k->build_id);
	bt_json_add_str(b, "checkout_id", checkout_id);
	bt_json_add_str(b, "origin", k->origin);
	bt_json_add_str(b, "architecture", k->r.kernel.arch);
	if (compiler)
		bt_json_add_str(b, "compiler", compiler);
	if (k->config_name && *k->config_name)
		bt_json_add_str(b, "config_name", k->config_name);
	bt_json_add_str(b, "status", "PASS");
	misc = json_object_new_object();
	bt_json_add_str(misc, "kernel_release", k->r.kernel.release);
	bt_json_add_str(misc, "kernel_image", k->r.kernel.path);
	if (cfg[0])
		bt_json_add_str(misc, "config_sha256", cfg);
	json_object_object_add(b, "misc", misc);
	free(compiler);
	return b;
}

/* boottest's verdict as a KCIDB status. */
static const char *boot_status(const struct bt_result *r)
{
	if (!strcmp(r->verdict, "clean"))
		return "PASS";
	if (!strcmp(r->verdict, "interrupted"))
		return "MISS";
	if (!strcmp(r->verdict, "infrastructure") || r->exit_status == 2)
		return "ERROR";
	return "FAIL";
}

static void add_time(struct json_object *o, const char *key, double epoch)
{
	char buf[64];
	time_t t = (time_t)epoch;
	struct tm tm;

	if (epoch <= 0 || !gmtime_r(&t, &tm))
		return;
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ".%06d+00:00",
		 (int)((epoch - (double)t) * 1e6) % 1000000);
	bt_json_add_str(o, key, buf);
}

static const char *qemu_machine(const struct bt_result *r)
{
	size_t i;

	for (i = 0; i + 1 < r->qemu.argc; i++)
		if (!strcmp(r->qemu.argv[i], "-machine"))
			return r->qemu.argv[i + 1];
	return r->kernel.arch && !strcmp(r->kernel.arch, "arm64") ? "virt" : "q35";
}

/* A KCIDB path segment: [a-zA-Z0-9_-], anything else as '-'. */
static char *segment(const char *s)
{
	char *o = bt_strdup(s && *s ? s : "unknown"), *p;

	for (p = o; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", *p))
			*p = '-';
	return o;
}

static void boot_test(struct kc *k)
{
	struct json_object *t = json_object_new_object(), *env, *misc, *lava;
	const struct bt_result *r = &k->r;
	const char *runner = "qemu";
	char *s;

	k->test_id = bt_asprintf("%s:boot-%s", k->origin,
				 r->nonce ? r->nonce : "unknown");
	bt_json_add_str(t, "id", k->test_id);
	bt_json_add_str(t, "build_id", k->build_id);
	bt_json_add_str(t, "origin", k->origin);
	bt_json_add_str(t, "path", "boot");
	bt_json_add_str(t, "status", boot_status(r));
	bt_json_add_str(t, "comment", r->reason);
	add_time(t, "start_time", r->qemu.started_at);
	bt_json_add_double(t, "duration", r->duration_s);
	if (r->extra && json_object_object_get_ex(r->extra, "lava", &lava))
		runner = "lava";
	env = json_object_new_object();
	s = bt_asprintf("%s %s %s%s", r->kernel.arch && !strcmp(r->kernel.arch, "arm64") ?
			"qemu-system-aarch64" : "qemu-system-x86_64",
			qemu_machine(r), r->qemu.accel ? r->qemu.accel : "?",
			!strcmp(runner, "lava") ? " (LAVA job, lava-run)" : "");
	bt_json_add_str(env, "comment", s);
	free(s);
	misc = json_object_new_object();
	bt_json_add_str(misc, "qemu_machine", qemu_machine(r));
	bt_json_add_str(misc, "accel", r->qemu.accel);
	bt_json_add_str(misc, "runner", runner);
	json_object_object_add(env, "misc", misc);
	json_object_object_add(t, "environment", env);
	if (k->console) {
		if (r->ncrashes)
			s = kc_excerpt(k->console, k->console_len,
				       r->crashes[0].start_line,
				       r->crashes[0].end_line, KC_EXCERPT_MAX);
		else if (strcmp(r->verdict, "clean"))
			s = kc_excerpt(k->console, k->console_len, 0, 0, 4096);
		else
			s = NULL;
		if (s && *s)
			bt_json_add_str(t, "log_excerpt", s);
		free(s);
		s = bt_asprintf("file://%s/console.log", k->run_dir);
		bt_json_add_str(t, "log_url", s);
		free(s);
	}
	misc = json_object_new_object();
	bt_json_add_str(misc, "verdict", r->verdict);
	bt_json_add_int(misc, "exit_status", r->exit_status);
	if (r->ncrashes)
		bt_json_add_str(misc, "crash_title", r->crashes[0].title);
	if (!strcmp(runner, "lava"))
		json_object_object_add(misc, "lava", json_object_get(lava));
	json_object_object_add(t, "misc", misc);
	json_object_array_add(k->tests, t);
}

/* One issue per crash title, one incident per crash of this boot. */
static void issues(struct kc *k)
{
	const struct bt_result *r = &k->r;
	size_t i, j;

	for (i = 0; i < r->ncrashes; i++) {
		const struct bt_result_crash *c = &r->crashes[i];
		struct json_object *is, *in, *cul, *cats;
		char sha[65], *id, *iid, *cat, *full;
		bool dup = false;

		if (!c->title)
			continue;
		for (j = 0; j < i; j++)
			dup |= r->crashes[j].title && !strcmp(r->crashes[j].title, c->title);
		if (dup)
			continue;
		sha_str(c->title, sha);
		id = bt_asprintf("%s:%.16s", k->origin, sha);
		is = json_object_new_object();
		bt_json_add_str(is, "id", id);
		bt_json_add_int(is, "version", 1);
		bt_json_add_str(is, "origin", k->origin);
		bt_json_add_str(is, "report_subject", c->title);
		cul = json_object_new_object();
		bt_json_add_bool(cul, "code", true);
		bt_json_add_bool(cul, "tool", false);
		bt_json_add_bool(cul, "harness", false);
		json_object_object_add(is, "culprit", cul);
		cats = json_object_new_array();
		cat = segment(c->category);
		full = bt_asprintf("runtime.%s", cat);
		json_object_array_add(cats, json_object_new_string(full));
		free(full);
		free(cat);
		json_object_object_add(is, "categories", cats);
		json_object_array_add(k->issues, is);

		in = json_object_new_object();
		iid = bt_asprintf("%s-%.16s", k->test_id, sha);
		bt_json_add_str(in, "id", iid);
		bt_json_add_str(in, "origin", k->origin);
		bt_json_add_str(in, "issue_id", id);
		bt_json_add_int(in, "issue_version", 1);
		bt_json_add_str(in, "test_id", k->test_id);
		bt_json_add_str(in, "build_id", k->build_id);
		bt_json_add_bool(in, "present", true);
		json_object_array_add(k->incidents, in);
		free(iid);
		free(id);
	}
}

/* fstests' status as a KCIDB status. */
static const char *fstests_status(const char *s)
{
	if (!s)
		return "MISS";
	if (!strcmp(s, "pass"))
		return "PASS";
	if (!strcmp(s, "notrun") || !strcmp(s, "expunged"))
		return "SKIP";
	if (!strcmp(s, "notreached"))
		return "MISS";
	return "FAIL";
}

static void fstests_tests(struct kc *k)
{
	struct json_object *list = k->r.fstests ?
				   bt_json_get_array(k->r.fstests, "tests") : NULL;
	size_t i, n = list ? json_object_array_length(list) : 0;

	for (i = 0; i < n; i++) {
		struct json_object *ft = json_object_array_get_idx(list, i);
		struct json_object *t = json_object_new_object(), *misc;
		const char *name = bt_json_get_str(ft, "name");
		const char *diff = bt_json_get_str(ft, "diff");
		const char *st = bt_json_get_str(ft, "status");
		char *sec = segment(bt_json_get_str(ft, "section"));
		char *nm = segment(name), *path, *id, *ex;

		path = bt_asprintf("fstests.%s.%s", sec, nm);
		id = bt_asprintf("%s-%s", k->test_id, path + 8);
		bt_json_add_str(t, "id", id);
		bt_json_add_str(t, "build_id", k->build_id);
		bt_json_add_str(t, "origin", k->origin);
		bt_json_add_str(t, "path", path);
		bt_json_add_str(t, "status", fstests_status(st));
		if (bt_json_get_double(ft, "seconds", -1) >= 0)
			bt_json_add_double(t, "duration",
					   bt_json_get_double(ft, "seconds", 0));
		if (diff && *diff) {
			ex = kc_clean_text(diff, strlen(diff), KC_EXCERPT_MAX);
			bt_json_add_str(t, "log_excerpt", ex);
			free(ex);
		}
		misc = json_object_new_object();
		bt_json_add_str(misc, "fstests_test", name);
		bt_json_add_str(misc, "fstests_status", st);
		json_object_object_add(t, "misc", misc);
		json_object_array_add(k->tests, t);
		free(sec);
		free(nm);
		free(path);
		free(id);
	}
}

static bool origin_ok(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(s);
}

static const char *env_or(const char *v, const char *name)
{
	const char *e = getenv(name);

	return v ? v : e && *e ? e : NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "origin", required_argument, NULL, 'g' },
		{ "srctree", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ "config-name", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kc k = { 0 };
	struct json_object *doc, *v, *a;
	char *res, *log, *out = NULL;
	const char *output = NULL;
	int c, ret;

	bt_set_prog(argv[0]);
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'g':
			k.origin = optarg;
			break;
		case 's':
			k.srctree = optarg;
			break;
		case 'c':
			k.config = optarg;
			break;
		case 'n':
			k.config_name = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return BT_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		print_usage(stderr);
		return BT_EXIT_USAGE;
	}
	k.run_dir = argv[optind];
	k.origin = env_or(k.origin, "KCIDB_ORIGIN");
	if (!k.origin)
		k.origin = "boottest";
	if (!origin_ok(k.origin))
		bt_die(BT_EXIT_USAGE, "KCIDB_ORIGIN=%s: KCIDB origins are [a-z0-9_]+",
		       k.origin);
	k.srctree = env_or(k.srctree, "BT_SRCTREE");
	k.config = env_or(k.config, "BT_KCONFIG");
	k.config_name = env_or(k.config_name, "BT_CONFIG_NAME");

	res = bt_path_join(k.run_dir, "result.json");
	if (bt_result_read(res, &k.r) < 0) {
		free(res);
		bt_result_free(&k.r);
		return BT_EXIT_USAGE;
	}
	log = bt_path_join(k.run_dir, "console.log");
	if (bt_read_file(log, &k.console, &k.console_len, MAX_CONSOLE, NULL) < 0)
		k.console = NULL;

	doc = json_object_new_object();
	v = json_object_new_object();
	bt_json_add_int(v, "major", KCIDB_MAJOR);
	bt_json_add_int(v, "minor", KCIDB_MINOR);
	json_object_object_add(doc, "version", v);
	a = json_object_new_array();
	json_object_array_add(a, checkout(&k));
	json_object_object_add(doc, "checkouts", a);
	a = json_object_new_array();
	json_object_array_add(a, build(&k, bt_json_get_str(
		json_object_array_get_idx(bt_json_get_array(doc, "checkouts"), 0), "id")));
	json_object_object_add(doc, "builds", a);
	k.tests = json_object_new_array();
	k.issues = json_object_new_array();
	k.incidents = json_object_new_array();
	boot_test(&k);
	fstests_tests(&k);
	issues(&k);
	json_object_object_add(doc, "tests", k.tests);
	json_object_object_add(doc, "issues", k.issues);
	json_object_object_add(doc, "incidents", k.incidents);

	if (!output)
		output = out = bt_path_join(k.run_dir, "kcidb.json");
	ret = bt_json_save(output, doc, true) < 0 ? BT_EXIT_USAGE : 0;
	json_object_put(doc);
	bt_result_free(&k.r);
	free(k.console);
	free(k.test_id);
	free(k.build_id);
	free(res);
	free(log);
	free(out);
	return ret;
}
