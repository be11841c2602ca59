// SPDX-License-Identifier: GPL-2.0
/*
 * fstests-results - turn the results of an fstests run in a guest into a
 * verdict: result.json, JUnit, a summary, and a comparison with a baseline.
 *
 *   fstests-results [-o JSON] [--junit FILE] [--console LOG]
 *                   [--kernel RUN.json] [--baseline PREV.json]
 *                   [--merge-into RUN.json] [-q] RESULTS_DIR
 *   fstests-results [-o JSON] [--junit FILE] [--baseline PREV.json]
 *                   [--merge-into RUN.json] [-q] [--plan FILE] --shard RUN...
 *                   [--unrun FILE]
 *   fstests-results --progress [--pid PID] [--tty|--plain] CONSOLE_LOG
 *   fstests-results --progress [--pid PID] --total N CONSOLE_LOG...
 *
 * RESULTS_DIR is fstests' RESULT_BASE as copied home (check.log, check.time,
 * result.xml, per-test files, per section).  --console adds the guest
 * runner's progress lines and check's "run fstests X at" kernel lines, so
 * the test running when the guest died is named; --kernel is vmrun's
 * result.json of the same boot (its crashes, whether TIMEOUT= stopped it).
 * --shard RUN (make fstests-vm JOBS=N: once per VM) reads a vmrun run
 * directory, RUN/console.log, RUN/result.json and RUN/guest/fstests, as
 * one run of its own, and merges the shards into one verdict (each test
 * with the shard that ran it); --plan is the queue's "SECTION TEST" lines
 * (the tests' order), --unrun its list of tests no shard started, with the
 * reason.
 *
 * Exit: 0 every test that ran passed, the run finished, the kernel stayed
 * healthy and nothing regressed; 1 otherwise; 2 usage, unreadable input,
 * no test ran at all, or every test passed but the results disk filled up
 * (the guest's "results-full" line: result files may be cut).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fstests-results.h"
#include "json.h"
#include "path.h"
#include "result.h"

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-o JSON] [--junit FILE] [--console LOG] [--kernel RUN.json]\n"
		"          [--baseline PREV.json] [--merge-into RUN.json] [-q] RESULTS_DIR\n"
		"       %s [-o JSON] [--junit FILE] [--baseline PREV.json] [--merge-into RUN.json]\n"
		"          [-q] [--plan FILE] --shard RUN... [--unrun FILE]\n"
		"       %s --progress [--pid PID] [--tty|--plain] CONSOLE_LOG\n"
		"       %s --progress [--pid PID] [--tty|--plain] --total N CONSOLE_LOG...\n"
		"\n"
		"Parse fstests' results directory (check.log, check.time, result.xml,\n"
		"per-test .out.bad .full .dmesg .notrun .hints) into one JSON verdict:\n"
		"each test passed, failed (first lines of the diff) or not run (reason);\n"
		"with the console, the test that was running when the guest died.\n"
		"\n"
		"  -o, --output JSON     write the JSON verdict to this file\n"
		"  --junit FILE          also write JUnit XML, one test case per test\n"
		"  --console LOG         the guest's console: where each test started,\n"
		"                        which one was running at a crash\n"
		"  --kernel RUN.json     the boot's result.json (vmrun): its crashes\n"
		"                        are put on the test they happened in\n"
		"  --baseline PREV.json  an earlier output: new failures, fixed, still\n"
		"                        failing, newly not run, not reached\n"
		"  --merge-into RUN.json add an \"fstests\" key to a run's result.json\n"
		"  --shard RUN           a VM of make fstests-vm JOBS=N (repeat for each):\n"
		"                        its run directory (console.log, result.json,\n"
		"                        guest/fstests); the shards are merged into one\n"
		"                        verdict, each test with the shard that ran it\n"
		"  --plan FILE           with --shard: the queue's \"SECTION TEST\" lines\n"
		"  --unrun FILE          with --shard: \"SECTION TEST REASON\" lines of the\n"
		"                        tests no shard started\n"
		"  -q, --quiet           no text summary on stdout\n"
		"  --progress            follow CONSOLE_LOG live: test N of M, its name,\n"
		"                        elapsed time, failures so far\n"
		"  --pid PID             with --progress: stop when PID exits\n"
		"  --tty, --plain        with --progress: one updating line, or plain lines\n"
		"                        (default: --tty on a terminal)\n"
		"  --total N             with --progress: the logs of N tests' shards (one\n"
		"                        count across them; a log is followed once it exists)\n"
		"  -h, --help            this text\n"
		"\n"
		"Examples:\n"
		"  %s -o fstests.json --junit junit.xml --console console.log results/\n"
		"  %s --baseline last.json results/\n"
		"  %s --progress --pid $QEMU_PID console.log\n"
		"  %s -o fstests.json --shard runs/A --shard runs/B --unrun queue/unrun\n"
		"\n"
		"Environment: none.\n"
		"\n"
		"Exit status: 0 every test that ran passed, the run finished, the kernel\n"
		"stayed healthy and nothing regressed; 1 otherwise; 2 usage, unreadable\n"
		"input, no test ran, or the results disk filled up.\n",
		bt_prog(), bt_prog(), bt_prog(), bt_prog(), bt_prog(), bt_prog(),
		bt_prog(), bt_prog());
}

static int write_junit(const char *path, const struct fr_run *r)
{
	struct bt_atomic a;
	FILE *f;

	f = bt_atomic_fopen(&a, path, 0644);
	if (!f)
		return -1;
	fr_write_junit(f, r);
	return bt_atomic_fclose(&a, f);
}

/* One shard's run directory read as a run of its own, then merged. */
static int read_shard(struct fr_run *r, const char *dir, int shard)
{
	struct bt_result k;
	struct fr_run s;
	char *p, *buf;
	size_t len;
	int rc = -1;

	fr_init(&s);
	p = bt_path_join(dir, "console.log");
	if (bt_read_file(p, &buf, &len, FR_MAX_FILE, NULL) == 0) {
		fr_parse_console(&s, buf, len);
		free(buf);
	} else {
		bt_warn("%s: cannot read the console log: %s", p, strerror(errno));
	}
	free(p);
	p = bt_path_join(dir, "guest/fstests");
	if (bt_is_dir(p) && fr_read_tree(&s, p) < 0)
		goto out;
	free(p);
	p = bt_path_join(dir, "result.json");
	if (bt_result_read(p, &k) == 0)
		fr_parse_kernel(&s, &k);
	bt_result_free(&k);
	fr_finish(&s);
	fr_merge_shard(r, &s, shard);
	rc = 0;
out:
	free(p);
	fr_free(&s);
	return rc;
}

