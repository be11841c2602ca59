/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The image contents built from a manifest: a tree of nodes that both back
 * ends (ext4, newc cpio) write in the same order.
 */
#ifndef BOOTTEST_MKROOTFS_TREE_H
#define BOOTTEST_MKROOTFS_TREE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "manifest.h"

struct rnode {
	char *path;		/* guest path, "/" for the root */
	const char *name;	/* last component (points into path) */
	struct rnode *parent;
	struct rnode **kids;	/* sorted by name after rt_finish() */
	int nkids, akids;
	unsigned int mode;	/* S_IFMT | permissions */
	unsigned int uid, gid;
	unsigned int major, minor;
	char *host;		/* regular file: host file to copy */
	char *data;		/* regular file: contents; symlink: target */
	uint64_t size;		/* regular file size, symlink target length */
	struct rnode *link;	/* hard link: the node holding the inode */
	unsigned int nlink;	/* names of the inode (the holder counts) */
	bool weak;		/* generated (applet, library): never overrides */
	bool implicit;		/* directory created as a parent */
	bool holes;		/* host file: fewer blocks than its size */
	const char *where;	/* manifest FILE:LINE */
	unsigned long ino;	/* for the back ends */
	unsigned int seen;	/* cpio: names of this inode written so far */
};

struct rt_user {
	char *name, *home, *shell;
	unsigned int uid, gid;
};

struct rt_group {
	char *name;
	unsigned int gid;
	char *members;
};

struct rt_strset {
	char **v;
	size_t n, cap;
};

struct rtree {
	struct rnode *root;
	struct rnode **tab;	/* hash: path -> node */
	size_t tabsize, count;
	struct rt_user *users;
	int nusers;
	struct rt_group *groups;
	int ngroups;
	struct rt_strset deps;	/* host inputs, for --depfile */
	const char *sysroot;
	struct elf_closure *ec;
	time_t epoch;
	uint64_t data_bytes;	/* sum of regular file sizes (unique inodes) */
	unsigned long ninodes;	/* distinct inodes */
	bool bad_manifest;	/* an entry contradicts an earlier one */
};

void rt_init(struct rtree *t, const char *sysroot, time_t epoch);
void rt_free(struct rtree *t);
/*
 * Apply the manifest entries.  Returns 0 or -1 (message printed; with
 * bad_manifest set when the entries contradict each other).
 */
int rt_apply(struct rtree *t, struct mf_list *list);
/* Write passwd/group/shadow, sort, count links.  0 or -1. */
int rt_finish(struct rtree *t);
/* Record a host input for the depfile. */
void rt_dep(struct rtree *t, const char *path);
/* 128-bit digest of names, metadata and file contents (for UUIDs). */
int rt_digest(struct rtree *t, unsigned char out[16]);
/* Pre-order walk (parents first, children by name). */
/*
 * Open a regular node's host file, checking it still has the size recorded
 * when the manifest was applied.  Returns the fd, or -1 (message printed).
 */
int rt_open_host(const struct rnode *n);
/*
 * The data of n's host file (open as fd), holes left out: fn(off, len, arg)
 * for each range in order, widened to whole blocks of align bytes (a power
 * of two) and merged, the last one ending at n->size at most.  A file
 * system that reports no holes gives one range, the whole file.  Returns 0,
 * fn's non-zero return, or -1 (message printed).
 */
typedef int (*rt_range_fn)(uint64_t off, uint64_t len, void *arg);
int rt_host_ranges(const struct rnode *n, int fd, uint64_t align,
		   rt_range_fn fn, void *arg);
/* Bytes read at once from a host file (the buffers' size). */
#define RT_CHUNK	(8U << 20)
/* pread() exactly len bytes at off: 0, or -1 (message printed). */
int rt_pread_host(const struct rnode *n, int fd, void *buf, size_t len,
		  uint64_t off);

typedef int (*rt_walk_fn)(struct rnode *n, void *arg);
int rt_walk(struct rtree *t, rt_walk_fn fn, void *arg);

#endif
