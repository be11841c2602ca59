// SPDX-License-Identifier: GPL-2.0
/*
 * mkrootfs - write an ext4 image (and/or a newc cpio archive) from a
 * manifest, as an ordinary user.
 *
 *   mkrootfs [-o IMAGE] [--cpio FILE] [--size SIZE] [--depfile FILE]
 *            [--sysroot DIR] [--no-journal] [--label NAME] MANIFEST...
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <et/com_err.h>
#include <ext2fs/ext2_err.h>

#include "err.h"
#include "manifest.h"
#include "cpio.h"
#include "ext4.h"
#include "tree.h"
#include "num.h"
#include "path.h"
#include "strbuf.h"

/* Time stamps when SOURCE_DATE_EPOCH is unset: 2020-01-01T00:00:00Z. */
#define DEFAULT_EPOCH	1577836800L

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mkrootfs [-o IMAGE] [--cpio FILE] [--size SIZE] [--depfile FILE]\n"
		"                [--sysroot DIR] [--no-journal] [--label NAME] [-q]\n"
		"                MANIFEST...\n"
		"Write an ext4 image (-o) and/or a newc cpio archive (--cpio) holding what\n"
		"the manifests ('-' = stdin, concatenated) describe.\n"
		"\n"
		"  -o, --output IMAGE   ext4 image to write (sparse; replaced atomically)\n"
		"      --cpio FILE      newc cpio archive to write (initramfs)\n"
		"  -s, --size SIZE      image size in bytes, K/M/G suffixes allowed\n"
		"                       (default: the contents plus a quarter plus 32 MiB)\n"
		"      --depfile FILE   write a make dependency file listing every host input\n"
		"      --sysroot DIR    look programs and libraries up inside DIR (another arch)\n"
		"      --no-journal     no ext4 journal, whatever the size (a results disk)\n"
		"      --label NAME     volume label (at most 16 bytes)\n"
		"  -q, --quiet          errors only\n"
		"\n"
		"Manifest lines (usr/gen_init_cpio format, ${VAR} from the environment):\n"
		"  file NAME LOCATION MODE UID GID [HARDLINKS...]   dir NAME MODE UID GID\n"
		"  nod NAME MODE UID GID b|c MAJ MIN   slink NAME TARGET MODE UID GID\n"
		"  pipe NAME MODE UID GID   sock NAME MODE UID GID\n"
		"  prog PATH [HOSTPATH]     a program with its interpreter and libraries\n"
		"  tree DEST HOSTDIR        a whole host directory tree\n"
		"  user NAME UID GID HOME SHELL   group NAME GID [MEMBERS]\n"
		"  busybox [HOSTPATH]       busybox and one link per applet\n"
		"\n"
		"Time stamps come from SOURCE_DATE_EPOCH (default %ld, 2020-01-01) and the\n"
		"UUID from the contents: the same inputs give the same image, byte for byte.\n"
		"\n"
		"Examples:\n"
		"  BOOTTEST_SRC=$PWD mkrootfs -o root.ext4 scripts/boottest/rootfs.manifest\n"
		"  echo 'prog /usr/bin/strace' | mkrootfs -o r.ext4 --depfile r.d base.manifest -\n"
		"  mkrootfs --cpio initrd.cpio --sysroot /srv/arm64 initramfs.manifest\n"
		"\n"
		"Environment:\n"
		"  SOURCE_DATE_EPOCH  time stamps of every file (seconds since 1970)\n"
		"  VAR                any ${VAR} in a manifest field (BOOTTEST_SRC in\n"
		"                     rootfs.manifest)\n"
		"\n"
		"Exit status: 0 written, 1 a host file that cannot be read or a write\n"
		"error, 2 bad options or a manifest error (FILE:LINE named).\n",
		DEFAULT_EPOCH);
}

static void dep_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\\' || *s == '#' || *s == ':')
			sb_addch(sb, '\\');
		if (*s == '$')
			sb_addch(sb, '$');
		sb_addch(sb, *s);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int write_depfile(struct rtree *t, const char *path, const char *target)
{
	struct strbuf sb = STRBUF_INIT;
	struct bt_atomic a;
	size_t i;

	if (t->deps.n)
		qsort(t->deps.v, t->deps.n, sizeof(char *), cmp_str);
	dep_escape(&sb, target);
	sb_addch(&sb, ':');
	for (i = 0; i < t->deps.n; i++) {
		if (i && !strcmp(t->deps.v[i], t->deps.v[i - 1]))
			continue;
		sb_addstr(&sb, " \\\n  ");
		dep_escape(&sb, t->deps.v[i]);
	}
	sb_addch(&sb, '\n');
	/* An empty rule per input, so a vanished input does not stop make. */
	for (i = 0; i < t->deps.n; i++) {
		if (i && !strcmp(t->deps.v[i], t->deps.v[i - 1]))
			continue;
		sb_addch(&sb, '\n');
		dep_escape(&sb, t->deps.v[i]);
		sb_addstr(&sb, ":\n");
	}
	if (bt_atomic_open(&a, path, 0644) < 0) {
		sb_release(&sb);
		return -1;
	}
	if (bt_write_all(a.fd, sb.buf, sb.len) < 0) {
		bt_err("%s: %s", a.tmp, strerror(errno));
		bt_atomic_abort(&a);
		sb_release(&sb);
		return -1;
	}
	sb_release(&sb);
	return bt_atomic_commit(&a);
}

