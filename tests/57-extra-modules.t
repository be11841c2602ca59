#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make boottest EXTRA_MODULES=: out-of-tree modules in the guest's
# /lib/modules/RELEASE/extra, checked on the host (vermagic, depends=), with
# a modules.dep that busybox modprobe follows.
#
# 1. kinspect vermagic / modules --add / depmod on Debian's packaged modules
#    (no boot).
# 2. Debian's modular kernel: a packaged module given as an extra one, whose
#    dependency comes from the kernel's module set (MODULES), modprobe'd.
# 3. The tree kernel (tests/lib/kernel.sh, CONFIG_MODULES=y): two modules
#    written here and built with M= (one depends on the other), modprobe'd in
#    the guest; the image is not rebuilt for an unchanged set; a wrong
#    vermagic, a missing file and an unsatisfiable depends= give exit 2.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"

unlike() {
	if [[ $1 =~ $2 ]]; then
		ok 1 "$3"
		diag "matched: '$2'"
		return 1
	fi
	ok 0 "$3"
}

need_boot_env
KI=$BT_BIN/kinspect
dk=$("$T_ROOT/scripts/boottest/debian-kernel" --print)
rel=$(basename "$(ls -d "$dk"/lib/modules/*)")
moddir=$dk/lib/modules/$rel
vmlinuz=$dk/boot/vmlinuz-$rel
kcfg=$dk/boot/config-$rel

# --- 1. kinspect, no boot ---------------------------------------------------------
loop=$(find "$moddir" -name 'loop.ko*' | head -n1)
want=$("$KI" modinfo --field vermagic "$loop")
like "$want" "^$rel SMP " "a Debian module's vermagic starts with the release and SMP"
is "$("$KI" vermagic --moddir "$moddir" "$vmlinuz")" "$want" \
	"kinspect vermagic --moddir: the kernel's vermagic from its modules"
is "$("$KI" vermagic --config "$kcfg" "$vmlinuz")" "$want" \
	"kinspect vermagic --config: composed from the config, the same string"
"$KI" vermagic --config "$kcfg" "$vmlinuz" "$loop"
is "$?" 0 "kinspect vermagic KERNEL KO: a module of that kernel matches"
"$KI" vermagic "$vmlinuz" > /dev/null 2> "$T_TMP/nov.err"
is "$?" 1 "kinspect vermagic: a stripped kernel without --config/--moddir: exit 1"
like "$(cat "$T_TMP/nov.err")" "give its .config with --config" "... naming the fix"

