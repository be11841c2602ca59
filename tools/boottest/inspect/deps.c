// SPDX-License-Identifier: GPL-2.0
/*
 * kinspect modules: the closure of modules to load, from their .modinfo,
 * for a module tree without modules.dep (a distribution package unpacked,
 * never installed, so depmod never ran).
 *
 * The tree is indexed once: module name = file name without .ko*, with '-'
 * and '_' equivalent.  depends= names are followed (a missing one is an
 * error), softdep= "pre:"/"post:" names too (a missing one is a warning);
 * a name that is no file is looked up as an alias (fnmatch patterns, as
 * modprobe does), which needs every module's .modinfo: read only then.
 * Modules in modules.builtin, and aliases of modules.builtin.modinfo, are
 * in the kernel already and skipped.  Output: dependencies first.
 *
 * --add PATH (a module file or a directory of them) indexes more modules,
 * which win over MODDIR's of the same name: out-of-tree modules resolved
 * against the kernel's module set.  MODDIR "-": no module tree.
 * --builtin DIR: modules.builtin{,.modinfo} from DIR instead of MODDIR.
 * Hidden directories (.boottest, .git) are not searched.
 *
 * ki_depmod() writes modules.dep and modules.alias for a module directory
 * from the same data (busybox modprobe reads them): a small generator for
 * the guest's handful of modules, not depmod (no symbol versions, no
 * modules.order ordering, no binary indexes).
 */
#include <errno.h>
#include <fnmatch.h>
#include <fts.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "kinspect.h"
#include "path.h"
#include "strbuf.h"

enum need_kind { NEED_REQUEST, NEED_DEPENDS, NEED_SOFTDEP };

static const char *const kind_names[] = { "request", "depends", "softdep" };

struct mod {
	char *name;
	char *path;
	int state;		/* 0 new, 1 visiting, 2 listed */
	bool loaded;
	bool bad;
	bool io_error;
	bool added;		/* from --add: wins over MODDIR */
	char why[160];
	struct ki_modinfo mi;
	enum need_kind kind;	/* why it is in the list */
};

struct ctx {
	const char *moddir;
	const struct ki_closure_opts *opts;
	struct mod *mods;
	size_t nmods;
	char **builtin;
	size_t nbuiltin;
	char **balias;		/* pattern, module name pairs */
	size_t nbalias;
	bool all_loaded;
	struct mod **order;
	size_t norder;
	char **skipped;
	size_t nskipped;
	int status;
};

/* What messages call the module set: MODDIR, or the --add modules. */
static const char *mod_label(const struct ctx *c)
{
	return strcmp(c->moddir, "-") ? c->moddir : "the given modules";
}

static bool is_module_file(const char *name)
{
	static const char *const ext[] = { ".ko", ".ko.xz", ".ko.zst",
					   ".ko.gz" };
	size_t n = strlen(name), i, e;

	for (i = 0; i < ARRAY_SIZE(ext); i++) {
		e = strlen(ext[i]);
		if (n > e && !strcmp(name + n - e, ext[i]))
			return true;
	}
	return false;
}

static int mod_cmp(const void *a, const void *b)
{
	const struct mod *x = a, *y = b;
	bool ux = strstr(x->path, "/updates/"), uy = strstr(y->path, "/updates/");
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->added != y->added)
		return x->added ? -1 : 1;
	if (ux != uy)
		return ux ? -1 : 1;	/* updates/ overrides, as depmod does */
	return strcmp(x->path, y->path);
}

static void add_mod(struct ctx *c, const char *path, bool added)
{
	c->mods = bt_realloc(c->mods, (c->nmods + 1) * sizeof(*c->mods));
	memset(&c->mods[c->nmods], 0, sizeof(*c->mods));
	c->mods[c->nmods].name = ki_modname_from_path(path);
	c->mods[c->nmods].path = bt_strdup(path);
	c->mods[c->nmods].added = added;
	c->nmods++;
}

static int index_dir(struct ctx *c, const char *dir, bool added)
{
	char *roots[2];
	FTSENT *e;
	FTS *fts;

	if (!bt_is_dir(dir)) {
		bt_err("%s: %s; pass a /lib/modules/RELEASE directory",
		       dir, errno == ENOENT ? "no such directory" :
		       "not a directory");
		return -1;
	}
	roots[0] = (char *)dir;
	roots[1] = NULL;
	fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
	if (!fts)
		return bt_error("%s: cannot read: %s", dir, strerror(errno));
	while ((e = fts_read(fts))) {
		if (e->fts_info == FTS_DNR || e->fts_info == FTS_ERR) {
			bt_err("%s: cannot read: %s", e->fts_path,
			       strerror(e->fts_errno));
			fts_close(fts);
			return -1;
		}
		/* Hidden directories hold no modules (.boottest, .git). */
		if (e->fts_info == FTS_D && e->fts_level > 0 &&
		    e->fts_name[0] == '.')
			fts_set(fts, e, FTS_SKIP);
		else if (e->fts_info == FTS_F && is_module_file(e->fts_name))
			add_mod(c, e->fts_path, added);
	}
	fts_close(fts);
	return 0;
}

