/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Root filesystem manifest: the usr/gen_init_cpio format (file, dir, nod,
 * slink, pipe, sock) extended with prog, tree, user, group and busybox.
 * The parser only checks syntax; host files are looked at later.
 */
#ifndef BOOTTEST_MANIFEST_H
#define BOOTTEST_MANIFEST_H

#include <stddef.h>

enum mf_type {
	MF_FILE,	/* file NAME LOCATION MODE UID GID [HARDLINKS...] */
	MF_DIR,		/* dir NAME MODE UID GID */
	MF_NOD,		/* nod NAME MODE UID GID b|c MAJ MIN */
	MF_SLINK,	/* slink NAME TARGET MODE UID GID */
	MF_PIPE,	/* pipe NAME MODE UID GID */
	MF_SOCK,	/* sock NAME MODE UID GID */
	MF_PROG,	/* prog PATH [HOSTPATH] */
	MF_TREE,	/* tree DEST HOSTDIR */
	MF_USER,	/* user NAME UID GID HOME SHELL */
	MF_GROUP,	/* group NAME GID [MEMBERS...] */
	MF_BUSYBOX,	/* busybox [HOSTPATH] */
};

struct mf_entry {
	enum mf_type type;
	char *where;		/* "FILE:LINE" for messages */
	char *name;		/* guest path, normalized ("/a/b"); user/group name */
	char *host;		/* LOCATION, HOSTDIR, HOSTPATH; slink TARGET */
	char *home;		/* user */
	char *shell;		/* user */
	unsigned int mode;	/* permission bits (07777) */
	unsigned int uid;
	unsigned int gid;
	char devtype;		/* 'b' or 'c' */
	unsigned int major;
	unsigned int minor;
	char **extra;		/* file: hard links (normalized); group: members */
	int nextra;
	struct mf_entry *next;
};

struct mf_list {
	struct mf_entry *head;
	struct mf_entry **tail;
	int count;
};

void mf_init(struct mf_list *list);
/*
 * Parse one manifest held in buf (len bytes, need not be NUL-terminated),
 * appending entries to list.  fname names it in messages.  Returns 0, or
 * -EINVAL after printing "FILE:LINE: REASON" for the first bad line.
 */
int mf_parse(struct mf_list *list, const char *buf, size_t len,
	     const char *fname);
/* Read and parse a manifest file ("-" = stdin): 0, -EINVAL, or -EIO. */
int mf_parse_file(struct mf_list *list, const char *path);
void mf_free(struct mf_list *list);

/*
 * Normalize a guest path: "a//b/./c/" -> "/a/b/c".  Returns NULL when it is
 * empty or contains a ".." component.
 */
char *mf_normalize(const char *path);

#endif
