// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: rootfs-extract over arbitrary image bytes (held in a
 * memfd), copying /results (or / when absent) into a scratch directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <et/com_err.h>
#include <ext2fs/ext2_err.h>

#include "err.h"
#include "path.h"
#include "rootfs/rootfs-extract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64], img[64], dest[96];
	struct rx_limits lim = { 4 << 20, 2000, 32 };
	struct rx_stats st;
	static int fd = -1;

	if (fd < 0) {
		initialize_ext2_error_table();
		bt_set_quiet(1);
		fd = memfd_create("fuzz-extract", 0);
		snprintf(img, sizeof(img), "/proc/self/fd/%d", fd);
		snprintf(dir, sizeof(dir), "/tmp/fuzz-extract.%d", (int)getpid());
		snprintf(dest, sizeof(dest), "%s/out", dir);
	}
	if (fd < 0 || ftruncate(fd, 0) < 0 ||
	    bt_write_all(fd, data, size) < 0)
		return 0;
	bt_mkdir_p(dir, 0700);
	if (rx_extract(img, "/results", dest, &lim, &st) == 1)
		rx_extract(img, "/", dest, &lim, &st);
	bt_remove_tree(dir);
	return 0;
}
