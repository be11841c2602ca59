#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fstests-vm end to end with the project's check-compatible fixture
# (tests/fixtures/fstests): the runner's plan (check's test selection from
# group.list, host-side), bad input (one-line errors, exit status 2), a run
# on Debian's kernel (pass, su as fsgqa, a failure with .out.bad, not run),
# saved as a baseline (results disk sized from the selected tests), the
# image (a Makefile.boot target: reused while its inputs are unchanged,
# made again once when one changes),
# EXTRA_MODULES= staged into the image (and a missing one refused), keys
# in the session keyring (fstests' encryption tests: ext4/024), device
# mapper nodes without udev (dm-flakey tests: generic/034), a
# results disk too small (reported, never a silent pass), then a run whose
# guest crashes in the middle (sysrq
# c): exit status 1, partial results, the running test, the crash title,
# the not-reached tests as regressions; and, when the cached tree kernel
# (LKDTM) is built, a real kernel WARNING named with its test; and the
# host's TSC rate given to the guest (vmrun --host-tsc: a tinyconfig
# kernel keeps time with the tsc clocksource), FSTESTS_HOST_TSC=0 drops it.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/kernel.sh"

cd "$T_ROOT" || exit 1
fx=$T_ROOT/tests/fixtures/fstests
command -v qemu-system-x86_64 > /dev/null || skip_all "qemu-system-x86_64 missing (scripts/boottest/setup)"
command -v jq > /dev/null || skip_all "jq missing (scripts/boottest/setup)"
deb=$(scripts/boottest/debian-kernel --print 2>/dev/null)
[ -n "$deb" ] && [ -d "$deb/boot" ] || skip_all "Debian's kernel not cached (scripts/boottest/debian-kernel)"
out=$T_ROOT/.boottest
# vmrun --host-tsc (make fstests-vm passes it) gives the guest the host's
# TSC rate under TCG when the host's TSC has a constant rate.
tsc_why=
grep -qw constant_tsc /proc/cpuinfo && grep -qw nonstop_tsc /proc/cpuinfo ||
	tsc_why="the host CPU lacks constant_tsc/nonstop_tsc"
[ "$(uname -m)" = x86_64 ] || tsc_why="the host is not x86_64"
host_tsc() {	# RUN: whether --host-tsc applies to that run, else why not
	[ -z "$tsc_why" ] || return 1
	grep -q -- '-accel tcg' "$1/qemu.cmdline" 2>/dev/null || { tsc_why="the run used KVM"; return 1; }
}
fsvm() {	# make fstests-vm ARGS...: sets $log and $st (the printed status)
	log=$(nice make -s -f Makefile.boot fstests-vm "$@" 2>&1)
	st=$(echo "$log" | sed -n 's/^fstests-vm: exit status \([0-9]*\)$/\1/p' | tail -n 1)
	st=${st:-0}
}
err1() {	# NAME REGEX ARGS...: exit status 2 and a one-line error
	local name=$1 re=$2
	shift 2
	fsvm "$@"
	is "$st" 2 "$name: exit status 2" || diag "$log"
	like "$(echo "$log" | grep -m1 'fstests-vm: error:')" "$re" "$name: one-line error"
}

