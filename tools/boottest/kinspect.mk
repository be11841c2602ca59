# SPDX-License-Identifier: GPL-2.0
# kinspect: kernel image and module facts.
TOOLS += kinspect
kinspect-main := kinspect.o
kinspect-objs := kinspect-file.o kinspect-decomp.o kinspect-image.o \
		 kinspect-elf.o kinspect-mod.o kinspect-deps.o
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