static int check_output(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return bt_error("%s: exists and is not a regular file; remove it or choose another output path",
				path);
	return 0;
}

static int write_image(struct rtree *t, const char *path, uint64_t size,
		       const struct ext4_opts *eo)
{
	unsigned char digest[16];
	struct bt_atomic a;

	if (rt_digest(t, digest) < 0)
		return -1;
	if (bt_atomic_open(&a, path, 0644) < 0)
		return -1;
	if (ftruncate(a.fd, (off_t)size) < 0) {
		bt_err("%s: cannot size to %llu bytes: %s", a.tmp,
		       (unsigned long long)size, strerror(errno));
		bt_atomic_abort(&a);
		return -1;
	}
	if (ext4_write(t, a.tmp, size, digest, eo) < 0) {
		bt_atomic_abort(&a);
		return -1;
	}
	return bt_atomic_commit(&a);
}

static int write_cpio(struct rtree *t, const char *path)
{
	struct bt_atomic a;

	if (bt_atomic_open(&a, path, 0644) < 0)
		return -1;
	if (cpio_write(t, a.fd, path) < 0) {
		bt_atomic_abort(&a);
		return -1;
	}
	return bt_atomic_commit(&a);
}

static int get_epoch(time_t *epoch)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	long long v;
	char *end;

	*epoch = DEFAULT_EPOCH;
	if (!sde || !*sde)
		return 0;
	errno = 0;
	v = strtoll(sde, &end, 10);
	if (errno || *end || v < 0 || v > 0xffffffffLL)
		return bt_error("SOURCE_DATE_EPOCH=%s: not a number of seconds up to 4294967295",
				sde);
	*epoch = (time_t)v;
	return 0;
}

static int build(struct rtree *t, struct mf_list *list, char **manifests,
		 int n, const char *out, const char *cpio, const char *depfile,
		 uint64_t size, const struct ext4_opts *eo)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = mf_parse_file(list, manifests[i]);
		if (ret < 0)
			return ret;
		if (strcmp(manifests[i], "-"))
			rt_dep(t, manifests[i]);
	}
	if (rt_apply(t, list) < 0 || rt_finish(t) < 0)
		return -1;
	if (out) {
		uint64_t min = ext4_min_size(t);

		if (!size)
			size = ext4_default_size(t);
		size &= ~4095ULL;
		if (size < min)
			return bt_error("%s: image too small: --size %llu bytes, the contents need at least %llu (%llu MiB); raise --size (ROOTFS_SIZE=)",
					out, (unsigned long long)size,
					(unsigned long long)min,
					(unsigned long long)(min >> 20));
		if (write_image(t, out, size, eo) < 0)
			return -1;
	}
	if (cpio && write_cpio(t, cpio) < 0)
		return -1;
	if (depfile && write_depfile(t, depfile, out ? out : cpio) < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "cpio", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "depfile", required_argument, NULL, 'd' },
		{ "sysroot", required_argument, NULL, 'r' },
		{ "no-journal", no_argument, NULL, 'J' },
		{ "label", required_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *cpio = NULL, *depfile = NULL, *sysroot = NULL;
	struct ext4_opts eo = { 0 };
	struct mf_list list;
	struct rtree t;
	uint64_t size = 0;
	time_t epoch;
	int c, ret;

	bt_set_prog(argv[0]);
	initialize_ext2_error_table();
	while ((c = getopt_long(argc, argv, "o:s:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'c':
			cpio = optarg;
			break;
		case 's':
			if (bt_parse_size(optarg, &size) < 0 || size < (1 << 20)) {
				bt_err("--size %s: not a size of at least 1M (bytes, or with a K/M/G suffix)",
				       optarg);
				return BT_EXIT_USAGE;
			}
			break;
		case 'd':
			depfile = optarg;
			break;
		case 'r':
			sysroot = optarg;
			break;
		case 'J':
			eo.no_journal = true;
			break;
		case 'L':
			if (strlen(optarg) > EXT4_LABEL_MAX) {
				bt_err("--label %s: longer than %d bytes",
				       optarg, EXT4_LABEL_MAX);
				return BT_EXIT_USAGE;
			}
			eo.label = optarg;
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
	if (optind >= argc || (!out && !cpio)) {
		bt_err("%s; see mkrootfs --help",
		       optind >= argc ? "no manifest given" :
		       "nothing to write: give -o IMAGE and/or --cpio FILE");
		return BT_EXIT_USAGE;
	}
	if (get_epoch(&epoch) < 0)
		return BT_EXIT_USAGE;
	if ((out && check_output(out) < 0) || (cpio && check_output(cpio) < 0) ||
	    (depfile && check_output(depfile) < 0))
		return BT_EXIT_FAIL;

	mf_init(&list);
	rt_init(&t, sysroot, epoch);
	ret = build(&t, &list, argv + optind, argc - optind, out, cpio, depfile,
		    size, &eo);
	/* A manifest error is bad input, like a bad option: 2. */
	if (ret == -EINVAL || (ret < 0 && t.bad_manifest))
		ret = BT_EXIT_USAGE;
	else
		ret = ret < 0 ? BT_EXIT_FAIL : BT_EXIT_OK;
	rt_free(&t);
	mf_free(&list);
	return ret;
}
