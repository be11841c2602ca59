// SPDX-License-Identifier: GPL-2.0
/*
 * kinspect: kernel image formats.
 *
 * bzImage (x86 boot protocol, Documentation/x86/boot.rst): the setup header
 * sits at 0x1f1; from protocol 2.08 payload_offset/payload_length (0x248,
 * 0x24c) locate the compressed vmlinux.bin inside the protected-mode part,
 * which starts at (setup_sects + 1) * 512.  Its last four bytes are the
 * decompressed size (size_append, or gzip's ISIZE).
 * arm64/riscv Image: a 64-byte header with a magic at offset 56
 * (Documentation/arm64/booting.rst, riscv/boot-image-header.rst).
 * EFI zboot (vmlinuz.efi): "MZ", "zimg" at 4, payload offset/size at 8/12.
 * A whole file compressed (vmlinux.xz, Image.gz) is recognised by its magic.
 * IKCONFIG: kernel/configs.c puts "IKCFG_ST", gzip data and "IKCFG_ED" in
 * .rodata.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "kinspect.h"

#define BANNER_PREFIX	"Linux version "
#define BANNER_MAX	1024

static uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A printable, NUL-terminated string at p of at most max bytes, or NULL. */
static char *get_cstr(const uint8_t *p, size_t avail, size_t max)
{
	size_t n;

	for (n = 0; n < avail && n < max; n++) {
		if (!p[n])
			return n ? bt_strndup((const char *)p, n) : NULL;
		if (p[n] < 0x20 || p[n] >= 0x7f)
			return NULL;
	}
	return NULL;
}

static char *first_word(const char *s)
{
	size_t n = strcspn(s, " \t\n");

	return n ? bt_strndup(s, n) : NULL;
}

/* "#1 SMP ...": the build number; version.c's weak copy has only "#". */
static bool has_build_number(const char *banner)
{
	const char *h = strstr(banner, " #");

	return h && isdigit((unsigned char)h[2]);
}

/*
 * Find linux_banner: "Linux version RELEASE (...) #N ...\n".  6.1 has two
 * copies (init/version.c's weak one lacks the build number): keep the one
 * with it, else the first.
 */
void ki_scan_banner(struct ki_image *ki, const uint8_t *p, size_t len)
{
	const size_t plen = strlen(BANNER_PREFIX);
	const uint8_t *q = p, *end = p + len;
	size_t n;
	bool ok;

	while ((size_t)(end - q) > plen &&
	       (q = memmem(q, end - q, BANNER_PREFIX, plen))) {
		const uint8_t *s = q;

		if (ki->banner && has_build_number(ki->banner))
			return;
		q += plen;
		if (q >= end || !isdigit(*q))
			continue;
		for (n = 0; q + n < end && n < BANNER_MAX; n++)
			if (q[n] < 0x20 || q[n] >= 0x7f)
				break;
		if (q + n >= end || n >= BANNER_MAX)
			continue;
		/* linux_banner ends with "\n" then its NUL */
		if (q[n] == '\n')
			ok = q + n + 1 < end && !q[n + 1];
		else
			ok = !q[n];
		if (!ok)
			continue;
		if (ki->banner) {
			char *b = bt_strndup((const char *)s, q + n - s);

			if (!has_build_number(b)) {
				free(b);
				continue;
			}
			free(ki->banner);
			free(ki->release);
			ki->banner = b;
		} else {
			ki->banner = bt_strndup((const char *)s, q + n - s);
		}
		ki->release = first_word(ki->banner + plen);
	}
}

void ki_scan_build_id(struct ki_image *ki, const uint8_t *p, size_t len)
{
	/* Elf_Nhdr{namesz 4, descsz 20, NT_GNU_BUILD_ID}, "GNU", little endian */
	static const uint8_t pat[16] = { 4, 0, 0, 0, 20, 0, 0, 0, 3, 0, 0, 0,
					 'G', 'N', 'U', 0 };
	const uint8_t *q;
	char *hex;
	int i;

	q = memmem(p, len, pat, sizeof(pat));
	if (!q || (size_t)(p + len - q) < sizeof(pat) + 20)
		return;
	q += sizeof(pat);
	hex = bt_malloc(41);
	for (i = 0; i < 20; i++)
		sprintf(hex + 2 * i, "%02x", q[i]);
	ki->build_id = hex;
}

static void scan_ikconfig(struct ki_image *ki)
{
	static const char st[] = "IKCFG_ST\037\213\010";
	const uint8_t *q, *e;
	size_t left;

	q = memmem(ki->body, ki->body_len, st, sizeof(st) - 1);
	if (!q)
		return;
	q += 8;
	left = ki->body + ki->body_len - q;
	e = memmem(q, left, "IKCFG_ED", 8);
	if (!e)
		return;
	ki->ikconfig = true;
	ki->ikcfg = q;
	ki->ikcfg_len = e - q;
}

