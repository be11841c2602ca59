// SPDX-License-Identifier: GPL-2.0
/*
 * ext4 back end: a fresh file system with mke2fs' default ext4 features,
 * populated in one pass.  File data goes straight to contiguous block ranges
 * (one extent per range, written with large writes); bitmaps and group
 * descriptors are written once, at close.  Every time stamp is the tree's
 * epoch and the UUID and hash seed come from a digest of the contents, so
 * the same inputs give the same bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <et/com_err.h>
#include <ext2fs/ext2_fs.h>
#include <ext2fs/ext2fs.h>
#include <ext2fs/ext3_extents.h>

#include "err.h"
#include "ext4.h"

#define BS		4096U
#define BS_LOG		2		/* s_log_block_size: 1024 << 2 */
#define INODE_SIZE	256U
#define INODE_RATIO	16384U
#define MAX_EXT_LEN	32768U		/* blocks in an initialized extent */

struct ext4_ctx {
	struct rtree *t;
	ext2_filsys fs;
	const char *path;
	unsigned char *buf;
	blk64_t goal;
	uint64_t size;
};

/* ---- size ------------------------------------------------------------- */

struct est {
	uint64_t blocks;
	uint64_t inodes;
};

/* Data blocks and extents of a file with holes, as write_data() makes them. */
struct est_file {
	uint64_t blocks, extents;
};

static int est_range(uint64_t off, uint64_t len, void *arg)
{
	struct est_file *f = arg;
	uint64_t nb = (len + BS - 1) / BS;

	f->blocks += nb;
	f->extents += (nb + MAX_EXT_LEN - 1) / MAX_EXT_LEN;
	return 0;
}

static int est_node(struct rnode *n, void *arg)
{
	struct est *e = arg;
	uint64_t bytes = 24;
	int i;

	if (n->link)
		return 0;
	e->inodes++;
	if (S_ISREG(n->mode)) {
		uint64_t nb = (n->size + BS - 1) / BS;
		struct est_file f = { nb, (nb + MAX_EXT_LEN - 1) / MAX_EXT_LEN };
		int fd;

		/* Unreadable now: counted whole, the writer says why. */
		fd = n->host && n->holes ? open(n->host, O_RDONLY | O_CLOEXEC) : -1;
		if (fd >= 0) {
			f.blocks = f.extents = 0;
			if (rt_host_ranges(n, fd, BS, est_range, &f))
				f = (struct est_file){
					nb, (nb + MAX_EXT_LEN - 1) / MAX_EXT_LEN
				};
			close(fd);
		}
		/* Extent tree blocks beyond the four extents in the inode. */
		e->blocks += f.blocks + (f.extents > 4 ? f.extents / 300 + 1 : 0);
	} else if (S_ISLNK(n->mode) && n->size >= 60) {
		e->blocks++;
	}
	if (!S_ISDIR(n->mode))
		return 0;
	for (i = 0; i < n->nkids; i++)
		bytes += 8 + ((strlen(n->kids[i]->name) + 3) & ~3UL);
	/* Entries do not span blocks; the checksum tail takes 12 bytes. */
	e->blocks += bytes / (BS * 3 / 4) + 1;
	return 0;
}

static unsigned int backups(uint64_t groups)
{
	unsigned int n = 1;
	uint64_t p;

	if (groups > 1)
		n++;
	for (p = 3; p < groups; p *= 3)
		n++;
	for (p = 5; p < groups; p *= 5)
		n++;
	for (p = 7; p < groups; p *= 7)
		n++;
	return n;
}

static uint64_t inodes_for(uint64_t blocks, uint64_t need)
{
	uint64_t by_ratio = blocks * BS / INODE_RATIO;
	uint64_t want = need + need / 8 + 64;

	return by_ratio > want ? by_ratio : want;
}

static uint64_t overhead(uint64_t blocks, uint64_t need_inodes)
{
	uint64_t groups = (blocks + 32767) / 32768;
	uint64_t inodes = inodes_for(blocks, need_inodes);
	uint64_t gdt = (groups * 64 + BS - 1) / BS;
	uint64_t grow = blocks * 1024 < 0xffffffffULL ? blocks * 1024 : 0xffffffffULL;
	uint64_t rgdt = (grow / 32768 * 64 + BS - 1) / BS;
	int j = ext2fs_default_journal_size(blocks);

	if (rgdt > BS / 4)
		rgdt = BS / 4;
	/* inode tables (rounded per group), bitmaps, sb + gdt copies, journal */
	return (inodes * INODE_SIZE + BS - 1) / BS + groups * 16 + 2 * groups +
	       backups(groups) * (1 + gdt + rgdt) + (j > 0 ? (uint64_t)j : 0) +
	       64 + blocks / 100;
}

