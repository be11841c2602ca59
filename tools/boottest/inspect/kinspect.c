// SPDX-License-Identifier: GPL-2.0
/*
 * kinspect: facts about a kernel image and its modules, for make targets.
 *
 *   kinspect [--json] [--tree OBJTREE] KERNEL
 *   kinspect --get FIELD [--tree OBJTREE] KERNEL
 *   kinspect --make-vars KERNEL
 *   kinspect --vmlinux OUT KERNEL
 *   kinspect --image OUT KERNEL
 *   kinspect --config KERNEL
 *   kinspect modinfo [--json] [--field KEY] KO...
 *   kinspect modules [--json] [--no-softdeps] [--add PATH]... [--builtin DIR]
 *                    MODDIR NAME...
 *   kinspect depmod [-o OUTDIR] MODDIR
 *   kinspect vermagic [--config FILE] [--moddir DIR] [--fix TEXT] KERNEL [KO...]
 *
 * Exit status: 0 success (with --tree: the image is the tree's); 1 the input
 * was read but is not what was asked for (not a kernel, truncated, corrupt,
 * no IKCONFIG, image not from the tree, module missing); 2 usage, or an
 * input that cannot be read (missing, a directory, unreadable).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "kinspect.h"
#include "path.h"
#include "strbuf.h"

static const char usage_text[] =
"Usage: kinspect [--json] [--tree OBJTREE] KERNEL\n"
"       kinspect --get FIELD [--tree OBJTREE] KERNEL\n"
"       kinspect --make-vars KERNEL\n"
"       kinspect --vmlinux OUT KERNEL\n"
"       kinspect --image OUT KERNEL\n"
"       kinspect --config KERNEL\n"
"       kinspect modinfo [--json] [-F|--field KEY] KO...\n"
"       kinspect modules [--json] [--no-softdeps] [--add PATH]... [--builtin DIR]\n"
"                        MODDIR NAME...\n"
"       kinspect depmod [-o OUTDIR] MODDIR\n"
"       kinspect vermagic [--config FILE] [--moddir DIR] [--fix TEXT] KERNEL [KO...]\n"
"\n"
"KERNEL: bzImage, vmlinux (ELF), vmlinux.{gz,xz,lzma,zst,lz4,bz2}, arm64 or\n"
"riscv Image[.gz...], EFI zboot vmlinuz.  Compressions: gzip, xz, lzma,\n"
"zstd, lz4 (frame and legacy -l), bzip2.\n"
"\n"
"  --json            JSON output\n"
"  --tree OBJTREE    also tell whether KERNEL is what OBJTREE just built\n"
"                    (release and build id against OBJTREE/vmlinux and\n"
"                    OBJTREE/include/config/kernel.release); exit 1 if not\n"
"  --get FIELD       print one field (format, compression, arch, kernel_arch,\n"
"                    qemu_arch, release, banner, build_id, pvh, pvh_entry,\n"
"                    ikconfig, ...; tree.match with --tree); exit 1 if unset,\n"
"                    2 if no such field\n"
"  --make-vars       the facts Makefile.boot reads, as make variables: bt-k-arch,\n"
"                    bt-k-release, bt-k-format, bt-k-pvh, bt-k-ikconfig (y or\n"
"                    empty), bt-k-id (RELEASE-BUILDID12: the kernel's cache\n"
"                    directory, empty without a release or build id)\n"
"  --vmlinux OUT     write the ELF vmlinux inside KERNEL to OUT (atomically)\n"
"  --image OUT       write the arm64/riscv Image inside an EFI zboot or\n"
"                    compressed KERNEL to OUT, uncompressed (atomically)\n"
"  --config          print the embedded config (CONFIG_IKCONFIG)\n"
"  modinfo           the .modinfo of modules (.ko, .ko.xz, .ko.zst, .ko.gz)\n"
"    -F, --field KEY one key's values, one per line\n"
"  modules           the modules to load for NAME..., dependencies first, as\n"
"                    paths under MODDIR (depends= and softdep= closure)\n"
"    --no-softdeps   follow depends= only\n"
"    --add PATH      also index PATH (a module file or a directory of them);\n"
"                    its modules win over MODDIR's; MODDIR '-': none\n"
"    --builtin DIR   read modules.builtin{,.modinfo} (modules in the kernel\n"
"                    already) from DIR, not from MODDIR\n"
"  depmod            write OUTDIR/modules.dep and modules.alias (default\n"
"                    OUTDIR: MODDIR) for the modules under MODDIR, from their\n"
"                    depends= and alias= (what busybox modprobe reads)\n"
"    -o, --output OUTDIR  where to write them\n"
"  vermagic          the vermagic string modules must carry to load into\n"
"                    KERNEL: its 'vermagic' symbol (unstripped vmlinux), else\n"
"                    a module of --moddir of the same release, else composed\n"
"                    from --config (release, SMP, preempt, mod_unload,\n"
"                    modversions, arch).  With KO...: check each module's\n"
"                    vermagic= against it; exit 1 on a mismatch\n"
"    --config FILE   the kernel's .config\n"
"    --moddir DIR    the kernel's modules (/lib/modules/RELEASE)\n"
"    --fix TEXT      the remedy printed after a mismatch\n"
"\n"
"Examples:\n"
"  kinspect --json arch/x86/boot/bzImage\n"
"  kinspect --tree . --get tree.match arch/x86/boot/bzImage\n"
"  kinspect --vmlinux /tmp/vmlinux /boot/vmlinuz-$(uname -r)\n"
"  kinspect --image /tmp/Image arch/arm64/boot/vmlinuz.efi\n"
"  kinspect modinfo --field depends hello.ko\n"
"  kinspect modules /lib/modules/$(uname -r) virtio_blk ext4\n"
"  kinspect vermagic --config .config vmlinux ../mod/hello.ko\n"
"\n"
"Environment: none (-h, --help: this text).\n"
"\n"
"Exit: 0 ok; 1 not a kernel/module, corrupt, not the tree's image, missing\n"
"module, vermagic mismatch; 2 usage or unreadable input.\n";

static __noreturn void usage(int status)
{
	if (status)
		fprintf(stderr, "%s", usage_text);
	else
		printf("%s", usage_text);
	exit(status);
}

/*
 * getopt_long for every subcommand (opterr is off, optstring starts with
 * ':'): -h/--help prints the usage and exits 0; a bad option is one error
 * line and exit 2.  Returns the next other option, or -1.
 */