int ki_config_text(const struct ki_image *ki, char **text, size_t *len)
{
	uint8_t *out;

	if (!ki->ikconfig) {
		ki_seterr("no embedded kernel config (IKCONFIG)");
		return -1;
	}
	if (ki_decompress(KI_COMP_GZIP, ki->ikcfg, ki->ikcfg_len, 64 << 20, 0,
			  &out, len) < 0)
		return -1;
	*text = (char *)out;
	return 0;
}

static const char *comp_ext(enum ki_comp c)
{
	switch (c) {
	case KI_COMP_GZIP:
		return "gz";
	case KI_COMP_ZSTD:
		return "zst";
	case KI_COMP_LZ4_LEGACY:
		return "lz4";
	case KI_COMP_BZIP2:
		return "bz2";
	default:
		return ki_comp_name(c);
	}
}

/* Decompress p[0..len) into ki->body; the last 4 bytes hint the size. */
static int unpack(struct ki_image *ki, const uint8_t *p, size_t len,
		  size_t max, const char *what)
{
	size_t hint = len >= 8 ? le32(p + len - 4) : 0;

	ki->comp = ki_comp_detect(p, len);
	if (ki->comp == KI_COMP_NONE) {
		if (len >= 4)
			ki_seterr("%s: unknown compression (magic %02x %02x %02x %02x)",
				  what, p[0], p[1], p[2], p[3]);
		else
			ki_seterr("%s: too short (%zu bytes)", what, len);
		return -1;
	}
	if (ki_decompress(ki->comp, p, len, max, hint, &ki->body,
			  &ki->body_len) < 0) {
		char reason[512];

		snprintf(reason, sizeof(reason), "%s", ki_errmsg());
		ki_seterr("%s (%s): %s", what, ki_comp_name(ki->comp), reason);
		return -1;
	}
	ki->body_owned = true;
	return 0;
}

/* Text (ASCII or UTF-8, no control characters but blanks) at its start? */
static bool is_text(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 4096; i++)
		if ((p[i] < ' ' && p[i] != '\t' && p[i] != '\n' &&
		     p[i] != '\r' && p[i] != '\f') || p[i] == 0x7f)
			return false;
	return true;
}

static bool is_elf(const uint8_t *p, size_t len)
{
	return len >= 16 && !memcmp(p, "\177ELF", 4);
}

/* arm64 / riscv Image header; sets the arch.  */
static bool image_header(struct ki_image *ki, const uint8_t *p, size_t len)
{
	if (len < 64)
		return false;
	if (le32(p + 56) == 0x644d5241) {	/* "ARM\x64" */
		ki_set_arch(ki, 183 /* EM_AARCH64 */, 2, 1);
		return true;
	}
	if (!memcmp(p + 56, "RSC\005", 4) || !memcmp(p + 48, "RISCV\0\0\0", 8)) {
		ki_set_arch(ki, 243 /* EM_RISCV */, 2, 1);
		return true;
	}
	return false;
}

/*
 * Decompress the payload that ki->payload_offset/length point at, after
 * checking that it lies inside the file (the header is untrusted).
 */
static int unpack_payload(struct ki_image *ki, uint8_t *d, size_t len,
			  size_t max, const char *image, const char *payload)
{
	if (!ki->payload_length || ki->payload_offset > len ||
	    ki->payload_length > len - ki->payload_offset) {
		ki_seterr("%s truncated or corrupt: payload at %llu+%llu beyond the file end (%zu bytes)",
			  image, (unsigned long long)ki->payload_offset,
			  (unsigned long long)ki->payload_length, len);
		return -1;
	}
	return unpack(ki, d + ki->payload_offset, ki->payload_length, max,
		      payload);
}

static int parse_bzimage(struct ki_image *ki, uint8_t *d, size_t len,
			 size_t max)
{
	unsigned int setup_sects = d[0x1f1] ? d[0x1f1] : 4;
	uint64_t setup_size = (uint64_t)(setup_sects + 1) * 512;
	uint16_t kv;

	ki->format = "bzImage";
	ki->boot_protocol = le16(d + 0x206);
	if (ki->boot_protocol >= 0x200 && len >= 0x210) {
		kv = le16(d + 0x20e);
		if (kv && kv + 0x200u < setup_size && kv + 0x200u < len)
			ki->setup_version = get_cstr(d + kv + 0x200,
						     len - kv - 0x200, 256);
	}
	/* xloadflags XLF_KERNEL_64 (2.12+): until the ELF says better */
	if (ki->boot_protocol >= 0x20c && len >= 0x238)
		ki_set_arch(ki, (le16(d + 0x236) & 1) ? 62 : 3,
			    (le16(d + 0x236) & 1) ? 2 : 1, 1);
	else
		ki_set_arch(ki, 3 /* EM_386 */, 1, 1);
	if (ki->boot_protocol < 0x208) {
		ki_seterr("bzImage boot protocol %u.%02u has no payload fields (2.08+ needed)",
			  ki->boot_protocol >> 8, ki->boot_protocol & 0xff);
		return -1;
	}
	if (len < 0x250 || setup_size > len) {
		ki_seterr("bzImage truncated: setup of %llu bytes, file of %zu",
			  (unsigned long long)setup_size, len);
		return -1;
	}
	ki->payload_offset = setup_size + le32(d + 0x248);
	ki->payload_length = le32(d + 0x24c);
	if (unpack_payload(ki, d, len, max, "bzImage", "bzImage payload") < 0)
		return -1;
	if (!is_elf(ki->body, ki->body_len)) {
		ki_seterr("bzImage payload (%s) does not hold an ELF vmlinux",
			  ki_comp_name(ki->comp));
		return -1;
	}
	ki->body_is_elf = true;
	return 0;
}

