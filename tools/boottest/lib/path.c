// SPDX-License-Identifier: GPL-2.0
/* Paths, whole-file I/O, atomic output files and exit-time cleanup. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "path.h"

char *bt_path_join(const char *a, const char *b)
{
	size_t la;

	if (!a || !*a || *b == '/')
		return bt_strdup(b);
	la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	return bt_asprintf("%.*s/%s", (int)la, a, b);
}

char *bt_path_normalize(const char *path, bool pop_dotdot)
{
	char *out;
	size_t len = 0;
	const char *p = path;

	if (!*path)
		return NULL;
	out = bt_malloc(strlen(path) + 2);
	while (*p) {
		const char *start;
		size_t n;

		while (*p == '/')
			p++;
		start = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - start);
		if (n == 0 || (n == 1 && start[0] == '.'))
			continue;
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			if (!pop_dotdot) {
				free(out);
				return NULL;
			}
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			continue;
		}
		out[len++] = '/';
		memcpy(out + len, start, n);
		len += n;
	}
	if (!len)
		out[len++] = '/';
	out[len] = '\0';
	return out;
}

char *bt_cache_dir(void)
{
	const char *c = getenv("BOOTTEST_CACHE"), *x, *h;

	if (c && *c)
		return bt_strdup(c);
	x = getenv("XDG_CACHE_HOME");
	if (x && *x)
		return bt_path_join(x, "boottest");
	h = getenv("HOME");
	if (h && *h)
		return bt_path_join(h, ".cache/boottest");
	return NULL;
}

char *bt_basename(const char *path)
{
	size_t len = strlen(path);
	const char *start;

	while (len > 1 && path[len - 1] == '/')
		len--;
	start = path + len;
	while (start > path && start[-1] != '/')
		start--;
	return bt_strndup(start, path + len - start);
}

char *bt_dirname(const char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	while (len > 0 && path[len - 1] != '/')
		len--;
	if (len == 0)
		return bt_strdup(".");
	while (len > 1 && path[len - 1] == '/')
		len--;
	return bt_strndup(path, len);
}

int bt_mkdir_p(const char *path, mode_t mode)
{
	char *p = bt_strdup(path);
	char *s = p;
	int ret = 0;

	while (*s == '/')
		s++;
	for (;;) {
		char *slash = strchr(s, '/');

		if (slash)
			*slash = '\0';
		if (*p && mkdir(p, mode) < 0 && errno != EEXIST) {
			ret = -1;
			break;
		}
		if (!slash)
			break;
		*slash = '/';
		s = slash + 1;
	}
	if (!ret && !bt_is_dir(path)) {
		errno = ENOTDIR;
		ret = -1;
	}
	free(p);
	return ret;
}

static int remove_at(int parent, const char *name)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int fd, ret = 0;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(parent, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (remove_at(dirfd(d), de->d_name) < 0)
			ret = -1;
	}
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		ret = -1;
	return ret;
}

int bt_remove_tree(const char *path)
{
	return remove_at(AT_FDCWD, path);
}

bool bt_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool bt_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int bt_read_file(const char *path, char **bufp, size_t *lenp, size_t max,
		 bool *truncated)
{
	size_t len = 0, alloc = 65536;
	char *buf;
	int fd;

	if (truncated)
		*truncated = false;
	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
	}
	buf = bt_malloc(alloc);
	for (;;) {
		size_t want;
		ssize_t n;

		if (alloc - len < 2) {
			alloc *= 2;
			buf = bt_realloc(buf, alloc);
		}
		want = alloc - len - 1;
		if (max && want > max - len)
			want = max - len;
		if (want == 0) {
			char c;

			if (truncated && read(fd, &c, 1) > 0)
				*truncated = true;
			break;
		}
		n = read(fd, buf + len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			free(buf);
			if (fd != STDIN_FILENO)
				close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	buf[len] = '\0';
	*bufp = buf;
	if (lenp)
		*lenp = len;
	return 0;
}

/* Read up to len bytes: with pread() from off when at, else read(). */
static ssize_t read_upto(int fd, void *buf, size_t len, bool at, off_t off)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = at ? pread(fd, p + got, len - got, off + (off_t)got) :
			    read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return got;
}

ssize_t bt_read_all(int fd, void *buf, size_t len)
{
	return read_upto(fd, buf, len, false, 0);
}

ssize_t bt_pread_all(int fd, void *buf, size_t len, off_t off)
{
	return read_upto(fd, buf, len, true, off);
}

