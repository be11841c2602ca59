# SPDX-License-Identifier: GPL-2.0
#
# Makefile.boot - boottest's make targets.
#
# In a kernel tree (after scripts/boottest/drop-in) the top-level GNUmakefile
# includes this file when a boottest goal is on the command line.  It also
# works on its own: make -f Makefile.boot GOAL.
#
# Sections below are owned by the target they serve; shared variables first.

# ---------------------------------------------------------------- shared ----
bt-srctree := $(patsubst %/,%,$(dir $(realpath $(lastword $(MAKEFILE_LIST)))))

# A kernel tree has Kbuild and arch/; this repository on its own does not.
bt-kernel-tree := $(if $(wildcard $(bt-srctree)/Kbuild $(bt-srctree)/arch/x86/Kconfig),y)

# Object tree, as the kernel chooses it: O=, else KBUILD_OUTPUT, else the
# current directory (make -C $(O) through the stub), else the source tree.
ifneq ($(O),)
bt-objtree := $(abspath $(O))
else ifneq ($(KBUILD_OUTPUT),)
bt-objtree := $(abspath $(KBUILD_OUTPUT))
else
bt-objtree := $(abspath $(CURDIR))
endif

# Everything boottest writes goes below here.
bt-out := $(bt-objtree)/.boottest
bt-tools := $(bt-out)/tools

ifeq ($(V),1)
bt-Q :=
else
bt-Q := @
MAKEFLAGS += --no-print-directory
endif

# Tools are built for the host, whatever ARCH/CROSS_COMPILE say.
HOSTCC ?= gcc
bt-tool-make = $(MAKE) -C $(bt-srctree)/tools/boottest O=$(bt-tools) \
	$(if $(filter 1,$(V)),V=1) $(if $(LLVM),LLVM=$(LLVM)) CC=$(HOSTCC) CROSS_COMPILE=

# Build the tools whenever a goal needs one (their Makefile knows what is
# up to date).  Goals depend on bt-tools-built.
PHONY += bt-tools-built
bt-tools-built:
	+$(bt-Q)$(bt-tool-make)

# ---------------------------------------------------------------- rootfs ----
# (owned by the rootfs work: make rootfs, ROOTFS_EXTRA=, ROOTFS_SIZE=)

# -------------------------------------------------------------- boottest ----
# (owned by the boot work: make boottest, boottest-minimal, boottest-doctor)

# ------------------------------------------------------------------ help ----
PHONY += boottest-help
boottest-help:
	@echo 'Boot-test targets (Makefile.boot):'
	@echo '  rootfs          - Write the guest root image $(bt-out)/rootfs.ext4'

.PHONY: $(PHONY)
