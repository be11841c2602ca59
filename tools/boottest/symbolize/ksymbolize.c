// SPDX-License-Identifier: GPL-2.0
/*
 * ksymbolize - file:line for kernel stack frames, like the kernel's
 * scripts/decode_stacktrace.sh, from the DWARF of vmlinux and modules.
 *
 *   ksymbolize [--modules-dir DIR] [--json] VMLINUX [FRAME...]
 *
 * FRAMEs as the kernel prints them: "func+0x1a/0x50 [module]"; read from
 * stdin, one per line, when none is given.  The first frame is taken as
 * the faulting instruction, the others as return addresses (--all-exact:
 * every frame exact).  Exit 0 when every frame was placed, 1 when some
 * were not, 2 on usage errors or an unreadable or debug-info-less VMLINUX.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "ksym.h"

static void print_usage(FILE *fp)
{
	fprintf(fp,
		"usage: ksymbolize [--modules-dir DIR] [--json] [--all-exact] VMLINUX [FRAME...]\n"
		"  VMLINUX            the kernel ELF with debug info (the build's vmlinux)\n"
		"  FRAME              func+0xOFF/0xSIZE [module]; stdin lines when none\n"
		"  --modules-dir DIR  a build tree or /lib/modules/REL: NAME.ko through\n"
		"                     its modules.order, for [module] frames\n"
		"  --json             a JSON array: {frame, source, inlined: [{function, source}]}\n"
		"  --all-exact        every address is an instruction, not a return address\n"
		"  -h, --help         this text\n"
		"\n"
		"Examples:\n"
		"  ksymbolize vmlinux 'ext4_fill_super+0x1a2/0x2b40'\n"
		"  ksymbolize --modules-dir . --json vmlinux < frames.txt\n"
		"\n"
		"Environment: none.\n"
		"\n"
		"Exit: 0 all frames placed, 1 some not, 2 usage or no debug info.\n");
}

static int one(struct ksym *k, const char *s, bool exact, bool json,
	       struct json_object *arr)
{
	struct ksym_frame fr;
	struct ksym_result r;
	int ok = ksym_parse_frame(s, strlen(s), &fr) == 0 &&
		 ksym_lookup(k, &fr, exact, &r) == 0;
	size_t i;

	if (json) {
		struct json_object *o = ok ? ksym_result_json(&r) :
				       json_object_new_object();

		bt_json_add_str(o, "frame", s);
		if (!ok)
			bt_json_add_str(o, "source", NULL);
		json_object_array_add(arr, o);
	} else if (ok) {
		printf("%s %s\n", s, r.source);
		for (i = 0; i < r.n_inlined; i++)
			printf("    %s %s%s\n", r.inlined[i].function,
			       r.inlined[i].source,
			       i + 1 < r.n_inlined ? " [inline]" : "");
	} else {
		printf("%s ??\n", s);
	}
	if (ok)
		ksym_result_free(&r);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "modules-dir", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "all-exact", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *moddir = NULL;
	bool json = false, all_exact = false;
	struct json_object *arr;
	struct ksym *k;
	int c, status = 0, idx = 0;

	bt_set_prog(argv[0]);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			moddir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'e':
			all_exact = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return BT_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		print_usage(stderr);
		return BT_EXIT_USAGE;
	}
	if (ksym_load(argv[optind], moddir, &k) < 0)
		return BT_EXIT_USAGE;
	if (!k)
		bt_die(BT_EXIT_USAGE, "%s: no DWARF line tables; build with CONFIG_DEBUG_INFO (the symbols profile of Kconfig.test)",
		       argv[optind]);
	/* Only now: --help and the errors above exit without freeing. */
	arr = json_object_new_array();
	if (optind + 1 < argc) {
		for (c = optind + 1; c < argc; c++, idx++)
			status |= one(k, argv[c], all_exact || idx == 0, json, arr);
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		while ((n = getline(&line, &cap, stdin)) > 0) {
			while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (!n)
				continue;
			status |= one(k, line, all_exact || idx++ == 0, json, arr);
		}
		free(line);
	}
	if (json)
		bt_json_fprint(stdout, arr, true);
	json_object_put(arr);
	ksym_close(k);
	return status;
}
