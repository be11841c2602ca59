/* SPDX-License-Identifier: GPL-2.0 */
/* ext4 back end of mkrootfs: write the tree as an image through libext2fs. */
#ifndef BOOTTEST_MKROOTFS_EXT4_H
#define BOOTTEST_MKROOTFS_EXT4_H

#include <stdint.h>

#include "tree.h"

/* Smallest image (bytes) that holds the tree, and the default size. */
uint64_t ext4_min_size(struct rtree *t);
uint64_t ext4_default_size(struct rtree *t);

/*
 * Write the image to fd (an empty file; path names it for libext2fs and
 * messages).  size in bytes; digest seeds the UUID and hash seed.
 * Returns 0 or -1 (message printed).
 */
int ext4_write(struct rtree *t, const char *path, uint64_t size,
	       const unsigned char digest[16]);

#endif