static struct est estimate(struct rtree *t)
{
	struct est e = { 6, 16 };	/* lost+found, reserved inodes */

	rt_walk(t, est_node, &e);
	return e;
}

uint64_t ext4_min_size(struct rtree *t)
{
	struct est e = estimate(t);
	uint64_t b = e.blocks + 256, prev = 0;
	int i;

	for (i = 0; i < 32 && b != prev; i++) {
		prev = b;
		b = e.blocks + overhead(prev, e.inodes);
	}
	b = (b + 255) & ~255ULL;	/* whole MiB */
	return b * BS;
}

uint64_t ext4_default_size(struct rtree *t)
{
	uint64_t min = ext4_min_size(t);

	/* The contents plus a quarter plus 32 MiB, in whole MiB. */
	return (min + min / 4 + (32ULL << 20) + (1 << 20) - 1) &
	       ~((1ULL << 20) - 1);
}

/* ---- inodes ----------------------------------------------------------- */

static void set_common(struct ext4_ctx *c, struct ext2_inode_large *in,
		       unsigned int mode, unsigned int uid, unsigned int gid)
{
	__u32 now = (__u32)c->t->epoch;

	in->i_mode = (__u16)mode;
	in->i_uid = (__u16)uid;
	in->osd2.linux2.l_i_uid_high = (__u16)(uid >> 16);
	in->i_gid = (__u16)gid;
	in->osd2.linux2.l_i_gid_high = (__u16)(gid >> 16);
	in->i_atime = now;
	in->i_ctime = now;
	in->i_mtime = now;
	in->i_extra_isize = sizeof(struct ext2_inode_large) -
			    EXT2_GOOD_OLD_INODE_SIZE;
	in->i_crtime = now;
	in->i_atime_extra = 0;
	in->i_ctime_extra = 0;
	in->i_mtime_extra = 0;
	in->i_crtime_extra = 0;
}

static int fs_error(struct ext4_ctx *c, errcode_t err, const char *what,
		    const char *name)
{
	if (err == EXT2_ET_BLOCK_ALLOC_FAIL || err == EXT2_ET_INODE_ALLOC_FAIL ||
	    err == EXT2_ET_DIR_NO_SPACE)
		return bt_error("%s: image too small (%llu bytes) while adding %s: %s; at least %llu bytes are needed, raise --size (ROOTFS_SIZE=)",
				c->path, (unsigned long long)c->size, name,
				error_message(err),
				(unsigned long long)ext4_min_size(c->t));
	return bt_error("%s: %s %s: %s", c->path, what, name,
			error_message(err));
}

static errcode_t do_link(ext2_filsys fs, ext2_ino_t dir, const char *name,
			 ext2_ino_t ino, int ft)
{
	errcode_t err = ext2fs_link(fs, dir, name, ino, ft);

	if (err == EXT2_ET_DIR_NO_SPACE) {
		err = ext2fs_expand_dir(fs, dir);
		if (!err)
			err = ext2fs_link(fs, dir, name, ino, ft);
	}
	return err;
}

static int file_type(unsigned int mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT2_FT_REG_FILE;
	case S_IFDIR:
		return EXT2_FT_DIR;
	case S_IFLNK:
		return EXT2_FT_SYMLINK;
	case S_IFCHR:
		return EXT2_FT_CHRDEV;
	case S_IFBLK:
		return EXT2_FT_BLKDEV;
	case S_IFIFO:
		return EXT2_FT_FIFO;
	case S_IFSOCK:
		return EXT2_FT_SOCK;
	}
	return EXT2_FT_UNKNOWN;
}

/* Move the extents held in the inode into an extent tree handle. */
static errcode_t to_tree(ext2_filsys fs, ext2_ino_t ino,
			 struct ext2_inode_large *in, struct ext3_extent *list,
			 int nlist, ext2_extent_handle_t *h)
{
	errcode_t err;
	int k;

	memset(in->i_block, 0, sizeof(in->i_block));
	err = ext2fs_write_inode_full(fs, ino, (void *)in, sizeof(*in));
	if (!err)
		err = ext2fs_extent_open2(fs, ino, (void *)in, h);
	for (k = 0; !err && k < nlist; k++) {
		struct ext2fs_extent o = {
			.e_pblk = ext2fs_le32_to_cpu(list[k].ee_start) |
				  (blk64_t)ext2fs_le16_to_cpu(list[k].ee_start_hi) << 32,
			.e_lblk = ext2fs_le32_to_cpu(list[k].ee_block),
			.e_len = ext2fs_le16_to_cpu(list[k].ee_len),
		};

		err = ext2fs_extent_insert(*h, k ? EXT2_EXTENT_INSERT_AFTER : 0,
					   &o);
	}
	return err;
}

