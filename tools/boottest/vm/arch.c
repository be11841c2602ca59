// SPDX-License-Identifier: GPL-2.0
/* Per-architecture QEMU facts: one table, nothing arch-specific elsewhere. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "compiler.h"
#include "err.h"
#include "path.h"
#include "vmrun.h"

static const struct vm_arch arches[] = {
	{
		.name = "x86_64",
		.qemu = "qemu-system-x86_64",
		.deb = "qemu-system-x86",
		/* q35 boots faster than pc under TCG (less legacy probing). */
		.machine = "q35",
		.cpu = "max",
		.console = "ttyS0",
		.blk = "virtio-blk-pci",
		/*
		 * No PS/2 mouse.  psmouse's protocol probe of QEMU's mouse
		 * waits out its timeouts before root is mounted: a tree kernel
		 * with MOUSE_PS2=y under TCG mounted root at 1.45-2.04 s, with
		 * i8042.noaux at 0.97-1.44 s (5 boots each), the same CPU
		 * time.  No test boot reads a mouse; a later i8042.noaux=0 in
		 * --append wins.
		 */
		.append = "i8042.noaux",
		/* An ELF boots through its PVH note. */
		.kernel_formats = VM_KFMT_BZIMAGE | VM_KFMT_ELF,
		.elf_machine = { EM_X86_64, EM_386 },
		.kernel_hint = "a bzImage or a vmlinux with a PVH note",
	},
	{
		.name = "arm64",
		.qemu = "qemu-system-aarch64",
		.deb = "qemu-system-arm",
		/* GICv3 where it can (more than 8 CPUs), else GICv2. */
		.machine = "virt,gic-version=max",
		/*
		 * TCG only (KVM takes -cpu host).  The architected pointer
		 * authentication algorithm (QARMA) costs TCG dearly: Debian's
		 * 6.1 kernel reached init in 20-29 s with plain max against
		 * 12-14 s with the implementation-defined one, same host load.
		 */
		.cpu = "max,pauth-impdef=on",
		.console = "ttyAMA0",
		.blk = "virtio-blk-pci",
		/*
		 * QEMU 7.2 unpacks no EFI zboot and no compression but gzip;
		 * an ELF vmlinux gets no DTB.
		 */
		.kernel_formats = VM_KFMT_IMAGE | VM_KFMT_GZIP,
		.kernel_hint = "the Image (arch/arm64/boot/Image) or Image.gz",
	},
};

static const char *const aliases[][2] = {
	{ "x86", "x86_64" },
	{ "amd64", "x86_64" },
	/* qemu-system-x86_64 boots 32-bit kernels too. */
	{ "i386", "x86_64" },
	{ "i686", "x86_64" },
	{ "x86_32", "x86_64" },
	{ "aarch64", "arm64" },
};

const struct vm_arch *vm_arch_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(name, aliases[i][0]))
			name = aliases[i][1];
	for (i = 0; i < ARRAY_SIZE(arches); i++)
		if (!strcmp(name, arches[i].name))
			return &arches[i];
	return NULL;
}

const char *vm_arch_names(void)
{
	return "x86_64 (x86, amd64), arm64 (aarch64)";
}

static const struct {
	unsigned short machine;
	const char *name;
} elf_machines[] = {
	{ EM_386, "i386" }, { EM_X86_64, "x86_64" }, { EM_ARM, "arm" },
	{ EM_AARCH64, "arm64" }, { EM_RISCV, "riscv" }, { EM_PPC64, "ppc64" },
	{ EM_S390, "s390" }, { EM_MIPS, "mips" },
};

static const struct {
	const char *magic;
	size_t len;
	const char *name;
} compressions[] = {
	{ "\x1f\x8b", 2, "gzip" },
	{ "\xfd\x37\x7a\x58\x5a\0", 6, "xz" },
	{ "\x28\xb5\x2f\xfd", 4, "zstd" },
	{ "BZh", 3, "bzip2" },
	{ "\x02\x21\x4c\x18", 4, "lz4" },
	{ "\x5d\0\0", 3, "lzma" },
};