# ---- the plan: what ./check will select, without a second check startup ----
# scripts/boottest/fstests/plan on a tree of kdave/xfstests' layout (the
# selection rules of its check: generic + FSTYP, ext2/3 -> ext4, DIR/GROUP,
# -x, -g all, auto by default, globs, byte order; named tests alone in the
# order given); 3 for what it does not
# model, so the runner asks ./check -n.
kd=$T_TMP/kd
mkdir -p "$kd/tests/generic" "$kd/tests/ext4" "$kd/tests/xfs"
printf '# generated\n\n001 rw auto quick\n002 auto\n010 quick dangerous\n011-named quick # c\n' > "$kd/tests/generic/group.list"
printf '001 auto quick\n003 quick\n' > "$kd/tests/ext4/group.list"
printf '005 auto quick\n' > "$kd/tests/xfs/group.list"
touch "$kd"/tests/generic/{001,001.out,002,010,011-named} "$kd"/tests/ext4/{001,003} "$kd/tests/xfs/005"
plan() { (cd "$1" && shift && "$T_ROOT/scripts/boottest/fstests/plan" "$@" | tr '\n' ' '; exit "${PIPESTATUS[0]}"); }
is "$(plan "$kd" ext4 -g quick)" "ext4/001 ext4/003 generic/001 generic/010 generic/011-named " "plan: -g quick on ext4"
is "$(plan "$kd" ext3 -g quick)" "ext4/001 ext4/003 generic/001 generic/010 generic/011-named " "plan: ext3 uses tests/ext4"
is "$(plan "$kd" xfs -E x -R xunit -g quick -x dangerous)" "generic/001 generic/011-named xfs/005 " "plan: -x removes a group, -E -R kept"
is "$(plan "$kd" ext4 -g xfs/quick)" "xfs/005 " "plan: DIR/GROUP"
is "$(plan "$kd" ext4 -g quick,auto -x rw)" "ext4/001 ext4/003 generic/002 generic/010 generic/011-named " "plan: comma-separated groups"
is "$(plan "$kd" ext4)" "ext4/001 generic/001 generic/002 " "plan: no test, no group: auto"
is "$(plan "$kd" ext4 -g all)" "ext4/001 ext4/003 generic/001 generic/002 generic/010 generic/011-named " "plan: -g all"
is "$(plan "$kd" ext4 'generic/00?' generic/999 ext4/003 generic/001)" "generic/001 generic/002 ext4/003 " "plan: names (in the order given), globs, unknown names left out"
for a in "-r -g quick" "-g nosuch" "generic/001 -g quick" "-s ext4_4k"; do
	# shellcheck disable=SC2086
	plan "$kd" ext4 $a > /dev/null
	is "$?" 3 "plan: '$a' is left to ./check -n (exit 3)"
done
plan "$fx" ext4 -g auto > /dev/null
is "$?" 3 "plan: groups of a tree without tests/generic are left to ./check -n"
is "$(plan "$fx" ext4 fixture/002 fixture/001)" "fixture/002 fixture/001 " "plan: named tests of any tree"

# ---- bad input ----
err1 "FSTESTS unset" 'FSTESTS is not set' FSTESTS=
err1 "FSTESTS not a dir" 'no such directory' FSTESTS="$T_TMP/none"
mkdir -p "$T_TMP/notfs"
err1 "FSTESTS not fstests" 'not an fstests tree' FSTESTS="$T_TMP/notfs"
cp -r "$fx" "$T_TMP/unbuilt" && rm -f "$T_TMP/unbuilt/ltp/fsx" "$T_TMP/unbuilt/tests/fixture/group.list"
err1 "FSTESTS not built" 'not built \(missing ltp/fsx tests/\*/group.list\); run make in' FSTESTS="$T_TMP/unbuilt"
err1 "unknown FSTYP" 'FSTYP=zfs: unknown' FSTESTS="$fx" FSTYP=zfs
err1 "unknown CONFIG" 'CONFIG=9k: unknown config for ext4; known: 4k' FSTESTS="$fx" CONFIG=4k,9k
if ! PATH=/usr/sbin:/sbin:$PATH type -P mkfs.btrfs > /dev/null; then
	err1 "host lacks mkfs.btrfs" 'mkfs.btrfs: not found on this host; install the Debian package btrfs-progs' \
		FSTESTS="$fx" FSTYP=btrfs
else
	skip "mkfs.btrfs is installed: the missing-mkfs error cannot be provoked here"
fi
# A kernel whose config lacks XFS and loop.
mkdir -p "$T_TMP/k"
rel=$(basename "$deb"/boot/vmlinuz-* | sed 's/^vmlinuz-//')
ln -s "$deb/boot/vmlinuz-$rel" "$T_TMP/k/vmlinuz-$rel"
grep -v -e '^CONFIG_XFS_FS=' -e '^CONFIG_BLK_DEV_LOOP=' "$deb/boot/config-$rel" > "$T_TMP/k/config-$rel"
err1 "config lacks fs/loop" 'lacks CONFIG_BLK_DEV_LOOP CONFIG_XFS_FS; enable them' \
	FSTESTS="$fx" FSTYP=xfs KERNEL="$T_TMP/k/vmlinuz-$rel" MODULES="$deb/lib/modules/$rel"
err1 "disk space" 'could need .* when written; free space or lower FSTESTS_DISK_SIZE=' \
	FSTESTS="$fx" FSTESTS_DISK_SIZE=900000G
