// SPDX-License-Identifier: GPL-2.0
/* The image contents: manifest entries applied to a tree of nodes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ext2fs/ext2fs.h>

#include "elf-closure.h"
#include "err.h"
#include "hash.h"
#include "tree.h"
#include "path.h"
#include "proc.h"
#include "strbuf.h"

#define RT_MAX_TREE_DEPTH	256

static uint64_t hash_str(const char *s)
{
	uint64_t h = bt_fnv1a_str(BT_FNV64_OFFSET, s);

	return h ^ (h >> 29);
}

static struct rnode **slot(struct rtree *t, const char *path)
{
	size_t i = (size_t)hash_str(path) & (t->tabsize - 1);

	while (t->tab[i] && strcmp(t->tab[i]->path, path))
		i = (i + 1) & (t->tabsize - 1);
	return &t->tab[i];
}

static void tab_grow(struct rtree *t)
{
	struct rnode **old = t->tab;
	size_t i, oldsize = t->tabsize;

	t->tabsize = oldsize ? oldsize * 2 : 1024;
	t->tab = bt_calloc(t->tabsize, sizeof(*t->tab));
	for (i = 0; i < oldsize; i++)
		if (old[i])
			*slot(t, old[i]->path) = old[i];
	free(old);
}

static struct rnode *lookup(struct rtree *t, const char *path)
{
	return *slot(t, path);
}

static struct rnode *new_node(struct rtree *t, struct rnode *parent,
			      const char *path)
{
	struct rnode *n = bt_calloc(1, sizeof(*n));

	n->path = bt_strdup(path);
	n->name = parent ? strrchr(n->path, '/') + 1 : n->path;
	n->parent = parent;
	n->nlink = 1;
	if (parent) {
		if (parent->nkids == parent->akids) {
			parent->akids = parent->akids ? parent->akids * 2 : 8;
			parent->kids = bt_realloc(parent->kids,
				(size_t)parent->akids * sizeof(*parent->kids));
		}
		parent->kids[parent->nkids++] = n;
	}
	if ((t->count + 1) * 2 > t->tabsize)
		tab_grow(t);
	*slot(t, path) = n;
	t->count++;
	return n;
}

void rt_init(struct rtree *t, const char *sysroot, time_t epoch)
{
	memset(t, 0, sizeof(*t));
	t->sysroot = sysroot;
	t->epoch = epoch;
	t->root = new_node(t, NULL, "/");
	t->root->mode = S_IFDIR | 0755;
	t->root->implicit = true;
}

static void node_free(struct rnode *n)
{
	int i;

	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->path);
	free(n->host);
	free(n->data);
	free(n);
}

void rt_free(struct rtree *t)
{
	size_t i;
	int j;

	if (t->root)
		node_free(t->root);
	free(t->tab);
	for (j = 0; j < t->nusers; j++) {
		free(t->users[j].name);
		free(t->users[j].home);
		free(t->users[j].shell);
	}
	free(t->users);
	for (j = 0; j < t->ngroups; j++) {
		free(t->groups[j].name);
		free(t->groups[j].members);
	}
	free(t->groups);
	for (i = 0; i < t->deps.n; i++)
		free(t->deps.v[i]);
	free(t->deps.v);
	ec_free(t->ec);
	memset(t, 0, sizeof(*t));
}

void rt_dep(struct rtree *t, const char *path)
{
	struct rt_strset *s = &t->deps;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = bt_realloc(s->v, s->cap * sizeof(char *));
	}
	s->v[s->n++] = bt_strdup(path);
}

/* The directory node for path, created (implicitly, 0755 root) as needed. */
static struct rnode *get_dir(struct rtree *t, const char *path,
			     const char *where)
{
	struct rnode *n = lookup(t, path), *parent;
	char *up;

	if (n) {
		if (!S_ISDIR(n->mode)) {
			t->bad_manifest = true;
			bt_err("%s: %s is not a directory in the image, cannot create entries below it",
			       where, path);
			return NULL;
		}
		return n;
	}
	up = bt_dirname(path);
	parent = get_dir(t, up, where);
	free(up);
	if (!parent)
		return NULL;
	n = new_node(t, parent, path);
	n->mode = S_IFDIR | 0755;
	n->implicit = true;
	n->where = where;
	return n;
}

