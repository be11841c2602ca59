// SPDX-License-Identifier: GPL-2.0
/*
 * fstests-results - turn the results of an fstests run in a guest into a
 * verdict: result.json, JUnit, a summary, and a comparison with a baseline.
 *
 *   fstests-results [-o JSON] [--junit FILE] [--console LOG]
 *                   [--kernel RUN.json] [--baseline PREV.json]
 *                   [--merge-into RUN.json] [-q] RESULTS_DIR
 *   fstests-results --progress [--pid PID] [--tty|--plain] CONSOLE_LOG
 *
 * RESULTS_DIR is fstests' RESULT_BASE as copied home (check.log, check.time,
 * result.xml, per-test files, per section).  --console adds the guest
 * runner's progress lines and check's "run fstests X at" kernel lines, so
 * the test running when the guest died is named; --kernel is vmrun's
 * result.json of the same boot (its crashes, whether TIMEOUT= stopped it).
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
		"       %s --progress [--pid PID] [--tty|--plain] CONSOLE_LOG\n"
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
		"  -q, --quiet           no text summary on stdout\n"
		"  --progress            follow CONSOLE_LOG live: test N of M, its name,\n"
		"                        elapsed time, failures so far\n"
		"  --pid PID             with --progress: stop when PID exits\n"
		"  --tty, --plain        with --progress: one updating line, or plain lines\n"
		"                        (default: --tty on a terminal)\n"
		"  -h, --help            this text\n"
		"\n"
		"Examples:\n"
		"  %s -o fstests.json --junit junit.xml --console console.log results/\n"
		"  %s --baseline last.json results/\n"
		"  %s --progress --pid $QEMU_PID console.log\n"
		"\n"
		"Environment: none.\n"
		"\n"
		"Exit status: 0 every test that ran passed, the run finished, the kernel\n"
		"stayed healthy and nothing regressed; 1 otherwise; 2 usage, unreadable\n"
		"input, no test ran, or the results disk filled up.\n",
		bt_prog(), bt_prog(), bt_prog(), bt_prog(), bt_prog());
}

static int write_junit(const char *path, const struct fr_run *r)
{
	struct bt_atomic a;
	FILE *f;

	if (bt_atomic_open(&a, path, 0644) < 0)
		return -1;
	f = fdopen(dup(a.fd), "w");
	if (!f) {
		bt_atomic_abort(&a);
		return bt_error("%s: %s", path, strerror(errno));
	}
	fr_write_junit(f, r);
	if (fclose(f) == EOF) {
		bt_atomic_abort(&a);
		return bt_error("%s: cannot write: %s", path, strerror(errno));
	}
	return bt_atomic_commit(&a);
}

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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *json_out = NULL, *junit = NULL, *console = NULL;
	const char *kernel = NULL, *baseline = NULL, *merge = NULL;
	bool progress = false, quiet = false;
	int tty = -1, c, status;
	long pid = 0;
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
		case 'h':
			print_usage(stdout);
			return BT_EXIT_OK;
		default:
			print_usage(stderr);
			return BT_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		print_usage(stderr);
		return BT_EXIT_USAGE;
	}
	if (progress) {
		if (tty < 0)
			tty = isatty(STDOUT_FILENO);
		return fr_progress(argv[optind], pid, tty);
	}

	fr_init(&r);
	status = BT_EXIT_USAGE;
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
		       argv[optind]);
out:
	json_object_put(out);
	fr_free(&r);
	return status;
}
