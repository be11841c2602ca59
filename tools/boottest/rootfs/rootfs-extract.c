// SPDX-License-Identifier: GPL-2.0
/*
 * rootfs-extract - copy a directory out of an ext4 image a guest wrote.
 *
 *   rootfs-extract [--max-bytes N] [--max-files N] [--max-depth N]
 *                  IMAGE GUESTDIR DESTDIR
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <et/com_err.h>
#include <ext2fs/ext2_err.h>

#include "err.h"
#include "num.h"
#include "rootfs-extract.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: rootfs-extract [--max-bytes N] [--max-files N] [--max-depth N]\n"
		"                      IMAGE GUESTDIR DESTDIR\n"
		"Copy GUESTDIR of the ext4 IMAGE into DESTDIR (created if missing), safely:\n"
		"the image may come from a crashed or hostile guest.  The image is opened\n"
		"read-only and its journal is not replayed.  Names with '/', '.', '..' are\n"
		"refused, symlinks are recreated and never followed, hard links are kept,\n"
		"device nodes, FIFOs and sockets are skipped, directory loops are cut.\n"
		"\n"
		"  --max-bytes N   stop past N bytes of file data (default 1G; K/M/G)\n"
		"  --max-files N   stop past N entries (default 100000)\n"
		"  --max-depth N   do not descend deeper than N (default 64)\n"
		"  -q, --quiet     errors only\n"
		"  -h, --help      this text\n"
		"\n"
		"Examples:\n"
		"  rootfs-extract results.ext4 /out run/guest\n"
		"  rootfs-extract --max-bytes 64M --max-files 1000 results.ext4 / /tmp/all\n"
		"\n"
		"Environment: none.\n"
		"\n"
		"Exit status: 0 copied, 1 image unreadable or an entry refused/damaged,\n"
		"2 bad options or a host error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max-bytes", required_argument, NULL, 'b' },
		{ "max-files", required_argument, NULL, 'f' },
		{ "max-depth", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rx_limits lim = RX_LIMITS_INIT;
	struct rx_stats st;
	uint64_t v;
	int c, ret;

	bt_set_prog(argv[0]);
	initialize_ext2_error_table();
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
		case 'f':
		case 'd':
			if (bt_parse_size(optarg, &v) < 0 || !v ||
			    (c == 'd' && v > 4096)) {
				bt_err("--%s %s: not a positive number",
				       c == 'b' ? "max-bytes" : c == 'f' ?
				       "max-files" : "max-depth", optarg);
				return BT_EXIT_USAGE;
			}
			if (c == 'b')
				lim.max_bytes = v;
			else if (c == 'f')
				lim.max_files = v;
			else
				lim.max_depth = (unsigned int)v;
			break;
		case 'q':
			bt_set_quiet(1);
			break;
		case 'h':
			usage(stdout);
			return BT_EXIT_OK;
		default:
			usage(stderr);
			return BT_EXIT_USAGE;
		}
	}
	if (argc - optind != 3) {
		bt_err("expected IMAGE GUESTDIR DESTDIR; see rootfs-extract --help");
		return BT_EXIT_USAGE;
	}
	ret = rx_extract(argv[optind], argv[optind + 1], argv[optind + 2],
			 &lim, &st);
	if (ret == 1 && !st.files && !st.dirs && !st.symlinks && !st.skipped)
		return ret;
	bt_note("%llu files (%llu bytes), %llu directories, %llu symlinks, %llu hard links, %llu skipped, %llu damaged",
		(unsigned long long)st.files, (unsigned long long)st.bytes,
		(unsigned long long)st.dirs, (unsigned long long)st.symlinks,
		(unsigned long long)st.hardlinks,
		(unsigned long long)st.skipped, (unsigned long long)st.errors);
	return ret;
}