/*
 * The node for path with the given type, replacing what was there.  A weak
 * entry (busybox applet, shared library) does not replace an existing one:
 * *skipped is set.
 */
static struct rnode *put(struct rtree *t, const char *path, unsigned int mode,
			 unsigned int uid, unsigned int gid, const char *where,
			 bool weak, bool *skipped)
{
	struct rnode *n = lookup(t, path);

	*skipped = false;
	if (n) {
		if (weak) {
			*skipped = true;
			return n;
		}
		if (S_ISDIR(n->mode) && !S_ISDIR(mode) && n->nkids) {
			t->bad_manifest = true;
			bt_err("%s: %s is a directory with entries below it; cannot replace it",
			       where, path);
			return NULL;
		}
		free(n->host);
		free(n->data);
		n->host = NULL;
		n->data = NULL;
		n->size = 0;
		n->link = NULL;
		n->implicit = false;
	} else {
		char *up = bt_dirname(path);
		struct rnode *parent = get_dir(t, up, where);

		free(up);
		if (!parent)
			return NULL;
		n = new_node(t, parent, path);
	}
	n->mode = mode;
	n->uid = uid;
	n->gid = gid;
	n->where = where;
	n->weak = weak;
	return n;
}

static int put_host_file(struct rtree *t, const char *path, const char *host,
			 const struct stat *st, unsigned int mode,
			 unsigned int uid, unsigned int gid, const char *where,
			 bool weak)
{
	struct rnode *n;
	bool skipped;

	n = put(t, path, S_IFREG | mode, uid, gid, where, weak, &skipped);
	if (!n)
		return -1;
	if (skipped)
		return 0;
	n->host = bt_strdup(host);
	n->size = (uint64_t)st->st_size;
	n->holes = (uint64_t)st->st_blocks * 512 < n->size;
	rt_dep(t, host);
	return 0;
}

static int put_symlink(struct rtree *t, const char *path, const char *target,
		       unsigned int mode, unsigned int uid, unsigned int gid,
		       const char *where, bool weak)
{
	struct rnode *n;
	bool skipped;

	n = put(t, path, S_IFLNK | (mode & 07777), uid, gid, where, weak,
		&skipped);
	if (!n)
		return -1;
	if (skipped)
		return 0;
	n->data = bt_strdup(target);
	n->size = strlen(target);
	return 0;
}

static struct elf_closure *get_ec(struct rtree *t)
{
	if (!t->ec)
		t->ec = ec_new(t->sysroot);
	return t->ec;
}

struct prog_ctx {
	struct rtree *t;
	const char *where;
	int count;
};

static int prog_add(void *arg, const char *guest, const char *host,
		    const struct stat *st)
{
	struct prog_ctx *c = arg;

	/* The program replaces what was there; its libraries do not. */
	return put_host_file(c->t, guest, host, st, st->st_mode & 07777, 0, 0,
			     c->where, c->count++ > 0);
}

/* ---- tree DEST HOSTDIR ---------------------------------------------- */

struct ino_map {
	dev_t dev;
	ino_t ino;
	struct rnode *node;
};

struct tree_ctx {
	struct rtree *t;
	const char *where;
	struct ino_map *map;
	size_t nmap, amap;
	struct strbuf host;
};

static int tree_entry(struct tree_ctx *c, const char *guest, int depth);

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int tree_dir(struct tree_ctx *c, const char *guest, int depth)
{
	size_t hl = c->host.len, n = 0, a = 0, i;
	struct dirent *de;
	char **names = NULL;
	int ret = 0;
	DIR *d;

	d = opendir(sb_str(&c->host));
	if (!d)
		return bt_error("%s: tree: %s: %s", c->where, sb_str(&c->host),
				strerror(errno));
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == a) {
			a = a ? a * 2 : 32;
			names = bt_realloc(names, a * sizeof(char *));
		}
		names[n++] = bt_strdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(char *), cmp_str);
	for (i = 0; i < n; i++) {
		char *g = bt_asprintf("%s/%s", strcmp(guest, "/") ? guest : "",
				      names[i]);

		sb_addch(&c->host, '/');
		sb_addstr(&c->host, names[i]);
		if (!ret)
			ret = tree_entry(c, g, depth + 1);
		c->host.len = hl;
		c->host.buf[hl] = '\0';
		free(g);
		free(names[i]);
	}
	free(names);
	return ret;
}

