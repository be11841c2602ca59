#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/boottest/drop-in and the GNUmakefile routing: on small fake kernel
# trees (collisions, --remove, stale files) and on Debian's linux-source-6.1
# (tests/lib/kernel.sh's cached tree; no kernel build here): no tracked file
# changes, kernelrelease unchanged, make help, mixed goals, the O= stub.
# Also: goal and file names that kernel goals or make clean would take.
. "$(dirname "$0")/lib/tap.sh"
. "$T_ROOT/tests/lib/kernel.sh"

dropin=$T_ROOT/scripts/boottest/drop-in

# --- names (no kernel needed) ----------------------------------------------
mapfile -t goals < <(sed -n 's/^BOOTTEST_GOALS[ 	]*+=//p' "$T_ROOT/Makefile.boot" | tr ' \t' '\n\n' | grep -v '^$' | sort -u)
[ ${#goals[@]} -ge 5 ]
ok $? "Makefile.boot declares its goals in BOOTTEST_GOALS (${#goals[*]})"
bad=()
for g in "${goals[@]}"; do
	case $g in
	*config|*.config|help*|check*|*clean|*docs|*pkg|*src-pkg|__*|kernelrelease|kernelversion|image_name) bad+=("$g") ;;
	*.o|*.s|*.i|*.ko|*.mod|*.lst|*.ll|*.symtypes|*.dtb|*/) bad+=("$g") ;;
	esac
done
is "${bad[*]}" "" "no boottest goal has a name the kernel's Makefile reserves"

mapfile -t ourfiles < <(cd "$T_ROOT" && git ls-files)
bad=()
for f in "${ourfiles[@]}"; do
	b=${f##*/}
	case $b in
	*.[aios]|*.ko|*.mod|*.lst|*.su|*.ll|*.symtypes|.*.d|.*.cmd|.tmp_*|*.dwo|*.dtb|*.dtbo|modules.order|Module.symvers) bad+=("$f (make clean)") ;;
	core|tags|TAGS|cscope*|*.orig|*.rej|*.bak|*~|\#*\#|*%|GPATH|GRTAGS|GSYMS|GTAGS) bad+=("$f (make distclean)") ;;
	localversion*|.scmversion) bad+=("$f (kernelrelease)") ;;
	esac
done
is "${bad[*]}" "" "no file of this repository has a name make clean/distclean deletes or setlocalversion reads (${#ourfiles[@]} files)"

# --- fake kernel trees --------------------------------------------------------
fake() {
	local d=$1
	mkdir -p "$d/arch/x86" "$d/scripts"
	echo 'obj-y += init/' >"$d/Kbuild"
	printf 'all:\n\t@echo kernel-all\nkernelversion:\n\t@echo 9.9.9\n' >"$d/Makefile"
	echo x >"$d/arch/x86/Kconfig"
	git -C "$d" init -q
	git -C "$d" add -A
	git -C "$d" -c user.name=t -c user.email=t@invalid commit -qm fake
}

f1=$T_TMP/fake1
fake "$f1"
out=$("$dropin" "$f1" 2>&1)
ok $? "drop-in into a fake kernel tree" || diag "$out"
like "$out" "added GNUmakefile" "it says what it added"
check "GNUmakefile, Makefile.boot, Kconfig.test, scripts/boottest/kconfig are there" \
	test -f "$f1/GNUmakefile" -a -f "$f1/Makefile.boot" -a -f "$f1/Kconfig.test" -a -x "$f1/scripts/boottest/kconfig"
st=$(git -C "$f1" status --porcelain | grep -v '^??')
is "$st" "" "no tracked file of the fake tree changed"
out=$("$dropin" "$f1" 2>&1)
like "$out" ": 0 added, 0 updated, 0 removed" "running it again changes nothing"
is "$(make -s -C "$f1" kernelversion 2>&1)" "9.9.9" "kernel goals still reach the kernel's Makefile through GNUmakefile"
like "$(make -s -C "$f1" boottest-profiles 2>&1)" "crash" "boottest goals reach Makefile.boot"
# a file that changed is written with a new time stamp, not the checkout's:
# what the tree built from the old one must look out of date to make
echo changed >"$f1/Kconfig.test"
touch -d '2 seconds ago' "$T_TMP/before"
"$dropin" -q "$f1" >/dev/null 2>&1
cmp -s "$T_ROOT/Kconfig.test" "$f1/Kconfig.test" && [ "$f1/Kconfig.test" -nt "$T_TMP/before" ]
ok $? "an updated file is newer than the run, whatever its time stamp in the checkout"
# a file we no longer ship is removed on the next run
echo stale >"$f1/scripts/boottest/old-helper"
echo scripts/boottest/old-helper >>"$f1/scripts/boottest/.dropped-in"
out=$("$dropin" "$f1" 2>&1)
like "$out" "1 removed" "a file dropped in earlier but gone from this checkout is removed"
check "... and is gone" test ! -e "$f1/scripts/boottest/old-helper"
out=$("$dropin" --remove "$f1" 2>&1)
ok $? "drop-in --remove" || diag "$out"
is "$(git -C "$f1" status --porcelain --ignored)" "" "after --remove the fake tree is exactly as before"
check_fail "--remove again: nothing recorded" "$dropin" --remove "$f1"