static unsigned int head_le(const unsigned char *p, size_t n)
{
	unsigned int v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static bool head_is_text(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((p[i] < ' ' && !strchr("\t\n\r\f", p[i])) || p[i] == 0x7f)
			return false;
	return true;
}

/*
 * What a kernel file's head says it is: the VM_KFMT_* format, or 0 and a
 * description in buf.  The magics and offsets are kinspect's (bzImage:
 * 0xaa55 at 0x1fe, "HdrS" at 0x202; arm64 Image: "ARM\x64" at 56).
 */
static unsigned int head_format(const unsigned char *p, size_t len,
				unsigned short *machine, char *buf, size_t size)
{
	unsigned int i;

	if (!len) {
		snprintf(buf, size, "an empty file");
		return 0;
	}
	if (len >= 0x206 && head_le(p + 0x1fe, 2) == 0xaa55 &&
	    !memcmp(p + 0x202, "HdrS", 4))
		return VM_KFMT_BZIMAGE;
	if (len >= EI_NIDENT + 4 && !memcmp(p, ELFMAG, SELFMAG)) {
		bool be = p[EI_DATA] == ELFDATA2MSB;
		unsigned int type = be ? (unsigned int)p[16] << 8 | p[17] :
				    head_le(p + 16, 2);

		*machine = be ? (unsigned int)p[18] << 8 | p[19] :
			   head_le(p + 18, 2);
		/* vmlinux is ET_EXEC, relocatable or not */
		if (type == ET_EXEC)
			return VM_KFMT_ELF;
		snprintf(buf, size, "%s", type == ET_REL ? "an ELF object file" :
			 type == ET_DYN ? "an ELF shared object or program" :
			 "an ELF that is no executable");
		return 0;
	}
	if (len >= 64 && !memcmp(p + 56, "ARM\x64", 4))
		return VM_KFMT_IMAGE;
	if (len >= 64 && !memcmp(p + 56, "RSC\x05", 4))
		snprintf(buf, size, "a riscv Image");
	else if (len >= 8 && !memcmp(p, "MZ", 2) && !memcmp(p + 4, "zimg", 4))
		snprintf(buf, size, "an EFI zboot vmlinuz (kinspect --image unpacks its Image)");
	else if (len >= 0x28 && head_le(p + 0x24, 4) == 0x016f2818)
		snprintf(buf, size, "an arm zImage");
	else
		snprintf(buf, size, "%s", head_is_text(p, len) ? "text" : "data");
	for (i = 0; i < ARRAY_SIZE(compressions); i++)
		if (len >= compressions[i].len &&
		    !memcmp(p, compressions[i].magic, compressions[i].len)) {
			if (!strcmp(compressions[i].name, "gzip"))
				return VM_KFMT_GZIP;
			snprintf(buf, size, "%s data", compressions[i].name);
		}
	return 0;
}

/* "an x86 bzImage" and such: what FMT of head_format() is, into what. */
static void format_name(unsigned int fmt, unsigned short machine, char *what,
			size_t size)
{
	unsigned int i;

	if (fmt == VM_KFMT_BZIMAGE)
		snprintf(what, size, "an x86 bzImage");
	else if (fmt == VM_KFMT_IMAGE)
		snprintf(what, size, "an arm64 Image");
	else if (fmt == VM_KFMT_GZIP)
		snprintf(what, size, "gzip data");
	if (fmt != VM_KFMT_ELF)
		return;
	snprintf(what, size, "an ELF for machine %u", machine);
	for (i = 0; i < ARRAY_SIZE(elf_machines); i++)
		if (machine == elf_machines[i].machine)
			snprintf(what, size, "an ELF for %s",
				 elf_machines[i].name);
}

static const char *machine_name(unsigned short machine)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(elf_machines); i++)
		if (machine == elf_machines[i].machine)
			return elf_machines[i].name;
	return "foreign";
}

