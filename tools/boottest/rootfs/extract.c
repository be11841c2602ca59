// SPDX-License-Identifier: GPL-2.0
/* Safe copy out of an ext4 image (see rootfs-extract.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <et/com_err.h>
#include <ext2fs/ext2_fs.h>
#include <ext2fs/ext2fs.h>

#include "err.h"
#include "path.h"
#include "rootfs-extract.h"
#include "strbuf.h"

struct rx_ent {
	char name[EXT2_NAME_LEN + 1];
	unsigned int len;
	bool bad;		/* refused: named '', '.', '..', or with / or NUL */
	ext2_ino_t ino;
};

struct rx_link {
	ext2_ino_t ino;
	char *rel;		/* path below destdir of the first name */
};

struct rx {
	ext2_filsys fs;
	const char *image;
	const struct rx_limits *lim;
	struct rx_stats *st;
	int destfd;
	ext2_ino_t *dirs;	/* directories already copied (loops, aliases) */
	size_t ndirs, adirs;
	struct rx_link *links;	/* inodes with several names */
	size_t nlinks, alinks;
	char *buf;
	bool fatal;		/* a limit hit: stop */
	int ret;
};

#define RX_BUF	(1 << 20)

static void damaged(struct rx *x, const char *rel, const char *what,
		    errcode_t err)
{
	bt_err("%s/%s: %s%s%s", x->image, rel, what, err ? ": " : "",
	       err ? error_message(err) : "");
	x->st->errors++;
	x->ret = 1;
}

static void refuse(struct rx *x, const char *rel, const char *why)
{
	bt_warn("%s/%s: skipped: %s", x->image, rel, why);
	x->st->skipped++;
	x->ret = 1;
}

static bool seen_dir(struct rx *x, ext2_ino_t ino)
{
	size_t i;

	for (i = 0; i < x->ndirs; i++)
		if (x->dirs[i] == ino)
			return true;
	if (x->ndirs == x->adirs) {
		x->adirs = x->adirs ? x->adirs * 2 : 64;
		x->dirs = bt_realloc(x->dirs, x->adirs * sizeof(*x->dirs));
	}
	x->dirs[x->ndirs++] = ino;
	return false;
}

static const char *find_link(struct rx *x, ext2_ino_t ino)
{
	size_t i;

	for (i = 0; i < x->nlinks; i++)
		if (x->links[i].ino == ino)
			return x->links[i].rel;
	return NULL;
}

static void add_link(struct rx *x, ext2_ino_t ino, const char *rel)
{
	if (x->nlinks == x->alinks) {
		x->alinks = x->alinks ? x->alinks * 2 : 64;
		x->links = bt_realloc(x->links, x->alinks * sizeof(*x->links));
	}
	x->links[x->nlinks].ino = ino;
	x->links[x->nlinks++].rel = bt_strdup(rel);
}

