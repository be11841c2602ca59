# SPDX-License-Identifier: GPL-2.0
#
# Makefile.boot - boottest's make targets.
#
# In a kernel tree (after scripts/boottest/drop-in) the top-level GNUmakefile
# includes this file when a boottest goal is on the command line.  It also
# works on its own: make -f Makefile.boot GOAL.
#
# One section per group of goals; shared variables first.

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
# up to date).  Goals depend on bt-tools-built.  Asking that Makefile costs
# a make that reads every dependency file, tens of ms on each make
# boottest: a stamp newer than the tools' sources and build options, with
# every tool (one DIR/NAME.mk each) present, skips it.
bt-tool-dir := $(bt-srctree)/tools/boottest
bt-tool-srcs := $(wildcard $(addprefix $(bt-tool-dir)/,Makefile */*.mk */*.c */*.h))
bt-tool-names := $(patsubst %.mk,%,$(notdir $(wildcard $(bt-tool-dir)/*/*.mk)))
bt-tool-opts := src=$(bt-tool-dir) cc=$(HOSTCC) llvm=$(LLVM) san=$(SANITIZE) \
	cflags=$(CFLAGS) extra=$(EXTRA_CFLAGS) ldflags=$(LDFLAGS)
bt-tools-all := $(if $(filter $(words $(bt-tool-names)),$(words \
	$(wildcard $(addprefix $(bt-tools)/,$(bt-tool-names))))),y)

PHONY += bt-tools-built
bt-tools-built: $(bt-tools)/.tools-built

$(bt-tools)/.tools-opts: bt-force
	$(call bt-write-opts,$(bt-tool-opts))

$(bt-tools)/.tools-built: $(bt-tool-srcs) $(bt-tools)/.tools-opts $(if $(bt-tools-all),,bt-force)
	+$(bt-Q)$(bt-tool-make)
	@touch $@

# ------------------------------------------------------------------ tree ----
# GNUmakefile routing, kernel sub-makes, the O= stub, make help,
# boottest-doctor.
#
# BOOTTEST_GOALS: the goals GNUmakefile sends here instead of to the kernel's
# Makefile.  GNUmakefile reads the `BOOTTEST_GOALS += ...' lines of this file
# with sed, so keep them literal, one list per line, at column 0.  Names must
# not look like kernel goals: no %config, %.config, help%, check%, %clean,
# %docs, %pkg, __*, kernelrelease, nor single targets (%.o %.s %.i %.ko %/).
BOOTTEST_GOALS += boottest rootfs fstests-vm boottest-help
BOOTTEST_GOALS += boottest-doctor boottest-mcp

comma := ,

# The kernel's own make, for kernel goals run from boottest recipes; ARCH=,
# CROSS_COMPILE=, LLVM=, V= given on the command line reach it via MAKEFLAGS.
bt-kmake = $(MAKE) -f $(bt-srctree)/Makefile \
	$(if $(filter-out $(bt-srctree),$(bt-objtree)),O=$(bt-objtree))

PHONY += bt-need-kernel-tree bt-objtree-stub
bt-need-kernel-tree:
ifneq ($(bt-kernel-tree),y)
	@echo 'boottest: error: $(MAKECMDGOALS) needs a kernel tree; copy boottest into one: scripts/boottest/drop-in /path/to/linux' >&2
	@exit 2
endif

# With O= (or KBUILD_OUTPUT=), a GNUmakefile in the output directory that
# leads back here, so `make -C $(O) boottest' works like `make O=$(O) boottest'.
bt-stub := $(if $(bt-kernel-tree),$(if $(filter-out $(bt-srctree),$(bt-objtree)),$(bt-objtree)/GNUmakefile))
# Written while this file is read, so every boottest goal gets it.
ifneq ($(bt-stub),)
bt-stub-text := include $(bt-srctree)/GNUmakefile
ifeq ($(findstring $(bt-stub-text),$(file <$(bt-stub))),)
$(shell mkdir -p $(bt-objtree) && { echo '# SPDX-License-Identifier: GPL-2.0'; \
	echo '# Written by boottest: make -C $(bt-objtree) GOAL = make O=$(bt-objtree) GOAL'; \
	echo '$(bt-stub-text)'; } > $(bt-stub).tmp && mv $(bt-stub).tmp $(bt-stub))
endif
endif
bt-objtree-stub:
	@:

# make help: the kernel's help (in a kernel tree), then boottest's.
PHONY += help
help:
ifeq ($(bt-kernel-tree),y)
	+$(bt-Q)$(bt-kmake) help
	@echo ''
endif
	+$(bt-Q)$(MAKE) -f $(bt-srctree)/Makefile.boot boottest-help

# make boottest-doctor: is this host ready to boot test kernels?
PHONY += boottest-doctor
boottest-doctor:
	$(bt-Q)$(bt-srctree)/scripts/boottest/doctor $(if $(ARCH),--arch $(ARCH))

# make boottest-mcp: serve boottest to AI assistants (an MCP server on this
# make's stdin and stdout; scripts/boottest/mcp builds the tools, their
# output going to stderr), in this goal's object tree.
PHONY += boottest-mcp
boottest-mcp:
	$(bt-Q)$(bt-srctree)/scripts/boottest/mcp O=$(bt-objtree)

# ---------------------------------------------------------------- config ----
# Kconfig.test's profiles.
#
# make boottest-minimal [PROFILE=crash,debug-kasan] [BASE=tinyconfig]
#   BASE (a kernel config goal: tinyconfig, defconfig, ...), then the boot
#   profile and PROFILE from Kconfig.test merged in, olddefconfig, and every
#   requested symbol verified (exit 2 naming what is missing and why).
# make boottest-apply PROFILE=...    the same on the existing .config
# make boottest-verify [PROFILE=...] only the verification
# make boottest-profiles             list the profiles
BOOTTEST_GOALS += boottest-minimal boottest-apply boottest-verify boottest-profiles

BASE ?= tinyconfig
bt-kconfig-tool := $(bt-srctree)/scripts/boottest/kconfig
bt-profiles = boot $(subst $(comma), ,$(PROFILE))
bt-dotconfig = $(bt-objtree)/.config

