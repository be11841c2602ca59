// SPDX-License-Identifier: GPL-2.0
/*
 * kinspect: the .modinfo section of a kernel module.  It holds
 * NUL-separated "key=value" strings (MODULE_INFO, include/linux/module.h):
 * name, depends, vermagic, alias, license, softdep, ...  Modules may be
 * compressed (.ko.xz, .ko.zst, .ko.gz): recognised by magic, not by name.
 */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "kinspect.h"

static void add_field(struct ki_modinfo *mi, const char *k, size_t klen,
		      const char *v, size_t vlen)
{
	mi->key = bt_realloc(mi->key, (mi->n + 1) * sizeof(*mi->key));
	mi->val = bt_realloc(mi->val, (mi->n + 1) * sizeof(*mi->val));
	mi->key[mi->n] = bt_strndup(k, klen);
	mi->val[mi->n] = bt_strndup(v, vlen);
	mi->n++;
}

static void parse_strings(struct ki_modinfo *mi, const char *p, size_t len)
{
	const char *end = p + len, *e, *eq;

	while (p < end) {
		e = memchr(p, 0, end - p);
		if (!e)
			e = end;
		eq = memchr(p, '=', e - p);
		if (eq && eq > p)
			add_field(mi, p, eq - p, eq + 1, e - eq - 1);
		p = e + 1;
	}
}

/* .modinfo through libelf: from memory, or read lazily from a file. */
static int parse_elf(Elf *elf, struct ki_modinfo *mi)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	const char *name;
	GElf_Shdr sh;
	Elf_Data *d;

	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		ki_seterr("not an ELF file: not a kernel module");
		return -1;
	}
	if (elf_getshdrstrndx(elf, &shstrndx) < 0) {
		ki_seterr("no section name table: %s", elf_errmsg(-1));
		return -1;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".modinfo"))
			continue;
		d = elf_rawdata(scn, NULL);
		if (!d) {
			ki_seterr(".modinfo section unreadable (truncated file?): %s",
				  elf_errmsg(-1));
			return -1;
		}
		if (d->d_buf)
			parse_strings(mi, d->d_buf, d->d_size);
		return 0;
	}
	ki_seterr("no .modinfo section: not a kernel module");
	return -1;
}

int ki_modinfo_parse(uint8_t *buf, size_t len, struct ki_modinfo *mi)
{
	Elf *elf;
	int ret;

	memset(mi, 0, sizeof(*mi));
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)buf, len);
	ret = parse_elf(elf, mi);
	if (elf)
		elf_end(elf);
	if (ret)
		ki_modinfo_free(mi);
	return ret;
}

int ki_modinfo_buffer(uint8_t *buf, size_t len, size_t max,
		      struct ki_modinfo *mi)
{
	enum ki_comp c = ki_comp_detect(buf, len);
	size_t outlen;
	uint8_t *out;
	int ret;

	memset(mi, 0, sizeof(*mi));
	if (c == KI_COMP_NONE)
		return ki_modinfo_parse(buf, len, mi);
	if (ki_decompress(c, buf, len, max, 0, &out, &outlen) < 0)
		return -1;
	ret = ki_modinfo_parse(out, outlen, mi);
	free(out);
	return ret;
}

int ki_modinfo_load(const char *path, struct ki_modinfo *mi, bool *is_io)
{
	uint8_t magic[8] = { 0 }, *map;
	size_t len;
	enum ki_comp c;
	ssize_t n;
	Elf *elf;
	int fd, ret;

	memset(mi, 0, sizeof(*mi));
	fd = ki_open_file(path, &len, is_io);
	if (fd < 0)
		return -1;
	n = pread(fd, magic, sizeof(magic), 0);
	if (n < 0) {
		ki_seterr("read error: %s", strerror(errno));
		close(fd);
		return -1;
	}
	*is_io = false;
	c = ki_comp_detect(magic, n);
	if (c == KI_COMP_NONE) {
		/* Plain .ko: libelf reads only headers and .modinfo. */
		elf_version(EV_CURRENT);
		elf = elf_begin(fd, ELF_C_READ, NULL);
		ret = parse_elf(elf, mi);
		if (elf)
			elf_end(elf);
		close(fd);
		if (ret)
			ki_modinfo_free(mi);
		return ret;
	}
	close(fd);
	if (ki_map_file(path, &map, &len, is_io) < 0)
		return -1;
	ret = ki_modinfo_buffer(map, len, KI_MAX_OUT, mi);
	ki_unmap_file(map, len);
	return ret;
}