/*
 * Whether ELF has the PVH entry note (name "Xen", type 18, as kinspect's
 * pvh fact) in a PT_NOTE segment: QEMU's x86 -kernel boots an ELF through
 * it and refuses one without.  At most VM_KNOTES_MAX bytes of notes read.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY	18
#define VM_KNOTES_MAX			(64 << 10)
static bool elf_has_pvh(Elf *elf)
{
	size_t i, phnum, off, next, name_off, desc_off, seen = 0;
	GElf_Phdr ph;
	GElf_Nhdr nh;
	Elf_Data *d;

	if (!elf || elf_getphdrnum(elf, &phnum) < 0)
		return false;
	for (i = 0; i < phnum && i < 4096; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_NOTE ||
		    ph.p_filesz > VM_KNOTES_MAX - seen)
			continue;
		seen += ph.p_filesz;
		d = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz,
					 ELF_T_NHDR);
		for (off = 0; d && off < d->d_size; off = next) {
			next = gelf_getnote(d, off, &nh, &name_off, &desc_off);
			if (!next)
				break;
			if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY &&
			    nh.n_namesz == 4 &&
			    !memcmp((char *)d->d_buf + name_off, "Xen", 4))
				return true;
		}
	}
	return false;
}

/*
 * The first bytes of the gzip stream P (LEN bytes, of which at most
 * VM_KHEAD_MAX are read) into out, at most SIZE: how many came out.
 */
static size_t gunzip_head(const unsigned char *p, size_t len,
			  unsigned char *out, size_t size)
{
	z_stream zs;
	size_t n;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return 0;
	zs.next_in = (Bytef *)p;
	zs.avail_in = len < VM_KHEAD_MAX ? len : VM_KHEAD_MAX;
	zs.next_out = out;
	zs.avail_out = size;
	inflate(&zs, Z_SYNC_FLUSH);
	n = size - zs.avail_out;
	inflateEnd(&zs);
	return n;
}

static bool elf_machine_ok(const struct vm_arch *arch, unsigned short machine)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(arch->elf_machine); i++)
		if (machine && machine == arch->elf_machine[i])
			return true;
	return false;
}

/*
 * Whether the ELF kernel (ELF, or HEAD when NULL) has the PVH note: "an
 * x86_64 ELF without a PVH note" in what when not.
 */
static bool pvh_ok(const void *head, size_t len, Elf *elf,
		   unsigned short machine, char *what, size_t size)
{
	Elf *mem = NULL;
	bool ok;

	if (!elf && elf_version(EV_CURRENT) != EV_NONE)
		elf = mem = elf_memory((char *)head, len);
	ok = elf_has_pvh(elf);
	elf_end(mem);
	if (!ok)
		snprintf(what, size, "an %s ELF without a PVH note",
			 machine_name(machine));
	return ok;
}

/*
 * Whether the compressed kernel HEAD holds a format ARCH boots: "gzip
 * data holding ..." in what when not.
 */
static bool gzip_ok(const struct vm_arch *arch, const void *head, size_t len,
		    char *what, size_t size)
{
	unsigned char *in = bt_malloc(VM_KFMT_HEAD);
	unsigned short machine = 0;
	unsigned int fmt;
	char inner[128];
	size_t n;

	n = gunzip_head(head, len, in, VM_KFMT_HEAD);
	fmt = head_format(in, n, &machine, inner, sizeof(inner));
	free(in);
	if (fmt & arch->kernel_formats & ~(VM_KFMT_GZIP | VM_KFMT_ELF))
		return true;
	format_name(fmt, machine, inner, sizeof(inner));
	snprintf(what, size, "gzip data holding %s",
		 n ? inner : "nothing (damaged or cut)");
	return false;
}

/*
 * Whether QEMU can boot a kernel for ARCH whose first bytes are HEAD (up
 * to VM_KHEAD_MAX of them); ELF is the file as libelf reads it, or NULL:
 * HEAD is the whole file.  Returns 0, or -1 with *why (to free) naming
 * PATH, what it is and what to give instead.
 */