/* One file's data being written: its extents so far. */
struct wdata {
	struct ext4_ctx *c;
	struct rnode *n;
	ext2_ino_t ino;
	struct ext2_inode_large *in;
	struct ext3_extent list[4];	/* in the inode, while they fit */
	int nlist;
	ext2_extent_handle_t h;		/* the extent tree, once they do not */
	int fd;				/* the host file, or -1: n->data */
	uint64_t blocks;		/* data blocks written */
};

static int add_extent(struct wdata *w, blk64_t lblk, blk64_t pblk,
		      blk64_t len)
{
	struct ext2fs_extent e = {
		.e_pblk = pblk, .e_lblk = lblk, .e_len = (__u32)len,
	};
	errcode_t err = 0;

	if (!w->h && w->nlist < 4) {
		struct ext3_extent *x = &w->list[w->nlist++];

		x->ee_block = ext2fs_cpu_to_le32((__u32)lblk);
		x->ee_len = ext2fs_cpu_to_le16((__u16)len);
		x->ee_start_hi = ext2fs_cpu_to_le16((__u16)(pblk >> 32));
		x->ee_start = ext2fs_cpu_to_le32((__u32)pblk);
		return 0;
	}
	if (!w->h)
		err = to_tree(w->c->fs, w->ino, w->in, w->list, w->nlist, &w->h);
	if (!err)
		err = ext2fs_extent_insert(w->h, EXT2_EXTENT_INSERT_AFTER, &e);
	if (err)
		return fs_error(w->c, err, "building extents of", w->n->path);
	return 0;
}

/*
 * Write the file's bytes [off, off + len) (off block-aligned) to new
 * blocks, through the buffer a chunk at a time; the last block is padded
 * with zeroes.
 */
static int write_range(uint64_t off, uint64_t len, void *arg)
{
	struct wdata *w = arg;
	struct ext4_ctx *c = w->c;
	ext2_filsys fs = c->fs;
	blk64_t lblk = off / BS, nblocks = (len + BS - 1) / BS, done = 0;
	errcode_t err;

	while (done < nblocks) {
		blk64_t pblk, plen, want = nblocks - done, i;

		if (want > MAX_EXT_LEN)
			want = MAX_EXT_LEN;
		err = ext2fs_new_range(fs, 0, c->goal, want, NULL, &pblk, &plen);
		if (err)
			return fs_error(c, err, "allocating blocks for",
					w->n->path);
		ext2fs_block_alloc_stats_range(fs, pblk, (blk_t)plen, 1);
		c->goal = pblk + plen;
		for (i = 0; i < plen;) {
			blk64_t cnt = plen - i;
			uint64_t at = (done + i) * BS, bytes;

			if (cnt > RT_CHUNK / BS)
				cnt = RT_CHUNK / BS;
			bytes = cnt * BS;
			if (bytes > len - at) {
				bytes = len - at;
				memset(c->buf + bytes, 0, cnt * BS - bytes);
			}
			if (w->fd >= 0) {
				if (rt_pread_host(w->n, w->fd, c->buf,
						  (size_t)bytes, off + at) < 0)
					return -1;
			} else {
				memcpy(c->buf, w->n->data + off + at,
				       (size_t)bytes);
			}
			err = io_channel_write_blk64(fs->io, pblk + i, (int)cnt,
						     c->buf);
			if (err)
				return fs_error(c, err, "writing data of",
						w->n->path);
			i += cnt;
		}
		if (add_extent(w, lblk + done, pblk, plen) < 0)
			return -1;
		done += plen;
	}
	w->blocks += nblocks;
	return 0;
}

/*
 * Allocate and write the data of a regular file or slow symlink.  The
 * holes of a host file stay holes: only its data ranges get blocks.
 */
static int write_data(struct ext4_ctx *c, struct rnode *n, ext2_ino_t ino,
		      struct ext2_inode_large *in)
{
	struct ext3_extent_header *eh = (void *)in->i_block;
	struct wdata w = { .c = c, .n = n, .ino = ino, .in = in, .fd = -1 };
	int ret;

