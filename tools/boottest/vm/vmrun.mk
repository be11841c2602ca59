# SPDX-License-Identifier: GPL-2.0
# vmrun: boot a kernel in QEMU on the boottest root and write the verdict.
TOOLS += vmrun
vmrun-main := vm/vmrun.o
vmrun-objs := vm/arch.o vm/accel.o vm/qemu.o vm/guest.o vm/report.o \
	      vm/qmp.o vm/qmp-msg.o vm/dump.o vm/postmortem.o \
	      vm/lava.o vm/lava-log.o
# libelf and libdw: lib/ksym.c, the file:line of crash stacks
vmrun-pkgs := json-c libelf libdw yaml-0.1 zlib

FUZZERS += fuzz-vmrun-guest
fuzz-vmrun-guest-objs := vm/guest.o
fuzz-vmrun-guest-pkgs := json-c

FUZZERS += fuzz-vmrun-qmp
fuzz-vmrun-qmp-objs := vm/qmp-msg.o
fuzz-vmrun-qmp-pkgs := json-c

FUZZERS += fuzz-vmrun-lava
fuzz-vmrun-lava-objs := vm/lava-log.o
fuzz-vmrun-lava-pkgs := yaml-0.1

FUZZERS += fuzz-vmrun-kernel
fuzz-vmrun-kernel-objs := vm/arch.o
fuzz-vmrun-kernel-pkgs := libelf zlib