static void map_add(struct tree_ctx *c, const struct stat *st,
		    struct rnode *n)
{
	if (c->nmap == c->amap) {
		c->amap = c->amap ? c->amap * 2 : 16;
		c->map = bt_realloc(c->map, c->amap * sizeof(*c->map));
	}
	c->map[c->nmap].dev = st->st_dev;
	c->map[c->nmap].ino = st->st_ino;
	c->map[c->nmap++].node = n;
}

static int tree_entry(struct tree_ctx *c, const char *guest, int depth)
{
	const char *host = sb_str(&c->host);
	unsigned int perm;
	struct rnode *n;
	struct stat st;
	bool skipped;
	size_t i;

	if (depth > RT_MAX_TREE_DEPTH)
		return bt_error("%s: tree: %s: nested too deep", c->where, host);
	if (lstat(host, &st) < 0)
		return bt_error("%s: tree: %s: %s", c->where, host,
				strerror(errno));
	perm = st.st_mode & 07777;
	if (S_ISDIR(st.st_mode)) {
		n = put(c->t, guest, S_IFDIR | perm, 0, 0, c->where, false,
			&skipped);
		if (!n)
			return -1;
		rt_dep(c->t, host);
		return tree_dir(c, guest, depth);
	}
	if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
		for (i = 0; i < c->nmap; i++) {
			if (c->map[i].dev != st.st_dev ||
			    c->map[i].ino != st.st_ino)
				continue;
			n = put(c->t, guest, S_IFREG | perm, 0, 0, c->where,
				false, &skipped);
			if (!n)
				return -1;
			n->link = c->map[i].node;
			return 0;
		}
	}
	if (S_ISREG(st.st_mode)) {
		if (access(host, R_OK) < 0)
			return bt_error("%s: tree: %s: %s", c->where, host,
					strerror(errno));
		if (put_host_file(c->t, guest, host, &st, perm, 0, 0, c->where,
				  false) < 0)
			return -1;
		if (st.st_nlink > 1)
			map_add(c, &st, lookup(c->t, guest));
		return 0;
	}
	if (S_ISLNK(st.st_mode)) {
		char buf[4096];
		ssize_t len = readlink(host, buf, sizeof(buf) - 1);

		if (len <= 0)
			return bt_error("%s: tree: %s: readlink: %s", c->where,
					host, len < 0 ? strerror(errno) : "empty");
		buf[len] = '\0';
		return put_symlink(c->t, guest, buf, 0777, 0, 0, c->where,
				   false);
	}
	n = put(c->t, guest, st.st_mode & (S_IFMT | 07777), 0, 0, c->where,
		false, &skipped);
	if (!n)
		return -1;
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		n->major = major(st.st_rdev);
		n->minor = minor(st.st_rdev);
	}
	return 0;
}