int vm_kernel_head_check(const struct vm_arch *arch, const void *head,
			 size_t len, struct Elf *elf, const char *path,
			 char **why)
{
	unsigned short machine = 0;
	unsigned int fmt;
	char what[160];
	bool ok;

	fmt = head_format(head, len < VM_KFMT_HEAD ? len : VM_KFMT_HEAD,
			  &machine, what, sizeof(what));
	if (fmt == VM_KFMT_ELF && (arch->kernel_formats & fmt) &&
	    elf_machine_ok(arch, machine)) {
		ok = pvh_ok(head, len, elf, machine, what, sizeof(what));
	} else if (fmt == VM_KFMT_GZIP && (arch->kernel_formats & fmt)) {
		ok = gzip_ok(arch, head, len, what, sizeof(what));
	} else {
		ok = fmt & arch->kernel_formats & ~(VM_KFMT_ELF | VM_KFMT_GZIP);
		if (!ok)
			format_name(fmt, machine, what, sizeof(what));
	}
	if (ok)
		return 0;
	*why = bt_asprintf("%s: %s, not a kernel image QEMU boots for %s; give %s",
			   path, what, arch->name, arch->kernel_hint);
	return -1;
}

/*
 * The same for the file PATH, told from its first VM_KHEAD_MAX bytes and,
 * for an ELF, its note segments: cheap enough for every boot, and before
 * the run directory or QEMU.
 */
int vm_kernel_check(const struct vm_arch *arch, const char *path, char **why)
{
	Elf *elf = NULL;
	size_t len;
	char *buf;
	int ret, fd;

	if (bt_read_file(path, &buf, &len, VM_KHEAD_MAX, NULL) < 0) {
		*why = bt_asprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && elf_version(EV_CURRENT) != EV_NONE)
		elf = elf_begin(fd, ELF_C_READ, NULL);
	/* without it (cannot open, no libelf) the head is all there is */
	ret = vm_kernel_head_check(arch, buf, len, elf, path, why);
	elf_end(elf);
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

#if defined(__x86_64__)
/* WORD among the "flags" of the first CPU in /proc/cpuinfo. */
static bool cpu_flag(const char *buf, const char *word)
{
	const char *p = strstr(buf, "\nflags"), *end;
	size_t n = strlen(word);

	if (p)
		p = strchr(p, ':');
	if (!p)
		return false;
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	for (p++; p < end; p++) {
		while (p < end && *p == ' ')
			p++;
		if ((size_t)(end - p) >= n && !strncmp(p, word, n) &&
		    (p + n == end || p[n] == ' '))
			return true;
		while (p < end && *p != ' ')
			p++;
	}
	return false;
}

/*
 * One TSC reading taken with CLOCK_MONOTONIC_RAW: of five rdtsc pairs around
 * clock_gettime, the narrowest (the least disturbed), its midpoint.
 */
static void tsc_sample(uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = UINT64_MAX, t0, t1;
	struct timespec ts;
	int i;

	for (i = 0; i < 5; i++) {
		t0 = __rdtsc();
		clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
		t1 = __rdtsc();
		if (t1 - t0 < best) {
			best = t1 - t0;
			*tsc = t0 + (t1 - t0) / 2;
			*ns = (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		}
	}
}
#endif

/*
 * The host's TSC rate in kHz, 0 when it is unknown or not constant.  QEMU's
 * TCG reads the host's TSC for the guest's rdtsc, so this is the guest's
 * rate too.  Measured against CLOCK_MONOTONIC_RAW over 50 ms (about 2 ppm
 * here), only when the host CPU says its TSC neither changes rate nor stops
 * (constant_tsc, nonstop_tsc).
 */
unsigned long vm_host_tsc_khz(void)
{
#if defined(__x86_64__)
	const struct timespec gap = { 0, 50 * 1000 * 1000 };
	uint64_t tsc0, ns0, tsc1, ns1;
	char *buf = NULL;
	bool ok;

	if (bt_read_file("/proc/cpuinfo", &buf, NULL, 1 << 20, NULL))
		return 0;
	ok = cpu_flag(buf, "constant_tsc") && cpu_flag(buf, "nonstop_tsc");
	free(buf);
	if (!ok)
		return 0;
	tsc_sample(&tsc0, &ns0);
	nanosleep(&gap, NULL);
	tsc_sample(&tsc1, &ns1);
	if (ns1 <= ns0 || tsc1 <= tsc0)
		return 0;
	return (unsigned long)((double)(tsc1 - tsc0) * 1e6 / (double)(ns1 - ns0) + 0.5);
#else
	return 0;
#endif
}
