# SPDX-License-Identifier: GPL-2.0
# vmrun: boot a kernel in QEMU on the boottest root and write the verdict.
TOOLS += vmrun
vmrun-main := vmrun.o
vmrun-objs := vmrun-arch.o vmrun-accel.o vmrun-qemu.o vmrun-guest.o vmrun-report.o \
	      vmrun-qmp.o vmrun-qmp-msg.o vmrun-dump.o vmrun-postmortem.o \
	      vmrun-lava.o vmrun-lava-log.o \
	      ksymbolize-frame.o ksymbolize-core.o
vmrun-pkgs := json-c libelf libdw yaml-0.1 zlib

FUZZERS += fuzz-vmrun-guest
fuzz-vmrun-guest-objs := vmrun-guest.o
fuzz-vmrun-guest-pkgs := json-c

FUZZERS += fuzz-vmrun-qmp
fuzz-vmrun-qmp-objs := vmrun-qmp-msg.o
fuzz-vmrun-qmp-pkgs := json-c

FUZZERS += fuzz-vmrun-lava
fuzz-vmrun-lava-objs := vmrun-lava-log.o
fuzz-vmrun-lava-pkgs := yaml-0.1

FUZZERS += fuzz-vmrun-kernel
fuzz-vmrun-kernel-objs := vmrun-arch.o
fuzz-vmrun-kernel-pkgs := libelf zlib