void ki_modinfo_free(struct ki_modinfo *mi)
{
	size_t i;

	for (i = 0; i < mi->n; i++) {
		free(mi->key[i]);
		free(mi->val[i]);
	}
	free(mi->key);
	free(mi->val);
	memset(mi, 0, sizeof(*mi));
}

const char *ki_modinfo_get(const struct ki_modinfo *mi, const char *key)
{
	size_t i;

	for (i = 0; i < mi->n; i++)
		if (!strcmp(mi->key[i], key))
			return mi->val[i];
	return NULL;
}

void ki_modname_normalize(char *name)
{
	for (; *name; name++)
		if (*name == '-')
			*name = '_';
}

char *ki_modname_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name, *dot;

	name = bt_strdup(base ? base + 1 : path);
	dot = strstr(name, ".ko");
	while (dot && dot[3] && dot[3] != '.')
		dot = strstr(dot + 1, ".ko");
	if (dot)
		*dot = 0;
	ki_modname_normalize(name);
	return name;
}

/* Is CONFIG_<sym>=y (or =m) set in a .config text? */
static bool config_set(const char *cfg, const char *sym)
{
	size_t n = strlen(sym);
	const char *p = cfg;

	while (p && *p) {
		if (!strncmp(p, "CONFIG_", 7) && !strncmp(p + 7, sym, n) &&
		    p[7 + n] == '=' && (p[8 + n] == 'y' || p[8 + n] == 'm'))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static bool config_known(const char *cfg, const char *sym)
{
	char *needle = bt_asprintf("CONFIG_%s", sym);
	const char *p = cfg;
	size_t n = strlen(needle);
	bool found = false;

	while ((p = strstr(p, needle))) {
		if (p[n] == '=' || p[n] == ' ') {
			found = true;
			break;
		}
		p += n;
	}
	free(needle);
	return found;
}

/*
 * VERMAGIC_STRING (include/linux/vermagic.h) from a kernel config: release,
 * "SMP ", "preempt " / "preempt_rt ", "mod_unload ", "modversions ", the
 * architecture's MODULE_ARCH_VERMAGIC.  The RANDSTRUCT seed hash is not in
 * the config: *randstruct says it is missing from the result.
 */
char *ki_vermagic_from_config(const char *cfg, const char *release,
			      const char *kernel_arch, bool *randstruct)
{
	const char *preempt = "", *arch = "";

	if (config_set(cfg, "PREEMPT_BUILD") ||
	    (!config_known(cfg, "PREEMPT_BUILD") && config_set(cfg, "PREEMPT")))
		preempt = "preempt ";
	else if (config_set(cfg, "PREEMPT_RT"))
		preempt = "preempt_rt ";
	if (kernel_arch && !strcmp(kernel_arch, "arm64"))
		arch = "aarch64";
	else if (kernel_arch && !strcmp(kernel_arch, "riscv"))
		arch = "riscv";
	*randstruct = config_set(cfg, "RANDSTRUCT_FULL") ||
		      config_set(cfg, "RANDSTRUCT_PERFORMANCE") ||
		      config_set(cfg, "GCC_PLUGIN_RANDSTRUCT");
	return bt_asprintf("%s %s%s%s%s%s", release,
			   config_set(cfg, "SMP") ? "SMP " : "", preempt,
			   config_set(cfg, "MODULE_UNLOAD") ? "mod_unload " : "",
			   config_set(cfg, "MODVERSIONS") ? "modversions " : "",
			   arch);
}

/*
 * Does a module's vermagic= match the kernel's?  Exact, as the module
 * loader wants it; with ignore_randstruct (the kernel's string came from a
 * config), a "RANDSTRUCT_..." word in the module's is not compared.
 */
bool ki_vermagic_match(const char *mod, const char *kernel,
		       bool ignore_randstruct)
{
	const char *r;
	size_t n;

	if (!strcmp(mod, kernel))
		return true;
	if (!ignore_randstruct)
		return false;
	r = strstr(mod, "RANDSTRUCT_");
	if (!r)
		return false;
	n = r - mod;
	return !strncmp(mod, kernel, n) && kernel[n] == 0 &&
	       !strpbrk(r, " ");
}