static int parse_zboot(struct ki_image *ki, uint8_t *d, size_t len,
		       size_t max)
{
	ki->format = "zboot";
	if (len < 64) {
		ki_seterr("EFI zboot image truncated");
		return -1;
	}
	ki->payload_offset = le32(d + 8);
	ki->payload_length = le32(d + 12);
	if (unpack_payload(ki, d, len, max, "EFI zboot image",
			   "zboot payload") < 0)
		return -1;
	if (!image_header(ki, ki->body, ki->body_len)) {
		ki_seterr("zboot payload (%s) does not hold an arm64/riscv Image",
			  ki_comp_name(ki->comp));
		return -1;
	}
	return 0;
}

static int parse_compressed(struct ki_image *ki, uint8_t *d, size_t len,
			    size_t max)
{
	const char *base;

	if (unpack(ki, d, len, max, "compressed file") < 0)
		return -1;
	if (is_elf(ki->body, ki->body_len)) {
		base = "vmlinux";
		ki->body_is_elf = true;
	} else if (image_header(ki, ki->body, ki->body_len)) {
		base = "Image";
	} else {
		ki_seterr("%s data that holds no kernel (no ELF or Image header inside)",
			  ki_comp_name(ki->comp));
		return -1;
	}
	snprintf(ki->format_buf, sizeof(ki->format_buf), "%s.%s", base,
		 comp_ext(ki->comp));
	ki->format = ki->format_buf;
	return 0;
}

int ki_inspect(struct ki_image *ki, uint8_t *data, size_t len, size_t max)
{
	int ret;

	memset(ki, 0, sizeof(*ki));
	ki->format = "unknown";
	if (!len) {
		ki_seterr("empty file (0 bytes)");
		return -1;
	}
	if (len >= 0x206 && le16(data + 0x1fe) == 0xaa55 &&
	    !memcmp(data + 0x202, "HdrS", 4)) {
		ret = parse_bzimage(ki, data, len, max);
	} else if (is_elf(data, len)) {
		ki->format = "vmlinux";
		ki->body = data;
		ki->body_len = len;
		ki->body_is_elf = true;
		ret = 0;
	} else if (len >= 16 && !memcmp(data, "MZ", 2) &&
		   !memcmp(data + 4, "zimg", 4)) {
		ret = parse_zboot(ki, data, len, max);
	} else if (image_header(ki, data, len)) {
		ki->format = "Image";
		ki->body = data;
		ki->body_len = len;
		ret = 0;
	} else if (len >= 0x30 && le32(data + 0x24) == 0x016f2818) {
		/* arm zImage: its payload is not located by the header */
		ki->format = "zImage";
		ki_set_arch(ki, 40 /* EM_ARM */, 1, 1);
		return 0;
	} else if (ki_comp_detect(data, len) != KI_COMP_NONE) {
		ret = parse_compressed(ki, data, len, max);
	} else {
		ki_seterr("%s, not a kernel image (no bzImage setup header, ELF, Image header or compression magic)",
			  is_text(data, len) ? "text" : "data");
		return -1;
	}
	if (ret < 0)
		return -1;

	if (ki->body_is_elf) {
		if (ki_elf_facts(ki) < 0)
			return -1;
	} else {
		ki_scan_banner(ki, ki->body, ki->body_len);
		ki_scan_build_id(ki, ki->body, ki->body_len);
	}
	scan_ikconfig(ki);
	if (!ki->release && ki->setup_version)
		ki->release = first_word(ki->setup_version);
	if (!ki->release) {
		ki_seterr("%s without a \"Linux version\" banner: not a Linux kernel",
			  ki->body_is_elf ? "ELF file" : "image");
		return -1;
	}
	return 0;
}

void ki_image_free(struct ki_image *ki)
{
	if (ki->body_owned)
		free(ki->body);
	free(ki->release);
	free(ki->banner);
	free(ki->build_id);
	free(ki->setup_version);
	memset(ki, 0, sizeof(*ki));
}