	in->i_flags |= EXT4_EXTENTS_FL;
	if (n->host && n->size) {
		w.fd = rt_open_host(n);
		if (w.fd < 0)
			return -1;
		ret = rt_host_ranges(n, w.fd, BS, write_range, &w);
		close(w.fd);
	} else {
		ret = n->size ? write_range(0, n->size, &w) : 0;
	}
	if (!ret && !w.h) {
		eh->eh_magic = ext2fs_cpu_to_le16(EXT3_EXT_MAGIC);
		eh->eh_max = ext2fs_cpu_to_le16(4);
		eh->eh_entries = ext2fs_cpu_to_le16((__u16)w.nlist);
		eh->eh_depth = 0;
		memcpy(eh + 1, w.list, sizeof(w.list[0]) * (size_t)w.nlist);
	}
	if (!ret)
		ext2fs_iblk_add_blocks(c->fs, (void *)in, w.blocks);
	if (w.h)
		ext2fs_extent_free(w.h);
	return ret ? -1 : 0;
}

static int create_dir(struct ext4_ctx *c, struct rnode *n, ext2_ino_t parent,
		      ext2_ino_t ino)
{
	struct ext2_inode_large in;
	errcode_t err;

	err = ext2fs_mkdir(c->fs, parent, ino, NULL);
	if (err)
		return fs_error(c, err, "creating directory", n->path);
	err = ext2fs_read_inode_full(c->fs, ino, (void *)&in, sizeof(in));
	if (!err) {
		set_common(c, &in, n->mode, n->uid, n->gid);
		err = ext2fs_write_inode_full(c->fs, ino, (void *)&in,
					      sizeof(in));
	}
	if (err)
		return fs_error(c, err, "writing inode of", n->path);
	n->ino = ino;
	return 0;
}

static int create_node(struct ext4_ctx *c, struct rnode *n, ext2_ino_t parent)
{
	struct ext2_inode_large in;
	ext2_filsys fs = c->fs;
	ext2_ino_t ino;
	errcode_t err;

	err = ext2fs_new_inode(fs, parent, (int)(n->mode & S_IFMT), NULL, &ino);
	if (err)
		return fs_error(c, err, "allocating an inode for", n->path);
	if (S_ISDIR(n->mode))
		return create_dir(c, n, parent, ino);
	ext2fs_inode_alloc_stats2(fs, ino, 1, 0);
	memset(&in, 0, sizeof(in));
	set_common(c, &in, n->mode, n->uid, n->gid);
	in.i_links_count = (__u16)n->nlink;
	if (S_ISREG(n->mode) ||
	    (S_ISLNK(n->mode) && n->size >= sizeof(in.i_block))) {
		if (write_data(c, n, ino, &in) < 0)
			return -1;
		ext2fs_inode_size_set(fs, (void *)&in, n->size);
	} else if (S_ISLNK(n->mode)) {
		memcpy(in.i_block, n->data, n->size);
		in.i_size = (__u32)n->size;
	} else if (S_ISCHR(n->mode) || S_ISBLK(n->mode)) {
		if (n->major < 256 && n->minor < 256)
			in.i_block[0] = n->major * 256 + n->minor;
		else
			in.i_block[1] = (n->minor & 0xff) | (n->major << 8) |
					((n->minor & ~0xffU) << 12);
	}
	err = ext2fs_write_inode_full(fs, ino, (void *)&in, sizeof(in));
	if (err)
		return fs_error(c, err, "writing inode of", n->path);
	n->ino = ino;
	return 0;
}

static int add_node(struct rnode *n, void *arg)
{
	struct ext4_ctx *c = arg;
	struct rnode *holder = n->link ? n->link : n;
	errcode_t err;

	if (!n->parent)
		return 0;
	if (!holder->ino && create_node(c, holder, (ext2_ino_t)n->parent->ino) < 0)
		return -1;
	err = do_link(c->fs, (ext2_ino_t)n->parent->ino, n->name,
		      (ext2_ino_t)holder->ino, file_type(holder->mode));
	if (err)
		return fs_error(c, err, "linking", n->path);
	return 0;
}

static int reset_ino(struct rnode *n, void *arg)
{
	n->ino = 0;
	return 0;
}

/* ---- file system ------------------------------------------------------ */

