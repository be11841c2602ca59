// SPDX-License-Identifier: GPL-2.0
/*
 * kinspect: facts from an ELF kernel through libelf.
 *
 * Architecture from e_machine; build id from the NT_GNU_BUILD_ID note; PVH
 * from the XEN_ELFNOTE_PHYS32_ENTRY note (name "Xen", type 18) that
 * arch/x86/platform/pvh/head.S emits and QEMU's -kernel uses to boot an ELF
 * directly; the banner from linux_banner in an allocated section.
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "kinspect.h"

#define XEN_ELFNOTE_PHYS32_ENTRY	18

static const struct {
	unsigned int machine;
	int elfclass;		/* 0: any */
	int elfdata;		/* 0: any */
	const char *arch;
	const char *kernel_arch;
	const char *qemu_arch;
} arches[] = {
	{ EM_X86_64, ELFCLASS64, 0, "x86_64", "x86", "x86_64" },
	{ EM_386, ELFCLASS32, 0, "i386", "x86", "i386" },
	{ EM_AARCH64, ELFCLASS64, 0, "arm64", "arm64", "aarch64" },
	{ EM_ARM, ELFCLASS32, 0, "arm", "arm", "arm" },
	{ EM_RISCV, ELFCLASS64, 0, "riscv64", "riscv", "riscv64" },
	{ EM_RISCV, ELFCLASS32, 0, "riscv32", "riscv", "riscv32" },
	{ EM_PPC64, ELFCLASS64, ELFDATA2LSB, "ppc64le", "powerpc", "ppc64" },
	{ EM_PPC64, ELFCLASS64, ELFDATA2MSB, "ppc64", "powerpc", "ppc64" },
	{ EM_PPC, ELFCLASS32, 0, "ppc", "powerpc", "ppc" },
	{ EM_S390, 0, 0, "s390x", "s390", "s390x" },
	{ EM_MIPS, ELFCLASS64, ELFDATA2LSB, "mips64el", "mips", "mips64el" },
	{ EM_MIPS, ELFCLASS64, ELFDATA2MSB, "mips64", "mips", "mips64" },
	{ EM_MIPS, ELFCLASS32, ELFDATA2LSB, "mipsel", "mips", "mipsel" },
	{ EM_MIPS, ELFCLASS32, ELFDATA2MSB, "mips", "mips", "mips" },
	{ 258 /* EM_LOONGARCH */, ELFCLASS64, 0, "loongarch64", "loongarch",
	  "loongarch64" },
	{ EM_SPARCV9, ELFCLASS64, 0, "sparc64", "sparc", "sparc64" },
};

void ki_set_arch(struct ki_image *ki, unsigned int machine, int elfclass,
		 int elfdata)
{
	size_t i;

	ki->arch = "unknown";
	ki->kernel_arch = NULL;
	ki->qemu_arch = NULL;
	for (i = 0; i < ARRAY_SIZE(arches); i++) {
		if (arches[i].machine != machine ||
		    (arches[i].elfclass && arches[i].elfclass != elfclass) ||
		    (arches[i].elfdata && arches[i].elfdata != elfdata))
			continue;
		ki->arch = arches[i].arch;
		ki->kernel_arch = arches[i].kernel_arch;
		ki->qemu_arch = arches[i].qemu_arch;
		return;
	}
}

/* A machine this table knows, but never with this class. */
static bool class_misfit(unsigned int machine, int elfclass)
{
	bool known = false;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(arches); i++) {
		if (arches[i].machine != machine)
			continue;
		if (!arches[i].elfclass || arches[i].elfclass == elfclass)
			return false;
		known = true;
	}
	return known;
}

static void init_libelf(void)
{
	static bool done;

	if (!done && elf_version(EV_CURRENT) != EV_NONE)
		done = true;
}

struct notes {
	char *build_id;
	bool pvh;
	uint64_t pvh_entry;
	bool found;		/* a note section or segment was seen */
};

static uint64_t get_uint(const uint8_t *p, size_t n, bool big)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
	return v;
}

