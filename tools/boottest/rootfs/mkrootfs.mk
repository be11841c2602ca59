# SPDX-License-Identifier: GPL-2.0
# mkrootfs: ext4 image / newc cpio writer from a manifest.
TOOLS += mkrootfs
mkrootfs-main := rootfs/mkrootfs.o
mkrootfs-objs := rootfs/manifest.o rootfs/tree.o rootfs/ext4.o rootfs/cpio.o \
		 rootfs/elf-closure.o
mkrootfs-pkgs := ext2fs com_err libelf libarchive

FUZZERS += fuzz-manifest
fuzz-manifest-objs := rootfs/manifest.o
fuzz-manifest-pkgs :=
