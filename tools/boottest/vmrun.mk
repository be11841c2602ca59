# SPDX-License-Identifier: GPL-2.0
# vmrun: boot a kernel in QEMU on the boottest root and write the verdict.
TOOLS += vmrun
vmrun-main := vmrun.o
vmrun-objs := vmrun-arch.o vmrun-qemu.o vmrun-guest.o vmrun-report.o
vmrun-pkgs := json-c

FUZZERS += fuzz-vmrun-guest
fuzz-vmrun-guest-objs := vmrun-guest.o
fuzz-vmrun-guest-pkgs := json-c