PHONY += boottest-minimal boottest-apply boottest-verify boottest-profiles bt-have-config
boottest-minimal: bt-need-kernel-tree bt-objtree-stub
	+$(bt-Q)$(bt-kmake) $(BASE)
	+$(bt-Q)$(MAKE) -f $(bt-srctree)/Makefile.boot boottest-apply

bt-have-config:
	$(bt-Q)[ -f $(bt-dotconfig) ] || { echo 'boottest: error: no $(bt-dotconfig): configure first (make boottest-minimal, or make defconfig)' >&2; exit 2; }

boottest-apply: bt-need-kernel-tree bt-objtree-stub bt-have-config
	$(bt-Q)mkdir -p $(bt-out)
	$(bt-Q)$(bt-kconfig-tool) fragment --config $(bt-dotconfig) $(bt-profiles) > $(bt-out)/profile.fragment.tmp
	$(bt-Q)mv $(bt-out)/profile.fragment.tmp $(bt-out)/profile.fragment
	$(bt-Q)cd $(bt-objtree) && $(bt-srctree)/scripts/kconfig/merge_config.sh -m -O $(bt-objtree) \
		$(bt-dotconfig) $(bt-out)/profile.fragment > $(bt-out)/merge.log 2>&1 || \
		{ cat $(bt-out)/merge.log >&2; exit 2; }
	$(if $(filter 1,$(V)),@cat $(bt-out)/merge.log)
	+$(bt-Q)$(bt-kmake) olddefconfig
	$(bt-Q)$(bt-kconfig-tool) verify --srctree $(bt-srctree) $(bt-dotconfig) $(bt-profiles)

boottest-verify: bt-have-config
	$(bt-Q)$(bt-kconfig-tool) verify $(if $(filter y,$(bt-kernel-tree)),--srctree $(bt-srctree)) \
		$(bt-dotconfig) $(bt-profiles)

boottest-profiles:
	@echo 'Profiles in Kconfig.test (PROFILE=a,b; boot is always included):'
	$(bt-Q)$(bt-kconfig-tool) list

# ---------------------------------------------------------------- rootfs ----
# make rootfs: $(bt-out)/rootfs.ext4 from scripts/boottest/rootfs.manifest
# plus the ROOTFS_EXTRA= fragments (later lines win), ROOTFS_SIZE= bytes (K/M/G
# suffixes; default: the contents plus headroom).  mkrootfs writes a .d file
# naming every host input (manifests, files, program closures), so the image
# is rebuilt only when one of them, the tool, or these variables changed.
# SOURCE_DATE_EPOCH is honoured (same inputs, same bytes).

bt-rootfs := $(bt-out)/rootfs.ext4
bt-rootfs-manifests := $(bt-srctree)/scripts/boottest/rootfs.manifest \
	$(abspath $(ROOTFS_EXTRA))
bt-rootfs-opts := size=$(ROOTFS_SIZE) manifests=$(bt-rootfs-manifests) \
	epoch=$(SOURCE_DATE_EPOCH)
bt-mkrootfs-bin := $(bt-tools)/mkrootfs

PHONY += rootfs bt-force
rootfs: $(bt-rootfs)

# The tool's own Makefile knows whether it is up to date; the image follows
# the binary's time stamp, so an unchanged tool does not rebuild the image.
# (make boottest's second stage: the first one has just built them)
$(bt-mkrootfs-bin): $(if $(BT_STAGE),,bt-force)
	+$(bt-Q)$(bt-tool-make) -s $@

# An options file for $@ holding $(1), rewritten only when the options
# changed (make compares, no process runs), so images depending on it are
# remade when their options change.
bt-same = $(and $(findstring $(1),$(2)),$(findstring $(2),$(1)))
bt-write-opts = $(if $(call bt-same,$(1),$(file <$@)),,$(call bt-mkdir,$(@D))$(file >$@,$(1)))
# mkdir -p $(1), or stop with mkdir's reason (O= on a read-only mount):
# one error, not make's own about the file it then could not open.
bt-mkdir = $(if $(wildcard $(1)/.),,$(eval bt-mkdir-err := $(shell mkdir -p $(1) 2>&1))$(if \
	$(bt-mkdir-err),$(error $(bt-mkdir-err))))

# The recipe of every root image: $@ from the manifests $(1), programs
# resolved in the sysroot $(2) when given, a depfile beside it.
bt-mkimage = $(bt-Q)BOOTTEST_SRC=$(bt-srctree) $(bt-mkrootfs-bin) -q -o $@ \
	$(if $(2),--sysroot $(2)) --depfile $(@D)/.$(@F).d \
	$(if $(ROOTFS_SIZE),--size $(ROOTFS_SIZE)) $(1)

$(bt-out)/.rootfs.opts: bt-force
	$(call bt-write-opts,$(bt-rootfs-opts))

$(bt-rootfs): $(bt-mkrootfs-bin) $(bt-out)/.rootfs.opts $(bt-rootfs-manifests)
	@echo '  ROOTFS  $@'
	$(call bt-mkimage,$(bt-rootfs-manifests))

-include $(bt-out)/.rootfs.ext4.d

