#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The per-kernel cache of make boottest: what is made from a kernel (the
# vmlinux extracted for the PVH boot, the initramfs) goes in
# .boottest/kernel/RELEASE-BUILDID12/, named from kinspect --make-vars; the
# facts live under kernel/by-path/, mirroring the kernel's path.  When the
# kernel at a path changes, the cache directory of the one it replaced
# goes, unless another path still names that kernel.  QEMU is a wrapper
# (BOOTTEST_QEMU) that records its arguments and exits: what is under test
# is the cache, not a boot.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
need_boot_env

out=$T_TMP/out
kc=$out/.boottest/kernel
dk=$("$T_ROOT/scripts/boottest/debian-kernel" --print)
kimg=$(ls "$dk"/boot/vmlinuz-* | head -n 1)
export BOOTTEST_QEMU=$T_TMP/qemu FAKE_QEMU_ARGS=$T_TMP/args
cat > "$BOOTTEST_QEMU" <<'EOF'
#!/bin/bash
printf '%s\n' "$@" > "$FAKE_QEMU_ARGS"
echo "fake QEMU: arguments recorded, no boot" >&2
exit 1
EOF
chmod +x "$BOOTTEST_QEMU"
arg() { grep -A1 -x -- "$1" "$FAKE_QEMU_ARGS" 2>/dev/null | tail -n 1; }
goal() {
	rm -f "$FAKE_QEMU_ARGS"
	LOG=$(make -s -f "$T_ROOT/Makefile.boot" boottest O="$out" ACCEL=tcg \
		KERNEL="$kimg" < /dev/null 2>&1)
}

goal
vmr=$out/.boottest/tools
rel=$("$vmr/kinspect" --get release "$kimg")
bid=$("$vmr/kinspect" --get build_id "$kimg")
[ -n "$rel" ] && [ ${#bid} -ge 12 ]
ok $? "kinspect gives the kernel's release and build id ($rel, $bid)"
id=$rel-${bid:0:12}
is "$(arg -kernel)" "$kc/$id/vmlinux" "the extracted vmlinux is in kernel/RELEASE-BUILDID12/" ||
	diag "$LOG"
is "$(arg -initrd)" "$kc/$id/initramfs.cpio" "... and so is the initramfs"
facts=$kc/by-path$kimg.mk
like "$(cat "$facts" 2>/dev/null)" "bt-k-id := $id" "the facts, under by-path/ as the kernel's path"
is "$(cd "$kc" && ls -d -- */ | tr '\n' ' ')" "$id/ by-path/ " "nothing else in kernel/"

# A stale id: the kernel at that path was another one (with an older
# facts file), and another path still names it: its directory stays.
old=6.1.0-old-0123456789ab
stale() {
	mkdir -p "$kc/$old"
	sed -i "s/^bt-k-id := .*/bt-k-id := $old/" "$facts"
	touch -d 2000-01-01 "$facts"
}
mkdir -p "$kc/by-path/elsewhere"
echo "bt-k-id := $old" > "$kc/by-path/elsewhere/vmlinuz.mk"
stale
goal
check "another path still names the replaced kernel: its directory stays" test -d "$kc/$old"
is "$(arg -kernel)" "$kc/$id/vmlinux" "the facts are read again: the new kernel's directory"
rm -r "$kc/by-path/elsewhere"
stale
goal
check "no path names the replaced kernel: its directory goes" test ! -e "$kc/$old"
check "... the current kernel's stays" test -f "$kc/$id/vmlinux"

done_testing