static int sub_getopt_long(int argc, char **argv, const char *optstring,
			   const struct option *opts)
{
	int c = getopt_long(argc, argv, optstring, opts, NULL);

	if (c == 'h')
		usage(0);
	if (c == ':') {
		bt_err("option %s needs an argument; see --help",
		       argv[optind - 1]);
		exit(BT_EXIT_USAGE);
	}
	if (c == '?') {
		bt_err("unrecognized option '%s'; see --help",
		       argv[optind - 1]);
		exit(BT_EXIT_USAGE);
	}
	return c;
}

/* Map and inspect path; on failure print and return the exit status. */
static int load_kernel(const char *path, struct ki_image *ki, uint8_t **map,
		       size_t *len)
{
	bool is_io;

	if (ki_map_file(path, map, len, &is_io) < 0) {
		bt_err("%s: %s", path, ki_errmsg());
		return is_io ? BT_EXIT_USAGE : BT_EXIT_FAIL;
	}
	if (ki_inspect(ki, *map, *len, KI_MAX_OUT) < 0) {
		bt_err("%s: %s", path, ki_errmsg());
		ki_image_free(ki);
		ki_unmap_file(*map, *len);
		return BT_EXIT_FAIL;
	}
	return 0;
}

static char *read_release(const char *objtree)
{
	char *path = bt_path_join(objtree, "include/config/kernel.release");
	char *buf = NULL;
	size_t len;

	if (bt_read_file(path, &buf, &len, 4096, NULL) < 0) {
		bt_err("%s: cannot read: %s; build the tree first (make)", path,
		       strerror(errno));
		free(path);
		return NULL;
	}
	free(path);
	buf[strcspn(buf, "\r\n")] = 0;
	return buf;
}