err1 "bad disk size" 'FSTESTS_DISK_SIZE=lots: not a size' FSTESTS="$fx" FSTESTS_DISK_SIZE=lots

# ---- the image cache: reused while every input is unchanged ----
# (MEM=lots: vmrun refuses it after the image step, so nothing boots)
cp -r "$fx" "$T_TMP/fxc"
fsvm FSTESTS="$T_TMP/fxc" TESTS=fixture/001 MEM=lots
like "$log" 'fstests-vm: image: [0-9.]+[KMG] written in' "image cache: a new tree's image is written"
like "$log" '  ROOTFS  .*/fstests/images/rootfs-[0-9a-f]+\.ext4' "image cache: Makefile.boot makes it"
fsvm FSTESTS="$T_TMP/fxc" TESTS=fixture/001 MEM=lots
like "$log" 'fstests-vm: image: [0-9.]+[KMG] reused in' "image cache: reused while its inputs are unchanged"
is "$(echo "$log" | grep -c '  ROOTFS  ')" 0 "image cache: make remakes nothing"
touch -d '1 hour ago' "$T_TMP/fxc/tests/fixture/001"
fsvm FSTESTS="$T_TMP/fxc" TESTS=fixture/001 MEM=lots
like "$log" 'fstests-vm: image: [0-9.]+[KMG] written in' "image cache: an input with a new (older) mtime writes it again"
fsvm FSTESTS="$T_TMP/fxc" TESTS=fixture/001 MEM=lots
like "$log" 'fstests-vm: image: [0-9.]+[KMG] reused in' "image cache: ... once"
touch "$out/tools/mkrootfs"
fsvm FSTESTS="$T_TMP/fxc" TESTS=fixture/001 MEM=lots
like "$log" 'fstests-vm: image: [0-9.]+[KMG] written in' "image cache: a newer mkrootfs writes it again"

# ---- a run on Debian's kernel, saved as a baseline ----
rm -f "$out/fstests/baselines/fixture-baseline.json"
fsvm FSTESTS="$fx" TESTS='-g auto' CONFIG=4k BASELINE_SAVE=fixture-baseline TIMEOUT=1800
is "$st" 1 "fixture run (one test fails): exit status 1" || diag "$log"
run=$(echo "$log" | sed -n 's/^fstests-vm: results in \([^ ]*\) .*/\1/p' | tail -n 1)
j=$run/fstests.json
if [ -f "$j" ]; then
	is "$(jq -r '[.tests[] | "\(.name)=\(.status)"] | join(" ")' "$j")" \
		"fixture/001=pass fixture/002=pass fixture/003=fail fixture/004=notrun fixture/005=notrun fixture/006=pass" \
		"results home and parsed: pass, su as fsgqa, fail, not run"
	like "$(jq -r '.tests[] | select(.name=="fixture/003") | .diff' "$j")" '\+this line is not in the golden output' \
		"failure carries the first lines of the diff"
	is "$(jq -r .verdict "$run/result.json")" clean "kernel verdict clean"
	is "$(jq -r .fstests.verdict "$run/result.json")" fail "result.json carries the fstests verdict"
	check "JUnit written" test -s "$run/fstests-junit.xml"
	check "check's own result.xml home (./check -R xunit)" test -s "$run/guest/fstests/ext4_4k/result.xml"
	check "baseline saved by name" test -f "$out/fstests/baselines/fixture-baseline.json"
	if host_tsc "$run"; then
		like "$(cat "$run/qemu.cmdline")" ' tsc_early_khz=[1-9][0-9]* tsc=reliable ' \
			"the host's TSC rate on the kernel command line (vmrun --host-tsc)"
		like "$(cat "$run/qemu.cmdline")" " sysctl\.kernel\.hung_task_timeout_secs=120( |'|$)" \
			"hung-task timeout 120 s, not the crash profile's 10 s (tests that block I/O on purpose)"
		like "$(cat "$run/qemu.cmdline")" ' -smp 1,sockets=1 ' \
			"CPUS= unset under TCG: one guest CPU (vmrun's fstests workload)"
	else
		skip "vmrun --host-tsc does not apply: $tsc_why"
	fi
	like "$log" 'fstests: 3/6 \[ext4_4k\] fixture/003 fail' "live progress lines (not a TTY)"
	like "$log" 'results disk: 256M sparse \(6 tests x 4M, at least 256M' \
		"results disk sized from the tests -g selects (group.list)"