f2=$T_TMP/fake2
fake "$f2"
echo 'tracked' >"$f2/Makefile.boot"
git -C "$f2" add Makefile.boot
git -C "$f2" -c user.name=t -c user.email=t@invalid commit -qm 'has Makefile.boot'
out=$("$dropin" "$f2" 2>&1)
is "$?" 2 "a file the kernel tracks is never overwritten: exit 2"
like "$out" "Makefile.boot \(tracked by the kernel's git\)" "... the collision is named"
check "... and nothing was copied" test ! -e "$f2/GNUmakefile" -a ! -e "$f2/scripts/boottest"
is "$(cat "$f2/Makefile.boot")" "tracked" "... the tracked file is unchanged"

f3=$T_TMP/fake3
fake "$f3"
echo 'mine' >"$f3/GNUmakefile"
out=$("$dropin" "$f3" 2>&1)
is "$?" 2 "an untracked file the user made is not overwritten either: exit 2"
like "$out" "GNUmakefile \(exists, not put there by drop-in\)" "... named"
is "$(cat "$f3/GNUmakefile")" "mine" "... and left alone"

mkdir -p "$T_TMP/notkernel"
out=$("$dropin" "$T_TMP/notkernel" 2>&1)
is "$?" 2 "a directory that is not a kernel tree: exit 2"
like "$out" "not a kernel tree" "... with the reason"

f4=$T_TMP/fake4
fake "$f4"
out=$("$dropin" -n "$f4" 2>&1)
like "$out" "would copy" "-n says what would be copied"
is "$(git -C "$f4" status --porcelain)" "" "... and copies nothing"

# --- Debian's linux-source-6.1 ----------------------------------------------
if ! kernel_dropin; then
	skip "the real kernel tree: $KERNEL_SKIP_REASON"
	done_testing
	exit
fi
src=$KERNEL_SRC
ok 0 "drop-in into linux-source-6.1 ($src)"
st=$(git -C "$src" status --porcelain | grep -v '^?? ')
is "$st" "" "git status: no tracked file modified, only untracked files"
untracked=$(git -C "$src" status --porcelain -uall | sed -n 's/^?? //p' |
	grep -vxFf "$src/scripts/boottest/.dropped-in" | grep -v '^scripts/boottest/\.dropped-in$' | grep -v '^\.boottest/')
is "$untracked" "" "every untracked file is one drop-in recorded"
kv=$(make -s -C "$src" -f Makefile kernelversion 2>&1)

help=$(make -s -C "$src" help 2>&1)
ok $? "make help"
kline=$(grep -n '^Cleaning targets:' <<<"$help" | cut -d: -f1)
bline=$(grep -n '^Boot-test targets' <<<"$help" | cut -d: -f1)
[ -n "$kline" ] && [ -n "$bline" ] && [ "$kline" -lt "$bline" ]
ok $? "make help prints the kernel's help, then boottest's (lines $kline, $bline)"
missing=()
for g in boottest boottest-minimal boottest-doctor boottest-profiles rootfs; do
	grep -q "^  $g " <<<"$help" || missing+=("$g")
done
is "${missing[*]}" "" "make help lists boottest's goals"
like "$(make -s -C "$src" ARCH=arm64 help 2>&1)" "Architecture specific targets \(arm64\)" \
	"ARCH= reaches the kernel's sub-make (make ARCH=arm64 help)"

o=$T_TMP/o
mkdir -p "$o"
out=$(make -s -C "$src" O="$o" kernelversion boottest-profiles kernelversion 2>&1)
ok $? "mixed goals with O=: kernelversion boottest-profiles kernelversion" || diag "$out"
order=$(grep -nE "^$kv\$|^Profiles in Kconfig.test" <<<"$out" | cut -d: -f2- | tr '\n' '|')
is "$order" "$kv|Profiles in Kconfig.test (PROFILE=a,b; boot is always included):|$kv|" \
	"... run one at a time in command-line order"
out=$(make -s -C "$src" O="$o" boottest-profiles kernelversion 2>&1)
order=$(grep -nE "^$kv\$|^Profiles in Kconfig.test" <<<"$out" | cut -d: -f2- | cut -c1-8 | tr '\n' '|')
is "$order" "Profiles|$kv|" "... boottest goal first, then the kernel's"
check "O=: a stub GNUmakefile in the output directory" grep -qx "include $(cd "$src" && pwd -P)/GNUmakefile" "$o/GNUmakefile"
like "$(make -s -C "$o" boottest-profiles 2>&1)" "debug-kasan" "make -C \$(O) boottest-profiles works through the stub"
is "$(make -s -C "$o" kernelversion 2>&1)" "$kv" "make -C \$(O) kernelversion still reaches the kernel"
o2=$T_TMP/o2
mkdir -p "$o2"
KBUILD_OUTPUT=$o2 make -s -C "$src" boottest-profiles >/dev/null 2>&1
check "KBUILD_OUTPUT= is the output directory too (stub written there)" test -f "$o2/GNUmakefile"
# kernelrelease needs a configured output directory (auto.conf)
make -s -C "$src" O="$o" tinyconfig >/dev/null 2>&1 && make -s -C "$src" O="$o" syncconfig >/dev/null 2>&1
kr=$(make -s -C "$src" O="$o" kernelrelease 2>&1)
is "$kr" "$kv" "make kernelrelease through GNUmakefile = kernelversion ($kv): no '+' or '-dirty' from the untracked files"
is "$(git -C "$src" status --porcelain | grep -v '^?? ')" "" "still no tracked file modified after all these goals"

done_testing
