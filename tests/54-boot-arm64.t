#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# arm64 guests: make boottest ARCH=arm64 boots Debian's prebuilt arm64 kernel
# (linux-image-arm64, modular: arm64 modules in the initramfs) on
# qemu-system-aarch64 -machine virt under TCG, on a root image of arm64
# binaries (TESTS=: bash, bats and libc from the arm64 sysroot), with the
# same verdict, result files and exit status as x86_64;
# a panic is named the same way; KERNEL= alone finds the arch; usage errors.
# Every boot has a generous TIMEOUT (TCG on a loaded host).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"

command -v qemu-system-aarch64 > /dev/null ||
	skip_all "qemu-system-aarch64 missing: install qemu-system-arm (scripts/boottest/setup)"
command -v python3 > /dev/null || skip_all "python3 missing (scripts/boottest/setup)"
[ "$(uname -m)" = x86_64 ] || skip_all "the arm64-on-another-host path is tested on x86_64 hosts (this is $(uname -m))"
dk=$("$T_ROOT/scripts/boottest/debian-kernel" --arch arm64 --print 2>/dev/null)
[ -n "$dk" ] && ls "$dk"/boot/vmlinuz-* > /dev/null 2>&1 ||
	skip_all "Debian's arm64 kernel is not cached: run scripts/boottest/setup (or scripts/boottest/debian-kernel --arch arm64)"
sr=$("$T_ROOT/scripts/boottest/debian-sysroot" --arch arm64 --print)
[ -x "$sr/bin/busybox" ] ||
	skip_all "the arm64 busybox is not unpacked: run scripts/boottest/setup (or scripts/boottest/debian-sysroot --arch arm64)"
vmlinuz=$(ls "$dk"/boot/vmlinuz-* | head -n1)
moddir=$(ls -d "$dk"/lib/modules/* | head -n1)

# e_machine of an ELF file: 183 aarch64, 62 x86_64.
elf_machine() {
	od -An -tu2 -j18 -N2 "$1" 2>/dev/null | tr -d ' '
}

KI=$BT_BIN/kinspect
O=${BT_TEST_BUILD:-$T_TMP}/boot-arm64
mkdir -p "$O"

# --- the kernel and its modules, read on an x86_64 host -------------------------
is "$("$KI" --get arch "$vmlinuz" 2>&1)" arm64 \
	"kinspect: Debian's arm64 vmlinuz is an arm64 kernel"
grep -qE '^CONFIG_VIRTIO_BLK=m' "$dk"/boot/config-* && grep -qE '^CONFIG_EXT4_FS=m' "$dk"/boot/config-*
ok $? "Debian's arm64 kernel has virtio_blk and ext4 as modules (the initramfs path)"
mods=$("$KI" modules "$moddir" virtio_pci virtio_blk crc32c_generic ext4 2>&1)
ok $? "kinspect modules: the root's module closure from arm64 .ko files" || diag "$mods"
like "$mods" "/jbd2\\.ko" "... ext4's dependency jbd2 is in it"
like "$(printf '%s\n' "$mods" | grep -n 'jbd2\|/ext4\.ko' | head -n1)" "jbd2" "... before ext4"
is "$(elf_machine "$(printf '%s\n' "$mods" | grep '/ext4\.ko' | head -n1)")" 183 "... and ext4.ko is an aarch64 ELF"

# --- the doctor names QEMU for arm64 --------------------------------------------
out=$("$T_ROOT/scripts/boottest/doctor" --arch arm64 2>&1)
is "$?" 0 "doctor --arch arm64: ready" || diag "$out"
like "$out" "ok +qemu-system-aarch64" "doctor --arch arm64 checks qemu-system-aarch64"
like "$out" "ok +arm64 busybox" "... and the arm64 busybox"
# the same with a PATH that has everything but qemu-system-aarch64
mkdir -p "$T_TMP/path"
for f in /usr/bin/* /usr/sbin/*; do
	case ${f##*/} in qemu-system-aarch64) continue ;; esac
	[ -e "$T_TMP/path/${f##*/}" ] || ln -s "$f" "$T_TMP/path/${f##*/}"
