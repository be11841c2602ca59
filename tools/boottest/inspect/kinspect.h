/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kinspect: facts about kernel images and modules.
 *
 * Every input is untrusted: a file a user points at.  The parsers take a
 * writable buffer (libelf may convert it in place), check every offset
 * against its length and cap what decompression may produce.  They do not
 * print: on failure they return -1 and leave a one-line reason in
 * ki_errmsg(); the CLI prefixes the object name.
 */
#ifndef BOOTTEST_KINSPECT_H
#define BOOTTEST_KINSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"

/* Cap on any decompressed kernel or module. */
#define KI_MAX_OUT	(512UL << 20)

/* file.c: reason of the last failure, input and output files. */
void ki_seterr(const char *fmt, ...) __printf(1, 2);
const char *ki_errmsg(void);

/*
 * Map a regular file privately and writably (copy-on-write).  Returns 0, or
 * -1 with the reason set; *is_io tells whether the cause is on the host side
 * (missing, unreadable, not a regular file) rather than the content.
 */
int ki_map_file(const char *path, uint8_t **buf, size_t *len, bool *is_io);
void ki_unmap_file(uint8_t *buf, size_t len);
/* Open a regular, non-empty file: returns the fd, or -1 as above. */
int ki_open_file(const char *path, size_t *len, bool *is_io);
/*
 * Write len bytes to path atomically (mode 0644).  This and the next one
 * are for the CLI: they print the error line themselves; returns -1.
 */
int ki_write_file(const char *path, const void *buf, size_t len);
/* Flush stdout: 0, or the error line and BT_EXIT_USAGE (exit status 2). */
int ki_flush_stdout(void);

/* decomp.c: formats by magic number, decompression. */
enum ki_comp {
	KI_COMP_NONE,
	KI_COMP_GZIP,
	KI_COMP_XZ,
	KI_COMP_LZMA,
	KI_COMP_ZSTD,
	KI_COMP_LZ4,
	KI_COMP_LZ4_LEGACY,
	KI_COMP_BZIP2,
	KI_COMP_LZO,
};

enum ki_comp ki_comp_detect(const uint8_t *p, size_t len);
const char *ki_comp_name(enum ki_comp c);
/*
 * Decompress the first stream at p[0..len) into a new buffer (*out, with a
 * NUL after *outlen bytes).  Data after the end of the stream is ignored.
 * hint: expected output size or 0.  Fails beyond max output bytes.
 */
int ki_decompress(enum ki_comp c, const uint8_t *p, size_t len, size_t max,
		  size_t hint, uint8_t **out, size_t *outlen);

/* image.c: kernel images. */
struct ki_image {
	const char *format;		/* bzImage, vmlinux, Image, ... */
	char format_buf[32];
	enum ki_comp comp;
	const char *arch;		/* uname -m style: x86_64, arm64 */
	const char *kernel_arch;	/* ARCH= of the kernel tree */
	const char *qemu_arch;		/* qemu-system-ARCH */
	char *release;
	char *banner;
	char *build_id;			/* hex */
	char *setup_version;		/* bzImage header kernel_version */
	bool pvh;
	uint64_t pvh_entry;
	bool ikconfig;
	unsigned int boot_protocol;	/* bzImage: 0x20f = 2.15 */
	uint64_t payload_offset;	/* bzImage/zboot: file offset */
	uint64_t payload_length;

	/* The kernel proper: an ELF, or a raw Image. */
	uint8_t *body;
	size_t body_len;
	bool body_owned;
	bool body_is_elf;
	size_t elf_len;			/* extent of the ELF inside body */
	const uint8_t *ikcfg;		/* gzip data after IKCFG_ST */
	size_t ikcfg_len;
};

/* Identify data[0..len); data must stay valid while ki is used. */
int ki_inspect(struct ki_image *ki, uint8_t *data, size_t len, size_t max);
void ki_image_free(struct ki_image *ki);
/* The IKCONFIG text (new NUL-terminated buffer). */
int ki_config_text(const struct ki_image *ki, char **text, size_t *len);
/* Search raw bytes for the banner / a GNU build-id note (no ELF headers). */
void ki_scan_banner(struct ki_image *ki, const uint8_t *p, size_t len);
void ki_scan_build_id(struct ki_image *ki, const uint8_t *p, size_t len);

/* elf.c: facts from an ELF kernel (ki->body). */
int ki_elf_facts(struct ki_image *ki);
/* Build id of an ELF file on disk (e.g. OBJTREE/vmlinux), or NULL. */
char *ki_elf_file_build_id(const char *path);
/* A NUL-terminated data symbol (e.g. "vermagic") of an ELF file in memory. */
char *ki_elf_symbol_string(uint8_t *body, size_t len, const char *name);
void ki_set_arch(struct ki_image *ki, unsigned int machine, int elfclass,
		 int elfdata);

/* mod.c: .modinfo of a module. */
struct ki_modinfo {
	char **key;
	char **val;
	size_t n;
};

/* Parse a (decompressed) .ko in buf; fills mi with copies. */
int ki_modinfo_parse(uint8_t *buf, size_t len, struct ki_modinfo *mi);
/* A module file's contents, compressed or not (at most max unpacked). */
int ki_modinfo_buffer(uint8_t *buf, size_t len, size_t max,
		      struct ki_modinfo *mi);
/* Read path (.ko, .ko.xz, .ko.zst, .ko.gz) and parse it. */
int ki_modinfo_load(const char *path, struct ki_modinfo *mi, bool *is_io);
void ki_modinfo_free(struct ki_modinfo *mi);
const char *ki_modinfo_get(const struct ki_modinfo *mi, const char *key);
/* Module name from a file name: basename, no .ko*, '-' -> '_'. */
char *ki_modname_from_path(const char *path);
void ki_modname_normalize(char *name);
/* The kernel's vermagic from its .config text (see mod.c). */
char *ki_vermagic_from_config(const char *cfg, const char *release,
			      const char *kernel_arch, bool *randstruct);
bool ki_vermagic_match(const char *mod, const char *kernel,
		       bool ignore_randstruct);

/* deps.c: the depends= closure under a module directory. */
struct ki_closure_opts {
	bool softdeps;		/* follow softdep= pre:/post: too */
	bool json;
	char **add;		/* more module files or directories */
	size_t nadd;
	const char *builtin_dir;	/* modules.builtin here, not in moddir */
};

/* moddir "-": none (only opts->add). */
int ki_modules_closure(const char *moddir, char **names, int nnames,
		       const struct ki_closure_opts *opts);
/* Write outdir/modules.dep and outdir/modules.alias for moddir. */
int ki_depmod(const char *moddir, const char *outdir);

#endif
