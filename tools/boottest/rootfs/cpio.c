// SPDX-License-Identifier: GPL-2.0
/*
 * newc cpio back end: parents before children; the names of a hard-linked
 * inode share its inode number and the data travels with the last name
 * (what the kernel's initramfs unpacker and cpio(1) expect).
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "cpio.h"

struct cpio_ctx {
	struct rtree *t;
	struct archive *a;
	struct archive_entry *e;
	const char *path;
	unsigned long next_ino;
	char *buf;
};

static int write_body(struct cpio_ctx *c, struct rnode *n)
{
	uint64_t left = n->size;
	int fd;

	if (!n->host) {
		if (archive_write_data(c->a, n->data, (size_t)left) != (ssize_t)left)
			return bt_error("%s: %s", c->path,
					archive_error_string(c->a));
		return 0;
	}
	fd = open(n->host, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bt_error("%s: %s", n->host, strerror(errno));
	while (left > 0) {
		ssize_t r = read(fd, c->buf, left < (1 << 20) ? (size_t)left : (1 << 20));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			return bt_error("%s: %s", n->host, r ? strerror(errno) :
					"file shrank while the archive was written");
		}
		if (archive_write_data(c->a, c->buf, (size_t)r) != r) {
			close(fd);
			return bt_error("%s: %s", c->path,
					archive_error_string(c->a));
		}
		left -= (uint64_t)r;
	}
	close(fd);
	return 0;
}

static int add_entry(struct rnode *n, void *arg)
{
	struct cpio_ctx *c = arg;
	struct rnode *h = n->link ? n->link : n;
	struct archive_entry *e = c->e;
	bool body;

	if (!n->parent)
		return 0;
	if (!h->ino)
		h->ino = ++c->next_ino;
	h->seen++;
	archive_entry_clear(e);
	archive_entry_set_pathname(e, n->path + 1);
	archive_entry_set_mode(e, h->mode);
	archive_entry_set_uid(e, h->uid);
	archive_entry_set_gid(e, h->gid);
	archive_entry_set_mtime(e, c->t->epoch, 0);
	archive_entry_set_ino(e, (la_int64_t)h->ino);
	archive_entry_set_dev(e, 0);
	archive_entry_set_nlink(e, S_ISDIR(h->mode) ? 2 : h->nlink);
	body = S_ISREG(h->mode) && h->seen == h->nlink;
	if (S_ISREG(h->mode))
		archive_entry_set_size(e, body ? (la_int64_t)h->size : 0);
	else
		archive_entry_set_size(e, 0);
	if (S_ISLNK(h->mode))
		archive_entry_set_symlink(e, h->data);
	if (S_ISCHR(h->mode) || S_ISBLK(h->mode)) {
		archive_entry_set_rdevmajor(e, h->major);
		archive_entry_set_rdevminor(e, h->minor);
	}
	if (archive_write_header(c->a, e) != ARCHIVE_OK)
		return bt_error("%s: %s: %s", c->path, n->path,
				archive_error_string(c->a));
	if (body && h->size && write_body(c, h) < 0)
		return -1;
	return 0;
}

static int reset_node(struct rnode *n, void *arg)
{
	n->ino = 0;
	n->seen = 0;
	return 0;
}

int cpio_write(struct rtree *t, int fd, const char *path)
{
	struct cpio_ctx c = { .t = t, .path = path };
	int ret = -1;

	rt_walk(t, reset_node, NULL);
	c.a = archive_write_new();
	c.e = archive_entry_new();
	c.buf = bt_malloc(1 << 20);
	if (!c.a || !c.e ||
	    archive_write_set_format_cpio_newc(c.a) != ARCHIVE_OK ||
	    archive_write_add_filter_none(c.a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(c.a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(c.a, fd) != ARCHIVE_OK) {
		bt_err("%s: libarchive: %s", path,
		       c.a ? archive_error_string(c.a) : "out of memory");
		goto out;
	}
	if (rt_walk(t, add_entry, &c) < 0)
		goto out;
	if (archive_write_close(c.a) != ARCHIVE_OK) {
		bt_err("%s: %s", path, archive_error_string(c.a));
		goto out;
	}
	ret = 0;
out:
	rt_walk(t, reset_node, NULL);
	if (c.e)
		archive_entry_free(c.e);
	if (c.a)
		archive_write_free(c.a);
	free(c.buf);
	return ret;
}
