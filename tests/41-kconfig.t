#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kconfig.test and scripts/boottest/kconfig: parsing, fragments per
# architecture, check (the boottest target's interface) on hand-made
# configs; then on linux-source-6.1 (config generation only, no build):
# every profile applied on tinyconfig and verified, missing symbols reported
# with the reason, boottest-apply / boottest-verify on an existing .config.
. "$(dirname "$0")/lib/tap.sh"
. "$T_ROOT/tests/lib/kernel.sh"

kc=$T_ROOT/scripts/boottest/kconfig

# --- without a kernel tree ----------------------------------------------------
list=$("$kc" list 2>&1)
ok $? "kconfig list"
mapfile -t profiles < <(awk '{ print $1 }' <<<"$list")
missing=()
for p in boot crash debug debug-kasan debug-ubsan debug-kcsan debug-lockdep fstests fstests-ext4 fstests-xfs fstests-btrfs symbols modules dump; do
	grep -qx "$p" < <(printf '%s\n' "${profiles[@]}") || missing+=("$p")
done
is "${missing[*]}" "" "Kconfig.test declares the boot, crash, debug, fstests, symbols, modules and dump profiles"

frag=$("$kc" fragment --arch x86 boot 2>&1)
for s in 64BIT PVH SERIAL_8250_CONSOLE VIRTIO_PCI VIRTIO_BLK VIRTIO_MENU PCI BLK_DEV EXT4_FS DEVTMPFS_MOUNT TMPFS SHMEM BINFMT_SCRIPT PRINTK_TIME; do
	grep -qx "CONFIG_$s=y" <<<"$frag" || missing+=("$s")
done
is "${missing[*]}" "" "boot on x86: the whole chain (64BIT, PVH, 8250 console, PCI, VIRTIO_MENU, VIRTIO_PCI, BLK_DEV, VIRTIO_BLK, ext4, ...)"
frag=$("$kc" fragment --arch arm64 boot 2>&1)
like "$frag" "CONFIG_SERIAL_AMBA_PL011_CONSOLE=y" "boot on arm64: the PL011 console"
grep -q 'CONFIG_PVH\|CONFIG_SERIAL_8250' <<<"$frag"
ok $((!$?)) "... and no x86-only symbol"
frag=$("$kc" fragment --arch x86 crash 2>&1)
like "$frag" "CONFIG_LKDTM=y" "crash: LKDTM"
like "$frag" "CONFIG_DEBUG_FS=y" "crash: DEBUG_FS, which LKDTM depends on"
like "$frag" "CONFIG_VIRTIO_BLK=y" "crash includes boot"
like "$frag" "CONFIG_DEFAULT_HUNG_TASK_TIMEOUT=10" "crash: a short hung-task timeout (an int value)"
frag=$("$kc" fragment --arch x86 dump 2>&1)
for s in FW_CFG_SYSFS ACPI KEXEC; do
	grep -qx "CONFIG_$s=y" <<<"$frag" || missing+=("$s")
done
is "${missing[*]}" "" "dump on x86: FW_CFG_SYSFS, found through ACPI, and KEXEC (CRASH_CORE's vmcoreinfo note)"
is "$("$kc" fragment --arch x86 boot,crash)" "$("$kc" fragment --arch x86 boot crash)" "profiles comma- or space-separated"
out=$("$kc" fragment --arch x86 nosuch 2>&1)
is "$?" 2 "unknown profile: exit 2"
like "$out" 'unknown profile "nosuch"; known:.* crash' "... naming the known ones"

bad=$T_TMP/Kconfig.bad
printf 'config BOOTTEST_PROFILE_X\n\tbool "x"\n\tselect FOO\n\tfrobnicate BAR\n' >"$bad"
out=$(KCONFIG_TEST=$bad "$kc" list 2>&1)
is "$?" 2 "a Kconfig.test syntax error: exit 2"
like "$out" "Kconfig.bad:4: unsupported statement" "... naming file:line"
printf 'config BOOTTEST_PROFILE_A\n\tbool "a"\nconfig BOOTTEST_PROFILE_B\n\tbool "b"\nconfig NR_CPUS\n\tint\n\tdefault 2 if BOOTTEST_PROFILE_A\n\tdefault 4 if BOOTTEST_PROFILE_B\n' >"$bad"
out=$(KCONFIG_TEST=$bad "$kc" fragment --arch x86 a b 2>&1)
is "$?" 2 "two profiles wanting different values: exit 2"
like "$out" "CONFIG_NR_CPUS: profile a wants 2, profile b wants 4" "... naming both"