static bool good_name(const char *name, size_t len)
{
	if (len == 0 || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return false;
	return !memchr(name, '/', len) && !memchr(name, '\0', len);
}

struct collect {
	struct rx_ent *v;
	size_t n, a;
	uint64_t limit;
	unsigned long seen;	/* entries so far ("." and ".." come first) */
	bool bad;
};

static int collect_cb(struct ext2_dir_entry *de, int offset, int blocksize,
		      char *buf, void *priv)
{
	struct collect *c = priv;
	size_t len = ext2fs_dirent_name_len(de);

	c->seen++;
	if (c->seen == 1 && len == 1 && de->name[0] == '.')
		return 0;
	if (c->seen == 2 && len == 2 && de->name[0] == '.' && de->name[1] == '.')
		return 0;
	if (c->n >= c->limit)
		return DIRENT_ABORT;
	if (c->n == c->a) {
		c->a = c->a ? c->a * 2 : 32;
		c->v = bt_realloc(c->v, c->a * sizeof(*c->v));
	}
	/* A bad name is kept to be reported. */
	c->v[c->n].bad = !good_name(de->name, len);
	c->bad |= c->v[c->n].bad;
	memcpy(c->v[c->n].name, de->name, len);
	c->v[c->n].name[len] = '\0';
	c->v[c->n].len = (unsigned int)len;
	c->v[c->n++].ino = de->inode;
	return 0;
}

/* The data of one file: the ranges that are read and written. */
struct rx_file {
	struct rx *x;
	const char *rel;
	ext2_file_t f;
	int fd;
	uint64_t size, data;
	errcode_t err;
	bool shortread;
};

typedef int (*rx_range_fn)(struct rx_file *rf, uint64_t off, uint64_t len);

/*
 * The data of an extent-mapped file, holes (and unwritten extents, which
 * read as zeroes) left out: fn for each initialized extent, clipped to the
 * file's size, in the tree's order.  A file mapped otherwise (block map, inline data) is one
 * range.  Returns 0, fn's non-zero return, or 1 with rf->err set.
 */
static int data_ranges(struct rx_file *rf, ext2_ino_t ino,
		       struct ext2_inode *in, rx_range_fn fn)
{
	uint64_t bs = rf->x->fs->blocksize;
	uint64_t left = ext2fs_blocks_count(rf->x->fs->super);
	ext2_extent_handle_t h;
	struct ext2fs_extent e;
	errcode_t err;
	int op = EXT2_EXTENT_ROOT, ret = 0;

	if (!(in->i_flags & EXT4_EXTENTS_FL) ||
	    (in->i_flags & EXT4_INLINE_DATA_FL))
		return rf->size ? fn(rf, 0, rf->size) : 0;
	err = ext2fs_extent_open2(rf->x->fs, ino, in, &h);
	if (err) {
		rf->err = err;
		return 1;
	}
	for (;;) {
		uint64_t start, end;

		err = ext2fs_extent_get(h, op, &e);
		op = EXT2_EXTENT_NEXT;
		if (err == EXT2_ET_EXTENT_NO_NEXT)
			break;
		/* More nodes than the image has blocks: pointers repeat. */
		if (!err && !left--)
			err = EXT2_ET_EXTENT_HEADER_BAD;
		if (err) {
			rf->err = err;
			ret = 1;
			break;
		}
		if (!(e.e_flags & EXT2_EXTENT_FLAGS_LEAF) ||
		    (e.e_flags & EXT2_EXTENT_FLAGS_UNINIT) || !e.e_len)
			continue;
		start = e.e_lblk * bs;
		end = start + (uint64_t)e.e_len * bs;
		if (start >= rf->size)
			continue;
		if (end > rf->size)
			end = rf->size;
		ret = fn(rf, start, end - start);
		if (ret)
			break;
	}
	ext2fs_extent_free(h);
	return ret;
}

static int count_range(struct rx_file *rf, uint64_t off, uint64_t len)
{
	rf->data += len;
	return 0;
}

/* Copy [off, off + len) to the same place in rf->fd. */
static int copy_range(struct rx_file *rf, uint64_t off, uint64_t len)
{
	struct rx *x = rf->x;

	rf->err = ext2fs_file_llseek(rf->f, off, EXT2_SEEK_SET, NULL);
	if (rf->err)
		return 1;
	while (len) {
		unsigned int want = len < RX_BUF ? (unsigned int)len : RX_BUF;
		unsigned int got = 0;

		rf->err = ext2fs_file_read(rf->f, x->buf, want, &got);
		if (rf->err)
			return 1;
		if (!got) {
			rf->shortread = true;
			return 1;
		}
		if (bt_pwrite_all(rf->fd, x->buf, got, (off_t)off) < 0) {
			bt_err("%s: write: %s", rf->rel, strerror(errno));
			x->ret = 2;
			x->fatal = true;
			return 1;
		}
		off += got;
		len -= got;
		x->st->bytes += got;
	}
	return 0;
}

/*
 * A regular file: its data extents are copied where they are, its holes
 * stay holes (the size is set at the end), so --max-bytes counts data.
 */
static int copy_file(struct rx *x, int dirfd, const char *name,
		     const char *rel, ext2_ino_t ino,
		     struct ext2_inode *in)
{
	struct rx_file rf = { .x = x, .rel = rel, .size = EXT2_I_SIZE(in),
			      .fd = -1 };
	const char *first;
	errcode_t err;

	if (in->i_links_count > 1) {
		first = find_link(x, ino);
		if (first) {
			if (linkat(x->destfd, first, dirfd, name, 0) == 0) {
				x->st->hardlinks++;
				return 0;
			}
			bt_warn("%s: hard link to %s: %s; copying instead",
				rel, first, strerror(errno));
		}
	}
	if (data_ranges(&rf, ino, in, count_range)) {
		damaged(x, rel, "cannot read", rf.err);
		return 0;
	}
	if (rf.data > x->lim->max_bytes - x->st->bytes) {
		bt_err("%s/%s: %llu bytes of data would pass --max-bytes %llu; raise it",
		       x->image, rel, (unsigned long long)rf.data,
		       (unsigned long long)x->lim->max_bytes);
		x->fatal = true;
		x->ret = 1;
		return -1;
	}
	rf.fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		       O_CLOEXEC, 0600);
	if (rf.fd < 0) {
		if (errno == EEXIST) {
			refuse(x, rel, "a second entry with this name");
			return 0;
		}
		bt_err("%s: cannot create: %s", rel, strerror(errno));
		x->ret = 2;
		x->fatal = true;
		return -1;
	}
	err = ext2fs_file_open2(x->fs, ino, in, 0, &rf.f);
	if (!err && data_ranges(&rf, ino, in, copy_range) && !x->fatal) {
		if (rf.err)
			err = rf.err;
		else
			damaged(x, rel, "shorter than its size", 0);
	}
	if (rf.f)
		ext2fs_file_close(rf.f);
	if (err)
		damaged(x, rel, "cannot read", err);
	else if (!x->fatal && ftruncate(rf.fd, (off_t)rf.size) < 0)
		damaged(x, rel, "cannot set its size", 0);
	fchmod(rf.fd, (in->i_mode & 0777) | 0600);
	{
		struct timespec ts[2] = {
			{ .tv_sec = in->i_atime }, { .tv_sec = in->i_mtime },
		};

		futimens(rf.fd, ts);
	}
	close(rf.fd);
	x->st->files++;
	if (in->i_links_count > 1 && !find_link(x, ino))
		add_link(x, ino, rel);
	return 0;
}