cp "$loop" "$T_TMP/badloop.ko"
bad=${rel//[0-9]/9}
perl -0777 -pi -e "s/vermagic=\\Q$rel\\E /vermagic=$bad /" "$T_TMP/badloop.ko"
is "$("$KI" modinfo --field vermagic "$T_TMP/badloop.ko")" "$bad ${want#"$rel "}" \
	"a copy with its vermagic rewritten (same length)"
"$KI" vermagic --moddir "$moddir" --fix 'FIXTEXT' "$vmlinuz" "$T_TMP/badloop.ko" 2> "$T_TMP/bad.err"
is "$?" 1 "kinspect vermagic: a mismatch: exit 1"
is "$(wc -l < "$T_TMP/bad.err")" 1 "... one line"
like "$(cat "$T_TMP/bad.err")" "badloop.ko: vermagic '$bad .*' does not match the kernel's '$rel .*'.*; FIXTEXT$" \
	"... naming the module, both vermagics and the fix"
"$KI" vermagic --moddir "$moddir" "$vmlinuz" "$T_TMP/nonexistent.ko" 2> /dev/null
is "$?" 2 "kinspect vermagic: an unreadable module: exit 2"

# The symbol table of an unstripped vmlinux (a tiny ELF standing in).
printf '%s\n' '__attribute__((used)) static const char vermagic[] = "9.8.7 SMP mod_unload ";' \
	'const char linux_banner[] = "Linux version 9.8.7 (t) #1\n";' 'void _start(void) { }' > "$T_TMP/sym.c"
if gcc -Os -nostdlib -static -no-pie -o "$T_TMP/sym" "$T_TMP/sym.c" 2> "$T_TMP/gcc.err"; then
	is "$("$KI" vermagic "$T_TMP/sym" | od -c | head -n2 | tr -s ' ')" \
		"$(printf '9.8.7 SMP mod_unload \n' | od -c | head -n2 | tr -s ' ')" \
		"kinspect vermagic: the 'vermagic' symbol of an ELF kernel, trailing space kept"
else
	skip "gcc cannot link a static stand-in: $(head -n1 "$T_TMP/gcc.err")"
fi

# modules --add and '-', depmod.
dmzero=$(find "$moddir" -name 'dm-zero.ko*' | head -n1)
mkdir -p "$T_TMP/add"
cp "$dmzero" "$T_TMP/add/"
out=$("$KI" modules --no-softdeps --add "$T_TMP/add/${dmzero##*/}" "$moddir" dm-zero)
is "$?" 0 "kinspect modules --add: resolves against MODDIR"
like "$(tail -n1 <<<"$out")" "^$T_TMP/add/dm-zero" "... the added file wins over MODDIR's copy, listed last"
like "$out" "/kernel/drivers/md/dm-mod" "... its dependency dm-mod from MODDIR"
"$KI" modules --add "$T_TMP/add" - dm-zero > /dev/null 2> "$T_TMP/miss.err"
is "$?" 1 "kinspect modules - (no MODDIR): a missing dependency: exit 1"
like "$(cat "$T_TMP/miss.err")" "module dm[-_]mod \\(needed by dm_zero\\) not found" "... naming it"

mkdir -p "$T_TMP/stage/extra" "$T_TMP/stage/kernel"
cp "$dmzero" "$T_TMP/stage/extra/"
for f in $("$KI" modules --no-softdeps "$moddir" dm-mod); do cp "$f" "$T_TMP/stage/kernel/"; done
"$KI" depmod "$T_TMP/stage"
is "$?" 0 "kinspect depmod: writes modules.dep and modules.alias"
like "$(grep '^extra/dm-zero' "$T_TMP/stage/modules.dep")" "^extra/dm-zero\\.ko[.a-z]*: .*kernel/dm-mod\\.ko" \
	"modules.dep: extra/dm-zero.ko needs kernel/dm-mod.ko (relative paths)"
like "$(cat "$T_TMP/stage/modules.alias")" "alias char-major-10-236 dm_mod" "modules.alias: alias= lines, module names with underscores"
check_fail "kinspect depmod -o into a missing directory fails" \
	"$KI" depmod -o "$T_TMP/nodir/x" "$T_TMP/stage"

# --- 2. Debian's modular kernel ---------------------------------------------------
mkdir -p "$T_TMP/deb"
cp "$dmzero" "$T_TMP/deb/"
boot "$T_TMP/o-deb" "$T_TMP/deb.log" TIMEOUT=600 EXTRA_MODULES="$T_TMP/deb/${dmzero##*/}" \
	CMD="modprobe dm-zero && grep '^dm_mod ' /proc/modules && grep '^dm_zero ' /proc/modules && ls /lib/modules/$rel/extra"
is "$B_RC" 0 "Debian kernel: EXTRA_MODULES=dm-zero.ko, modprobe dm-zero: exit 0" ||
	diag "$(tail -n 20 "$T_TMP/deb.log")"
assert_clean_run --cmd "$B_RUN" "Debian kernel, EXTRA_MODULES="
like "$(cat "$B_RUN/console.log" 2> /dev/null)" "dm_zero [0-9]+ 0 - Live" "... loaded in the guest"
like "$(cat "$B_RUN/console.log" 2> /dev/null)" "dm_mod [0-9]+ 1 dm_zero" \
	"... with dm-mod (from the kernel's modules, through modules.dep) under it"

# --- 3. the tree kernel -----------------------------------------------------------
. "$(dirname "$0")/lib/kernel.sh"
# An already built kernel is used without waiting for kernel-build.lock,
# which a build of another profile's kernel may hold for a long time.
if kernel_config && [ -e "$KERNEL_DIR/build-done" ]; then
	kernel__export
elif ! kernel_tree; then
	skip "tree kernel: $KERNEL_SKIP_REASON"
	done_testing
	exit
fi
if ! grep -q '^CONFIG_MODULES=y' "$KERNEL_CONFIG"; then
	skip "the test kernel has no CONFIG_MODULES (profile modules missing)"
	done_testing
	exit 0
fi

mod=$T_TMP/mod
mkdir -p "$mod"
cat > "$mod/hello.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/init.h>
#include <linux/module.h>

int hello_ping(void)
{
	return 42;
}
EXPORT_SYMBOL_GPL(hello_ping);

static int __init hello_init(void)
{
	pr_info("boottest-hello: init marker\n");
	return 0;
}

static void __exit hello_exit(void)
{
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
EOF
cat > "$mod/hellodep.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/init.h>
#include <linux/module.h>

int hello_ping(void);

static int __init hellodep_init(void)
{
	pr_info("boottest-hellodep: init marker %d\n", hello_ping());
	return 0;
}

static void __exit hellodep_exit(void)
{
}

module_init(hellodep_init);
module_exit(hellodep_exit);
MODULE_LICENSE("GPL");
EOF
echo 'obj-m += hello.o hellodep.o' > "$mod/Kbuild"

# kbuild's M= build writes into M= only (the cached tree is shared).
touch "$T_TMP/stamp"
sleep 1
nice make -C "$KERNEL_OBJTREE" M="$mod" -j2 modules > "$T_TMP/kbuild.log" 2>&1
is "$?" 0 "make -C \$KERNEL_OBJTREE M=dir modules builds the two modules" ||
	diag "$(tail -n 20 "$T_TMP/kbuild.log")"
is "$(find "$KERNEL_OBJTREE" -newer "$T_TMP/stamp" -not -path '*/.boottest/*' \
	-not -name .boottest -not -name GNUmakefile -not -path "$KERNEL_OBJTREE" | head -n 5)" "" \
	"... and wrote nothing in the kernel's output tree"
is "$("$KI" modinfo --field depends "$mod/hellodep.ko")" hello "hellodep.ko: depends=hello"

tb() {	# tree boot: LOG MAKEVARS...
	local log=$1
	shift
	make -s -C "$KERNEL_SRCTREE" O="$KERNEL_OBJTREE" boottest TIMEOUT=600 "$@" \
		< /dev/null > "$log" 2>&1
	B_RC=$?
	B_RUN=$(readlink -f "$KERNEL_OBJTREE/.boottest/runs/latest")
}

tb "$T_TMP/t1.log" EXTRA_MODULES="$mod/hello.ko $mod/hellodep.ko" \
	CMD='modprobe hellodep && grep "^hello " /proc/modules && ls /lib/modules/*/extra'
is "$B_RC" 0 "tree kernel: EXTRA_MODULES='hello.ko hellodep.ko' CMD='modprobe hellodep': exit 0" ||
	diag "$(tail -n 20 "$T_TMP/t1.log")"
r=$(grep -l "boottest-hellodep" "$KERNEL_OBJTREE"/.boottest/runs/*/kmsg.log 2> /dev/null |
	xargs -r ls -t | head -n1)
run=${r%/kmsg.log}
assert_clean_run --cmd "$run" "tree kernel, EXTRA_MODULES="
like "$(cat "$r" 2> /dev/null)" "boottest-hello: init marker" "kmsg: hello's init ran (loaded first, as modules.dep says)"
like "$(cat "$r" 2> /dev/null)" "boottest-hellodep: init marker 42" "kmsg: hellodep's init ran and called hello"
like "$(cat "$run/console.log" 2> /dev/null)" "hello.ko" "console: the modules are in /lib/modules/RELEASE/extra"
like "$(cat "$T_TMP/t1.log")" "ROOTFS .*/extra-[0-9a-f]+/rootfs.ext4" "an image per module set was written"

tb "$T_TMP/t2.log" EXTRA_MODULES="$mod/hello.ko $mod/hellodep.ko" CMD='modprobe hello'
is "$B_RC" 0 "again, the same set, CMD='modprobe hello': exit 0" || diag "$(tail -n 20 "$T_TMP/t2.log")"
unlike "$(cat "$T_TMP/t2.log")" "ROOTFS" "... no image rebuilt (neither the base nor the modules' one)"

# --- errors: exit 2 before any boot -----------------------------------------------
mkdir -p "$T_TMP/bad"
cp "$mod/hello.ko" "$T_TMP/bad/hello.ko"
kb=${KERNEL_RELEASE//[0-9]/9}
perl -0777 -pi -e "s/vermagic=\\Q$KERNEL_RELEASE\\E /vermagic=$kb /" "$T_TMP/bad/hello.ko"
(cd "$KERNEL_SRCTREE" && "$T_ROOT/scripts/boottest/run" O="$KERNEL_OBJTREE" \
	EXTRA_MODULES="$T_TMP/bad/hello.ko" CMD='modprobe hello' < /dev/null > "$T_TMP/e1.log" 2>&1)
is "$?" 2 "a module with another release's vermagic: exit 2"
e=$(grep 'error: EXTRA_MODULES' "$T_TMP/e1.log")
is "$(wc -l <<<"$e")" 1 "... one error line"
like "$e" "bad/hello.ko: vermagic '$kb .*' does not match the kernel's '$KERNEL_RELEASE .*'" \
	"... naming the module and both vermagics"
like "$e" "make -C $KERNEL_OBJTREE M=$T_TMP/bad modules" "... and the fix"
unlike "$(cat "$T_TMP/e1.log")" "boottest: verdict" "... no boot"

(cd "$KERNEL_SRCTREE" && "$T_ROOT/scripts/boottest/run" O="$KERNEL_OBJTREE" \
	EXTRA_MODULES="$T_TMP/nothere/x.ko" CMD=true < /dev/null > "$T_TMP/e2.log" 2>&1)
is "$?" 2 "a missing EXTRA_MODULES file: exit 2"
like "$(cat "$T_TMP/e2.log")" "error: EXTRA_MODULES: $T_TMP/nothere/x.ko: no such file" "... naming it"

(cd "$KERNEL_SRCTREE" && "$T_ROOT/scripts/boottest/run" O="$KERNEL_OBJTREE" \
	EXTRA_MODULES="$mod/hellodep.ko" CMD=true < /dev/null > "$T_TMP/e3.log" 2>&1)
is "$?" 2 "hellodep.ko without hello.ko (depends= unsatisfiable): exit 2"
like "$(cat "$T_TMP/e3.log")" "error: EXTRA_MODULES: .*module hello \\(needed by hellodep\\) not found.*add its .ko to EXTRA_MODULES" \
	"... naming the missing dependency and the fix"

echo 'not a module' > "$T_TMP/bad/text.ko"
(cd "$KERNEL_SRCTREE" && "$T_ROOT/scripts/boottest/run" O="$KERNEL_OBJTREE" \
	EXTRA_MODULES="$T_TMP/bad/text.ko" CMD=true < /dev/null > "$T_TMP/e4.log" 2>&1)
is "$?" 2 "a file that is not a module: exit 2"
like "$(cat "$T_TMP/e4.log")" "error: EXTRA_MODULES: .*text.ko" "... naming it"

# KERNEL=vmlinux (no tree): the vermagic comes from its symbol table.
boot "$T_TMP/o-k" "$T_TMP/e5.log" KERNEL="$KERNEL_VMLINUX" EXTRA_MODULES="$T_TMP/bad/hello.ko"
is "$B_RC" 2 "KERNEL=vmlinux EXTRA_MODULES=bad vermagic: make fails"
like "$(cat "$T_TMP/e5.log")" "does not match the kernel's '$KERNEL_RELEASE .*' \\([^,]*, its vermagic symbol\\)" \
	"... the kernel's vermagic read from its 'vermagic' symbol"

done_testing
