/* SPDX-License-Identifier: GPL-2.0 */
/* Paths, whole-file I/O and files written atomically. */
#ifndef BOOTTEST_PATH_H
#define BOOTTEST_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* "a" + "/" + "b" without doubled slashes; b absolute returns a copy of b. */
char *bt_path_join(const char *a, const char *b);
/*
 * Lexical normalization of a guest path: the result starts with "/", has no
 * empty or "." components and no trailing slash.  ".." removes the previous
 * component when pop_dotdot is true and makes the result NULL otherwise; an
 * empty path gives NULL.  The caller frees the result.
 */
char *bt_path_normalize(const char *path, bool pop_dotdot);
/* Last component / everything before it (new strings). */
char *bt_basename(const char *path);
char *bt_dirname(const char *path);
/* mkdir -p; returns 0 or -1 with errno set. */
int bt_mkdir_p(const char *path, mode_t mode);
/* rm -rf without following symlinks; returns 0 or -1 with errno set. */
int bt_remove_tree(const char *path);
/*
 * boottest's cache directory: $BOOTTEST_CACHE, else $XDG_CACHE_HOME/boottest,
 * else $HOME/.cache/boottest (scripts/boottest/cache.sh has the same rule
 * for the scripts and make); NULL without any of them.  The caller frees it.
 */
char *bt_cache_dir(void);
bool bt_is_dir(const char *path);
bool bt_is_file(const char *path);

/*
 * Read a whole file (or "-" for stdin) into a NUL-terminated buffer.  At most
 * max bytes (0: no limit) are read; *truncated (may be NULL) tells whether
 * more were there.  Returns 0, or -1 with errno set.
 */
int bt_read_file(const char *path, char **buf, size_t *len, size_t max,
		 bool *truncated);
/*
 * Read up to len bytes from fd into buf, retrying on EINTR and short reads
 * until len or end of file.  Returns the bytes read, or -1 with errno set.
 */
ssize_t bt_read_all(int fd, void *buf, size_t len);
/* The same with pread() from offset off (the file offset is left alone). */
ssize_t bt_pread_all(int fd, void *buf, size_t len, off_t off);
/* Write len bytes to fd, retrying on EINTR and short writes. */
int bt_write_all(int fd, const void *buf, size_t len);
/* The same with pwrite() at offset off. */
int bt_pwrite_all(int fd, const void *buf, size_t len, off_t off);

/*
 * Atomic output: bt_atomic_open() creates "DIR/.NAME.tmp.PID" beside path and
 * registers it for removal on exit and on fatal signals; bt_atomic_commit()
 * fsyncs, closes and renames it onto path; bt_atomic_abort() removes it.
 * Refuses (EISDIR/EEXIST-like error, message printed) when path exists and is
 * not a regular file.
 */
struct bt_atomic {
	char *path;
	char *tmp;
	int fd;
};

int bt_atomic_open(struct bt_atomic *a, const char *path, mode_t mode);
int bt_atomic_commit(struct bt_atomic *a);
void bt_atomic_abort(struct bt_atomic *a);
/*
 * The same as a stdio stream: bt_atomic_fopen() returns it (NULL, message
 * printed, nothing left behind on failure); bt_atomic_fclose() closes it
 * and commits, or aborts when a write failed ("PATH: cannot write: ...").
 */
FILE *bt_atomic_fopen(struct bt_atomic *a, const char *path, mode_t mode);
int bt_atomic_fclose(struct bt_atomic *a, FILE *f);

/*
 * Paths registered here are unlinked (rm -rf for directories) at exit and on
 * SIGINT/SIGTERM/SIGHUP, after which the signal is re-raised.
 */
void bt_cleanup_add(const char *path);
void bt_cleanup_del(const char *path);
/* Remove everything registered now (for tools with their own handlers). */
void bt_cleanup_now(void);

#endif
