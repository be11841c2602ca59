# SPDX-License-Identifier: GPL-2.0
# ksymbolize: file:line for kernel stack frames (libdw); vmrun links its
# core for the crash stacks of result.json.
TOOLS += ksymbolize
ksymbolize-main := ksymbolize.o
ksymbolize-objs := ksymbolize-frame.o ksymbolize-core.o
ksymbolize-pkgs := json-c libdw libelf

FUZZERS += fuzz-ksymbolize
fuzz-ksymbolize-objs := ksymbolize-frame.o
fuzz-ksymbolize-pkgs :=