static int index_tree(struct ctx *c)
{
	size_t i, j;

	if (strcmp(c->moddir, "-") && index_dir(c, c->moddir, false) < 0)
		return -1;
	for (i = 0; c->opts->add && i < c->opts->nadd; i++) {
		if (bt_is_dir(c->opts->add[i])) {
			if (index_dir(c, c->opts->add[i], true) < 0)
				return -1;
		} else if (bt_is_file(c->opts->add[i])) {
			add_mod(c, c->opts->add[i], true);
		} else {
			return bt_error("%s: %s; give a module file or a directory of modules",
					c->opts->add[i], strerror(errno));
		}
	}
	if (!c->nmods)
		return bt_error("%s: no kernel modules (*.ko, *.ko.xz, *.ko.zst, *.ko.gz) found",
				mod_label(c));
	qsort(c->mods, c->nmods, sizeof(*c->mods), mod_cmp);
	/* Keep the first of each name. */
	for (i = 1, j = 1; i < c->nmods; i++) {
		if (!strcmp(c->mods[i].name, c->mods[j - 1].name)) {
			free(c->mods[i].name);
			free(c->mods[i].path);
			continue;
		}
		c->mods[j++] = c->mods[i];
	}
	c->nmods = j;
	return 0;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_builtin(struct ctx *c)
{
	char *path, *buf, *p, *nl, *eq, *dot;
	size_t len;

	const char *dir = c->opts->builtin_dir ? c->opts->builtin_dir :
			  c->moddir;

	if (!strcmp(dir, "-"))
		return;
	path = bt_path_join(dir, "modules.builtin");
	if (!bt_read_file(path, &buf, &len, 64 << 20, NULL)) {
		for (p = buf; *p; p = nl ? nl + 1 : p + strlen(p)) {
			nl = strchr(p, '\n');
			if (nl)
				*nl = 0;
			if (*p) {
				c->builtin = bt_realloc(c->builtin, (c->nbuiltin + 1) *
							sizeof(char *));
				c->builtin[c->nbuiltin++] =
					ki_modname_from_path(p);
			}
			if (!nl)
				break;
		}
		free(buf);
		qsort(c->builtin, c->nbuiltin, sizeof(char *), str_cmp);
	}
	free(path);

	/* "module.alias=pattern" strings, NUL-separated */
	path = bt_path_join(dir, "modules.builtin.modinfo");
	if (!bt_read_file(path, &buf, &len, 64 << 20, NULL)) {
		for (p = buf; p < buf + len; p += strlen(p) + 1) {
			dot = strchr(p, '.');
			eq = strchr(p, '=');
			if (!dot || !eq || dot > eq ||
			    strncmp(dot, ".alias=", 7))
				continue;
			c->balias = bt_realloc(c->balias,
					       (c->nbalias + 2) * sizeof(char *));
			c->balias[c->nbalias++] = bt_strdup(eq + 1);
			c->balias[c->nbalias++] = bt_strndup(p, dot - p);
		}
		free(buf);
	}
	free(path);
}

static bool is_builtin(struct ctx *c, const char *name)
{
	return c->nbuiltin && bsearch(&name, c->builtin, c->nbuiltin,
				      sizeof(char *), str_cmp);
}

static struct mod *find_mod(struct ctx *c, const char *name)
{
	size_t lo = 0, hi = c->nmods, mid;
	int r;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		r = strcmp(name, c->mods[mid].name);
		if (!r)
			return &c->mods[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Read m's .modinfo once; report: a failure fails the run. */
static int load_mod(struct ctx *c, struct mod *m, bool report)
{
	bool is_io;

	if (!m->loaded) {
		m->loaded = true;
		if (ki_modinfo_load(m->path, &m->mi, &is_io) < 0) {
			m->bad = true;
			m->io_error = is_io;
			snprintf(m->why, sizeof(m->why), "%s", ki_errmsg());
		}
	}
	if (m->bad && report) {
		bt_err("%s: %s", m->path, m->why);
		c->status = m->io_error ? BT_EXIT_USAGE : BT_EXIT_FAIL;
	}
	return m->bad ? -1 : 0;
}

static void add_skipped(struct ctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nskipped; i++)
		if (!strcmp(c->skipped[i], name))
			return;
	c->skipped = bt_realloc(c->skipped,
				(c->nskipped + 1) * sizeof(char *));
	c->skipped[c->nskipped++] = bt_strdup(name);
}

static int visit(struct ctx *c, struct mod *m, enum need_kind kind,
		 const char *by);

/* Modules whose alias= patterns match name; -1 when a builtin has it. */
static int by_alias(struct ctx *c, const char *name, struct mod ***out)
{
	size_t i, j, n = 0;
	struct mod **v = NULL;

	for (i = 0; i + 1 < c->nbalias; i += 2)
		if (!fnmatch(c->balias[i], name, 0)) {
			add_skipped(c, c->balias[i + 1]);
			return -1;
		}
	for (i = 0; i < c->nmods; i++) {
		if (load_mod(c, &c->mods[i], false) < 0)
			continue;
		for (j = 0; j < c->mods[i].mi.n; j++) {
			if (strcmp(c->mods[i].mi.key[j], "alias") ||
			    fnmatch(c->mods[i].mi.val[j], name, 0))
				continue;
			v = bt_realloc(v, (n + 1) * sizeof(*v));
			v[n++] = &c->mods[i];
			break;
		}
	}
	*out = v;
	return n;
}

static int need(struct ctx *c, const char *raw, enum need_kind kind,
		const char *by)
{
	struct mod *m, **prov = NULL;
	char *name = bt_strdup(raw);
	int n, i, ret = 0;

	ki_modname_normalize(name);
	if (is_builtin(c, name)) {
		add_skipped(c, name);
		goto out;
	}
	m = find_mod(c, name);
	if (m) {
		ret = visit(c, m, kind, by);
		goto out;
	}
	/* An alias (crypto-crc32c): kept as given, aliases may hold '-'. */
	n = by_alias(c, raw, &prov);
	if (n < 0)
		goto out;
	for (i = 0; i < n; i++)
		if (visit(c, prov[i], kind, by) < 0)
			ret = -1;
	if (n)
		goto out;
	if (kind == NEED_SOFTDEP) {
		bt_warn("%s: softdep %s of %s: no module file or alias provides it; skipped",
			mod_label(c), raw, by);
	} else if (kind == NEED_DEPENDS) {
		bt_err("%s: module %s (needed by %s) not found: no %s.ko* file and no module with that alias",
		       mod_label(c), raw, by, name);
		c->status = BT_EXIT_FAIL;
		ret = -1;
	} else {
		bt_err("%s: module %s not found: no %s.ko* file, not in modules.builtin, no module with that alias",
		       mod_label(c), raw, name);
		c->status = BT_EXIT_FAIL;
		ret = -1;
	}
out:
	free(prov);
	free(name);
	return ret;
}

/* softdep=pre: a b post: c; want "pre:" or "post:" names. */
static int softdeps(struct ctx *c, struct mod *m, const char *want)
{
	char *copy, *tok, *save;
	bool on = false;
	size_t i;
	int ret = 0;

	if (!c->opts->softdeps)
		return 0;
	for (i = 0; i < m->mi.n; i++) {
		if (strcmp(m->mi.key[i], "softdep"))
			continue;
		copy = bt_strdup(m->mi.val[i]);
		for (tok = strtok_r(copy, " \t", &save); tok;
		     tok = strtok_r(NULL, " \t", &save)) {
			if (!strcmp(tok, "pre:") || !strcmp(tok, "post:"))
				on = !strcmp(tok, want);
			else if (on && need(c, tok, NEED_SOFTDEP, m->name) < 0)
				ret = -1;
		}
		free(copy);
	}
	return ret;
}

static int visit(struct ctx *c, struct mod *m, enum need_kind kind,
		 const char *by)
{
	char *deps, *tok, *save;
	const char *d;
	int ret = 0;

	if (m->state == 2)
		return 0;
	if (m->state == 1) {
		if (kind == NEED_DEPENDS) {
			bt_err("%s: dependency cycle: %s depends on %s, which needs it",
			       mod_label(c), by, m->name);
			c->status = BT_EXIT_FAIL;
			return -1;
		}
		return 0;	/* softdep loops are legal */
	}
	if (load_mod(c, m, true) < 0)
		return -1;
	m->state = 1;
	m->kind = kind;
	if (softdeps(c, m, "pre:") < 0)
		ret = -1;
	d = ki_modinfo_get(&m->mi, "depends");
	if (d && *d) {
		deps = bt_strdup(d);
		for (tok = strtok_r(deps, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			if (need(c, tok, NEED_DEPENDS, m->name) < 0)
				ret = -1;
		free(deps);
	}
	c->order = bt_realloc(c->order, (c->norder + 1) * sizeof(*c->order));
	c->order[c->norder++] = m;
	m->state = 2;
	if (softdeps(c, m, "post:") < 0)
		ret = -1;
	return ret;
}

static void print_json(struct ctx *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *mods = json_object_new_array();
	struct json_object *skipped = json_object_new_array();
	struct json_object *m, *deps;
	char *dcopy, *tok, *save;
	const char *d;
	size_t i;

	bt_json_add_str(o, "moddir", c->moddir);
	for (i = 0; i < c->norder; i++) {
		m = json_object_new_object();
		bt_json_add_str(m, "name", c->order[i]->name);
		bt_json_add_str(m, "path", c->order[i]->path);
		bt_json_add_str(m, "reason", kind_names[c->order[i]->kind]);
		deps = json_object_new_array();
		d = ki_modinfo_get(&c->order[i]->mi, "depends");
		dcopy = bt_strdup(d ? d : "");
		for (tok = strtok_r(dcopy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save))
			json_object_array_add(deps, json_object_new_string(tok));
		free(dcopy);
		json_object_object_add(m, "depends", deps);
		json_object_array_add(mods, m);
	}
	json_object_object_add(o, "modules", mods);
	for (i = 0; i < c->nskipped; i++)
		json_object_array_add(skipped,
				      json_object_new_string(c->skipped[i]));
	json_object_object_add(o, "builtin", skipped);
	bt_json_fprint(stdout, o, true);
	json_object_put(o);
}

static void free_ctx(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->nmods; i++) {
		free(c->mods[i].name);
		free(c->mods[i].path);
		ki_modinfo_free(&c->mods[i].mi);
	}
	free(c->mods);
	for (i = 0; i < c->nbuiltin; i++)
		free(c->builtin[i]);
	free(c->builtin);
	for (i = 0; i < c->nbalias; i++)
		free(c->balias[i]);
	free(c->balias);
	for (i = 0; i < c->nskipped; i++)
		free(c->skipped[i]);
	free(c->skipped);
	free(c->order);
}

int ki_modules_closure(const char *moddir, char **names, int nnames,
		       const struct ki_closure_opts *opts)
{
	struct ctx c = { .moddir = moddir, .opts = opts };
	size_t i;
	int k;

	if (index_tree(&c) < 0) {
		free_ctx(&c);
		return BT_EXIT_USAGE;
	}
	load_builtin(&c);
	for (k = 0; k < nnames; k++)
		need(&c, names[k], NEED_REQUEST, NULL);
	if (!c.status) {
		if (opts->json) {
			print_json(&c);
		} else {
			for (i = 0; i < c.norder; i++)
				printf("%s\n", c.order[i]->path);
		}
		c.status = ki_flush_stdout();
	}
	free_ctx(&c);
	return c.status;
}

static const char *rel_path(const struct ctx *c, const char *path)
{
	size_t n = strlen(c->moddir);

	if (!strncmp(path, c->moddir, n))
		path += n;
	while (*path == '/')
		path++;
	return path;
}

static int write_out(const char *dir, const char *name, struct strbuf *sb)
{
	char *path = bt_path_join(dir, name);
	int ret = ki_write_file(path, sb->buf, sb->len);

	free(path);
	return ret;
}

int ki_depmod(const char *moddir, const char *outdir)
{
	struct ki_closure_opts opts = { .softdeps = false };
	struct ctx c = { .moddir = moddir, .opts = &opts };
	struct strbuf dep = STRBUF_INIT, alias = STRBUF_INIT;
	struct mod *m;
	size_t i, j;
	size_t k;

	if (!strcmp(moddir, "-") || index_tree(&c) < 0) {
		if (!strcmp(moddir, "-"))
			bt_err("depmod: needs a module directory");
		free_ctx(&c);
		return BT_EXIT_USAGE;
	}
	load_builtin(&c);
	for (i = 0; i < c.nmods; i++) {
		m = &c.mods[i];
		for (j = 0; j < c.nmods; j++)
			c.mods[j].state = 0;
		c.norder = 0;
		if (visit(&c, m, NEED_REQUEST, NULL) < 0)
			continue;
		sb_addf(&dep, "%s:", rel_path(&c, m->path));
		/* Dependencies in the order modprobe reads them: last first. */
		for (k = c.norder; k-- > 0;)
			if (c.order[k] != m)
				sb_addf(&dep, " %s", rel_path(&c, c.order[k]->path));
		sb_addch(&dep, '\n');
		for (j = 0; j < m->mi.n; j++)
			if (!strcmp(m->mi.key[j], "alias"))
				sb_addf(&alias, "alias %s %s\n", m->mi.val[j],
					m->name);
	}
	if (!c.status && (write_out(outdir, "modules.dep", &dep) < 0 ||
			  write_out(outdir, "modules.alias", &alias) < 0))
		c.status = BT_EXIT_USAGE;
	sb_release(&dep);
	sb_release(&alias);
	free_ctx(&c);
	return c.status;
}