/* The "tree" object; *match tells the verdict.  NULL: the tree is unusable. */
static struct json_object *tree_facts(const struct ki_image *ki,
				      const char *objtree, bool *match)
{
	char *release, *vmlinux, *bid, *reason;
	struct json_object *t;

	release = read_release(objtree);
	if (!release)
		return NULL;
	vmlinux = bt_path_join(objtree, "vmlinux");
	bid = ki_elf_file_build_id(vmlinux);
	t = json_object_new_object();
	bt_json_add_str(t, "objtree", objtree);
	bt_json_add_str(t, "release", release);
	bt_json_add_str(t, "build_id", bid);
	if (strcmp(release, ki->release)) {
		*match = false;
		reason = bt_asprintf("release %s differs from the tree's %s",
				     ki->release, release);
	} else if (bid && ki->build_id && strcmp(bid, ki->build_id)) {
		*match = false;
		reason = bt_asprintf("build id %s differs from %s's %s: another build of the same release",
				     ki->build_id, vmlinux, bid);
	} else if (bid && ki->build_id) {
		*match = true;
		reason = bt_strdup("release and build id match");
	} else {
		*match = true;
		reason = bt_asprintf("release matches; build id not compared (%s)",
				     bid ? "the image has none" : ki_errmsg());
	}
	bt_json_add_bool(t, "match", *match);
	bt_json_add_str(t, "reason", reason);
	free(reason);
	free(bid);
	free(vmlinux);
	free(release);
	return t;
}

static struct json_object *image_json(const char *path,
				      const struct ki_image *ki)
{
	struct json_object *o = json_object_new_object();
	char buf[32];

	bt_json_add_str(o, "file", path);
	bt_json_add_str(o, "format", ki->format);
	bt_json_add_str(o, "compression", ki_comp_name(ki->comp));
	bt_json_add_str(o, "arch", ki->arch);
	bt_json_add_str(o, "kernel_arch", ki->kernel_arch);
	bt_json_add_str(o, "qemu_arch", ki->qemu_arch);
	bt_json_add_str(o, "release", ki->release);
	bt_json_add_str(o, "banner", ki->banner);
	bt_json_add_str(o, "build_id", ki->build_id);
	bt_json_add_bool(o, "pvh", ki->pvh);
	if (ki->pvh) {
		snprintf(buf, sizeof(buf), "0x%llx",
			 (unsigned long long)ki->pvh_entry);
		bt_json_add_str(o, "pvh_entry", buf);
	} else {
		bt_json_add_str(o, "pvh_entry", NULL);
	}
	bt_json_add_bool(o, "ikconfig", ki->ikconfig);
	bt_json_add_bool(o, "elf", ki->body_is_elf);
	if (ki->body_is_elf)
		bt_json_add_int(o, "vmlinux_size", ki->elf_len);
	else
		bt_json_add_str(o, "vmlinux_size", NULL);
	if (!strcmp(ki->format, "bzImage")) {
		snprintf(buf, sizeof(buf), "%u.%02u", ki->boot_protocol >> 8,
			 ki->boot_protocol & 0xff);
		bt_json_add_str(o, "boot_protocol", buf);
		bt_json_add_str(o, "setup_version", ki->setup_version);
	}
	if (ki->payload_length) {
		bt_json_add_int(o, "payload_offset", ki->payload_offset);
		bt_json_add_int(o, "payload_length", ki->payload_length);
	}
	return o;
}

static const char *value_text(struct json_object *v)
{
	if (!v)
		return "";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string(v);
}

static void print_text(struct json_object *o, const char *prefix)
{
	json_object_object_foreach(o, key, val) {
		if (json_object_is_type(val, json_type_object)) {
			print_text(val, key);
			continue;
		}
		if (prefix)
			printf("%s.", prefix);
		printf("%s: %s\n", key, value_text(val));
	}
}

/* The keys of o (and of its objects, as a.b), comma-separated. */
static void add_keys(struct strbuf *sb, struct json_object *o,
		     const char *prefix)
{
	json_object_object_foreach(o, key, val) {
		if (json_object_is_type(val, json_type_object)) {
			add_keys(sb, val, key);
			continue;
		}
		sb_addf(sb, "%s%s%s%s", sb->len ? ", " : "",
			prefix ? prefix : "", prefix ? "." : "", key);
	}
}

/*
 * Print one field: 0; 1 (and why) when this kernel has no value for it;
 * 2 for a name that is no field (the fields are listed).
 */
