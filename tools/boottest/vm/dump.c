// SPDX-License-Identifier: GPL-2.0
/*
 * DUMP=1: save the stopped guest's memory through QMP's dump-guest-memory
 * as an ELF core (what crash and drgn read) in the run directory, then
 * check what was written: an ELF core, the bytes its PT_LOAD segments
 * cover, and whether the guest filled QEMU's vmcoreinfo device (a
 * VMCOREINFO note: the kernel does it when it has CONFIG_FW_CFG_SYSFS).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "json.h"
#include "path.h"
#include "proc.h"
#include "vmrun.h"

/* Generous: TCG writes a few hundred MB/s, a loaded host much less. */
#define DUMP_TIMEOUT_MS	(600 * 1000L)

static bool note_has_vmcoreinfo(Elf *e, const GElf_Phdr *ph)
{
	Elf_Data *d = elf_getdata_rawchunk(e, ph->p_offset, ph->p_filesz,
					   ELF_T_NHDR);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	if (!d)
		return false;
	while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_namesz >= 10 &&
		    !memcmp((char *)d->d_buf + name_off, "VMCOREINFO", 10))
			return true;
	}
	return false;
}

/* Fill f->dump_* from the file QEMU wrote. */
static int check_core(const char *path, struct vm_facts *f)
{
	Elf *e = NULL;
	GElf_Ehdr eh;
	size_t n, i;
	struct stat st;
	int fd, ret = -1;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		f->dump_why = bt_asprintf("%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	f->dump_size = st.st_size;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || !gelf_getehdr(e, &eh) || eh.e_type != ET_CORE ||
	    elf_getphdrnum(e, &n) < 0) {
		f->dump_why = bt_asprintf("%s: not an ELF core file: %s", path,
					  elf_errmsg(-1));
		goto out;
	}
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, i, &ph))
			continue;
		if (ph.p_type == PT_LOAD)
			f->dump_load_bytes += ph.p_filesz;
		else if (ph.p_type == PT_NOTE && note_has_vmcoreinfo(e, &ph))
			f->dump_vmcoreinfo = true;
	}
	ret = 0;
out:
	if (e)
		elf_end(e);
	if (fd >= 0)
		close(fd);
	return ret;
}

int vm_dump_take(struct vm_qmp *q, struct vm_facts *f, const char *why)
{
	struct json_object *args;
	char *path = bt_path_join(f->run_dir, "vmcore");
	char *msg = NULL, *proto;
	long long t0 = bt_now_ms();

	f->dump_reason = why;
	/* Stopped already after a panic; harmless then. */
	if (vm_qmp_execute(q, "stop", NULL, 10000, &msg) < 0) {
		f->dump_why = bt_asprintf("QMP stop failed: %s", msg);
		free(msg);
		free(path);
		return -1;
	}
	printf("boottest: DUMP=1: saving the guest's memory (%s) to %s\n", why, path);
	fflush(stdout);
	args = json_object_new_object();
	bt_json_add_bool(args, "paging", false);
	proto = bt_asprintf("file:%s", path);
	bt_json_add_str(args, "protocol", proto);
	bt_json_add_str(args, "format", "elf");
	if (vm_qmp_execute(q, "dump-guest-memory", args, DUMP_TIMEOUT_MS, &msg) < 0) {
		f->dump_why = bt_asprintf("dump-guest-memory failed: %s", msg);
		free(msg);
		unlink(path);
	} else if (check_core(path, f) == 0) {
		f->dump_path = path;
		path = NULL;
		f->dump_seconds = (bt_now_ms() - t0) / 1000.0;
	}
	json_object_put(args);
	free(proto);
	free(path);
	return f->dump_path ? 0 : -1;
}