static void parse_notes(Elf_Data *d, bool big, struct notes *nt)
{
	size_t off = 0, next, name_off, desc_off, i, n;
	const uint8_t *buf = d->d_buf;
	GElf_Nhdr nh;

	if (!buf)
		return;
	nt->found = true;
	while (off < d->d_size &&
	       (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		off = next;
		if (nh.n_namesz == 4 && !memcmp(buf + name_off, "GNU", 4) &&
		    nh.n_type == NT_GNU_BUILD_ID && nh.n_descsz &&
		    !nt->build_id) {
			n = nh.n_descsz > 64 ? 64 : nh.n_descsz;
			nt->build_id = bt_malloc(2 * n + 1);
			for (i = 0; i < n; i++)
				sprintf(nt->build_id + 2 * i, "%02x",
					buf[desc_off + i]);
		}
		if (nh.n_namesz == 4 && !memcmp(buf + name_off, "Xen", 4) &&
		    nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY) {
			nt->pvh = true;
			if (nh.n_descsz == 4 || nh.n_descsz == 8)
				nt->pvh_entry = get_uint(buf + desc_off,
							 nh.n_descsz, big);
		}
	}
}

static void collect_notes(Elf *elf, bool big, struct notes *nt)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Phdr ph;
	size_t i, phnum;
	Elf_Data *d;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (d)
			parse_notes(d, big, nt);
	}
	if (nt->found || elf_getphdrnum(elf, &phnum) < 0)
		return;
	for (i = 0; i < phnum; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_NOTE)
			continue;
		d = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz,
					 ph.p_align == 8 ? ELF_T_NHDR8 :
					 ELF_T_NHDR);
		if (d)
			parse_notes(d, big, nt);
	}
}

static void grow_extent(size_t *extent, uint64_t off, uint64_t size,
			size_t len)
{
	if (off > len || size > len - off)
		return;
	if (off + size > *extent)
		*extent = off + size;
}

