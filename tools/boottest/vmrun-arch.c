// SPDX-License-Identifier: GPL-2.0
/* Per-architecture QEMU facts: one table, nothing arch-specific elsewhere. */
#include <string.h>

#include "compiler.h"
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