done
out=$(PATH=$T_TMP/path "$T_ROOT/scripts/boottest/doctor" --arch arm64 2>&1)
is "$?" 2 "doctor --arch arm64 without qemu-system-aarch64: exit 2"
like "$out" "MISSING +qemu-system-aarch64.*Debian package: qemu-system-arm" \
	"... naming the Debian package qemu-system-arm" || diag "$out"

# --- usage errors: no boot ----------------------------------------------------
boot "$O" "$T_TMP/badarch.log" ARCH=mips TIMEOUT=60
is "$B_RC" 2 "ARCH=mips: make fails"
like "$(cat "$T_TMP/badarch.log")" "ARCH=mips: boottest boots x86 .* and arm64" "ARCH=mips: the error names what boots"

# --- a clean boot of Debian's arm64 kernel, chosen by ARCH=arm64 --------------------
# with CMD= and TESTS= (bash and bats from the arm64 sysroot, with arm64 libc)
mkdir -p "$T_TMP/bats"
cat > "$T_TMP/bats/arch.bats" <<'BATS'
#!/usr/bin/env bats
@test "the guest is aarch64" {
	[ "$(uname -m)" = aarch64 ]
}
@test "bash runs" {
	run bash -c 'echo hi'
	[ "$output" = hi ]
}
BATS
boot "$O" "$T_TMP/clean.log" ARCH=arm64 CMD='uname -m; uname -r; echo boottest-arm64-cmd' \
	TESTS="$T_TMP/bats" TIMEOUT=900
is "$B_RC" 0 "ARCH=arm64: Debian's arm64 kernel boots clean under TCG (make exit 0)" ||
	diag "$(tail -20 "$T_TMP/clean.log")"
r=$B_RUN/result.json
assert_clean_run --cmd "$B_RUN"
like "$(cat "$T_TMP/clean.log")" "ok 2 bash runs" "TESTS=: bats ran in the arm64 guest"
like "$(cat "$T_TMP/clean.log")" "tests 2/2 passed" "TESTS=: 2/2 passed"
is "$(jget "$r" "['kernel']['arch']")" arm64 "result.json: kernel arch arm64"
is "$(jget "$r" "['kernel']['path']")" "$vmlinuz" "result.json: the kernel is Debian's arm64 vmlinuz"
like "$(jget "$r" "['kernel']['release']")" "-arm64$" "result.json: an -arm64 release"
assert_run_files "$B_RUN"
like "$(cat "$B_RUN/cmd.out")" "^aarch64" "uname -m in the guest: aarch64"
like "$(cat "$T_TMP/clean.log")" "boottest-arm64-cmd" "CMD output is streamed"
q=$(cat "$B_RUN/qemu.cmdline")
like "$q" "^qemu-system-aarch64 " "QEMU: qemu-system-aarch64"
like "$q" "-machine virt" "... the virt machine"
like "$q" "console=ttyAMA0" "... console ttyAMA0"
like "$q" "virtio-blk-pci" "... virtio-blk-pci disks"
like "$q" "-accel tcg -cpu max" "... TCG with -cpu max (no KVM for a foreign arch)"
is "$(qemu_of "$B_RUN")" "" "no QEMU left"

