# SPDX-License-Identifier: GPL-2.0
# dmesg-classify: console-log crash classifier (PCRE2 with JIT).
TOOLS += dmesg-classify
dmesg-classify-main := classify/dmesg-classify.o
# layers, each using only those before it: input, rules (with the
# first-byte filter), match (with the header prefilter), report, output
dmesg-classify-objs := classify/input.o classify/rules.o classify/first.o \
		       classify/match.o classify/lit.o classify/report.o \
		       classify/output.o
# libpcre2-8 needs no cflags; libiberty (C++ and Rust demangling) has no
# .pc file: both linked by name
dmesg-classify-ldlibs := -lpcre2-8 -liberty

# Where the shipped rules are found when the program is not beside them.
%/dmesg-classify.o: BT_CFLAGS += -DDC_RULES_DIR='"$(srcdir)/classify"'
%/fuzz-classify.o: FUZZ_CFLAGS += -DDC_RULES_DIR='"$(srcdir)/classify"'

FUZZERS += fuzz-classify
fuzz-classify-objs := $(dmesg-classify-objs)
fuzz-classify-ldlibs := -lpcre2-8 -liberty
