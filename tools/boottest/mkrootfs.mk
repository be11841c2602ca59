# SPDX-License-Identifier: GPL-2.0
# mkrootfs: ext4 image / newc cpio writer from a manifest.
TOOLS += mkrootfs
mkrootfs-main := mkrootfs.o
mkrootfs-objs := manifest.o mkrootfs-tree.o mkrootfs-ext4.o mkrootfs-cpio.o \
		 elf-closure.o
mkrootfs-pkgs := ext2fs com_err libelf libarchive

FUZZERS += fuzz-manifest
fuzz-manifest-objs := manifest.o
fuzz-manifest-pkgs :=
