// SPDX-License-Identifier: GPL-2.0
/* ELF program closure, resolved inside a sysroot (see elf-closure.h). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "elf-closure.h"
#include "err.h"
#include "path.h"
#include "strbuf.h"

#define EC_MAX_DEPTH	16	/* #! interpreter chain */

struct ec_dirs {
	char **v;
	int n;
};

struct elf_closure {
	char *sysroot;
	bool is_host;
	int rootfd;
	bool conf_loaded;
	struct ec_dirs conf;	/* ld.so.conf directories (guest paths) */
	struct ec_dirs seen;	/* guest paths already added */
};

/* One loaded object while walking the closure. */
struct ec_obj {
	char *guest;		/* guest path */
	char *host;		/* host file */
	char *origin_host;	/* host directory standing for $ORIGIN, or NULL */
	char *rpath;
	char *runpath;
	char **needed;
	int nneeded;
	struct ec_obj *next;
};

struct ec_arch {
	int class, data, machine;
};

/* Lexical normalization with ".." popping a component ("/a/../b" -> "/b"). */
static char *norm_path(const char *path)
{
	return bt_path_normalize(*path ? path : "/", true);
}

static void dirs_add(struct ec_dirs *d, const char *s)
{
	d->v = bt_realloc(d->v, (size_t)(d->n + 1) * sizeof(char *));
	d->v[d->n++] = bt_strdup(s);
}

static bool dirs_has(const struct ec_dirs *d, const char *s)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i], s))
			return true;
	return false;
}

static void dirs_free(struct ec_dirs *d)
{
	int i;

	for (i = 0; i < d->n; i++)
		free(d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

struct elf_closure *ec_new(const char *sysroot)
{
	struct elf_closure *ec = bt_calloc(1, sizeof(*ec));

	if (elf_version(EV_CURRENT) == EV_NONE) {
		bt_err("libelf: %s", elf_errmsg(-1));
		free(ec);
		return NULL;
	}
	ec->sysroot = bt_strdup(sysroot && *sysroot ? sysroot : "/");
	ec->is_host = !strcmp(ec->sysroot, "/");
	ec->rootfd = open(ec->sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ec->rootfd < 0) {
		bt_err("%s: cannot open sysroot: %s", ec->sysroot,
		       strerror(errno));
		free(ec->sysroot);
		free(ec);
		return NULL;
	}
	return ec;
}

void ec_free(struct elf_closure *ec)
{
	if (!ec)
		return;
	close(ec->rootfd);
	dirs_free(&ec->conf);
	dirs_free(&ec->seen);
	free(ec->sysroot);
	free(ec);
}

/* Open a guest path with symlinks resolved inside the sysroot. */
static int open_in_root(struct elf_closure *ec, const char *guest, int flags)
{
	struct open_how how = {
		.flags = (unsigned long long)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	const char *rel = guest;

	if (ec->is_host)
		return open(guest, flags | O_CLOEXEC);
	while (*rel == '/')
		rel++;
	if (!*rel)
		rel = ".";
	return (int)syscall(SYS_openat2, ec->rootfd, rel, &how, sizeof(how));
}

char *ec_host_path(struct elf_closure *ec, const char *guest)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;
	int fd;

	if (ec->is_host) {
		if (access(guest, F_OK) < 0)
			return NULL;
		return bt_strdup(guest);
	}
	fd = open_in_root(ec, guest, O_PATH);
	if (fd < 0)
		return NULL;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return bt_strdup(buf);
}

int ec_elf_ident(const char *host, int *class, int *data, int *machine)
{
	unsigned char id[EI_NIDENT + 4];
	ssize_t n;
	int fd;

	fd = open(host, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = pread(fd, id, sizeof(id), 0);
	close(fd);
	if (n < (ssize_t)sizeof(id) || memcmp(id, ELFMAG, SELFMAG)) {
		errno = ENOEXEC;
		return -1;
	}
	*class = id[EI_CLASS];
	*data = id[EI_DATA];
	if (*data == ELFDATA2LSB)
		*machine = id[EI_NIDENT + 2] | id[EI_NIDENT + 3] << 8;
	else
		*machine = id[EI_NIDENT + 2] << 8 | id[EI_NIDENT + 3];
	return 0;
}

bool ec_is_host_arch(int class, int data, int machine)
{
#if defined(__x86_64__)
	const int hm = EM_X86_64;
#elif defined(__aarch64__)
	const int hm = EM_AARCH64;
#elif defined(__i386__)
	const int hm = EM_386;
#elif defined(__powerpc64__)
	const int hm = EM_PPC64;
#elif defined(__s390x__)
	const int hm = EM_S390;
#elif defined(__riscv)
	const int hm = EM_RISCV;
#elif defined(__arm__)
	const int hm = EM_ARM;
#else
	const int hm = -1;
#endif
	const int hc = sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const int hd = ELFDATA2LSB;
#else
	const int hd = ELFDATA2MSB;
#endif
	return class == hc && data == hd && machine == hm;
}

/* Debian's multiarch triplet for an ELF machine, or NULL. */
static const char *triplet(const struct ec_arch *a)
{
	switch (a->machine) {
	case EM_X86_64:
		return a->class == ELFCLASS64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
	case EM_386:
		return "i386-linux-gnu";
	case EM_AARCH64:
		return "aarch64-linux-gnu";
	case EM_ARM:
		return "arm-linux-gnueabihf";
	case EM_RISCV:
		return "riscv64-linux-gnu";
	case EM_PPC64:
		return "powerpc64le-linux-gnu";
	case EM_S390:
		return "s390x-linux-gnu";
	case EM_MIPS:
		return "mips64el-linux-gnuabi64";
	case EM_LOONGARCH:
		return "loongarch64-linux-gnu";
	default:
		return NULL;
	}
}

static void conf_parse(struct elf_closure *ec, const char *guest, int depth)
{
	char *host, *buf, *line, *save = NULL;

	if (depth > 8)
		return;
	host = ec_host_path(ec, guest);
	if (!host)
		return;
	if (bt_read_file(host, &buf, NULL, 1 << 20, NULL) < 0) {
		free(host);
		return;
	}
	free(host);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');
		char *p = line, *end;

		if (hash)
			*hash = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
				   end[-1] == '\r'))
			*--end = '\0';
		if (!*p || !strncmp(p, "hwcap", 5))
			continue;
		if (!strncmp(p, "include", 7) && (p[7] == ' ' || p[7] == '\t')) {
			char *pat = p + 8, *full;
			size_t i, rl = strlen(ec->sysroot);
			glob_t g;

			while (*pat == ' ' || *pat == '\t')
				pat++;
			if (*pat != '/')
				continue;
			full = bt_path_join(ec->sysroot, pat);
			if (glob(full, 0, NULL, &g) == 0) {
				for (i = 0; i < g.gl_pathc; i++) {
					const char *gp = g.gl_pathv[i];

					if (!ec->is_host)
						gp += rl;
					conf_parse(ec, gp, depth + 1);
				}
				globfree(&g);
			}
			free(full);
			continue;
		}
		if (*p == '/' && !dirs_has(&ec->conf, p))
			dirs_add(&ec->conf, p);
	}
	free(buf);
}