/* Does [off, off + size) lie inside len bytes? */
static bool inside(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

/*
 * The identification bytes, before libelf reads anything: a class and a
 * byte order it knows, version 1.
 */
static int check_ident(const uint8_t *p, size_t len)
{
	if (len < EI_NIDENT + 2 * sizeof(Elf32_Half) ||
	    len < (p[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr) :
		   sizeof(Elf32_Ehdr))) {
		ki_seterr("ELF file truncated: %zu bytes, shorter than its header",
			  len);
		return -1;
	}
	if (p[EI_CLASS] != ELFCLASS32 && p[EI_CLASS] != ELFCLASS64) {
		ki_seterr("not a valid ELF file: class byte %u (neither 32- nor 64-bit)",
			  p[EI_CLASS]);
		return -1;
	}
	if (p[EI_DATA] != ELFDATA2LSB && p[EI_DATA] != ELFDATA2MSB) {
		ki_seterr("not a valid ELF file: byte order %u (neither little nor big endian)",
			  p[EI_DATA]);
		return -1;
	}
	if (p[EI_VERSION] != EV_CURRENT) {
		ki_seterr("not a valid ELF file: version %u", p[EI_VERSION]);
		return -1;
	}
	return 0;
}

/*
 * What QEMU and the post-mortem tools rely on: a header of the class's
 * size, a class the machine has, program and section headers and every
 * loadable segment and section inside the file.  A vmlinux cut short or
 * with a flipped class byte fails here, not in the guest.
 */
static int check_layout(Elf *elf, const GElf_Ehdr *eh, size_t len)
{
	bool c64 = eh->e_ident[EI_CLASS] == ELFCLASS64;
	size_t i, n, loads = 0;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Phdr ph;

	if (eh->e_ehsize != (c64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)) ||
	    (eh->e_phnum && eh->e_phentsize !=
	     (c64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))) {
		ki_seterr("ELF header sizes do not fit its class (%d-bit): header %u, program header %u bytes; corrupt",
			  c64 ? 64 : 32, eh->e_ehsize, eh->e_phentsize);
		return -1;
	}
	if (class_misfit(eh->e_machine, eh->e_ident[EI_CLASS])) {
		ki_seterr("ELF class %d-bit does not fit machine %u; corrupt",
			  c64 ? 64 : 32, eh->e_machine);
		return -1;
	}
	if (elf_getphdrnum(elf, &n) < 0 || !n ||
	    !inside(eh->e_phoff, (uint64_t)n * eh->e_phentsize, len)) {
		ki_seterr("ELF file truncated or corrupt: program headers (%zu at offset %#llx) not inside its %zu bytes",
			  elf_getphdrnum(elf, &n) < 0 ? (size_t)0 : n,
			  (unsigned long long)eh->e_phoff, len);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, (int)i, &ph)) {
			ki_seterr("ELF program header %zu unreadable: %s", i,
				  elf_errmsg(-1));
			return -1;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		loads++;
		if (!inside(ph.p_offset, ph.p_filesz, len)) {
			ki_seterr("ELF file truncated or corrupt: PT_LOAD segment %zu (%#llx bytes at offset %#llx) ends past its %zu bytes",
				  i, (unsigned long long)ph.p_filesz,
				  (unsigned long long)ph.p_offset, len);
			return -1;
		}
		if (ph.p_filesz > ph.p_memsz) {
			ki_seterr("ELF PT_LOAD segment %zu holds more bytes in the file (%#llx) than in memory (%#llx); corrupt",
				  i, (unsigned long long)ph.p_filesz,
				  (unsigned long long)ph.p_memsz);
			return -1;
		}
	}
	if (!loads) {
		ki_seterr("ELF file without a PT_LOAD segment: nothing to boot");
		return -1;
	}
	/*
	 * From the header itself: libelf counts no sections when their
	 * table is cut short.  0 with an offset: the count is in entry 0.
	 */
	n = eh->e_shnum ? eh->e_shnum : eh->e_shoff ? 1 : 0;
	if (n && (eh->e_shentsize != (c64 ? sizeof(Elf64_Shdr) :
				      sizeof(Elf32_Shdr)) ||
		  !inside(eh->e_shoff, (uint64_t)n * eh->e_shentsize, len))) {
		ki_seterr("ELF file truncated or corrupt: section headers (at offset %#llx) not inside its %zu bytes",
			  (unsigned long long)eh->e_shoff, len);
		return -1;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh)) {
			ki_seterr("ELF section header %zu unreadable: %s",
				  elf_ndxscn(scn), elf_errmsg(-1));
			return -1;
		}
		if (sh.sh_type != SHT_NOBITS &&
		    !inside(sh.sh_offset, sh.sh_size, len)) {
			ki_seterr("ELF file truncated or corrupt: section %zu (%#llx bytes at offset %#llx) ends past its %zu bytes",
				  elf_ndxscn(scn), (unsigned long long)sh.sh_size,
				  (unsigned long long)sh.sh_offset, len);
			return -1;
		}
	}
	return 0;
}

int ki_elf_facts(struct ki_image *ki)
{
	size_t extent, i, n;
	struct notes nt = { 0 };
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	GElf_Phdr ph;
	bool big;
	Elf *elf;

	init_libelf();
	if (check_ident(ki->body, ki->body_len) < 0)
		return -1;
	elf = elf_memory((char *)ki->body, ki->body_len);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		int e = elf_errno();

		ki_seterr("not a valid ELF file: %s", e ? elf_errmsg(e) :
			  "libelf cannot read its header");
		if (elf)
			elf_end(elf);
		return -1;
	}
	if (check_layout(elf, &eh, ki->body_len) < 0) {
		elf_end(elf);
		return -1;
	}
	big = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	ki_set_arch(ki, eh.e_machine, eh.e_ident[EI_CLASS],
		    eh.e_ident[EI_DATA]);
	collect_notes(elf, big, &nt);
	ki->build_id = nt.build_id;
	ki->pvh = nt.pvh;
	ki->pvh_entry = nt.pvh_entry;

	extent = eh.e_ehsize < ki->body_len ? eh.e_ehsize : ki->body_len;
	grow_extent(&extent, eh.e_phoff, (uint64_t)eh.e_phnum * eh.e_phentsize,
		    ki->body_len);
	if (elf_getshdrnum(elf, &n) == 0 && n)
		grow_extent(&extent, eh.e_shoff, (uint64_t)n * eh.e_shentsize,
			    ki->body_len);
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		grow_extent(&extent, sh.sh_offset, sh.sh_size, ki->body_len);
		if (sh.sh_type == SHT_PROGBITS &&
		    (sh.sh_flags & SHF_ALLOC) && sh.sh_offset <= ki->body_len &&
		    sh.sh_size <= ki->body_len - sh.sh_offset)
			ki_scan_banner(ki, ki->body + sh.sh_offset, sh.sh_size);
	}
	if (elf_getphdrnum(elf, &n) == 0)
		for (i = 0; i < n; i++)
			if (gelf_getphdr(elf, i, &ph))
				grow_extent(&extent, ph.p_offset, ph.p_filesz,
					    ki->body_len);
	ki->elf_len = extent;
	/* No section headers (or an odd layout): scan the whole file. */
	if (!ki->banner)
		ki_scan_banner(ki, ki->body, ki->body_len);
	elf_end(elf);
	return 0;
}