else
	ok 1 "fstests.json written" || diag "$log"
fi

# ---- EXTRA_MODULES=: staged into the fstests image as for make boottest ----
dmzero=$(find "$deb/lib/modules/$rel" -name 'dm-zero.ko*' | head -n 1)
mkdir -p "$T_TMP/xm"
cp "$dmzero" "$T_TMP/xm/"
# (fixture/009 rides along: a key in a ring linked into the session keyring,
# as fstests' encryption tests add them, needs the runner's session keyring;
# fixture/010: dmsetup create makes /dev/mapper/NAME without udev; and
# FSTESTS_XUNIT=0: ./check without -R xunit)
fsvm FSTESTS="$fx" TESTS='fixture/001 fixture/009 fixture/010' EXTRA_MODULES="$T_TMP/xm/${dmzero##*/}" \
	FSTESTS_XUNIT=0 FSTESTS_HOST_TSC=0 TIMEOUT=1800 CPUS=2
is "$st" 0 "EXTRA_MODULES=${dmzero##*/}: the run passes" || diag "$log"
run=$(echo "$log" | sed -n 's/^fstests-vm: results in \([^ ]*\) .*/\1/p' | tail -n 1)
is "$(jq -r '.tests[] | select(.name=="fixture/009") | .status' "$run/fstests.json" 2>/dev/null)" pass \
	"fixture/009: keyctl newring @s, then padd into that ring (the guest has a session keyring)"
is "$(jq -r '.tests[] | select(.name=="fixture/010") | .status' "$run/fstests.json" 2>/dev/null)" pass \
	"fixture/010: dmsetup create makes its /dev/mapper node (no udev in the guest)"
check "FSTESTS_XUNIT=0: check.log home" test -s "$run/guest/fstests/ext4_default/check.log"
is "$(jq -r '.sections[0].fstyp' "$run/fstests.json" 2>/dev/null)" ext4 \
	"FSTESTS_XUNIT=0: the section's FSTYP, from check's output (no result.xml)"
no_rate() { [ -s "$1" ] && ! grep -q tsc_early_khz "$1"; }
check "FSTESTS_HOST_TSC=0: no TSC rate on the kernel command line" no_rate "$run/qemu.cmdline"
like "$(cat "$run/qemu.cmdline" 2>/dev/null)" ' -smp 2,sockets=2 ' "CPUS=2 given: two guest CPUs, KVM or not"
check "FSTESTS_XUNIT=0: no result.xml (check ran without -R xunit)" \
	test ! -e "$run/guest/fstests/ext4_default/result.xml"
img=$(ls -t "$out"/fstests/images/rootfs-*.ext4 | head -n 1)
"$BT_BIN/rootfs-extract" -q "$img" "/lib/modules/$rel" "$T_TMP/xm-out"
check "the module is in the image's /lib/modules/$rel/extra" test -f "$T_TMP/xm-out/extra/${dmzero##*/}"
like "$(grep '^extra/dm-zero' "$T_TMP/xm-out/modules.dep" 2>/dev/null)" '^extra/dm-zero\.ko[.a-z]*: .*kernel/.*dm-mod\.ko' \
	"modules.dep: its dependency from Debian's module set (modprobe dm-zero works)"
xlog=$(nice make -s -f Makefile.boot fstests-vm FSTESTS="$fx" TESTS=fixture/001 \
	EXTRA_MODULES="$T_TMP/xm/nothere.ko" 2>&1)
is "$?" 2 "EXTRA_MODULES=missing file: exit 2"
like "$xlog" "error: EXTRA_MODULES: $T_TMP/xm/nothere.ko: no such file" "... naming it"

# ---- the results disk fills up (fixture/008 writes 8 MiB to its .full) ----
err1 "bad results size" 'FSTESTS_RESULTS_SIZE=1k: too small \(at least 4M\)' FSTESTS="$fx" FSTESTS_RESULTS_SIZE=1k
fsvm FSTESTS="$fx" TESTS='fixture/008 fixture/001' FSTESTS_RESULTS_SIZE=4M TIMEOUT=1800
ok "$([ "$st" != 0 ]; echo $?)" "results disk full: not a pass (exit status $st)" || diag "$log"
run=$(echo "$log" | sed -n 's/^fstests-vm: results in \([^ ]*\) .*/\1/p' | tail -n 1)
is "$(jq -r .results_full.test "$run/fstests.json" 2>/dev/null)" fixture/008 \
	"results_full names the test that filled the disk" || diag "$log"