static char *read_cstr(Elf *elf, GElf_Off off)
{
	size_t size, n;
	char *raw = elf_rawfile(elf, &size);

	if (!raw || off >= size)
		return NULL;
	n = strnlen(raw + off, size - off);
	if (n == size - off || n == 0)
		return NULL;
	return bt_strndup(raw + off, n);
}

/*
 * Read the ELF facts of obj->host.  Fills *arch (when check is false) or
 * compares against it.  Returns 0, 1 (not ELF / other arch), or -1 (error
 * message printed).  interp receives PT_INTERP when not NULL.
 */
static int read_elf(struct ec_obj *obj, struct ec_arch *arch, bool check,
		    char **interp, const char *where)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	size_t i, nph;
	Elf *elf;
	int fd, ret = 0;

	fd = open(obj->host, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bt_error("%s: %s: %s", where, obj->host,
				strerror(errno));
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		ret = 1;
		goto out;
	}
	if (check) {
		if (eh.e_ident[EI_CLASS] != arch->class ||
		    eh.e_ident[EI_DATA] != arch->data ||
		    eh.e_machine != arch->machine) {
			ret = 1;
			goto out;
		}
	} else {
		arch->class = eh.e_ident[EI_CLASS];
		arch->data = eh.e_ident[EI_DATA];
		arch->machine = eh.e_machine;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		ret = 1;
		goto out;
	}
	if (interp && elf_getphdrnum(elf, &nph) == 0) {
		for (i = 0; i < nph; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(elf, (int)i, &ph) &&
			    ph.p_type == PT_INTERP) {
				*interp = read_cstr(elf, ph.p_offset);
				break;
			}
		}
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !sh.sh_entsize)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Dyn dyn;
			const char *s;

			if (!gelf_getdyn(d, (int)i, &dyn) || dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RPATH &&
			    dyn.d_tag != DT_RUNPATH)
				continue;
			s = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
			if (!s) {
				ret = bt_error("%s: %s: bad dynamic string: %s",
					       where, obj->host, elf_errmsg(-1));
				goto out;
			}
			if (dyn.d_tag == DT_NEEDED) {
				obj->needed = bt_realloc(obj->needed,
					(size_t)(obj->nneeded + 1) * sizeof(char *));
				obj->needed[obj->nneeded++] = bt_strdup(s);
			} else if (dyn.d_tag == DT_RPATH) {
				free(obj->rpath);
				obj->rpath = bt_strdup(s);
			} else {
				free(obj->runpath);
				obj->runpath = bt_strdup(s);
			}
		}
		break;
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