static int set_root(struct ext4_ctx *c)
{
	struct ext2_inode_large in;
	struct rnode *r = c->t->root;
	errcode_t err;

	err = ext2fs_read_inode_full(c->fs, EXT2_ROOT_INO, (void *)&in,
				     sizeof(in));
	if (!err) {
		set_common(c, &in, r->mode, r->uid, r->gid);
		err = ext2fs_write_inode_full(c->fs, EXT2_ROOT_INO, (void *)&in,
					      sizeof(in));
	}
	if (err)
		return fs_error(c, err, "writing inode of", "/");
	r->ino = EXT2_ROOT_INO;
	return 0;
}

static int lost_found(struct ext4_ctx *c)
{
	struct ext2_inode_large in;
	ext2_filsys fs = c->fs;
	ext2_ino_t ino = 0;
	errcode_t err;
	int i;

	err = ext2fs_mkdir(fs, EXT2_ROOT_INO, 0, "lost+found");
	if (!err)
		err = ext2fs_lookup(fs, EXT2_ROOT_INO, "lost+found", 10, NULL,
				    &ino);
	/* Like mke2fs: 16 KiB, so e2fsck need not allocate blocks. */
	for (i = 1; !err && i < 4; i++)
		err = ext2fs_expand_dir(fs, ino);
	if (!err)
		err = ext2fs_read_inode_full(fs, ino, (void *)&in, sizeof(in));
	if (!err) {
		set_common(c, &in, LINUX_S_IFDIR | 0700, 0, 0);
		err = ext2fs_write_inode_full(fs, ino, (void *)&in, sizeof(in));
	}
	if (err)
		return fs_error(c, err, "creating", "/lost+found");
	return 0;
}

static void seed_from(unsigned char *out, const unsigned char digest[16],
		      unsigned char salt)
{
	int i;

	for (i = 0; i < 16; i++)
		out[i] = digest[(i * 7 + salt) & 15] ^
			 (unsigned char)(salt * 31 + i);
	out[6] = (out[6] & 0x0f) | 0x40;	/* RFC 4122 version 4 layout */
	out[8] = (out[8] & 0x3f) | 0x80;
}

static void set_params(struct ext2_super_block *p, uint64_t blocks,
		       uint64_t inodes)
{
	memset(p, 0, sizeof(*p));
	ext2fs_blocks_count_set(p, blocks);
	p->s_log_block_size = BS_LOG;
	p->s_rev_level = EXT2_DYNAMIC_REV;
	p->s_inode_size = INODE_SIZE;
	p->s_inodes_count = (__u32)inodes;
	p->s_log_groups_per_flex = 4;
	p->s_desc_size = EXT2_MIN_DESC_SIZE_64BIT;
	p->s_min_extra_isize = sizeof(struct ext2_inode_large) -
			       EXT2_GOOD_OLD_INODE_SIZE;
	p->s_want_extra_isize = p->s_min_extra_isize;
	p->s_default_mount_opts = EXT2_DEFM_XATTR_USER | EXT2_DEFM_ACL;
	/* mke2fs.conf's ext4: base_features plus the ext4 list. */
	ext2fs_set_feature_sparse_super(p);
	ext2fs_set_feature_large_file(p);
	ext2fs_set_feature_filetype(p);
	ext2fs_set_feature_resize_inode(p);
	ext2fs_set_feature_dir_index(p);
	ext2fs_set_feature_xattr(p);
	ext2fs_set_feature_extents(p);
	ext2fs_set_feature_huge_file(p);
	ext2fs_set_feature_flex_bg(p);
	ext2fs_set_feature_metadata_csum(p);
	ext2fs_set_feature_64bit(p);
	ext2fs_set_feature_dir_nlink(p);
	ext2fs_set_feature_extra_isize(p);
}