char *ki_elf_file_build_id(const char *path)
{
	struct notes nt = { 0 };
	GElf_Ehdr eh;
	Elf *elf;
	int fd;

	init_libelf();
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ki_seterr("cannot open: %m");
		return NULL;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		ki_seterr("not a valid ELF file: %s", elf_errmsg(-1));
	} else {
		collect_notes(elf, eh.e_ident[EI_DATA] == ELFDATA2MSB, &nt);
		if (!nt.build_id)
			ki_seterr("no NT_GNU_BUILD_ID note");
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return nt.build_id;
}

/*
 * The bytes of a data symbol (STT_OBJECT) of an ELF executable, as a string:
 * e.g. "vermagic" (kernel/module/main.c) in an unstripped vmlinux.  NULL
 * with the reason set when there is no symbol table (a stripped or
 * extracted vmlinux), no such symbol, or it is not a NUL-terminated string
 * inside a section of the file.
 */
char *ki_elf_symbol_string(uint8_t *body, size_t len, const char *name)
{
	Elf_Scn *scn = NULL, *ds;
	GElf_Shdr sh, dsh;
	GElf_Sym sym;
	const char *s, *nul;
	char *ret = NULL;
	bool symtab = false;
	Elf_Data *d;
	size_t i, n;
	uint64_t off;
	Elf *elf;

	init_libelf();
	elf = elf_memory((char *)body, len);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		ki_seterr("not a valid ELF file: %s", elf_errmsg(-1));
		goto out;
	}
	while (!ret && (scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize)
			continue;
		symtab = true;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		n = d->d_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			if (!gelf_getsym(d, i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_OBJECT)
				continue;
			s = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!s || strcmp(s, name))
				continue;
			ds = elf_getscn(elf, sym.st_shndx);
			if (sym.st_shndx == SHN_UNDEF ||
			    sym.st_shndx >= SHN_LORESERVE || !ds ||
			    !gelf_getshdr(ds, &dsh) ||
			    dsh.sh_type != SHT_PROGBITS ||
			    sym.st_value < dsh.sh_addr ||
			    sym.st_value - dsh.sh_addr > dsh.sh_size ||
			    sym.st_size > dsh.sh_size -
					  (sym.st_value - dsh.sh_addr) ||
			    dsh.sh_offset > len ||
			    dsh.sh_size > len - dsh.sh_offset)
				continue;
			off = dsh.sh_offset + (sym.st_value - dsh.sh_addr);
			nul = memchr(body + off, 0, sym.st_size);
			if (!nul)
				continue;
			ret = bt_strndup((const char *)body + off,
					 nul - (const char *)(body + off));
			break;
		}
	}
	if (!ret && symtab)
		ki_seterr("no string symbol %s in the symbol table", name);
	else if (!ret)
		ki_seterr("no symbol table (stripped)");
out:
	if (elf)
		elf_end(elf);
	return ret;
}