static void obj_free(struct ec_obj *o)
{
	int i;

	free(o->guest);
	free(o->host);
	free(o->origin_host);
	free(o->rpath);
	free(o->runpath);
	for (i = 0; i < o->nneeded; i++)
		free(o->needed[i]);
	free(o->needed);
	free(o);
}

/* Replace $ORIGIN, $LIB and $PLATFORM (also in ${} form) in a search dir. */
static char *subst(const char *dir, const char *origin, const struct ec_arch *a)
{
	static const char *const keys[] = { "ORIGIN", "LIB", "PLATFORM" };
	struct strbuf sb = STRBUF_INIT;
	const char *trip = triplet(a);
	const char *p = dir;

	while (*p) {
		unsigned int k;
		bool done = false;

		if (*p != '$') {
			sb_addch(&sb, *p++);
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(keys) && !done; k++) {
			size_t kl = strlen(keys[k]);
			const char *q = p + 1;
			bool brace = *q == '{';

			if (brace)
				q++;
			if (strncmp(q, keys[k], kl))
				continue;
			q += kl;
			if (brace) {
				if (*q != '}')
					continue;
				q++;
			} else if ((*q >= 'A' && *q <= 'Z') || *q == '_') {
				continue;
			}
			if (k == 0) {
				sb_addstr(&sb, origin);
			} else if (k == 1) {
				sb_addstr(&sb, "lib");
				if (trip)
					sb_addf(&sb, "/%s", trip);
			} else if (a->machine == EM_X86_64) {
				sb_addstr(&sb, "x86_64");
			}
			p = q;
			done = true;
		}
		if (!done)
			sb_addch(&sb, *p++);
	}
	return sb_detach(&sb);
}

struct ec_search {
	struct elf_closure *ec;
	struct ec_arch *arch;
	struct strbuf tried;
};

/*
 * Try one candidate: guest path, host path (NULL: resolve in the sysroot).
 * Returns an object when it is an ELF file of the right machine.
 */
static struct ec_obj *try_lib(struct ec_search *s, const char *guest,
			      const char *host, const char *where, int *err)
{
	struct ec_obj *o;
	char *h;
	int r;

	h = host ? bt_strdup(host) : ec_host_path(s->ec, guest);
	if (!h || !bt_is_file(h) || access(h, R_OK) < 0) {
		free(h);
		return NULL;
	}
	o = bt_calloc(1, sizeof(*o));
	o->guest = norm_path(guest);
	o->host = h;
	r = read_elf(o, s->arch, true, NULL, where);
	if (r) {
		if (r < 0)
			*err = -1;
		obj_free(o);
		return NULL;
	}
	return o;
}

/* Search one ':'-separated list of directories. */
static struct ec_obj *search_list(struct ec_search *s, const char *list,
				  const struct ec_obj *from, const char *name,
				  const char *where, int *err)
{
	char *copy = bt_strdup(list), *tok, *save = NULL;
	struct ec_obj *o = NULL;

	for (tok = strtok_r(copy, ":", &save); tok && !o && !*err;
	     tok = strtok_r(NULL, ":", &save)) {
		char *gdir, *odir, *guest, *host = NULL;
		bool has_origin = strstr(tok, "ORIGIN") != NULL;

		odir = bt_dirname(from->guest);
		gdir = subst(tok, odir, s->arch);
		free(odir);
		if (gdir[0] != '/') {
			free(gdir);
			continue;
		}
		guest = bt_path_join(gdir, name);
		if (has_origin && from->origin_host) {
			char *hdir = subst(tok, from->origin_host, s->arch);

			host = bt_path_join(hdir, name);
			free(hdir);
		}
		sb_addf(&s->tried, "%s%s", s->tried.len ? ":" : "", gdir);
		o = try_lib(s, guest, host, where, err);
		if (o && host)
			o->origin_host = bt_dirname(host);
		free(guest);
		free(host);
		free(gdir);
	}
	free(copy);
	return o;
}