# -------------------------------------------------------------- boottest ----
# make boottest: boot a kernel in QEMU on the boottest root, get a verdict.
#   KERNEL=path  (bzImage, vmlinux, distro vmlinuz) and MODULES=dir, else the
#                tree's kernel, else Debian's packaged kernel (debian-kernel)
#   MEM= CPUS= TIMEOUT= APPEND= QEMU_OPTS= CMD= TESTS= V=1
#   ACCEL=auto|kvm|tcg (auto: KVM when /dev/kvm opens, TCG again in the same
#                run when the KVM boot shows no kernel line; vm/accel.c)
#   EXTRA_MODULES='a.ko b.ko' (in the guest's /lib/modules/REL/extra)
#   DUMP=1 GDB=1 GDB_WAIT=0 VMLINUX=  (post-mortem: vmcore, gdb stub, symbols)
#   KCIDB_ORIGIN=name  prefix of the ids in every run's kcidb.json (kcidb.c)
#   RUNNER=lava  the boot as a LAVA job run by lava-run here (vm/lava.c);
#                LAVA_JOB_ONLY=1 (or make boottest-lava-job) writes the job
#                only, LAVA_ARTIFACTS_URL= its artifact URLs (default file://)
# Results: $(bt-out)/runs/<time>-<pid>/ (latest -> newest).  Cached per
# kernel in $(bt-out)/kernel/<release>-<build id>/: extracted vmlinux (PVH
# boot), initramfs with the root's modules.  vmrun's exit status: 0 clean,
# 1 kernel/CMD/TESTS failed, 2 infrastructure; make itself can only report
# a failed recipe as 2, so the recipe prints the status, result.json
# records it, and scripts/boottest/run exits with it (125 for 2 under
# BISECT=1: that script alone decides).

# MEM=, CPUS=, TIMEOUT=: passed on only when set (on the command line or in
# the environment); vmrun owns their defaults and checks them.
bt-vm-settings = $(if $(MEM),--mem '$(MEM)') $(if $(CPUS),--cpus '$(CPUS)') \
	$(if $(TIMEOUT),--timeout '$(TIMEOUT)')
# BOOT_TIMELINE=1: initcall_debug, so that report.html draws the slowest
# initcalls (printed at KERN_DEBUG: kmsg.log has them, the console does not;
# a log buffer large enough to keep every one of them until it is read).
export BT_APPEND := $(strip $(APPEND) $(if $(filter 1,$(BOOT_TIMELINE)),initcall_debug log_buf_len=8M))
export BT_QEMU_OPTS := $(QEMU_OPTS)
export BT_CMD := $(CMD)

bt-runs := $(bt-out)/runs
bt-vmrun := $(bt-tools)/vmrun
bt-kinspect := $(bt-tools)/kinspect
bt-mkrootfs := $(bt-tools)/mkrootfs

PHONY += boottest bt-boot-run boottest-lava-job
boottest: bt-tools-built bt-objtree-stub
	+$(bt-Q)$(MAKE) -f $(bt-srctree)/Makefile.boot BT_STAGE=boot bt-boot-run

BOOTTEST_GOALS += boottest-lava-job
boottest-lava-job: bt-tools-built bt-objtree-stub
	+$(bt-Q)$(MAKE) -f $(bt-srctree)/Makefile.boot BT_STAGE=boot LAVA_JOB_ONLY=1 bt-boot-run

RUNNER ?= qemu
export BT_LAVA_URL := $(LAVA_ARTIFACTS_URL)
bt-runner-opts = $(if $(filter 1,$(LAVA_JOB_ONLY)),--lava-job-only --lava-url "$$BT_LAVA_URL",\
	$(if $(filter lava,$(RUNNER)),--runner lava --lava-url "$$BT_LAVA_URL" \
	--lava-device $(bt-srctree)/scripts/boottest/lava-device))

ifeq ($(BT_STAGE),boot)
# Second stage: the tools exist, so kernel facts can be read at parse time.

# Which architecture, when the kernel is not given: ARCH= (x86, x86_64,
# i386, arm64, aarch64), else arm64 when the tree's .config is for arm64,
# else x86.  (With KERNEL=, kinspect reads the arch from the file.)
bt-arch := $(patsubst aarch64,arm64,$(ARCH))
ifeq ($(bt-arch)$(bt-kernel-tree),y)
bt-arch := $(if $(filter CONFIG_ARM64=y,$(file <$(bt-objtree)/.config)),arm64)
endif
ifeq ($(KERNEL),)
ifneq ($(filter-out x86 x86_64 i386 arm64,$(or $(bt-arch),x86)),)
$(error ARCH=$(ARCH): boottest boots x86 (x86_64, i386) and arm64 kernels)
endif
endif
bt-debarch := $(if $(filter arm64,$(bt-arch)),arm64,amd64)
# boottest's cache (scripts/boottest/cache.sh), asked once and only when a
# goal needs it (Debian's kernel, a sysroot).  make 4.3 gives $(shell) no
# variable of its command line: BOOTTEST_CACHE= and XDG_CACHE_HOME= are
# passed on.
bt-cache = $(eval bt-cache := $$(shell BOOTTEST_CACHE='$$(BOOTTEST_CACHE)' \
	XDG_CACHE_HOME='$$(XDG_CACHE_HOME)' \
	sh -c '. $(bt-srctree)/scripts/boottest/cache.sh && bt_cache_dir'))$(bt-cache)