static int get_field(struct json_object *o, const char *field,
		     const char *path)
{
	struct json_object *v = NULL, *sub = o;
	const char *dot = strchr(field, '.');
	struct strbuf sb = STRBUF_INIT;
	bool known;
	char *head;

	if (dot) {
		head = bt_strndup(field, dot - field);
		known = json_object_object_get_ex(o, head, &sub) && sub &&
			json_object_is_type(sub, json_type_object) &&
			json_object_object_get_ex(sub, dot + 1, &v);
		free(head);
	} else {
		known = json_object_object_get_ex(o, field, &v);
	}
	if (!known) {
		add_keys(&sb, o, NULL);
		bt_err("--get %s: no such field for this kernel; its fields: %s", field,
		       sb_str(&sb));
		sb_release(&sb);
		return BT_EXIT_USAGE;
	}
	if (!v) {
		bt_err("%s: %s: not set for this kernel", path, field);
		return BT_EXIT_FAIL;
	}
	printf("%s\n", value_text(v));
	return 0;
}

/* Only plain tokens reach make: anything else is printed as empty. */
static void make_var(const char *name, const char *value)
{
	const char *p;

	for (p = value ? value : ""; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
			value = NULL;
	printf("bt-k-%s := %s\n", name, value ? value : "");
}

/*
 * --make-vars: the kernel's facts for Makefile.boot.  bt-k-id names the
 * kernel's cache directory: its release and the first 12 hex digits of its
 * build id (as git abbreviates), so that a rebuilt kernel gets a new one.
 */
static int print_make_vars(const char *path, const struct ki_image *ki)
{
	char *id = NULL;

	if (ki->release && ki->build_id && strlen(ki->build_id) >= 12)
		id = bt_asprintf("%s-%.12s", ki->release, ki->build_id);
	printf("# kinspect --make-vars %s\n", path);
	make_var("arch", ki->arch);
	make_var("release", ki->release);
	make_var("format", ki->format);
	make_var("pvh", ki->pvh ? "y" : NULL);
	make_var("ikconfig", ki->ikconfig ? "y" : NULL);
	make_var("id", id);
	free(id);
	return ki_flush_stdout();
}

static int write_vmlinux(const char *out, const char *path,
			 const struct ki_image *ki, const uint8_t *map,
			 size_t len)
{
	const uint8_t *p;
	size_t n;

	if (!ki->body_is_elf) {
		bt_err("%s: %s image holds no ELF vmlinux; boot it as it is",
		       path, ki->format);
		return BT_EXIT_FAIL;
	}
	/* An ELF input is copied as it is; an extracted one is trimmed. */
	p = ki->body_owned ? ki->body : map;
	n = ki->body_owned ? ki->elf_len : len;
	return ki_write_file(out, p, n) < 0 ? BT_EXIT_USAGE : 0;
}

/* The raw Image (arm64, riscv) of an Image, Image.gz..., or EFI zboot. */
static int write_image(const char *out, const char *path,
		       const struct ki_image *ki)
{
	if (!ki->body || ki->body_is_elf) {
		bt_err("%s: %s image holds no arm64/riscv Image%s", path,
		       ki->format, ki->body_is_elf ? "; try --vmlinux" : "");
		return BT_EXIT_FAIL;
	}
	return ki_write_file(out, ki->body, ki->body_len) < 0 ? BT_EXIT_USAGE : 0;
}

static int print_config(const char *path, const struct ki_image *ki)
{
	char *text;
	size_t len;

	if (!ki->ikconfig) {
		bt_err("%s: no embedded config (IKCONFIG): build the kernel with CONFIG_IKCONFIG=y, or use the tree's .config",
		       path);
		return BT_EXIT_FAIL;
	}
	if (ki_config_text(ki, &text, &len) < 0) {
		bt_err("%s: embedded config: %s", path, ki_errmsg());
		return BT_EXIT_FAIL;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return ki_flush_stdout();
}

static int cmd_image(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "tree", required_argument, NULL, 't' },
		{ "get", required_argument, NULL, 'g' },
		{ "make-vars", no_argument, NULL, 'm' },
		{ "vmlinux", required_argument, NULL, 'x' },
		{ "image", required_argument, NULL, 'i' },
		{ "config", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *tree = NULL, *get = NULL, *vmlinux = NULL, *image = NULL;
	const char *path;
	bool json = false, config = false, make_vars = false, match = true;
	struct json_object *o, *t;
	struct ki_image ki;
	uint8_t *map;
	size_t len;
	int c, ret;

	while ((c = sub_getopt_long(argc, argv, ":h", opts)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 't':
			tree = optarg;
			break;
		case 'g':
			get = optarg;
			break;
		case 'm':
			make_vars = true;
			break;
		case 'x':
			vmlinux = optarg;
			break;
		case 'i':
			image = optarg;
			break;
		case 'c':
			config = true;
			break;
		}
	}
	if (optind != argc - 1) {
		bt_err("expected one KERNEL argument; see --help");
		return BT_EXIT_USAGE;
	}
	if ((vmlinux || config) && (tree || get || json || (vmlinux && config))) {
		bt_err("--vmlinux and --config take no other option");
		return BT_EXIT_USAGE;
	}
	if (image && (tree || get || json || vmlinux || config)) {
		bt_err("--image takes no other option");
		return BT_EXIT_USAGE;
	}
	if (make_vars && (tree || get || json || vmlinux || config || image)) {
		bt_err("--make-vars takes no other option");
		return BT_EXIT_USAGE;
	}
	path = argv[optind];
	ret = load_kernel(path, &ki, &map, &len);
	if (ret)
		return ret;
	if (vmlinux) {
		ret = write_vmlinux(vmlinux, path, &ki, map, len);
	} else if (image) {
		ret = write_image(image, path, &ki);
	} else if (config) {
		ret = print_config(path, &ki);
	} else if (make_vars) {
		ret = print_make_vars(path, &ki);
	} else {
		o = image_json(path, &ki);
		if (tree) {
			t = tree_facts(&ki, tree, &match);
			if (!t) {
				json_object_put(o);
				ret = BT_EXIT_USAGE;
				goto out;
			}
			json_object_object_add(o, "tree", t);
		}
		if (get)
			ret = get_field(o, get, path);
		else if (json)
			bt_json_fprint(stdout, o, true);
		else
			print_text(o, NULL);
		json_object_put(o);
		if (!ret)
			ret = ki_flush_stdout();
		if (!ret && !match)
			ret = BT_EXIT_FAIL;
	}
out:
	ki_image_free(&ki);
	ki_unmap_file(map, len);
	return ret;
}

static bool multi_key(const char *key)
{
	static const char *const keys[] = { "alias", "firmware", "parm",
					    "parmtype", "softdep", "import_ns" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

static struct json_object *modinfo_json(const char *path,
					const struct ki_modinfo *mi)
{
	struct json_object *o = json_object_new_object(), *v, *arr;
	char *name, *deps, *tok, *save;
	size_t i;

	bt_json_add_str(o, "file", path);
	if (!ki_modinfo_get(mi, "name")) {
		name = ki_modname_from_path(path);
		bt_json_add_str(o, "name", name);
		free(name);
	}
	arr = json_object_new_array();
	deps = bt_strdup(ki_modinfo_get(mi, "depends") ?: "");
	for (tok = strtok_r(deps, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		json_object_array_add(arr, json_object_new_string(tok));
	free(deps);
	json_object_object_add(o, "depends", arr);
	for (i = 0; i < mi->n; i++) {
		if (!strcmp(mi->key[i], "depends") || !strcmp(mi->key[i], "file"))
			continue;
		if (json_object_object_get_ex(o, mi->key[i], &v)) {
			if (!json_object_is_type(v, json_type_array)) {
				arr = json_object_new_array();
				json_object_array_add(arr, json_object_get(v));
				json_object_object_add(o, mi->key[i], arr);
				v = arr;
			}
			json_object_array_add(v, json_object_new_string(mi->val[i]));
		} else if (multi_key(mi->key[i])) {
			arr = json_object_new_array();
			json_object_array_add(arr, json_object_new_string(mi->val[i]));
			json_object_object_add(o, mi->key[i], arr);
		} else {
			bt_json_add_str(o, mi->key[i], mi->val[i]);
		}
	}
	for (i = 0; i < 3; i++) {
		static const char *const always[] = { "alias", "softdep",
						      "firmware" };

		if (!json_object_object_get_ex(o, always[i], NULL))
			json_object_object_add(o, always[i],
					       json_object_new_array());
	}
	return o;
}

static void modinfo_text(const char *path, const struct ki_modinfo *mi)
{
	size_t i;

	printf("%-16s%s\n", "filename:", path);
	for (i = 0; i < mi->n; i++) {
		int pad = 15 - (int)strlen(mi->key[i]);

		printf("%s:%*s%s\n", mi->key[i], pad > 0 ? pad : 1, "",
		       mi->val[i]);
	}
}

static int cmd_modinfo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "field", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct json_object *all = NULL;
	const char *field = NULL;
	struct ki_modinfo mi;
	bool json = false, is_io;
	int c, i, status = 0;
	size_t k;

	while ((c = sub_getopt_long(argc, argv, ":F:h", opts)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'F':
			field = optarg;
			break;
		}
	}
	if (optind >= argc) {
		bt_err("modinfo: expected one or more module files; see --help");
		return BT_EXIT_USAGE;
	}
	if (json && field) {
		bt_err("modinfo: --json and --field exclude each other");
		return BT_EXIT_USAGE;
	}
	if (json)
		all = json_object_new_array();
	for (i = optind; i < argc; i++) {
		if (ki_modinfo_load(argv[i], &mi, &is_io) < 0) {
			bt_err("%s: %s", argv[i], ki_errmsg());
			if (status != BT_EXIT_USAGE)
				status = is_io ? BT_EXIT_USAGE : BT_EXIT_FAIL;
			continue;
		}
		if (json) {
			json_object_array_add(all, modinfo_json(argv[i], &mi));
		} else if (field) {
			for (k = 0; k < mi.n; k++)
				if (!strcmp(mi.key[k], field))
					printf("%s\n", mi.val[k]);
		} else {
			modinfo_text(argv[i], &mi);
		}
		ki_modinfo_free(&mi);
	}
	if (json) {
		bt_json_fprint(stdout, all, true);
		json_object_put(all);
	}
	c = ki_flush_stdout();
	return status ? status : c;
}

static int cmd_modules(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "no-softdeps", no_argument, NULL, 'S' },
		{ "add", required_argument, NULL, 'a' },
		{ "builtin", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct ki_closure_opts o = { .softdeps = true };
	int c, ret;

	while ((c = sub_getopt_long(argc, argv, ":h", opts)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'S':
			o.softdeps = false;
			break;
		case 'a':
			o.add = bt_realloc(o.add, (o.nadd + 1) * sizeof(char *));
			o.add[o.nadd++] = optarg;
			break;
		case 'b':
			o.builtin_dir = optarg;
			break;
		}
	}
	if (argc - optind < 2) {
		bt_err("modules: expected MODDIR and one or more module names; see --help");
		return BT_EXIT_USAGE;
	}
	ret = ki_modules_closure(argv[optind], argv + optind + 1,
				 argc - optind - 1, &o);
	free(o.add);
	return ret;
}

static int cmd_depmod(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = NULL;
	int c;

	while ((c = sub_getopt_long(argc, argv, ":o:h", opts)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		}
	}
	if (argc - optind != 1) {
		bt_err("depmod: expected one MODDIR; see --help");
		return BT_EXIT_USAGE;
	}
	return ki_depmod(argv[optind], out ? out : argv[optind]);
}

/* The vermagic of a module of moddir's modules.order with this release. */
static char *vermagic_from_moddir(const char *moddir, const char *release)
{
	static const char *const sfx[] = { "", ".xz", ".zst", ".gz" };
	char *order = bt_path_join(moddir, "modules.order");
	char *buf = NULL, *line, *save, *path, *ret = NULL;
	struct ki_modinfo mi;
	const char *v;
	size_t len, i, n = strlen(release);
	int tries = 0;
	bool is_io;

	if (bt_read_file(order, &buf, &len, 16 << 20, NULL) < 0) {
		free(order);
		return NULL;
	}
	for (line = strtok_r(buf, "\n", &save); line && !ret && tries < 16;
	     line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < ARRAY_SIZE(sfx) && !ret; i++) {
			path = bt_asprintf("%s/%s%s", moddir, line, sfx[i]);
			if (!bt_is_file(path)) {
				free(path);
				continue;
			}
			tries++;
			if (!ki_modinfo_load(path, &mi, &is_io)) {
				v = ki_modinfo_get(&mi, "vermagic");
				if (v && !strncmp(v, release, n) && v[n] == ' ')
					ret = bt_strdup(v);
				ki_modinfo_free(&mi);
			}
			free(path);
			break;
		}
	}
	free(buf);
	free(order);
	return ret;
}

static char *vermagic_from_config(const char *config, const struct ki_image *ki,
				  bool *randstruct)
{
	char *buf = NULL, *ret;
	size_t len;

	if (bt_read_file(config, &buf, &len, 64 << 20, NULL) < 0) {
		bt_err("%s: cannot read: %s", config, strerror(errno));
		return NULL;
	}
	ret = ki_vermagic_from_config(buf, ki->release, ki->kernel_arch,
				      randstruct);
	free(buf);
	return ret;
}

static int check_vermagic(const char *ko, const char *kernel, const char *want,
			  const char *source, bool randstruct, const char *fix)
{
	struct ki_modinfo mi;
	const char *v;
	bool is_io;
	int ret = 0;

	if (ki_modinfo_load(ko, &mi, &is_io) < 0) {
		bt_err("%s: %s", ko, ki_errmsg());
		return is_io ? BT_EXIT_USAGE : BT_EXIT_FAIL;
	}
	v = ki_modinfo_get(&mi, "vermagic");
	if (!v) {
		bt_err("%s: no vermagic= in .modinfo (not built by kbuild?); %s",
		       ko, fix);
		ret = BT_EXIT_FAIL;
	} else if (!ki_vermagic_match(v, want, randstruct)) {
		bt_err("%s: vermagic '%s' does not match the kernel's '%s' (%s, %s); %s",
		       ko, v, want, kernel, source, fix);
		ret = BT_EXIT_FAIL;
	}
	ki_modinfo_free(&mi);
	return ret;
}

static int cmd_vermagic(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "moddir", required_argument, NULL, 'm' },
		{ "fix", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config = NULL, *moddir = NULL, *path, *source = NULL;
	const char *fix = "rebuild the module against the kernel being booted (make -C KERNEL_BUILD_DIR M=$PWD modules)";
	char *want = NULL, *src = NULL;
	bool randstruct = false;
	struct ki_image ki;
	uint8_t *map;
	size_t len, n;
	int c, i, ret, r;

	while ((c = sub_getopt_long(argc, argv, ":h", opts)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'm':
			moddir = optarg;
			break;
		case 'f':
			fix = optarg;
			break;
		}
	}
	if (optind >= argc) {
		bt_err("vermagic: expected KERNEL [KO...]; see --help");
		return BT_EXIT_USAGE;
	}
	path = argv[optind];
	ret = load_kernel(path, &ki, &map, &len);
	if (ret)
		return ret;
	if (!ki.release) {
		bt_err("%s: no kernel release (linux_banner) found", path);
		ret = BT_EXIT_FAIL;
		goto out;
	}
	n = strlen(ki.release);
	if (ki.body_is_elf) {
		want = ki_elf_symbol_string(ki.body, ki.elf_len ? ki.elf_len :
					    ki.body_len, "vermagic");
		if (want && (strncmp(want, ki.release, n) || want[n] != ' ')) {
			free(want);
			want = NULL;
		}
		source = "its vermagic symbol";
	}
	if (!want && moddir) {
		want = vermagic_from_moddir(moddir, ki.release);
		src = bt_asprintf("the modules in %s", moddir);
		source = src;
	}
	if (!want && config) {
		want = vermagic_from_config(config, &ki, &randstruct);
		if (!want) {
			ret = BT_EXIT_USAGE;
			goto out;
		}
		free(src);
		src = bt_asprintf("composed from %s", config);
		source = src;
	}
	if (!want) {
		bt_err("%s: cannot tell the kernel's vermagic: no symbol table, no module of release %s%s; give its .config with --config",
		       path, ki.release, moddir ? " in --moddir" : "");
		ret = BT_EXIT_FAIL;
		goto out;
	}
	if (optind == argc - 1) {
		printf("%s\n", want);
		ret = ki_flush_stdout();
		goto out;
	}
	for (i = optind + 1; i < argc; i++) {
		r = check_vermagic(argv[i], path, want, source, randstruct, fix);
		if (r > ret)
			ret = r;
	}
out:
	free(want);
	free(src);
	ki_image_free(&ki);
	ki_unmap_file(map, len);
	return ret;
}

/* The subcommands; without one, the options are about a kernel image. */
static const struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
} cmds[] = {
	{ "modinfo", cmd_modinfo },
	{ "modules", cmd_modules },
	{ "depmod", cmd_depmod },
	{ "vermagic", cmd_vermagic },
};

int main(int argc, char **argv)
{
	size_t i;

	bt_set_prog(argv[0]);
	opterr = 0;
	for (i = 0; argc > 1 && i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].run(argc - 1, argv + 1);
	return cmd_image(argc, argv);
}