static struct ec_obj *find_lib(struct ec_search *s, const struct ec_obj *from,
			       const struct ec_obj *prog, const char *name,
			       const char *where, int *err)
{
	struct elf_closure *ec = s->ec;
	const char *trip = triplet(s->arch);
	bool is64 = s->arch->class == ELFCLASS64;
	struct ec_obj *o = NULL;
	char *list;
	int i;

	if (strchr(name, '/'))
		return try_lib(s, name, NULL, where, err);
	if (!from->runpath) {
		if (from->rpath)
			o = search_list(s, from->rpath, from, name, where, err);
		if (!o && !*err && prog != from && prog->rpath && !prog->runpath)
			o = search_list(s, prog->rpath, prog, name, where, err);
	} else {
		o = search_list(s, from->runpath, from, name, where, err);
	}
	if (!ec->conf_loaded) {
		conf_parse(ec, "/etc/ld.so.conf", 0);
		ec->conf_loaded = true;
	}
	for (i = 0; !o && !*err && i < ec->conf.n; i++)
		o = search_list(s, ec->conf.v[i], from, name, where, err);
	if (o || *err)
		return o;
	if (trip)
		list = bt_asprintf("/lib/%s:/usr/lib/%s:%s/lib:/usr/lib", trip,
				   trip, is64 ? "/lib64:/usr/lib64:" : "");
	else
		list = bt_strdup(is64 ? "/lib64:/usr/lib64:/lib:/usr/lib" :
				 "/lib:/usr/lib");
	o = search_list(s, list, from, name, where, err);
	free(list);
	return o;
}

static int emit(struct elf_closure *ec, const char *guest, const char *host,
		ec_add_fn fn, void *arg)
{
	struct stat st;

	if (dirs_has(&ec->seen, guest))
		return 0;
	if (stat(host, &st) < 0)
		return bt_error("%s: %s", host, strerror(errno));
	dirs_add(&ec->seen, guest);
	return fn(arg, guest, host, &st);
}

/* Look a bare program name up in the sysroot's bin directories. */
static char *find_in_path(struct elf_closure *ec, const char *name)
{
	static const char *const dirs[] = {
		"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
		"/sbin", "/bin",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		char *g = bt_path_join(dirs[i], name);
		char *h = ec_host_path(ec, g);

		if (h && bt_is_file(h) && access(h, X_OK) == 0) {
			free(h);
			return g;
		}
		free(h);
		free(g);
	}
	return NULL;
}

static const char *in_sysroot(struct elf_closure *ec)
{
	return ec->is_host ? "" : bt_asprintf(" in sysroot %s", ec->sysroot);
}

/* Parse "#!INTERP [ARG]" from buf; returns 0 when buf is such a line. */
static int shebang(char *buf, char **interp, char **arg1)
{
	char *p = buf + 2;

	if (buf[0] != '#' || buf[1] != '!')
		return -1;
	p[strcspn(p, "\n")] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	*interp = p;
	*arg1 = NULL;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p) {
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != '-') {
			*arg1 = p;
			p[strcspn(p, " \t")] = '\0';
		}
	}
	return 0;
}

static int add_prog(struct elf_closure *ec, const char *path,
		    const char *hostpath, const char *where, ec_add_fn fn,
		    void *arg, int depth);

static int add_script(struct elf_closure *ec, struct ec_obj *prog,
		      const char *path, char *buf, const char *where,
		      ec_add_fn fn, void *arg, int depth)
{
	char *ip = NULL, *arg1 = NULL;
	const char *base;
	int ret;

	if (shebang(buf, &ip, &arg1) < 0)
		return bt_error("%s: prog %s: not a #! script", where, path);
	if (*ip != '/')
		return bt_error("%s: prog %s: #! interpreter '%s' is not an absolute path",
				where, path, ip);
	ret = emit(ec, prog->guest, prog->host, fn, arg);
	if (!ret)
		ret = add_prog(ec, ip, NULL, where, fn, arg, depth + 1);
	base = strrchr(ip, '/');
	if (!ret && arg1 && !strcmp(base, "/env"))
		ret = add_prog(ec, arg1, NULL, where, fn, arg, depth + 1);
	return ret;
}

