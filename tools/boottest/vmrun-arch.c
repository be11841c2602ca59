// SPDX-License-Identifier: GPL-2.0
/* Per-architecture QEMU facts: one table, nothing arch-specific elsewhere. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "compiler.h"
#include "lib/path.h"
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