int bt_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int bt_pwrite_all(int fd, const void *data, size_t len, off_t off)
{
	const char *p = data;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

int bt_atomic_open(struct bt_atomic *a, const char *path, mode_t mode)
{
	char *dir, *base;
	struct stat st;

	a->fd = -1;
	a->path = NULL;
	a->tmp = NULL;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return bt_error("%s: exists and is not a regular file; remove it or choose another output path",
				path);
	dir = bt_dirname(path);
	base = bt_basename(path);
	a->tmp = bt_asprintf("%s/.%s.tmp.%ld", dir, base, (long)getpid());
	free(dir);
	free(base);
	a->fd = open(a->tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (a->fd < 0) {
		bt_err("%s: cannot create: %s", a->tmp, strerror(errno));
		free(a->tmp);
		a->tmp = NULL;
		return -1;
	}
	bt_cleanup_add(a->tmp);
	a->path = bt_strdup(path);
	return 0;
}

/* Forget the temporary file (removing it when @remove) and both names. */
static void atomic_release(struct bt_atomic *a, int remove)
{
	if (a->tmp) {
		if (remove)
			unlink(a->tmp);
		bt_cleanup_del(a->tmp);
	}
	free(a->tmp);
	free(a->path);
	a->tmp = NULL;
	a->path = NULL;
}

int bt_atomic_commit(struct bt_atomic *a)
{
	int ret = 0;

	if (fsync(a->fd) < 0 && errno != EINVAL && errno != EROFS)
		ret = bt_error("%s: fsync: %s", a->tmp, strerror(errno));
	if (close(a->fd) < 0 && !ret)
		ret = bt_error("%s: close: %s", a->tmp, strerror(errno));
	a->fd = -1;
	if (!ret && rename(a->tmp, a->path) < 0)
		ret = bt_error("%s: cannot rename to %s: %s", a->tmp, a->path,
			       strerror(errno));
	atomic_release(a, ret < 0);
	return ret;
}

void bt_atomic_abort(struct bt_atomic *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	atomic_release(a, 1);
}

FILE *bt_atomic_fopen(struct bt_atomic *a, const char *path, mode_t mode)
{
	FILE *f;

	if (bt_atomic_open(a, path, mode) < 0)
		return NULL;
	f = fdopen(dup(a->fd), "w");
	if (!f) {
		bt_error("%s: %s", path, strerror(errno));
		bt_atomic_abort(a);
	}
	return f;
}

int bt_atomic_fclose(struct bt_atomic *a, FILE *f)
{
	int bad = fflush(f) || ferror(f) ? errno : 0;

	if (fclose(f) && !bad)
		bad = errno;
	if (bad) {
		bt_error("%s: cannot write: %s", a->path, strerror(bad));
		bt_atomic_abort(a);
		return -1;
	}
	return bt_atomic_commit(a);
}

/* Exit-time cleanup: a small fixed table, safe to walk from a handler. */
#define MAX_CLEANUP 64
static char *cleanup_paths[MAX_CLEANUP];
static bool cleanup_installed;

void bt_cleanup_now(void)
{
	int i;

	for (i = 0; i < MAX_CLEANUP; i++) {
		if (cleanup_paths[i]) {
			bt_remove_tree(cleanup_paths[i]);
			free(cleanup_paths[i]);
			cleanup_paths[i] = NULL;
		}
	}
}

static void cleanup_signal(int sig)
{
	bt_cleanup_now();
	signal(sig, SIG_DFL);
	raise(sig);
}

void bt_cleanup_add(const char *path)
{
	int i;

	if (!cleanup_installed) {
		struct sigaction sa = { .sa_handler = cleanup_signal };
		struct sigaction old;
		static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
		unsigned int s;

		atexit(bt_cleanup_now);
		for (s = 0; s < ARRAY_SIZE(sigs); s++) {
			/* Leave a handler a tool installed itself in place. */
			if (sigaction(sigs[s], NULL, &old) == 0 &&
			    old.sa_handler == SIG_DFL)
				sigaction(sigs[s], &sa, NULL);
		}
		cleanup_installed = true;
	}
	for (i = 0; i < MAX_CLEANUP; i++) {
		if (!cleanup_paths[i]) {
			cleanup_paths[i] = bt_strdup(path);
			return;
		}
	}
	bt_warn("%s: too many temporary files to track; it may be left behind",
		path);
}

void bt_cleanup_del(const char *path)
{
	int i;

	for (i = 0; i < MAX_CLEANUP; i++) {
		if (cleanup_paths[i] && !strcmp(cleanup_paths[i], path)) {
			free(cleanup_paths[i]);
			cleanup_paths[i] = NULL;
		}
	}
}
