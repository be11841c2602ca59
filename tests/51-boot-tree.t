#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make boottest on a kernel built from Debian's linux-source-6.1 with the
# boottest files dropped in (tests/lib/kernel.sh builds and caches it):
# in-tree, with O=, and through the stub in the output directory.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
. "$(dirname "$0")/lib/kernel.sh"

need_boot_env
kernel_tree || skip_all "$KERNEL_SKIP_REASON"

# --- O= build ---------------------------------------------------------------
make -s -C "$KERNEL_SRCTREE" O="$KERNEL_OBJTREE" boottest TIMEOUT=240 \
	< /dev/null > "$T_TMP/o.log" 2>&1
is "$?" 0 "make O=dir boottest: the tree kernel boots clean" || diag "$(tail -20 "$T_TMP/o.log")"
run=$(readlink -f "$KERNEL_OBJTREE/.boottest/runs/latest")
r=$run/result.json
assert_clean_run "$run" "O="
is "$(jget "$r" "['kernel']['release']")" "$KERNEL_RELEASE" "O=: the report names the kernel release"
is "$(jget "$r" "['kernel']['initrd']")" null "O=: built-in root drivers: no initramfs"
k=$(jget "$r" "['kernel']['path']")
like "$k" "^$KERNEL_OBJTREE/(vmlinux|arch/x86/boot/bzImage)$" "O=: boots the kernel of the output directory ($k)"
if grep -q '^CONFIG_PVH=y' "$KERNEL_CONFIG"; then
	like "$k" "/vmlinux$" "O=: CONFIG_PVH=y: the vmlinux boots directly (PVH)"
else
	like "$k" "/bzImage$" "O=: no CONFIG_PVH: the bzImage boots"
fi
is "$(git -C "$KERNEL_SRCTREE" status --porcelain --untracked-files=no)" "" \
	"O=: no tracked kernel file modified"

# --- make -C $(O) through the stub -------------------------------------------
if [ -f "$KERNEL_OBJTREE/GNUmakefile" ]; then
	make -s -C "$KERNEL_OBJTREE" boottest CMD=true TIMEOUT=240 \
		< /dev/null > "$T_TMP/c.log" 2>&1
	is "$?" 0 "make -C \$(O) boottest CMD=true boots clean" || diag "$(tail -20 "$T_TMP/c.log")"
else
	skip "no stub GNUmakefile in $KERNEL_OBJTREE (drop-in/stub not there)"
fi

# --- in-tree layout ------------------------------------------------------------
if kernel_intree; then
	make -s -C "$KERNEL_INTREE" boottest TIMEOUT=240 < /dev/null > "$T_TMP/in.log" 2>&1
	is "$?" 0 "in-tree make boottest boots clean" || diag "$(tail -20 "$T_TMP/in.log")"
	run=$(readlink -f "$KERNEL_INTREE/.boottest/runs/latest")
	like "$(jget "$run/result.json" "['kernel']['path']")" "^$KERNEL_INTREE/" \
		"in-tree: boots the tree's own kernel"
else
	skip "in-tree layout: $KERNEL_SKIP_REASON"
fi

done_testing
