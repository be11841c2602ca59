#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate the real console logs of Debian's 6.1 kernel used by
# tests/21-classify-debian.t: a clean boot with console_msg_format=syslog,
# a clean boot without it, and a sysrq crash ('echo c > /proc/sysrq-trigger').
# The guest is a busybox initramfs whose /init prints a marker and reboots.
#
#   tests/data/dmesg/make-debian-logs.sh [OUTDIR]   (default: this directory)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-$here}
kdir=$("$root/scripts/boottest/debian-kernel" --print)
kernel=$(echo "$kdir"/boot/vmlinuz-*)
work=$(mktemp -d /tmp/h2-debian-logs.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkinitrd() {	# $1: output, $2: extra /init command before reboot
	local d=$work/root
	rm -rf "$d"
	mkdir -p "$d/bin" "$d/dev" "$d/proc" "$d/sys"
	cp /bin/busybox "$d/bin/busybox"
	mknod -m 600 "$d/dev/console" c 5 1
	mknod -m 666 "$d/dev/null" c 1 3
	cat > "$d/init" <<INIT
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
echo BOOTTEST-MARKER: init reached
$2
/bin/busybox reboot -f
INIT
	chmod 755 "$d/init"
	(cd "$d" && find . | cpio -o -H newc --quiet) > "$1"
}

boot() {	# $1: initrd, $2: append, $3: log
	rm -f "$3"
	timeout -s KILL 300 nice qemu-system-x86_64 -machine accel=kvm:tcg -m 512 \
		-nodefaults -display none -serial "file:$3" -no-reboot \
		-kernel "$kernel" -initrd "$1" -append "$2" || true
}

mkinitrd "$work/clean.cpio" ""
mkinitrd "$work/sysrq.cpio" "echo c > /proc/sysrq-trigger"
boot "$work/clean.cpio" 'console=ttyS0 console_msg_format=syslog panic=-1' \
	"$out/debian-6.1-clean-syslog.log"
boot "$work/clean.cpio" 'console=ttyS0 panic=-1' \
	"$out/debian-6.1-clean-plain.log"
boot "$work/sysrq.cpio" 'console=ttyS0 console_msg_format=syslog panic=-1' \
	"$out/debian-6.1-sysrq-crash.log"
