/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copy a directory tree out of an ext4 image that a guest (possibly crashed
 * or hostile) wrote.  Nothing is written outside DESTDIR: names are checked,
 * symlinks are recreated and never followed, every file is created fresh
 * (O_EXCL | O_NOFOLLOW) below directories this code made; sizes, file counts
 * and depth are bounded; directory loops are detected.
 */
#ifndef BOOTTEST_ROOTFS_EXTRACT_H
#define BOOTTEST_ROOTFS_EXTRACT_H

#include <stdint.h>

struct rx_limits {
	uint64_t max_bytes;
	uint64_t max_files;
	unsigned int max_depth;
};

#define RX_LIMITS_INIT { 1ULL << 30, 100000, 64 }

struct rx_stats {
	uint64_t bytes, files, dirs, symlinks, hardlinks, skipped, errors;
};

/*
 * Extract IMAGE:guestdir into destdir (created if missing).  Returns 0 when
 * everything was copied, 1 when the image is unreadable or something was
 * refused or damaged (messages printed), 2 on a host-side error.
 */
int rx_extract(const char *image, const char *guestdir, const char *destdir,
	       const struct rx_limits *lim, struct rx_stats *st);

#endif