# Which kernel.
ifneq ($(KERNEL),)
bt-kernel := $(abspath $(KERNEL))
bt-modules := $(if $(MODULES),$(abspath $(MODULES)),$(firstword \
	$(wildcard $(dir $(bt-kernel))../lib/modules/*/modules.order)))
bt-modules := $(patsubst %/modules.order,%,$(bt-modules))
# Its config: a distro's config-VERSION beside it, or the build tree's
# .config beside a vmlinux or three levels above arch/*/boot/*Image.
bt-kconfig := $(firstword $(wildcard $(dir $(bt-kernel))config-$(patsubst vmlinuz-%,%,$(notdir $(bt-kernel))) \
	$(if $(filter vmlinux,$(notdir $(bt-kernel))),$(dir $(bt-kernel)).config) \
	$(if $(filter %/boot/,$(dir $(bt-kernel))),$(abspath $(dir $(bt-kernel))../../..)/.config)))
else ifeq ($(bt-kernel-tree)$(bt-arch),yarm64)
# arm64: QEMU's virt board boots the Image (an ELF vmlinux gets no DTB).
bt-kernel := $(wildcard $(bt-objtree)/arch/arm64/boot/Image)
bt-modules := $(if $(MODULES),$(abspath $(MODULES)))
bt-kconfig := $(wildcard $(bt-objtree)/.config)
ifeq ($(bt-kernel),)
$(error no arch/arm64/boot/Image in $(bt-objtree): run make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- (or make ARCH=arm64 boottest-minimal first))
endif
else ifeq ($(bt-kernel-tree),y)
SRCARCH ?= x86
bt-kernel := $(firstword $(wildcard $(bt-objtree)/vmlinux $(bt-objtree)/arch/$(SRCARCH)/boot/bzImage))
bt-modules := $(if $(MODULES),$(abspath $(MODULES)))
bt-kconfig := $(wildcard $(bt-objtree)/.config)
ifeq ($(bt-kernel),)
$(error no kernel built in $(bt-objtree): run make (or make boottest-minimal first))
endif
else
# The cache debian-kernel fills (asking apt where it is costs seconds).
bt-debian := $(patsubst %/.complete,%,$(lastword $(sort $(wildcard $(bt-cache)/debian-kernel/linux-image-*-$(bt-debarch)/.complete))))
ifeq ($(bt-debian),)
bt-debian := $(shell $(bt-srctree)/scripts/boottest/debian-kernel --arch $(bt-debarch) --print 2>/dev/null)
endif
bt-kernel := $(firstword $(wildcard $(bt-debian)/boot/vmlinuz-*))
bt-modules := $(patsubst %/modules.order,%,$(firstword $(wildcard $(bt-debian)/lib/modules/*/modules.order)))
bt-kconfig := $(firstword $(wildcard $(bt-debian)/boot/config-*))
ifeq ($(bt-kernel),)
$(error no kernel: Debian's $(bt-debarch) kernel is not cached; run scripts/boottest/setup$(if $(filter arm64,$(bt-debarch)), (or scripts/boottest/debian-kernel --arch arm64)), or give KERNEL=path (and MODULES=dir))
endif
endif
ifeq ($(wildcard $(bt-kernel)),)
$(error KERNEL=$(KERNEL): no such file)
endif
ifneq ($(MODULES),)
ifeq ($(wildcard $(abspath $(MODULES))/.),)
$(error MODULES=$(MODULES): no such directory (give the kernel's lib/modules/RELEASE))
endif
endif

# Kernel facts from kinspect --make-vars (bt-k-*), kept under a name that
# mirrors the kernel's absolute path (no process runs to name it); remade
# when the kernel changes (make restarts once after writing them).  The
# cache directory of the kernel that was at that path before goes, unless
# another path still has that kernel.  A file kinspect refuses (not a
# kernel, a cut or corrupt one) gets kinspect's error line as bt-k-refused
# ($ and # escaped), and make stops on it before any boot.
bt-kfacts := $(bt-out)/kernel/by-path$(bt-kernel).mk
$(bt-kfacts): $(bt-kernel) $(wildcard $(bt-kinspect))
	$(bt-Q)mkdir -p $(@D)
	$(bt-Q)old=$$(sed -n 's/^bt-k-id := \(..*\)/\1/p' $@ 2>/dev/null); \
	if [ ! -x $(bt-kinspect) ]; then \
		echo '# kinspect not built: no facts' > $@.tmp; \
	elif ! $(bt-kinspect) --make-vars $< > $@.tmp 2> $@.err; then \
		{ printf 'bt-k-refused := '; { cat $@.err; echo; } | \
			sed -n '/error:/h; $${x;s|^$$|kinspect failed on $< without a message|;s/[$$]/$$$$/g;s/#/\\#/g;p;}'; \
		} > $@.tmp; \
	fi && rm -f $@.err && mv $@.tmp $@ && \
	if [ -n "$$old" ] && ! grep -rqx --include='*.mk' "bt-k-id := $$old" $(bt-out)/kernel/by-path; then \
		rm -rf $(bt-out)/kernel/$$old; \
	fi
-include $(bt-kfacts)
ifneq ($(bt-k-refused),)
$(error $(bt-k-refused))
endif

# What is made from the kernel (extracted vmlinux or Image, IKCONFIG,
# initramfs, EXTRA_MODULES= sets) goes in a directory named by its release
# and build id (bt-k-id): kernel/6.1.0-13-amd64-0123456789ab/.  A kernel
# without both gets one under by-path/, beside its facts.
bt-kcache := $(bt-out)/kernel/$(or $(bt-k-id),by-path$(bt-kernel).d)
$(bt-kcache):
	$(bt-Q)mkdir -p $@
ifeq ($(bt-k-release),)
bt-k-release := $(patsubst vmlinuz-%,%,$(filter vmlinuz-%,$(notdir $(bt-kernel))))
endif
ifeq ($(bt-k-release)$(bt-kernel-tree),y)
bt-k-release := $(shell cat $(bt-objtree)/include/config/kernel.release 2>/dev/null)
endif

# The kernel config: the tree's, the distro's config-REL, or IKCONFIG.
ifeq ($(bt-kconfig),)
ifeq ($(bt-k-ikconfig),y)
bt-kconfig := $(bt-kcache)/config
$(bt-kconfig): $(bt-kernel) | $(bt-kcache)
	$(bt-Q)$(bt-kinspect) --config $< > $@.tmp && mv $@.tmp $@
endif
endif

# Root drivers as modules -> initramfs; decided by the config, else by
# whether there is a modules directory.
bt-empty :=
bt-space := $(bt-empty) $(bt-empty)
bt-root-syms := CONFIG_VIRTIO_PCI CONFIG_VIRTIO_BLK CONFIG_EXT4_FS
# (.config lines are single words: make reads it, no grep process)
bt-kconfig-words := $(if $(wildcard $(bt-kconfig)),$(file <$(bt-kconfig)))
ifneq ($(wildcard $(bt-kconfig)),)
bt-modular := $(if $(filter $(addsuffix =m,$(bt-root-syms)),$(bt-kconfig-words)),y)
else
bt-modular := $(if $(bt-modules),y)
endif

# What QEMU boots: an ELF with the PVH note boots directly (much faster
# under TCG than decompressing a bzImage); kinspect extracts it from a
# bzImage/vmlinuz.  An ELF without the note boots as the tree's bzImage.
# A KASAN kernel (6.1, x86_64) dies silently on the PVH entry: empty
# console, QEMU gone in a second; it boots as a bzImage.
bt-bootimg := $(bt-kernel)
bt-pvh-config := $(if $(filter CONFIG_PVH=y,$(bt-kconfig-words)),y)
bt-pvh-ok := $(if $(filter CONFIG_KASAN=y,$(bt-kconfig-words)),,$(bt-k-pvh))
ifeq ($(bt-pvh-ok),y)
ifneq ($(bt-k-format),vmlinux)
bt-bootimg := $(bt-kcache)/vmlinux
$(bt-bootimg): $(bt-kernel) | $(bt-kcache)
	$(bt-Q)$(bt-kinspect) --vmlinux $@.tmp $< && mv $@.tmp $@
endif
else ifeq ($(notdir $(bt-kernel))$(bt-kernel-tree)$(KERNEL),vmlinuxy)
ifneq ($(bt-k-format)$(bt-pvh-config),y)
bt-bootimg := $(wildcard $(bt-objtree)/arch/$(SRCARCH)/boot/bzImage)
ifeq ($(bt-bootimg),)
$(error $(bt-objtree)/vmlinux has no PVH entry and there is no bzImage: run make (or enable CONFIG_PVH))
endif
endif
endif

# arm64: QEMU's virt board boots an Image (QEMU 7.2 unpacks no EFI zboot
# and no compression but gzip): kinspect unpacks an EFI zboot vmlinuz.efi
# or an Image.gz/.xz/... once per kernel.  An ELF vmlinux would get no DTB,
# so the Image built next to it boots instead.
ifeq ($(bt-k-arch),arm64)
ifeq ($(bt-k-format),vmlinux)
bt-bootimg := $(wildcard $(dir $(bt-kernel))arch/arm64/boot/Image)
ifeq ($(bt-bootimg),)
$(error $(bt-kernel): QEMU cannot boot an arm64 vmlinux (ELF): give KERNEL=arch/arm64/boot/Image)
endif
else ifneq ($(filter zboot Image.%,$(bt-k-format)),)
bt-bootimg := $(bt-kcache)/Image
$(bt-bootimg): $(bt-kernel) | $(bt-kcache)
	$(bt-Q)$(bt-kinspect) --image $@.tmp $< && mv $@.tmp $@
else ifneq ($(bt-k-format),Image)
$(error $(bt-kernel): QEMU cannot boot an arm64 $(bt-k-format) kernel: give the Image (arch/arm64/boot/Image))
endif
endif

# Initramfs for modular kernels: busybox, initramfs-init and the modules the
# root needs (depends= closure, dependencies first), cached per kernel.
bt-root-mods := virtio_pci virtio_blk crc32c_generic ext4
bt-initrd :=
ifeq ($(bt-modular),y)
ifeq ($(bt-modules),)
$(error the kernel's root drivers ($(bt-root-syms)) are modules but no modules directory was found: give MODULES=dir (or build them in: make boottest-minimal))
endif
bt-initrd := $(bt-kcache)/initramfs.cpio
$(bt-initrd): $(bt-srctree)/scripts/boottest/initramfs-init $(wildcard $(bt-modules)/modules.order) \
		$(bt-kfacts) $(bt-mkrootfs-bin)
	@echo '  INITRD  $@'
	$(bt-Q)set -e; d=$(@D)/initramfs.d; rm -rf $$d; mkdir -p $$d; \
	$(bt-kinspect) modules $(bt-modules) $(bt-root-mods) > $$d/files; \
	: > $$d/load; \
	{ echo 'busybox'; \
	  echo 'file /init $(bt-srctree)/scripts/boottest/initramfs-init 0755 0 0'; \
	  echo 'dir /dev 0755 0 0'; echo 'nod /dev/console 0600 0 0 c 5 1'; \
	  echo 'dir /proc 0755 0 0'; echo 'dir /sys 0755 0 0'; echo 'dir /newroot 0755 0 0'; \
	  while read -r f; do [ -n "$$f" ] || continue; \
		b=$$(basename $$f); echo $$b >> $$d/load; \
		echo "file /lib/modules/boottest/$$b $$f 0644 0 0"; done < $$d/files; \
	  echo "file /lib/modules/boottest/load $$d/load 0644 0 0"; } > $$d/manifest; \
	$(bt-mkrootfs-bin) -q $(if $(bt-sysroot),--sysroot $(bt-sysroot)) --cpio $@.tmp $$d/manifest; \
	mv $@.tmp $@; rm -rf $$d

endif

# The root image: $(bt-rootfs) from the rootfs section.  TESTS= needs bash
# and bats in the guest: a second image with scripts/boottest/bats.manifest.
ifneq ($(TESTS),)
bt-boot-rootfs := $(bt-out)/rootfs-bats.ext4
$(bt-boot-rootfs): $(bt-mkrootfs-bin) $(bt-out)/.rootfs.opts $(bt-rootfs-manifests) \
		$(bt-srctree)/scripts/boottest/bats.manifest
	@echo '  ROOTFS  $@'
	$(call bt-mkimage,$(bt-rootfs-manifests) $(bt-srctree)/scripts/boottest/bats.manifest)
-include $(bt-out)/.rootfs-bats.ext4.d
else
bt-boot-rootfs := $(bt-rootfs)
endif

# A guest of another architecture than the host (arm64 on x86_64) gets its
# own root image from that arch's binaries: mkrootfs --sysroot resolves
# busybox and program closures inside SYSROOT= (default: Debian's
# busybox-static for that arch, and for TESTS= bash and bats with their
# libraries, unpacked by scripts/boottest/debian-sysroot), never from the
# host.  The initramfs of a modular kernel likewise.
bt-guest-arch := $(or $(bt-k-arch),$(if $(filter arm64,$(bt-arch)),arm64,x86_64))
bt-host-arch := $(patsubst aarch64,arm64,$(or $(firstword $(subst -, ,$(MAKE_HOST))),$(shell uname -m)))
bt-sysroot :=
ifneq ($(bt-guest-arch),$(bt-host-arch))
ifneq ($(SYSROOT),)
bt-sysroot := $(abspath $(SYSROOT))
bt-sysroot-dep :=
else
bt-sysroot := $(bt-cache)/sysroot/$(patsubst x86_64,amd64,$(bt-guest-arch))
bt-sysroot-dep := $(bt-sysroot)/bin/busybox $(if $(TESTS),$(bt-sysroot)/usr/bin/bats)
$(bt-sysroot-dep):
	$(bt-Q)$(bt-srctree)/scripts/boottest/debian-sysroot --quiet \
		--arch $(patsubst x86_64,amd64,$(bt-guest-arch)) busybox-static \
		$(if $(TESTS),bash bats coreutils libc6 libtinfo6) >/dev/null
endif
bt-sysroot-img := $(bt-out)/rootfs-$(bt-guest-arch)$(if $(TESTS),-bats).ext4
bt-sysroot-mfs := $(bt-rootfs-manifests) $(if $(TESTS),$(bt-srctree)/scripts/boottest/bats.manifest)
bt-sysroot-opts := $(bt-rootfs-opts) sysroot=$(bt-sysroot) tests=$(if $(TESTS),y)
$(bt-out)/.rootfs-$(bt-guest-arch).opts: bt-force
	$(call bt-write-opts,$(bt-sysroot-opts))
$(bt-sysroot-img): $(bt-mkrootfs-bin) $(bt-out)/.rootfs-$(bt-guest-arch).opts \
		$(bt-sysroot-mfs) $(bt-sysroot-dep)
	@echo '  ROOTFS  $@'
	$(call bt-mkimage,$(bt-sysroot-mfs),$(bt-sysroot))
-include $(bt-out)/.$(notdir $(bt-sysroot-img)).d
bt-boot-rootfs := $(bt-sysroot-img)
ifneq ($(bt-initrd),)
$(bt-initrd): $(bt-sysroot-dep)
endif
endif

# EXTRA_MODULES= out-of-tree .ko files: checked (vermagic, depends=) and
# staged with modules.dep by scripts/boottest/extra-modules in a directory
# per module set, whose image is the root above plus that fragment; the
# base image is left as it is.  Dependencies come from MODULES=, else the
# tree's own modules; modules.builtin from there or the tree.
ifneq ($(EXTRA_MODULES),)
bt-extra-tree := $(if $(KERNEL),,$(filter y,$(bt-kernel-tree)))
bt-extra-moddir := $(or $(bt-modules),$(if $(bt-extra-tree),$(if \
	$(shell test -s $(bt-objtree)/modules.order && echo y),$(bt-objtree))))
bt-extra-builtin := $(or $(bt-extra-moddir),$(if $(bt-extra-tree),$(bt-objtree)))
bt-extra-base := $(bt-rootfs-manifests) \
	$(if $(TESTS),$(bt-srctree)/scripts/boottest/bats.manifest)
bt-extra-key := $(shell printf '%s\n' '$(bt-k-release)' '$(bt-extra-moddir)' \
	'$(bt-extra-base)' '$(bt-sysroot)' $(abspath $(EXTRA_MODULES)) | md5sum | cut -c1-12)
bt-extra-dir := $(bt-kcache)/extra-$(bt-extra-key)

$(bt-extra-dir)/manifest: bt-force $(filter $(bt-kcache)/%,$(bt-kconfig))
	$(bt-Q)$(bt-srctree)/scripts/boottest/extra-modules --kinspect $(bt-kinspect) \
		--kernel $(bt-kernel) --release '$(bt-k-release)' --out $(@D) \
		$(if $(bt-kconfig),--config $(bt-kconfig)) \
		$(if $(bt-extra-moddir),--moddir $(bt-extra-moddir)) \
		$(if $(bt-extra-builtin),--builtin $(bt-extra-builtin)) \
		$(if $(bt-extra-tree),--objtree $(bt-objtree)) $(abspath $(EXTRA_MODULES)) || \
		{ echo 'boottest: exit status 2' >&2; exit 2; }

bt-boot-rootfs := $(bt-extra-dir)/rootfs.ext4
$(bt-boot-rootfs): $(bt-mkrootfs-bin) $(bt-out)/.rootfs.opts $(bt-extra-base) \
		$(bt-extra-dir)/manifest $(bt-sysroot-dep)
	@echo '  ROOTFS  $@'
	$(call bt-mkimage,$(bt-extra-base) $(@D)/manifest,$(bt-sysroot))
-include $(bt-extra-dir)/.rootfs.ext4.d
endif

# Post-mortem: the ELF with symbols (gdb, crash, file:line in the crash
# stacks) and where the modules with symbols are.
ifneq ($(VMLINUX),)
bt-vmlinux := $(abspath $(VMLINUX))
else ifeq ($(bt-kernel-tree)$(KERNEL),y)
bt-vmlinux := $(wildcard $(bt-objtree)/vmlinux)
bt-symmods := $(if $(wildcard $(bt-objtree)/modules.order),$(bt-objtree))
else ifeq ($(bt-k-format),vmlinux)
bt-vmlinux := $(bt-kernel)
else
bt-vmlinux := $(wildcard /usr/lib/debug/boot/vmlinux-$(bt-k-release))
endif
bt-symmods := $(or $(bt-symmods),$(wildcard /usr/lib/debug/lib/modules/$(bt-k-release)),$(bt-modules))

# kcidb.json of every run (the kcidb tool, run by vmrun and fstests-vm):
# the tree's git facts, the config and its name (the profiles when PROFILE=
# is given, else the config file's name), KCIDB_ORIGIN= (default boottest).
export KCIDB_ORIGIN
export BT_SRCTREE := $(if $(KERNEL),,$(if $(filter y,$(bt-kernel-tree)),$(bt-srctree)))
export BT_KCONFIG := $(bt-kconfig)
export BT_CONFIG_NAME := $(if $(PROFILE),$(subst $(bt-space),+,$(strip $(bt-profiles))),$(notdir $(bt-kconfig)))

# Tree kernels: the config is checked against the boot profile
# (scripts/boottest/kconfig check).
bt-kconfig-check := $(wildcard $(bt-srctree)/scripts/boottest/kconfig)

# The check's verdict is kept in a stamp newer than the config, Kconfig.test
# and the script, so an unchanged tree is not checked again on every boot.
bt-kconfig-ok :=
ifeq ($(bt-kernel-tree)$(KERNEL),y)
ifneq ($(bt-kconfig-check),)
bt-kconfig-ok := $(bt-out)/.config-check.ok
$(bt-kconfig-ok): $(bt-kconfig) $(bt-kconfig-check) \
		$(wildcard $(or $(KCONFIG_TEST),$(bt-srctree)/Kconfig.test))
	$(bt-Q)$(bt-kconfig-check) check $(bt-kconfig) boot || \
		{ echo 'boottest: error: $(bt-kconfig) lacks what the guest needs (above); fix with make boottest-minimal or enable them' >&2; \
		  exit 2; }
	$(bt-Q)mkdir -p $(@D) && touch $@
endif
endif

# PROFILE= on make boottest: the kernel's config must have what those
# profiles ask for (not boot unless named: a distro kernel boots without
# it), and a name Kconfig.test does not know is refused, as by the config
# goals.
bt-profile-ok :=
ifneq ($(PROFILE),)
bt-profile-ok := bt-profile-check
bt-profile-names := $(subst $(comma), ,$(PROFILE))
PHONY += bt-profile-check
bt-profile-check:
ifeq ($(wildcard $(bt-kconfig)),)
	$(bt-Q)$(bt-kconfig-tool) fragment --arch $(if $(filter arm64,$(bt-guest-arch)),arm64,x86) \
		$(bt-profile-names) > /dev/null || exit 2
	@echo 'boottest: error: PROFILE=$(PROFILE): no config of this kernel to check it against (a config-RELEASE or .config beside it, or CONFIG_IKCONFIG)' >&2
	@exit 2
else
	$(bt-Q)$(bt-kconfig-tool) check $(bt-kconfig) $(bt-profile-names) >&2 || \
		{ rc=$$?; [ $$rc = 1 ] && echo 'boottest: error: PROFILE=$(PROFILE): $(bt-kconfig) lacks the symbols above' >&2; \
		  exit 2; }
endif
endif

bt-boot-run: $(bt-kconfig-ok) $(bt-profile-ok) $(bt-boot-rootfs) $(bt-bootimg) $(bt-initrd)
	$(bt-Q)$(bt-vmrun) --kernel $(bt-bootimg) $(if $(bt-initrd),--initrd $(bt-initrd)) \
		--rootfs $(bt-boot-rootfs) --runs-dir $(bt-runs) --tools $(bt-tools) \
		--arch $(bt-guest-arch) $(if $(bt-k-release),--release $(bt-k-release)) \
		$(bt-vm-settings) --accel '$(ACCEL)' \
		--append "$$BT_APPEND" --qemu-opts "$$BT_QEMU_OPTS" \
		$(if $(CMD),--cmd "$$BT_CMD") $(if $(TESTS),--tests '$(abspath $(TESTS))') \
		$(if $(filter 1,$(V)),-v) \
		$(if $(filter 1,$(DUMP)),--dump) \
		$(if $(filter 1,$(GDB)),--gdb=$(if $(filter 0,$(GDB_WAIT)),nowait,wait)) \
		$(if $(bt-vmlinux),--vmlinux '$(bt-vmlinux)') $(if $(bt-symmods),--modules-dir '$(bt-symmods)') \
		$(bt-runner-opts) \
		|| { rc=$$?; echo "boottest: exit status $$rc" >&2; exit $$rc; }
endif # BT_STAGE

# make boottest-report [RUN=dir]: write RUN/report.html again (default: the
# latest run; a bisect directory gets its page of steps).  vmrun, fstests-vm
# and boottest-bisect write it at the end of every run.
BOOTTEST_GOALS += boottest-report

bt-report-run := $(if $(RUN),$(abspath $(RUN)),$(bt-runs)/latest)

PHONY += boottest-report
boottest-report: bt-tools-built
	$(bt-Q)[ -d $(bt-report-run) ] || { echo 'boottest-report: error: $(bt-report-run): no such run directory (make boottest first, or give RUN=dir)' >&2; exit 2; }
	$(bt-Q)$(bt-tools)/report-html $(bt-report-run)
	$(bt-Q)echo "boottest-report: $$(readlink -f $(bt-report-run))/report.html"

# --------------------------------------------------------------- fstests ----
# make fstests-vm FSTESTS=/path/to/built/fstests [FSTYP=ext4|ext3|ext2|xfs|btrfs]
#   [TESTS='-g quick' | TESTS='generic/001 ext4/003'] [EXCLUDE=file]
#   [CONFIG=4k,1k,xfs/4k,...] [BASELINE=result.json|name] [BASELINE_SAVE=name]
#   [FSTESTS_DISK_SIZE=12G] [FSTESTS_POOL=4] [FSTESTS_EXTRA_PROGS=...]
#   [EXTRA_MODULES='a.ko ...'] [TIMEOUT=] [MEM=] [CPUS=] [JOBS=N|auto] and
#   the kernel choice of make boottest
# fstests in the guest on sparse TEST/SCRATCH disks (btrfs: a SCRATCH_DEV_POOL),
# results home in the run directory: fstests.json, fstests-junit.xml,
# guest/out/fstests/, and an "fstests" key in result.json.  Exit (printed;
# make reports a failed recipe as 2): 0 all tests that ran passed and the
# kernel stayed healthy, 1 a test failed / regression / crash, 2 usage or
# infrastructure.  The host side is scripts/boottest/fstests/vm; JOBS=N boots
# N VMs that take the tests from one queue (scripts/boottest/fstests/shards)
# and merges their results into one.

PHONY += fstests-vm
fstests-vm: bt-tools-built
	+$(bt-Q)$(MAKE) -f $(bt-srctree)/Makefile.boot BT_STAGE=boot bt-fstests-run

ifeq ($(BT_STAGE),boot)
PHONY += bt-fstests-run
bt-fstests-run: $(bt-bootimg) $(bt-initrd) $(if $(EXTRA_MODULES),$(bt-extra-dir)/manifest)
	$(bt-Q)BT_SRC=$(bt-srctree) BT_OUT=$(bt-out) BT_TOOLS=$(bt-tools) \
		BT_EXTRA_MANIFEST='$(if $(EXTRA_MODULES),$(bt-extra-dir)/manifest)' \
		BT_RUNS=$(bt-runs) BT_KERNEL=$(bt-bootimg) BT_INITRD=$(bt-initrd) \
		BT_ARCH=$(or $(bt-k-arch),x86_64) BT_RELEASE=$(bt-k-release) \
		BT_KCONFIG=$(bt-kconfig) BT_MODULAR=$(bt-modular) \
		BT_MODULES=$(bt-modules) MEM='$(MEM)' CPUS='$(CPUS)' TIMEOUT='$(TIMEOUT)' \
		$(if $(filter 1,$(V)),bash -x )$(bt-srctree)/scripts/boottest/fstests/vm || \
		{ rc=$$?; echo "fstests-vm: exit status $$rc" >&2; exit $$rc; }
endif

# ---------------------------------------------------------------- bisect ----
# make boottest-bisect GOOD=rev BAD=rev [MATCH='title regex'] [CMD=...]
#   git bisect start BAD GOOD + git bisect run scripts/boottest/bisect --step:
#   each step rebuilds with the starting .config (olddefconfig, then make with
#   the same ARCH/CROSS_COMPILE/LLVM/O=/-j) and boots it (run BISECT=1): a build
#   failure or an infrastructure error is a skip (125), a crash, hang or
#   failed CMD bad, a clean boot good.  MATCH= (grep -E) makes only crashes
#   with a matching title bad, any other failure a skip.  Logs and git bisect
#   log in $(bt-out)/bisect/<time>-<pid>/; the tree is reset and .config
#   restored at the end, on errors and on Ctrl-C.  Exit (printed; make says
#   2): 0 found, 1 inconclusive (only skipped commits left), 2 refused/error.
BOOTTEST_GOALS += boottest-bisect

PHONY += boottest-bisect
boottest-bisect: export BT_BISECT_GOOD := $(GOOD)
boottest-bisect: export BT_BISECT_BAD := $(BAD)
boottest-bisect: export BT_BISECT_MATCH_ARG := $(MATCH)
boottest-bisect: bt-need-kernel-tree bt-objtree-stub bt-tools-built
	+$(bt-Q)$(bt-srctree)/scripts/boottest/bisect --srctree $(bt-srctree) \
		--objtree $(bt-objtree) $(if $(MATCH),--match "$$BT_BISECT_MATCH_ARG") \
		$(if $(filter 1,$(V)),-v) -- "$$BT_BISECT_GOOD" "$$BT_BISECT_BAD" || \
		{ rc=$$?; echo "boottest-bisect: exit status $$rc" >&2; exit $$rc; }

# ------------------------------------------------------------------ help ----
PHONY += boottest-help
boottest-help:
	@echo 'Boot-test targets (Makefile.boot):'
	@echo '  rootfs          - Write the guest root image $(bt-out)/rootfs.ext4'
	@echo '                    ROOTFS_EXTRA=manifest fragments ROOTFS_SIZE=bytes (K/M/G)'
	@echo '  boottest        - Boot the kernel in QEMU and give a verdict (runs in $(bt-out)/runs/)'
	@echo '                    KERNEL= MODULES= MEM= CPUS= TIMEOUT= APPEND= QEMU_OPTS='
	@echo '                    CMD= TESTS= V=1 ACCEL=auto|kvm|tcg'
	@echo '                    ARCH=arm64 SYSROOT=dir (arm64 guest on an x86_64 host)'
	@echo '                    EXTRA_MODULES=out-of-tree .ko files (modprobe NAME in CMD=)'
	@echo '                    DUMP=1 GDB=1 GDB_WAIT=0 VMLINUX='
	@echo '                    BOOT_TIMELINE=1 (initcall_debug: slowest initcalls in report.html)'
	@echo '                    RUNNER=lava (boot as a LAVA job through lava-run)'
	@echo '  boottest-report - Write RUN/report.html again (RUN=dir, default: the latest run)'
	@echo '  boottest-lava-job - Write the LAVA job of make boottest (no boot): LAVA_ARTIFACTS_URL='
	@echo '  boottest-minimal  - BASE (default tinyconfig) + the boot profile + PROFILE='
	@echo '                    from Kconfig.test, verified (exit 2 naming what is missing)'
	@echo '  boottest-apply    - Merge the boot profile + PROFILE= into the existing .config'
	@echo '  boottest-verify   - Check .config has what the boot profile + PROFILE= request'
	@echo '  boottest-profiles - List the profiles (crash, debug-kasan, fstests-ext4, ...)'
	@echo '  boottest-doctor   - Check the host: QEMU, /dev/kvm, busybox, libraries'
	@echo '  boottest-mcp      - Serve boottest to AI assistants: an MCP server on stdio'
	@echo '                    (tools boot_test, fstests_run, bisect, classify_log, ...; make -s)'
	@echo '  boottest-bisect - git bisect GOOD=rev BAD=rev: build and boot each step; a crash,'
	@echo '                    hang or failed CMD= is bad, a build failure a skip; MATCH=regex'
	@echo '                    makes only crashes with a matching title bad'
	@echo '  fstests-vm      - Run fstests (FSTESTS=built tree) in the guest: FSTYP= CONFIG= TESTS='
	@echo '                    EXCLUDE= BASELINE= BASELINE_SAVE= FSTESTS_DISK_SIZE= TIMEOUT= MEM= CPUS='
	@echo '                    ACCEL='
	@echo '                    EXTRA_MODULES='
	@echo '                    JOBS=N: N VMs take the tests from one queue (default auto: 1 under TCG)'

.PHONY: $(PHONY)