/* Root, lost+found, reserved inodes, resize inode, journal. */
static int skeleton(struct ext4_ctx *c)
{
	struct ext2fs_journal_params jp;
	ext2_filsys fs = c->fs;
	errcode_t err;
	dgrp_t g;
	int i;

	err = ext2fs_allocate_tables(fs);
	if (err)
		return fs_error(c, err, "allocating", "group tables");
	/* The file is new and sparse: inode tables read as zeroes. */
	for (g = 0; g < fs->group_desc_count; g++) {
		ext2fs_bg_flags_set(fs, g, EXT2_BG_INODE_ZEROED);
		ext2fs_group_desc_csum_set(fs, g);
	}
	err = ext2fs_mkdir(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, 0);
	if (err)
		return fs_error(c, err, "creating", "/");
	if (set_root(c) < 0 || lost_found(c) < 0)
		return -1;
	for (i = EXT2_ROOT_INO + 1; i < (int)EXT2_FIRST_INODE(fs->super); i++)
		ext2fs_inode_alloc_stats2(fs, (ext2_ino_t)i, 1, 0);
	ext2fs_mark_ib_dirty(fs);
	ext2fs_mark_inode_bitmap2(fs->inode_map, EXT2_BAD_INO);
	ext2fs_inode_alloc_stats2(fs, EXT2_BAD_INO, 1, 0);
	err = ext2fs_update_bb_inode(fs, NULL);
	if (!err && ext2fs_has_feature_resize_inode(fs->super))
		err = ext2fs_create_resize_inode(fs);
	if (err)
		return fs_error(c, err, "creating", "reserved inodes");
	/* Like mke2fs: no journal on a file system below 2048 blocks. */
	if (ext2fs_default_journal_size(ext2fs_blocks_count(fs->super)) < 0)
		return 0;
	err = ext2fs_get_journal_params(&jp, fs);
	if (!err)
		err = ext2fs_add_journal_inode3(fs, &jp, ~0ULL,
						EXT2_MKJOURNAL_LAZYINIT |
						EXT2_MKJOURNAL_NO_MNT_CHECK);
	if (err)
		return fs_error(c, err, "creating", "the journal");
	return 0;
}

int ext4_write(struct rtree *t, const char *path, uint64_t size,
	       const unsigned char digest[16])
{
	struct ext4_ctx c = { .t = t, .path = path, .size = size };
	struct ext2_super_block param;
	uint64_t blocks = size / BS;
	struct est e = estimate(t);
	ext2_filsys fs;
	errcode_t err;
	int i, ret = -1;

	for (i = 0; i < t->root->nkids; i++)
		if (!strcmp(t->root->kids[i]->name, "lost+found"))
			return bt_error("%s: /lost+found is made by the image writer; drop it from the manifest",
					t->root->kids[i]->where ?
					t->root->kids[i]->where : path);
	set_params(&param, blocks, inodes_for(blocks, e.inodes));
	err = ext2fs_initialize(path, EXT2_FLAG_64BITS, &param,
				unix_io_manager, &fs);
	if (err) {
		if (err == EXT2_ET_TOOSMALL || err == EXT2_ET_RES_GDT_BLOCKS)
			return bt_error("%s: image too small (%llu bytes): %s; at least %llu bytes are needed, raise --size (ROOTFS_SIZE=)",
					path, (unsigned long long)size,
					error_message(err),
					(unsigned long long)ext4_min_size(t));
		return bt_error("%s: cannot create a file system: %s", path,
				error_message(err));
	}
	c.fs = fs;
	fs->now = t->epoch ? t->epoch : 1;
	fs->super->s_max_mnt_count = (__u16)-1;
	fs->super->s_checkinterval = 0;
	ext2fs_r_blocks_count_set(fs->super, 0);
	seed_from(fs->super->s_uuid, digest, 1);
	seed_from((unsigned char *)fs->super->s_hash_seed, digest, 2);
	fs->super->s_def_hash_version = EXT2_HASH_HALF_MD4;
	fs->super->s_flags |= (char)-1 < 0 ? EXT2_FLAGS_SIGNED_HASH :
					     EXT2_FLAGS_UNSIGNED_HASH;
	fs->super->s_checksum_type = EXT2_CRC32C_CHKSUM;
	ext2fs_init_csum_seed(fs);
	rt_walk(t, reset_ino, NULL);
	if (skeleton(&c) < 0)
		goto out;
	c.buf = bt_malloc(RT_CHUNK);
	if (rt_walk(t, add_node, &c) < 0)
		goto out;
	fs->super->s_mkfs_time = (__u32)t->epoch;
	fs->super->s_lastcheck = (__u32)t->epoch;
	fs->super->s_wtime = (__u32)t->epoch;
	fs->super->s_mtime = 0;
	fs->super->s_kbytes_written = 0;
	/* One fsync, by the atomic commit that renames the image, is enough. */
	err = ext2fs_close2(fs, EXT2_FLAG_FLUSH_NO_SYNC);
	fs = NULL;
	if (err) {
		bt_err("%s: writing file system metadata: %s", path,
		       error_message(err));
		goto out;
	}
	ret = 0;
out:
	if (fs)
		ext2fs_free(fs);
	free(c.buf);
	return ret;
}