cfg=$T_TMP/config
"$kc" fragment --arch x86 boot | grep -v '^#' >"$cfg"
echo 'CONFIG_X86=y' >>"$cfg"
out=$("$kc" check "$cfg" boot 2>&1)
ok $? "check: a config with every boot symbol passes" || diag "$out"
sed -i '/CONFIG_VIRTIO_BLK=y/d; s/CONFIG_EXT4_FS=y/CONFIG_EXT4_FS=m/; s/CONFIG_DEVTMPFS=y/# CONFIG_DEVTMPFS is not set/' "$cfg"
out=$("$kc" check "$cfg" boot 2>&1)
is "$?" 1 "check: missing symbols give exit 1"
like "$out" "CONFIG_VIRTIO_BLK=y \(boot\): absent" "... names an absent one"
like "$out" "CONFIG_EXT4_FS=y \(boot\): =m, must be built in" "... a module where built-in is needed"
like "$out" "CONFIG_DEVTMPFS=y \(boot\): is not set" "... one that is off"
out=$("$kc" check "$T_TMP/nonexistent" 2>&1)
is "$?" 2 "check without a config: exit 2"

# --- Debian's linux-source-6.1: config generation only ----------------------
if ! kernel_dropin; then
	skip "the real kernel tree: $KERNEL_SKIP_REASON"
	done_testing
	exit
fi
src=$KERNEL_SRC
o=$T_TMP/o
mkdir -p "$o"
out=$(make -s -C "$src" O="$o" boottest-minimal PROFILE=crash 2>&1)
ok $? "make boottest-minimal PROFILE=crash (tinyconfig + boot + crash), verified" || diag "$out"
check "the result of boottest-minimal passes kconfig check (boot)" "$kc" check "$o/.config" boot
grep -q '^CONFIG_64BIT=y' "$o/.config"
ok $? "x86: the minimal config is 64-bit (tinyconfig alone is i386)"
# Each profile on tinyconfig: made once, then boottest-apply per profile
# (what boottest-minimal does after its BASE step).
make -s -C "$src" O="$o" tinyconfig >/dev/null 2>&1
cp "$o/.config" "$T_TMP/tiny"
for p in "${profiles[@]}"; do
	cp "$T_TMP/tiny" "$o/.config"
	out=$(make -s -C "$src" O="$o" boottest-apply PROFILE="$p" 2>&1)
	rc=$?
	last=$(grep '^kconfig:' <<<"$out" | tail -n1)
	if [ $rc = 0 ] && [[ $last == *"has all"* ]]; then
		ok 0 "PROFILE=$p on tinyconfig: every requested symbol present (${last#*has all })"
	else
		ok 1 "PROFILE=$p on tinyconfig: every requested symbol present"
		diag "$(grep -A30 '^kconfig:' <<<"$out")"
	fi
done
is "$(git -C "$src" status --porcelain | grep -v '^?? ')" "" "no tracked file of the tree modified"

# A profile that asks for what cannot be had: reported with the reason.
t=$T_TMP/Kconfig.test
cp "$T_ROOT/Kconfig.test" "$t"
cat >>"$t" <<'EOF'
config BOOTTEST_PROFILE_IMPOSSIBLE
	bool "for the test: symbols that cannot be set"
	select LKDTM
	select ARM64_VA_BITS_48
	select NO_SUCH_SYMBOL_ANYWHERE
	select KALLSYMS_ALL
EOF
cp "$T_TMP/tiny" "$o/.config"
out=$(KCONFIG_TEST=$t make -s -C "$src" O="$o" boottest-apply PROFILE=impossible 2>&1)
rc=$?
is "$rc" 2 "a requested symbol that does not stick: boottest-apply exits 2"
like "$out" "CONFIG_LKDTM=y \(impossible\): (absent from .config|is not set); unmet dependency: DEBUG_FS \[=n\]" \
	"... LKDTM without DEBUG_FS: unmet dependency DEBUG_FS named"
like "$out" "CONFIG_ARM64_VA_BITS_48=y \(impossible\): absent from .config; defined only for another architecture \(arm64\)" \
	"... an arm64 symbol on x86: other architecture"
like "$out" "CONFIG_NO_SUCH_SYMBOL_ANYWHERE=y \(impossible\): absent from .config; unknown symbol" \
	"... an unknown symbol"
like "$out" "[0-9]+ of [0-9]+ missing" "... with a count"

# boottest-apply on an existing .config, boottest-verify
cp "$T_TMP/tiny" "$o/.config"
out=$(make -s -C "$src" O="$o" boottest-verify 2>&1)
is "$?" 2 "boottest-verify on plain tinyconfig: exit 2"
like "$out" "CONFIG_VIRTIO_BLK=y \(boot\)" "... naming what the guest lacks"
out=$(make -s -C "$src" O="$o" boottest-apply PROFILE=crash 2>&1)
ok $? "boottest-apply PROFILE=crash on the existing .config" || diag "$out"
out=$(make -s -C "$src" O="$o" boottest-verify PROFILE=crash 2>&1)
ok $? "boottest-verify PROFILE=crash afterwards" || diag "$out"
o2=$T_TMP/empty
mkdir -p "$o2"
out=$(make -s -C "$src" O="$o2" boottest-apply 2>&1)
is "$?" 2 "boottest-apply without a .config: exit 2"
like "$out" "no .*\.config: configure first" "... saying what to do"

done_testing
