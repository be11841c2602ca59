/* SPDX-License-Identifier: GPL-2.0 */
/* newc cpio back end of mkrootfs (initramfs), through libarchive. */
#ifndef BOOTTEST_MKROOTFS_CPIO_H
#define BOOTTEST_MKROOTFS_CPIO_H

#include "tree.h"

/* Write the tree to fd as a newc archive; path names it in messages. */
int cpio_write(struct rtree *t, int fd, const char *path);

#endif