# The guest's binaries are arm64, never the host's.
img=$O/.boottest/rootfs-arm64-bats.ext4
[ -f "$img" ]
ok $? "the arm64 guest has its own root image (rootfs-arm64-bats.ext4 with TESTS=)"
rm -rf "$T_TMP/x"
mkdir -p "$T_TMP/x"
"$BT_BIN/rootfs-extract" "$img" / "$T_TMP/x/root" > /dev/null 2>&1
is "$(elf_machine "$T_TMP/x/root/bin/busybox")" 183 "the root image's /bin/busybox is aarch64"
is "$(elf_machine "$T_TMP/x/root/usr/bin/bash")" 183 "... /usr/bin/bash is aarch64"
libc=$(ls "$T_TMP"/x/root/lib/aarch64-linux-gnu/libc.so.6 "$T_TMP"/x/root/usr/lib/aarch64-linux-gnu/libc.so.6 2>/dev/null | head -n1)
is "$(elf_machine "$libc")" 183 "... bash's libc is the arm64 one (${libc#"$T_TMP"/x/root})"
is "$(find "$T_TMP/x/root" -path '*x86_64*' | head -n3)" "" "... and nothing of the host's x86_64 libraries"
initrd=$(jget "$r" "['kernel']['initrd']")
[ -s "$initrd" ]
ok $? "an initramfs was used (modular kernel)"
mkdir -p "$T_TMP/i"
(cd "$T_TMP/i" && cpio -id --quiet bin/busybox 'lib/modules/boottest/ext4.ko*' < "$initrd")
is "$(elf_machine "$T_TMP/i/bin/busybox")" 183 "the initramfs's busybox is aarch64"
is "$(elf_machine "$(ls "$T_TMP"/i/lib/modules/boottest/ext4.ko* | head -n1)")" 183 \
	"the initramfs's ext4.ko is the arm64 module"
is "$(dpkg-query -W -f '${Architecture}' busybox-static 2>/dev/null)" amd64 \
	"the host's busybox-static is still the amd64 package"

# --- a panic, and KERNEL= alone: the arch comes from the image ------------------------
# The kernel as an EFI zboot vmlinuz.efi (gzip payload; QEMU 7.2 cannot boot
# it): kinspect --image unpacks the Image once, into the per-kernel cache.
python3 - "$vmlinuz" "$T_TMP/vmlinuz.efi" <<'PY'
import gzip, struct, sys
payload = gzip.compress(open(sys.argv[1], "rb").read(), 1)
hdr = bytearray(512)
hdr[0:2] = b"MZ"
hdr[4:8] = b"zimg"
struct.pack_into("<II", hdr, 8, len(hdr), len(payload))
hdr[24:28] = b"gzip"
open(sys.argv[2], "wb").write(bytes(hdr) + payload)
PY
is "$("$KI" --get format "$T_TMP/vmlinuz.efi" 2>&1)" zboot "the fixture is an EFI zboot image"
"$KI" --image "$T_TMP/Image" "$T_TMP/vmlinuz.efi" && cmp -s "$T_TMP/Image" "$vmlinuz"
ok $? "kinspect --image unpacks the zboot payload to the original Image"
boot "$O" "$T_TMP/panic.log" KERNEL="$T_TMP/vmlinuz.efi" MODULES="$moddir" \
	CMD='echo c > /proc/sysrq-trigger' TIMEOUT=900
is "$B_RC" 2 "KERNEL=arm64 vmlinuz.efi, sysrq c: make reports the failed recipe"
r=$B_RUN/result.json
is "$(jget "$r" "['exit_status']")" 1 "result.json exit_status 1"
is "$(jget "$r" "['verdict']")" panic "verdict panic"
is "$(jget "$r" "['kernel']['arch']")" arm64 "KERNEL= without ARCH=: booted as arm64"
like "$(jget "$r" "['kernel']['path']")" "/kernel/.+/Image$" "QEMU booted the Image unpacked from the zboot image"
like "$(jget "$r" "['crashes'][0]['title']")" "sysrq" "the crash title names sysrq" ||
	diag "$(jget "$r" "['crashes']")"
like "$(cat "$T_TMP/panic.log")" "boottest: exit status 1" "the recipe prints exit status 1"
is "$(qemu_of "$B_RUN")" "" "no QEMU left after the panic"

done_testing