static void copy_symlink(struct rx *x, int dirfd, const char *name,
			 const char *rel, ext2_ino_t ino,
			 struct ext2_inode *in)
{
	uint64_t size = EXT2_I_SIZE(in);
	char target[4097];
	unsigned int got = 0;
	errcode_t err = 0;

	if (size == 0 || size > 4096) {
		refuse(x, rel, "symlink target length out of range");
		return;
	}
	if (ext2fs_is_fast_symlink(in)) {
		if (size >= sizeof(in->i_block)) {
			damaged(x, rel, "bad fast symlink", 0);
			return;
		}
		memcpy(target, in->i_block, size);
		got = (unsigned int)size;
	} else {
		ext2_file_t f;

		err = ext2fs_file_open2(x->fs, ino, in, 0, &f);
		if (!err) {
			err = ext2fs_file_read(f, target, (unsigned int)size, &got);
			ext2fs_file_close(f);
		}
	}
	if (err || got != size) {
		damaged(x, rel, "cannot read symlink", err);
		return;
	}
	target[size] = '\0';
	if (strlen(target) != size) {
		refuse(x, rel, "NUL byte in symlink target");
		return;
	}
	if (symlinkat(target, dirfd, name) < 0) {
		if (errno == EEXIST)
			refuse(x, rel, "a second entry with this name");
		else
			bt_warn("%s: symlink: %s", rel, strerror(errno));
		return;
	}
	x->st->symlinks++;
}

static void copy_dir(struct rx *x, int dirfd, ext2_ino_t dino,
		     struct strbuf *rel, unsigned int depth);

static void copy_entry(struct rx *x, int dirfd, struct rx_ent *e,
		       struct strbuf *rel, unsigned int depth)
{
	struct ext2_inode in;
	errcode_t err;
	int sub;

	if (x->st->files + x->st->dirs + x->st->symlinks + x->st->hardlinks >=
	    x->lim->max_files) {
		bt_err("%s/%s: more than --max-files %llu entries; raise it",
		       x->image, sb_str(rel),
		       (unsigned long long)x->lim->max_files);
		x->fatal = true;
		x->ret = 1;
		return;
	}
	if (!e->ino || e->ino > x->fs->super->s_inodes_count) {
		damaged(x, sb_str(rel), "bad inode number", 0);
		return;
	}
	err = ext2fs_read_inode(x->fs, e->ino, &in);
	if (err) {
		damaged(x, sb_str(rel), "cannot read inode", err);
		return;
	}
	switch (in.i_mode & LINUX_S_IFMT) {
	case LINUX_S_IFREG:
		copy_file(x, dirfd, e->name, sb_str(rel), e->ino, &in);
		return;
	case LINUX_S_IFLNK:
		copy_symlink(x, dirfd, e->name, sb_str(rel), e->ino, &in);
		return;
	case LINUX_S_IFDIR:
		break;
	case LINUX_S_IFCHR:
	case LINUX_S_IFBLK:
	case LINUX_S_IFIFO:
	case LINUX_S_IFSOCK:
		bt_note("%s/%s: special file not copied", x->image,
			sb_str(rel));
		x->st->skipped++;
		return;
	default:
		damaged(x, sb_str(rel), "unknown file type", 0);
		return;
	}
	if (depth + 1 > x->lim->max_depth) {
		bt_err("%s/%s: deeper than --max-depth %u", x->image,
		       sb_str(rel), x->lim->max_depth);
		x->ret = 1;
		x->st->skipped++;
		return;
	}
	if (seen_dir(x, e->ino)) {
		refuse(x, sb_str(rel), "directory already copied (a loop or a second name)");
		return;
	}
	if (mkdirat(dirfd, e->name, 0700) < 0) {
		if (errno == EEXIST)
			refuse(x, sb_str(rel), "a second entry with this name");
		else
			bt_warn("%s: mkdir: %s", sb_str(rel), strerror(errno));
		return;
	}
	sub = openat(dirfd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		     O_CLOEXEC);
	if (sub < 0) {
		bt_err("%s: cannot open the directory just made: %s",
		       sb_str(rel), strerror(errno));
		x->ret = 2;
		x->fatal = true;
		return;
	}
	x->st->dirs++;
	copy_dir(x, sub, e->ino, rel, depth + 1);
	fchmod(sub, (in.i_mode & 0777) | 0700);
	close(sub);
}