#define MAX_SHARDS	64

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "junit", required_argument, NULL, 'j' },
		{ "console", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "merge-into", required_argument, NULL, 'm' },
		{ "progress", no_argument, NULL, 'p' },
		{ "pid", required_argument, NULL, 'P' },
		{ "tty", no_argument, NULL, 'T' },
		{ "plain", no_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "shard", required_argument, NULL, 's' },
		{ "unrun", required_argument, NULL, 'u' },
		{ "plan", required_argument, NULL, 'l' },
		{ "total", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *json_out = NULL, *junit = NULL, *console = NULL;
	const char *kernel = NULL, *baseline = NULL, *merge = NULL;
	const char *shards[MAX_SHARDS], *unrun = NULL, *plan = NULL;
	bool progress = false, quiet = false;
	int tty = -1, c, status, nshards = 0, i;
	long pid = 0, total = 0;
	struct json_object *out = NULL;
	struct fr_run r;

	bt_set_prog(argv[0]);
	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			json_out = optarg;
			break;
		case 'j':
			junit = optarg;
			break;
		case 'c':
			console = optarg;
			break;
		case 'k':
			kernel = optarg;
			break;
		case 'b':
			baseline = optarg;
			break;
		case 'm':
			merge = optarg;
			break;
		case 'p':
			progress = true;
			break;
		case 'P': {
			char *end;

			pid = strtol(optarg, &end, 10);
			if (*end || pid <= 0) {
				bt_err("--pid %s: not a process id", optarg);
				return BT_EXIT_USAGE;
			}
			break;
		}
		case 'T':
			tty = 1;
			break;
		case 'L':
			tty = 0;
			break;
		case 'q':
			quiet = true;
			break;
		case 's':
			if (nshards == MAX_SHARDS) {
				bt_err("--shard: at most %d", MAX_SHARDS);
				return BT_EXIT_USAGE;
			}
			shards[nshards++] = optarg;
			break;
		case 'u':
			unrun = optarg;
			break;
		case 'l':
			plan = optarg;
			break;
		case 'N': {
			char *end;

			total = strtol(optarg, &end, 10);
			if (*end || total <= 0) {
				bt_err("--total %s: not a number of tests", optarg);
				return BT_EXIT_USAGE;
			}
			break;
		}
		case 'h':
			print_usage(stdout);
			return BT_EXIT_OK;
		default:
			print_usage(stderr);
			return BT_EXIT_USAGE;
		}
	}
	if (progress && total && optind < argc && argc - optind <= MAX_SHARDS) {
		if (tty < 0)
			tty = isatty(STDOUT_FILENO);
		return fr_progress((const char *const *)argv + optind,
				   argc - optind, total, pid, tty);
	}
	if (nshards ? optind != argc || console || kernel :
	    optind + 1 != argc || unrun || plan) {
		print_usage(stderr);
		return BT_EXIT_USAGE;
	}
	if (progress) {
		const char *log = argv[optind];

		if (tty < 0)
			tty = isatty(STDOUT_FILENO);
		return fr_progress(&log, 1, 0, pid, tty);
	}

	fr_init(&r);
	status = BT_EXIT_USAGE;
	if (nshards) {
		if (plan) {
			char *buf;
			size_t len;

			if (bt_read_file(plan, &buf, &len, FR_MAX_FILE, NULL) < 0) {
				bt_err("%s: %s", plan, strerror(errno));
				goto out;
			}
			fr_parse_plan(&r, buf, len);
			free(buf);
		}
		for (i = 0; i < nshards; i++)
			if (read_shard(&r, shards[i], i + 1) < 0)
				goto out;
		if (unrun) {
			char *buf;
			size_t len;

			if (bt_read_file(unrun, &buf, &len, FR_MAX_FILE, NULL) < 0) {
				bt_err("%s: %s", unrun, strerror(errno));
				goto out;
			}
			fr_parse_unrun(&r, buf, len);
			free(buf);
		}
		goto report;
	}
	if (console) {
		char *buf;
		size_t len;

		if (bt_read_file(console, &buf, &len, 0, NULL) < 0) {
			bt_err("%s: cannot read the console log: %s", console,
			       strerror(errno));
			goto out;
		}
		fr_parse_console(&r, buf, len);
		free(buf);
	}
	if (!bt_is_dir(argv[optind]) && !console) {
		bt_err("%s: no results directory; pass the RESULT_BASE copied out of the guest",
		       argv[optind]);
		goto out;
	}
	if (bt_is_dir(argv[optind])) {
		if (fr_read_tree(&r, argv[optind]) < 0)
			goto out;
	} else {
		bt_warn("%s: no results directory; using the console log only",
			argv[optind]);
	}
	if (kernel) {
		struct bt_result k;

		if (bt_result_read(kernel, &k) < 0)
			goto out;
		fr_parse_kernel(&r, &k);
		bt_result_free(&k);
	}
	fr_finish(&r);
report:
	out = fr_to_json(&r);
	if (baseline) {
		struct json_object *b = bt_json_load(baseline, FR_MAX_FILE);
		int rc = b ? fr_baseline(out, b, baseline,
					 bt_json_get_bool(out, "complete", false)) : -1;

		json_object_put(b);
		if (rc < 0)
			goto out;
	}
	if (json_out && bt_json_save(json_out, out, true) < 0)
		goto out;
	if (merge) {
		struct bt_result m;
		int rc = bt_result_read(merge, &m);

		if (rc == 0) {
			json_object_put(m.fstests);
			m.fstests = json_object_get(out);
			rc = bt_result_write(merge, &m);
		}
		bt_result_free(&m);
		if (rc < 0)
			goto out;
	}
	if (junit && write_junit(junit, &r) < 0)
		goto out;
	if (!quiet)
		fr_write_text(stdout, out);
	status = fr_exit_status(out);
	if (status == BT_EXIT_USAGE &&
	    !json_object_object_get_ex(out, "results_full", NULL))
		bt_err("%s: no test ran (empty plan, bad group or test name, or the guest failed before ./check)",
		       nshards ? shards[0] : argv[optind]);
out:
	json_object_put(out);
	fr_free(&r);
	return status;
}
