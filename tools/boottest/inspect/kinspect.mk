# SPDX-License-Identifier: GPL-2.0
# kinspect: kernel image and module facts.
TOOLS += kinspect
kinspect-main := inspect/kinspect.o
kinspect-objs := inspect/file.o inspect/decomp.o inspect/image.o \
		 inspect/elf.o inspect/mod.o inspect/deps.o
kinspect-pkgs := libelf zlib liblzma libzstd liblz4
# libbz2 ships no .pc file in Debian 12
kinspect-ldlibs := -lbz2

FUZZERS += fuzz-kinspect-image fuzz-kinspect-modinfo
fuzz-kinspect-image-objs := $(kinspect-objs)
fuzz-kinspect-image-pkgs := $(kinspect-pkgs)
fuzz-kinspect-image-ldlibs := -lbz2
fuzz-kinspect-modinfo-objs := $(kinspect-objs)
fuzz-kinspect-modinfo-pkgs := $(kinspect-pkgs)
fuzz-kinspect-modinfo-ldlibs := -lbz2
