// SPDX-License-Identifier: GPL-2.0
/* kinspect: input and output files, and the reason of the last failure. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "kinspect.h"
#include "path.h"

static char errbuf[512];

void ki_seterr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
}

const char *ki_errmsg(void)
{
	return errbuf[0] ? errbuf : "unknown error";
}

int ki_open_file(const char *path, size_t *len, bool *is_io)
{
	struct stat st;
	int fd;

	*is_io = true;
	*len = 0;
	/* Non-blocking: a FIFO without a writer must not hang the open. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		ki_seterr("cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		ki_seterr("cannot stat: %s", strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		ki_seterr("is a directory, not a kernel image or module file");
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ki_seterr("not a regular file (%s)", S_ISFIFO(st.st_mode) ?
			  "a FIFO" : S_ISCHR(st.st_mode) ? "a character device" :
			  S_ISBLK(st.st_mode) ? "a block device" :
			  S_ISSOCK(st.st_mode) ? "a socket" : "special");
		goto fail;
	}
	if (st.st_size == 0) {
		*is_io = false;
		ki_seterr("empty file (0 bytes)");
		goto fail;
	}
	if ((uint64_t)st.st_size > SIZE_MAX / 2) {
		ki_seterr("file too large");
		goto fail;
	}
	*len = st.st_size;
	return fd;
fail:
	close(fd);
	return -1;
}

int ki_map_file(const char *path, uint8_t **buf, size_t *len, bool *is_io)
{
	void *p;
	int fd;

	*buf = NULL;
	fd = ki_open_file(path, len, is_io);
	if (fd < 0)
		return -1;
	/* Private and writable: libelf may convert headers in place. */
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		ki_seterr("cannot map: %s", strerror(errno));
		return -1;
	}
	*buf = p;
	return 0;
}

void ki_unmap_file(uint8_t *buf, size_t len)
{
	if (buf)
		munmap(buf, len);
}

int ki_write_file(const char *path, const void *buf, size_t len)
{
	struct bt_atomic a;

	if (bt_atomic_open(&a, path, 0644) < 0)
		return -1;
	if (bt_write_all(a.fd, buf, len) < 0) {
		bt_err("%s: write error: %s", a.tmp, strerror(errno));
		bt_atomic_abort(&a);
		return -1;
	}
	return bt_atomic_commit(&a);
}

int ki_flush_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		bt_err("stdout: write error: %s", strerror(errno));
		return BT_EXIT_USAGE;
	}
	return 0;
}