static int add_needed(struct elf_closure *ec, struct ec_obj *prog,
		      struct ec_search *s, const char *path, const char *where,
		      ec_add_fn fn, void *arg)
{
	struct ec_obj *o, **tail = &prog->next;
	int ret = 0, i;

	/* Breadth-first over DT_NEEDED, as ld.so loads them. */
	for (o = prog; o && !ret; o = o->next) {
		for (i = 0; i < o->nneeded && !ret; i++) {
			struct ec_obj *lib;
			int err = 0;

			sb_reset(&s->tried);
			lib = find_lib(s, o, prog, o->needed[i], where, &err);
			if (err) {
				ret = -1;
				break;
			}
			if (!lib) {
				const char *sr = in_sysroot(ec);

				ret = bt_error("%s: prog %s: library %s needed by %s not found for this machine (searched %s%s); install the package that provides it",
					       where, path, o->needed[i], o->guest,
					       sb_str(&s->tried), sr);
				if (*sr)
					free((char *)sr);
				break;
			}
			if (dirs_has(&ec->seen, lib->guest)) {
				obj_free(lib);
				continue;
			}
			ret = emit(ec, lib->guest, lib->host, fn, arg);
			*tail = lib;
			tail = &lib->next;
		}
	}
	while (prog->next) {
		o = prog->next;
		prog->next = o->next;
		obj_free(o);
	}
	return ret;
}

static int add_prog(struct elf_closure *ec, const char *path,
		    const char *hostpath, const char *where, ec_add_fn fn,
		    void *arg, int depth)
{
	struct ec_search s = { ec, NULL, STRBUF_INIT };
	struct ec_arch arch;
	struct ec_obj *prog;
	char *interp = NULL;
	char buf[256];
	int ret = 0, r, fd;
	ssize_t n;

	if (depth > EC_MAX_DEPTH)
		return bt_error("%s: %s: #! interpreters nest too deep", where,
				path);
	prog = bt_calloc(1, sizeof(*prog));
	if (path[0] != '/') {
		prog->guest = find_in_path(ec, path);
		if (!prog->guest) {
			const char *sr = in_sysroot(ec);

			obj_free(prog);
			bt_err("%s: prog %s: not found in /usr/local/sbin, /usr/local/bin, /usr/sbin, /usr/bin, /sbin or /bin%s; install it or give its path",
			       where, path, sr);
			if (*sr)
				free((char *)sr);
			return -1;
		}
	} else {
		prog->guest = norm_path(path);
	}
	if (hostpath) {
		prog->host = bt_strdup(hostpath);
		prog->origin_host = bt_dirname(hostpath);
	} else {
		prog->host = ec_host_path(ec, prog->guest);
	}
	if (!prog->host || !bt_is_file(prog->host)) {
		const char *sr = hostpath ? "" : in_sysroot(ec);

		bt_err("%s: prog %s: %s%s: %s", where, path,
		       hostpath ? hostpath : prog->guest, sr,
		       prog->host ? "not a regular file" : strerror(errno));
		if (*sr)
			free((char *)sr);
		obj_free(prog);
		return -1;
	}
	fd = open(prog->host, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = bt_error("%s: prog %s: %s: %s", where, path, prog->host,
			       strerror(errno));
		obj_free(prog);
		return ret;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n >= 2 && buf[0] == '#' && buf[1] == '!') {
		buf[n] = '\0';
		ret = add_script(ec, prog, path, buf, where, fn, arg, depth);
		obj_free(prog);
		return ret;
	}
	r = read_elf(prog, &arch, false, &interp, where);
	if (r) {
		if (r > 0)
			bt_err("%s: prog %s: %s is neither an ELF program nor a #! script",
			       where, path, prog->host);
		obj_free(prog);
		return -1;
	}
	s.arch = &arch;
	ret = emit(ec, prog->guest, prog->host, fn, arg);
	if (!ret && interp) {
		struct ec_obj *o;
		int err = 0;

		o = try_lib(&s, interp, NULL, where, &err);
		if (!o) {
			const char *sr = in_sysroot(ec);

			if (!err)
				bt_err("%s: prog %s: interpreter %s (PT_INTERP) not found%s or not an ELF file for the program's machine",
				       where, path, interp, sr);
			if (*sr)
				free((char *)sr);
			ret = -1;
		} else {
			ret = emit(ec, o->guest, o->host, fn, arg);
			obj_free(o);
		}
	}
	free(interp);
	if (!ret)
		ret = add_needed(ec, prog, &s, path, where, fn, arg);
	obj_free(prog);
	sb_release(&s.tried);
	return ret;
}

int ec_add_prog(struct elf_closure *ec, const char *path, const char *hostpath,
		const char *where, ec_add_fn fn, void *arg)
{
	return add_prog(ec, path, hostpath, where, fn, arg, 0);
}