static int apply_tree(struct rtree *t, struct mf_entry *e)
{
	struct tree_ctx c = { .t = t, .where = e->where, .host = STRBUF_INIT };
	struct stat st;
	int ret;

	if (stat(e->host, &st) < 0)
		return bt_error("%s: tree: %s: %s", e->where, e->host,
				strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return bt_error("%s: tree: %s: not a directory", e->where,
				e->host);
	sb_addstr(&c.host, e->host);
	while (c.host.len > 1 && c.host.buf[c.host.len - 1] == '/')
		c.host.buf[--c.host.len] = '\0';
	ret = tree_entry(&c, e->name, 0);
	sb_release(&c.host);
	free(c.map);
	return ret;
}

/* ---- busybox ---------------------------------------------------------- */

static bool applet_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_' || ch == '.' || ch == '[';
}

/* Applet names from the binary: the NUL-separated list starting "[\0[[\0". */
static int applets_from_strings(const char *host, char ***out, int *nout)
{
	static const char marker[] = "[\0[[\0";
	char *buf, *p, *end;
	size_t len;
	int n = 0;

	if (bt_read_file(host, &buf, &len, 64 << 20, NULL) < 0)
		return -1;
	p = memmem(buf, len, marker, sizeof(marker) - 1);
	end = buf + len;
	while (p && p < end && *p) {
		size_t l = strnlen(p, (size_t)(end - p)), i;

		if (p + l >= end)
			break;
		for (i = 0; i < l; i++)
			if (!applet_char((unsigned char)p[i]))
				break;
		if (i < l)
			break;
		*out = bt_realloc(*out, (size_t)(n + 1) * sizeof(char *));
		(*out)[n++] = bt_asprintf("/bin/%s", p);
		p += l + 1;
	}
	free(buf);
	*nout = n;
	return n > 0 ? 0 : -1;
}

static int applets_from_run(const char *host, char ***out, int *nout)
{
	char *argv[3];
	struct bt_spawn opt = BT_SPAWN_INIT;
	struct strbuf sb = STRBUF_INIT;
	char buf[4096], *line, *save = NULL;
	int pfd[2], status, n = 0;
	pid_t pid;
	ssize_t r;

	argv[0] = (char *)host;
	argv[1] = (char *)"--list-full";
	argv[2] = NULL;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	opt.fd_out = pfd[1];
	pid = bt_spawn(argv, &opt);
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return -1;
	}
	while ((r = read(pfd[0], buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		sb_add(&sb, buf, (size_t)r);
	}
	close(pfd[0]);
	if (bt_wait(pid, &status, 10000) != 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) || !sb.len) {
		sb_release(&sb);
		return -1;
	}
	for (line = strtok_r(sb.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *g = mf_normalize(line);

		if (!g)
			continue;
		*out = bt_realloc(*out, (size_t)(n + 1) * sizeof(char *));
		(*out)[n++] = g;
	}
	sb_release(&sb);
	*nout = n;
	return n > 0 ? 0 : -1;
}

static int apply_busybox(struct rtree *t, struct mf_entry *e)
{
	struct elf_closure *ec = get_ec(t);
	int napplets = 0, class, data, machine, i, ret = 0;
	char **applets = NULL, *host;
	struct rnode *n;
	struct stat st;
	bool skipped;

	if (!ec)
		return -1;
	host = e->host ? bt_strdup(e->host) : ec_host_path(ec, "/bin/busybox");
	if (!host || stat(host, &st) < 0 || !S_ISREG(st.st_mode)) {
		bt_err("%s: busybox: %s: %s; install busybox-static (or give its path)",
		       e->where, host ? host : "/bin/busybox",
		       host && S_ISDIR(st.st_mode) ? "not a regular file" :
		       strerror(errno));
		free(host);
		return -1;
	}
	if (ec_elf_ident(host, &class, &data, &machine) < 0) {
		bt_err("%s: busybox: %s: not an ELF file", e->where, host);
		free(host);
		return -1;
	}
	/* Run it only when it is for this machine; else read its table. */
	ret = ec_is_host_arch(class, data, machine) ?
		applets_from_run(host, &applets, &napplets) : -1;
	if (ret < 0)
		ret = applets_from_strings(host, &applets, &napplets);
	if (ret < 0) {
		bt_err("%s: busybox: %s: cannot list its applets (neither --list-full nor the applet table worked)",
		       e->where, host);
		free(host);
		return -1;
	}
	ret = put_host_file(t, "/bin/busybox", host, &st, 0755, 0, 0, e->where,
			    false);
	for (i = 0; i < napplets; i++) {
		if (!ret && strcmp(applets[i], "/bin/busybox")) {
			n = put(t, applets[i], S_IFLNK | 0777, 0, 0, e->where,
				true, &skipped);
			if (!n) {
				ret = -1;
			} else if (!skipped) {
				n->data = bt_strdup("/bin/busybox");
				n->size = strlen(n->data);
			}
		}
		free(applets[i]);
	}
	free(applets);
	free(host);
	return ret;
}

/* ---- entries ---------------------------------------------------------- */

static int apply_file(struct rtree *t, struct mf_entry *e)
{
	struct rnode *n, *l;
	struct stat st;
	bool skipped;
	int i;

	if (stat(e->host, &st) < 0)
		return bt_error("%s: file %s: %s: %s", e->where, e->name,
				e->host, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return bt_error("%s: file %s: %s: not a regular file", e->where,
				e->name, e->host);
	if (access(e->host, R_OK) < 0)
		return bt_error("%s: file %s: %s: %s", e->where, e->name,
				e->host, strerror(errno));
	if (put_host_file(t, e->name, e->host, &st, e->mode, e->uid, e->gid,
			  e->where, false) < 0)
		return -1;
	n = lookup(t, e->name);
	for (i = 0; i < e->nextra; i++) {
		if (!strcmp(e->extra[i], e->name))
			continue;
		l = put(t, e->extra[i], S_IFREG | e->mode, e->uid, e->gid,
			e->where, false, &skipped);
		if (!l)
			return -1;
		l->link = n;
	}
	return 0;
}

static int apply_user(struct rtree *t, struct mf_entry *e)
{
	struct rt_user *u = NULL;
	int i;

	for (i = 0; i < t->nusers; i++)
		if (!strcmp(t->users[i].name, e->name))
			u = &t->users[i];
	if (!u) {
		t->users = bt_realloc(t->users,
				      (size_t)(t->nusers + 1) * sizeof(*u));
		u = &t->users[t->nusers++];
		u->name = bt_strdup(e->name);
	} else {
		free(u->home);
		free(u->shell);
	}
	u->uid = e->uid;
	u->gid = e->gid;
	u->home = bt_strdup(e->home);
	u->shell = bt_strdup(e->shell);
	return 0;
}

static int apply_group(struct rtree *t, struct mf_entry *e)
{
	struct strbuf sb = STRBUF_INIT;
	struct rt_group *g = NULL;
	int i;

	for (i = 0; i < t->ngroups; i++)
		if (!strcmp(t->groups[i].name, e->name))
			g = &t->groups[i];
	if (!g) {
		t->groups = bt_realloc(t->groups,
				       (size_t)(t->ngroups + 1) * sizeof(*g));
		g = &t->groups[t->ngroups++];
		g->name = bt_strdup(e->name);
	} else {
		free(g->members);
	}
	for (i = 0; i < e->nextra; i++)
		sb_addf(&sb, "%s%s", i ? "," : "", e->extra[i]);
	g->members = sb_detach(&sb);
	g->gid = e->gid;
	return 0;
}

static int apply_node(struct rtree *t, struct mf_entry *e, unsigned int type)
{
	struct rnode *n;
	bool skipped;

	n = put(t, e->name, type | e->mode, e->uid, e->gid, e->where, false,
		&skipped);
	if (!n)
		return -1;
	n->major = e->major;
	n->minor = e->minor;
	return 0;
}

int rt_apply(struct rtree *t, struct mf_list *list)
{
	struct prog_ctx pc;
	struct mf_entry *e;
	int ret = 0;

	for (e = list->head; e && !ret; e = e->next) {
		switch (e->type) {
		case MF_FILE:
			ret = apply_file(t, e);
			break;
		case MF_DIR:
			ret = apply_node(t, e, S_IFDIR);
			break;
		case MF_NOD:
			ret = apply_node(t, e, e->devtype == 'b' ? S_IFBLK : S_IFCHR);
			break;
		case MF_SLINK:
			ret = put_symlink(t, e->name, e->host, e->mode, e->uid,
					  e->gid, e->where, false);
			break;
		case MF_PIPE:
			ret = apply_node(t, e, S_IFIFO);
			break;
		case MF_SOCK:
			ret = apply_node(t, e, S_IFSOCK);
			break;
		case MF_PROG:
			pc.t = t;
			pc.where = e->where;
			pc.count = 0;
			if (!get_ec(t))
				return -1;
			ret = ec_add_prog(t->ec, e->name, e->host, e->where,
					  prog_add, &pc);
			break;
		case MF_TREE:
			ret = apply_tree(t, e);
			break;
		case MF_USER:
			ret = apply_user(t, e);
			break;
		case MF_GROUP:
			ret = apply_group(t, e);
			break;
		case MF_BUSYBOX:
			ret = apply_busybox(t, e);
			break;
		}
	}
	return ret;
}

/* ---- finish ----------------------------------------------------------- */

static int put_data(struct rtree *t, const char *path, unsigned int mode,
		    char *data)
{
	struct rnode *n;
	bool skipped;

	n = put(t, path, S_IFREG | mode, 0, 0, "<accounts>", false, &skipped);
	if (!n) {
		free(data);
		return -1;
	}
	n->data = data;
	n->size = strlen(data);
	return 0;
}

static int cmp_user(const void *a, const void *b)
{
	const struct rt_user *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

static int cmp_group(const void *a, const void *b)
{
	const struct rt_group *x = a, *y = b;

	return x->gid < y->gid ? -1 : x->gid > y->gid;
}

static int write_accounts(struct rtree *t)
{
	struct strbuf pw = STRBUF_INIT, sh = STRBUF_INIT, gr = STRBUF_INIT;
	int i, ret = -1;

	if (!t->nusers && !t->ngroups)
		return 0;
	if (t->nusers > 1)
		qsort(t->users, (size_t)t->nusers, sizeof(*t->users), cmp_user);
	if (t->ngroups > 1)
		qsort(t->groups, (size_t)t->ngroups, sizeof(*t->groups),
		      cmp_group);
	for (i = 0; i < t->nusers; i++) {
		struct rt_user *u = &t->users[i];
		struct rnode *home;
		bool skipped;

		sb_addf(&pw, "%s:x:%u:%u:%s:%s:%s\n", u->name, u->uid, u->gid,
			u->name, u->home, u->shell);
		/* Empty password, no aging. */
		sb_addf(&sh, "%s::::::::\n", u->name);
		if (!strcmp(u->home, "/") || !strcmp(u->home, "/nonexistent"))
			continue;
		home = lookup(t, u->home);
		if (home && !home->implicit)
			continue;
		home = put(t, u->home, S_IFDIR | (u->uid ? 0755 : 0700), u->uid,
			   u->gid, "<accounts>", false, &skipped);
		if (!home)
			goto out;
	}
	for (i = 0; i < t->ngroups; i++)
		sb_addf(&gr, "%s:x:%u:%s\n", t->groups[i].name,
			t->groups[i].gid, t->groups[i].members);
	if (t->nusers && (put_data(t, "/etc/passwd", 0644, sb_detach(&pw)) < 0 ||
			  put_data(t, "/etc/shadow", 0600, sb_detach(&sh)) < 0))
		goto out;
	if (t->ngroups && put_data(t, "/etc/group", 0644, sb_detach(&gr)) < 0)
		goto out;
	ret = 0;
out:
	sb_release(&pw);
	sb_release(&sh);
	sb_release(&gr);
	return ret;
}

static int cmp_node(const void *a, const void *b)
{
	return strcmp((*(struct rnode *const *)a)->name,
		      (*(struct rnode *const *)b)->name);
}

static int finish_node(struct rnode *n, void *arg)
{
	if (n->nkids > 1)
		qsort(n->kids, (size_t)n->nkids, sizeof(*n->kids), cmp_node);
	n->nlink = 1;
	return 0;
}

static int count_node(struct rnode *n, void *arg)
{
	struct rtree *t = arg;

	if (n->link) {
		if (!S_ISREG(n->link->mode) || n->link->link) {
			t->bad_manifest = true;
			return bt_error("%s: hard link %s: its target is no longer a regular file",
					n->where ? n->where : "?", n->path);
		}
		n->link->nlink++;
		return 0;
	}
	t->ninodes++;
	if (S_ISREG(n->mode))
		t->data_bytes += n->size;
	return 0;
}

static int walk(struct rnode *n, rt_walk_fn fn, void *arg)
{
	int i, ret = fn(n, arg);

	for (i = 0; !ret && i < n->nkids; i++)
		ret = walk(n->kids[i], fn, arg);
	return ret;
}

int rt_walk(struct rtree *t, rt_walk_fn fn, void *arg)
{
	return walk(t->root, fn, arg);
}

int rt_finish(struct rtree *t)
{
	if (write_accounts(t) < 0)
		return -1;
	rt_walk(t, finish_node, t);
	t->ninodes = 0;
	t->data_bytes = 0;
	return rt_walk(t, count_node, t);
}

/* ---- digest ----------------------------------------------------------- */

struct digest {
	uint64_t a, b;
};

static void dg_add(struct digest *d, const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++) {
		d->a = bt_fnv1a_byte(d->a, c[i]);
		d->b = bt_fnv1a_byte(d->b, c[i]) + (d->a >> 29);
	}
}

int rt_open_host(const struct rnode *n)
{
	int fd = open(n->host, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return bt_error("%s: %s", n->host, strerror(errno));
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != n->size) {
		close(fd);
		return bt_error("%s: changed while the image was being made",
				n->host);
	}
	return fd;
}

int rt_pread_host(const struct rnode *n, int fd, void *buf, size_t len,
		  uint64_t off)
{
	ssize_t r = bt_pread_all(fd, buf, len, (off_t)off);

	if (r < 0)
		return bt_error("%s: %s", n->host, strerror(errno));
	if ((size_t)r != len)
		return bt_error("%s: changed while the image was being made",
				n->host);
	return 0;
}

int rt_host_ranges(const struct rnode *n, int fd, uint64_t align,
		   rt_range_fn fn, void *arg)
{
	uint64_t pos = 0, start = 0, end = 0, s, e;
	bool have = false;
	int ret;

	while (pos < n->size) {
		off_t d = lseek(fd, (off_t)pos, SEEK_DATA), h;

		if (d < 0 && errno == ENXIO)
			break;
		if (d < 0 && pos == 0) {
			/* No hole reporting here: the whole file. */
			d = 0;
			h = (off_t)n->size;
		} else if (d < 0) {
			return bt_error("%s: lseek: %s", n->host,
					strerror(errno));
		} else {
			h = lseek(fd, d, SEEK_HOLE);
			if (h < 0)
				return bt_error("%s: lseek: %s", n->host,
						strerror(errno));
		}
		if ((uint64_t)d >= n->size)
			break;
		if ((uint64_t)h > n->size || h <= d)
			h = (off_t)n->size;
		s = (uint64_t)d & ~(align - 1);
		e = ((uint64_t)h + align - 1) & ~(align - 1);
		if (e > n->size)
			e = n->size;
		if (have && s <= end) {
			if (e > end)
				end = e;
		} else {
			if (have) {
				ret = fn(start, end - start, arg);
				if (ret)
					return ret;
			}
			start = s;
			end = e;
			have = true;
		}
		pos = (uint64_t)h;
	}
	return have ? fn(start, end - start, arg) : 0;
}

struct crc_ctx {
	struct digest *d;
	const struct rnode *n;
	int fd;
	unsigned char *buf;
	uint32_t crc;
};

static int crc_range(uint64_t off, uint64_t len, void *arg)
{
	struct crc_ctx *x = arg;

	/* A file without holes digests as its bytes alone. */
	if (off || len != x->n->size) {
		uint64_t v[2] = { off, len };

		dg_add(x->d, v, sizeof(v));
	}
	while (len) {
		size_t cnt = len < RT_CHUNK ? (size_t)len : RT_CHUNK;

		if (rt_pread_host(x->n, x->fd, x->buf, cnt, off) < 0)
			return -1;
		x->crc = ext2fs_crc32c_le(x->crc, x->buf, cnt);
		off += cnt;
		len -= cnt;
	}
	return 0;
}

static int crc_file(struct digest *d, struct rnode *n, uint32_t *crc)
{
	struct crc_ctx x = { .d = d, .n = n, .crc = *crc };
	int ret;

	if (!n->size)
		return 0;
	x.fd = rt_open_host(n);
	if (x.fd < 0)
		return -1;
	x.buf = bt_malloc(RT_CHUNK);
	ret = rt_host_ranges(n, x.fd, 4096, crc_range, &x);
	free(x.buf);
	close(x.fd);
	*crc = x.crc;
	return ret ? -1 : 0;
}

static int digest_node(struct rnode *n, void *arg)
{
	struct digest *d = arg;
	uint32_t v[8], crc = 0;

	dg_add(d, n->path, strlen(n->path) + 1);
	if (n->link) {
		dg_add(d, n->link->path, strlen(n->link->path) + 1);
	} else if (S_ISREG(n->mode) && n->host) {
		if (crc_file(d, n, &crc) < 0)
			return -1;
	} else if (n->data) {
		crc = ext2fs_crc32c_le(crc, (unsigned char *)n->data, n->size);
	}
	v[0] = n->mode;
	v[1] = n->uid;
	v[2] = n->gid;
	v[3] = n->major;
	v[4] = n->minor;
	v[5] = (uint32_t)n->size;
	v[6] = (uint32_t)(n->size >> 32);
	v[7] = crc;
	dg_add(d, v, sizeof(v));
	return 0;
}

int rt_digest(struct rtree *t, unsigned char out[16])
{
	/* the second lane starts from the offset with its halves swapped */
	struct digest d = { BT_FNV64_OFFSET, 0x84222325cbf29ce4ULL };
	int i, ret;

	ret = rt_walk(t, digest_node, &d);
	dg_add(&d, &t->epoch, sizeof(t->epoch));
	for (i = 0; i < 8; i++) {
		out[i] = (unsigned char)(d.a >> (8 * i));
		out[8 + i] = (unsigned char)(d.b >> (8 * i));
	}
	return ret;
}