like "$log" 'fstests: error: the results disk \([0-9]+ MiB\) was full .* after fixture/008 .*raise FSTESTS_RESULTS_SIZE=' \
	"the summary reports the full results disk"
is "$(jq -r '[.tests[].name] | join(" ")' "$run/fstests.json" 2>/dev/null)" "fixture/008 fixture/001" \
	"every test still accounted for (console)"

# ---- the guest crashes in the middle ----
fsvm FSTESTS="$fx" TESTS='fixture/001 fixture/007 fixture/006' CONFIG=4k BASELINE=fixture-baseline TIMEOUT=1800
is "$st" 1 "crash in the middle: exit status 1" || diag "$log"
run=$(echo "$log" | sed -n 's/^fstests-vm: results in \([^ ]*\) .*/\1/p' | tail -n 1)
j=$run/fstests.json
if [ -f "$j" ]; then
	is "$(jq -r .running.test "$j")" fixture/007 "names the test that was running"
	like "$(jq -r '.kernel[0].title' "$j")" 'sysrq' "crash title"
	is "$(jq -r '.kernel[0].test' "$j")" fixture/007 "crash attributed to its test"
	is "$(jq -r '[.tests[] | "\(.name)=\(.status)"] | join(" ")' "$j")" \
		"fixture/001=pass fixture/007=crashed fixture/006=notreached" "partial results, rest not reached"
	like "$(jq -r '.baseline.not_reached | join(" ")' "$j")" 'ext4_4k:fixture/006' \
		"baseline tests not reached are regressions"
	like "$log" 'fstests: kernel: .*sysrq.* during fixture/007' "summary names crash and test"
else
	ok 1 "fstests.json written (crash run)" || diag "$log"
fi
rm -f "$out/fstests/baselines/fixture-baseline.json"

# ---- a tree kernel with LKDTM: a real WARNING in fixture/005 ----
# The suite's main tree kernel (51-boot-tree.t builds it), when it is
# cached: not any kernel of the cache, since the debug kernels there have
# LKDTM too, and a KASAN one does not boot from its vmlinux (PVH).
tk=
if kernel_config && [ -e "$KERNEL_DIR/build-done" ] && [ -f "$KERNEL_OBJ/vmlinux" ] &&
	grep -q '^CONFIG_LKDTM=y' "$KERNEL_CONFIG"; then
	tk=$KERNEL_OBJ/vmlinux
fi
if [ -n "$tk" ]; then
	fsvm FSTESTS="$fx" TESTS='fixture/001 fixture/005' KERNEL="$tk" \
		FSTESTS_KCONFIG_CHECK=0 TIMEOUT=1800
	is "$st" 1 "tree kernel, WARN test: exit status 1" || diag "$log"
	run=$(echo "$log" | sed -n 's/^fstests-vm: results in \([^ ]*\) .*/\1/p' | tail -n 1)
	j=$run/fstests.json
	is "$(jq -r '.tests[] | select(.name=="fixture/005") | .status' "$j" 2>/dev/null)" fail \
		"fixture/005 fails: check's dmesg scan saw the WARNING"
	like "$(jq -r '.tests[] | select(.name=="fixture/005") | .kernel_title' "$j" 2>/dev/null)" '^WARNING' \
		"the classifier's WARNING title on fixture/005"
	# tinyconfig has no HPET/ACPI: without the rate it kept time with
	# refined-jiffies, a third slow under TCG on a busy host
	if host_tsc "$run"; then
		like "$(grep -a 'Switched to clocksource' "$run/console.log" | tail -n 1 | tr -d '\r')" 'clocksource tsc$' \
			"tree kernel without HPET/ACPI keeps time with the tsc clocksource (vmrun --host-tsc)"
	else
		skip "vmrun --host-tsc does not apply: $tsc_why"
	fi
else
	skip "no cached tree kernel with LKDTM (tests/lib/kernel.sh builds one for 51-boot-tree.t)${KERNEL_SKIP_REASON:+: $KERNEL_SKIP_REASON}"
fi
done_testing
