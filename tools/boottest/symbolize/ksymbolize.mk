# SPDX-License-Identifier: GPL-2.0
# ksymbolize: file:line for kernel stack frames (libdw).  The lookup itself
# is lib/ksym.c, which vmrun uses too for the crash stacks of result.json.
TOOLS += ksymbolize
ksymbolize-main := symbolize/ksymbolize.o
ksymbolize-objs :=
ksymbolize-pkgs := json-c libdw libelf
