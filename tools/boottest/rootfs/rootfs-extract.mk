# SPDX-License-Identifier: GPL-2.0
# rootfs-extract: safe copy out of an ext4 image a guest wrote.
TOOLS += rootfs-extract
rootfs-extract-main := rootfs/rootfs-extract.o
rootfs-extract-objs := rootfs/extract.o
rootfs-extract-pkgs := ext2fs com_err

FUZZERS += fuzz-extract
fuzz-extract-objs := rootfs/extract.o
fuzz-extract-pkgs := ext2fs com_err