/* A refused name as it can be printed: '' for none, \xNN for / and NUL. */
static void add_quoted(struct strbuf *sb, const char *name, unsigned int len)
{
	unsigned int i;

	if (!len)
		sb_addstr(sb, "''");
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch <= ' ' || ch >= 0x7f || ch == '/' || ch == '\\')
			sb_addf(sb, "\\x%02x", ch);
		else
			sb_addch(sb, (char)ch);
	}
}

static void copy_dir(struct rx *x, int dirfd, ext2_ino_t dino,
		     struct strbuf *rel, unsigned int depth)
{
	struct collect c = { .limit = x->lim->max_files + 1 };
	size_t len = rel->len, i;
	errcode_t err;

	err = ext2fs_dir_iterate(x->fs, dino, 0, NULL, collect_cb, &c);
	if (err)
		damaged(x, sb_str(rel), "cannot read directory", err);
	for (i = 0; i < c.n && !x->fatal; i++) {
		if (len)
			sb_addch(rel, '/');
		if (c.v[i].bad) {
			add_quoted(rel, c.v[i].name, c.v[i].len);
			refuse(x, sb_str(rel),
				"entry named '', '.', '..' or with '/' or NUL");
		} else {
			sb_addstr(rel, c.v[i].name);
			copy_entry(x, dirfd, &c.v[i], rel, depth);
		}
		rel->len = len;
		if (rel->buf)
			rel->buf[len] = '\0';
	}
	free(c.v);
}

int rx_extract(const char *image, const char *guestdir, const char *destdir,
	       const struct rx_limits *lim, struct rx_stats *st)
{
	struct rx x = { .lim = lim, .st = st, .destfd = -1 };
	char *label = bt_asprintf("%s:%s", image, guestdir);
	size_t ll = strlen(label);
	struct strbuf rel = STRBUF_INIT;
	struct ext2_inode in;
	struct stat sb;
	ext2_ino_t ino;
	errcode_t err;
	size_t i;

	memset(st, 0, sizeof(*st));
	while (ll && label[ll - 1] == '/')
		label[--ll] = '\0';
	x.image = label;
	/* Only a file or a disk: a FIFO would block libext2fs' open. */
	if (stat(image, &sb) == 0 && !S_ISREG(sb.st_mode) &&
	    !S_ISBLK(sb.st_mode)) {
		bt_err("%s: cannot open the ext4 image: not a regular file or block device",
		       image);
		free(label);
		return 1;
	}
	err = ext2fs_open2(image, NULL, EXT2_FLAG_64BITS |
			   EXT2_FLAG_IGNORE_CSUM_ERRORS, 0, 0, unix_io_manager,
			   &x.fs);
	if (err) {
		bt_err("%s: cannot open the ext4 image: %s", image,
		       error_message(err));
		free(label);
		return 1;
	}
	if (ext2fs_has_feature_journal_needs_recovery(x.fs->super))
		bt_note("%s: the journal was not replayed (the guest did not unmount); recent writes may be missing",
			image);
	err = ext2fs_namei(x.fs, EXT2_ROOT_INO, EXT2_ROOT_INO, guestdir, &ino);
	if (!err)
		err = ext2fs_read_inode(x.fs, ino, &in);
	if (err) {
		bt_err("%s:%s: %s", image, guestdir, error_message(err));
		x.ret = 1;
		goto out;
	}
	if (!LINUX_S_ISDIR(in.i_mode)) {
		bt_err("%s:%s: not a directory", image, guestdir);
		x.ret = 1;
		goto out;
	}
	if (bt_mkdir_p(destdir, 0755) < 0) {
		bt_err("%s: cannot create: %s", destdir, strerror(errno));
		x.ret = 2;
		goto out;
	}
	x.destfd = open(destdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (x.destfd < 0) {
		bt_err("%s: %s", destdir, strerror(errno));
		x.ret = 2;
		goto out;
	}
	x.buf = bt_malloc(RX_BUF);
	seen_dir(&x, ino);
	copy_dir(&x, x.destfd, ino, &rel, 0);
out:
	if (x.destfd >= 0)
		close(x.destfd);
	for (i = 0; i < x.nlinks; i++)
		free(x.links[i].rel);
	free(x.links);
	free(x.dirs);
	free(x.buf);
	sb_release(&rel);
	ext2fs_close_free(&x.fs);
	free(label);
	return x.ret;
}
