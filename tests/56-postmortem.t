#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Post-mortem: ksymbolize on a -g program (file:line, inlining chain, bad
# frames, no debug info) and its fuzz target; then, on the tree kernel
# (profiles crash,symbols,modules): DUMP=1 after a panic writes an ELF core
# covering the guest memory, after a clean boot nothing, at the timeout a
# core; GDB=1 lets gdb attach, stop at start_kernel and the boot ends
# normally; an LKDTM WARNING's stack carries drivers/misc/lkdtm/bugs.c:LINE;
# a vmlinux without debug info changes nothing.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"
. "$(dirname "$0")/lib/boot.sh"
. "$(dirname "$0")/lib/kernel.sh"

ks=$BT_BIN/ksymbolize
[ -x "$ks" ] || skip_all "$ks not built"
command -v gcc > /dev/null || skip_all "gcc missing"

# --- ksymbolize on a userspace ELF ----------------------------------------------
cat > "$T_TMP/t.c" <<'EOF'
volatile int sink;
static inline __attribute__((always_inline)) void inner(int x)
{
	sink = x;
	__builtin_trap();
}
static inline __attribute__((always_inline)) void middle(int x)
{
	sink = 2;
	inner(x + 1);
}
__attribute__((noinline)) void work(int x)
{
	sink = 1;
	middle(x);
}
int main(int argc, char **argv)
{
	work(argc);
	return 0;
}
EOF
(cd "$T_TMP" && gcc -g -O2 -o t t.c)
ok $? "a -g -O2 test program builds"
# The trap is the last instruction of work(): its offset from nm/objdump.
size=$(nm -S "$T_TMP/t" | awk '$4 == "work" { print $2 }')
trap_off=$(objdump -d --no-show-raw-insn "$T_TMP/t" |
	awk '/<work>:/ { w = 1; next } w && /ud2/ { sub(":", "", $1); print $1; exit } w && /^$/ { exit }')
start=$(nm "$T_TMP/t" | awk '$3 == "work" { print $1 }')
off=$(printf '0x%x' $((0x$trap_off - 0x$start)))
frame="work+$off/0x$(printf '%x' $((0x$size)))"
out=$("$ks" "$T_TMP/t" "$frame" 2>&1)
is $? 0 "ksymbolize places $frame"
like "$out" "^${frame//+/\\+} t\\.c:5
    inner t\\.c:5 \\[inline\\]
    middle t\\.c:10 \\[inline\\]
    work t\\.c:15$" "file:line and the inlining chain, as addr2line -i"
json=$("$ks" --json "$T_TMP/t" "$frame" 'nosuch+0x1/0x5' 'garbage+1/2' 2>&1)
is $? 1 "frames it cannot place: exit 1"
is "$(jq -r 'map(.source // "null") | join(" ")' <<<"$json")" "t.c:5 null null" \
	"--json: source per frame, null when not placed"
is "$(jq -r '.[0].inlined | map(.function) | join(",")' <<<"$json")" "inner,middle,work" \
	"--json: inlined chain innermost first"
# [module] frames: NAME.ko through modules.order ('-' and '_' alike).
mkdir -p "$T_TMP/mods/kernel/drivers"
cp "$T_TMP/t" "$T_TMP/mods/kernel/drivers/my-mod.ko"
printf 'kernel/drivers/other.ko\nkernel/drivers/my-mod.ko\n' > "$T_TMP/mods/modules.order"
out=$("$ks" --modules-dir "$T_TMP/mods" "$T_TMP/t" "$frame [my_mod]" 2>&1)
like "$out" "^${frame//+/\\+} \\[my_mod\\] t\\.c:5" "a [module] frame is looked up in its .ko"
out=$("$ks" "$T_TMP/t" "$frame [my_mod]" 2>&1)
is $? 1 "a [module] frame without --modules-dir is not placed"
gcc -O2 -o "$T_TMP/nodebug" "$T_TMP/t.c"
out=$("$ks" "$T_TMP/nodebug" "$frame" 2>&1)
is $? 2 "no debug info: exit 2"
like "$out" "nodebug: no DWARF line tables; build with CONFIG_DEBUG_INFO" "... and says why"
printf 'not an ELF\n' > "$T_TMP/text"
out=$("$ks" "$T_TMP/text" "$frame" 2>&1)
is $? 2 "not an ELF file: exit 2"
is "$(grep -c 'ksymbolize: error:' <<<"$out")" 1 "not an ELF file: one error line" || diag "$out"
like "$out" "text: cannot read: not a valid ELF file" "not an ELF file: says so"

# --- the frame parser's fuzz target ----------------------------------------------
if command -v clang > /dev/null; then
	fout=${BT_TEST_BUILD:-$T_TMP}/fuzz-ksymbolize
	make -s -C "$T_ROOT/tools/boottest" O="$fout" "$fout/fuzz/fuzz-ksymbolize" > "$T_TMP/fb" 2>&1
	ok $? "fuzz-ksymbolize builds" || diag "$(cat "$T_TMP/fb")"
	mkdir -p "$T_TMP/corpus"
	cp "$T_ROOT"/tools/boottest/fuzz/corpus-ksymbolize/* "$T_TMP/corpus/"
	(cd "$T_TMP" && "$fout/fuzz/fuzz-ksymbolize" -max_total_time=15 -rss_limit_mb=1024 \
		-timeout=10 "$(fuzz_dict fuzz-ksymbolize)" corpus > fuzz.log 2>&1)
	ok $? "fuzz-ksymbolize: 15 s without a crash or sanitizer report" ||
		diag "$(tail -n 30 "$T_TMP/fuzz.log")"
else
	skip "clang missing: no fuzz run (apt-get install clang)"
fi

# --- boots of the tree kernel -----------------------------------------------------
need_boot_env
kernel_tree || skip_all "$KERNEL_SKIP_REASON"
grep -q '^CONFIG_DEBUG_INFO=y' "$KERNEL_CONFIG" ||
	skip_all "the test kernel has no debug info (symbols profile)"
command -v file > /dev/null || skip_all "file missing (scripts/boottest/setup)"

# boottest NAME VARS...: boot, sets R (result.json of this run) and RC.
boottest() {
	tree_boot "$1" 900 "${@:2}"
}
vmcores=()

# A panic with DUMP=1: the core, and file:line in the stack.
boottest panic DUMP=1 TIMEOUT=300 CMD='echo c > /proc/sysrq-trigger'
is "$(jget "$R" "['exit_status']")" 1 "DUMP=1 panic: exit status 1"
is "$(jget "$R" "['verdict']")" panic "DUMP=1 panic: verdict panic"
core=$(jget "$R" "['dump']['path']")
vmcores+=("$core")
is "$core" "$RUN/vmcore" "DUMP=1 panic: RUN/vmcore" || diag "$(jget "$R" "['dump']")"
like "$(file -b "$core")" "^ELF 64-bit LSB core file" "file calls it an ELF 64-bit core file"
load=$(jget "$R" "['dump']['load_bytes']")
mem=$((256 << 20))
ok "$([ "${load:-0}" -ge $((mem * 9 / 10)) ] && [ "$load" -le $((mem + (64 << 20))) ]; echo $?)" \
	"its PT_LOAD segments cover ~MEM ($load bytes for 256 MiB)"
is "$(readelf -lW "$core" | awk '$1 == "LOAD" { s += strtonum($5) } END { print s }')" "$load" \
	"readelf agrees on the PT_LOAD bytes"
like "$(jget "$R" "['dump']['vmcoreinfo']")" "^(true|false)$" "dump.vmcoreinfo is recorded"
is "$(jget "$R" "['dump']['reason']")" "kernel panic" "dump.reason"
like "$(cat "$RUN/qemu.cmdline")" "reboot=shutdown,shutdown=pause.*nokaslr|nokaslr.*reboot=shutdown,shutdown=pause" \
	"QEMU pauses instead of rebooting; nokaslr"
like "$(cat "$T_TMP/panic.log")" "open it with: crash $KERNEL_OBJTREE/vmlinux $core" \
	"the summary says how to open it"
ok "$([ ! -e "$RUN/qmp.sock" ]; echo $?)" "the QMP socket is removed"
is "$(qemu_of "$RUN")" "" "no QEMU left"
src=$(jget "$R" "['crashes'][0]['stack_sources']")
like "$src" "drivers/tty/sysrq\\.c:[0-9]+" "the sysrq crash stack has file:line (drivers/tty/sysrq.c)" ||
	diag "$(jget "$R" "['crashes'][0]['stack']")"
is "$(jget "$R" "['crashes'][0]['stack'].__len__() == d['crashes'][0]['stack_sources'].__len__()")" \
	true "stack_sources is as long as stack"

# A clean boot with DUMP=1: no core.
boottest clean DUMP=1 TIMEOUT=300 CMD=true
is "$RC" 0 "DUMP=1 clean boot: exit 0" || diag "$(tail -n 15 "$T_TMP/clean.log")"
is "$(jget "$R" "['dump']['path']")" null "DUMP=1 clean boot: dump.path null"
like "$(jget "$R" "['dump']['why']")" "init finished" "... and why"
ok "$([ ! -e "$RUN/vmcore" ]; echo $?)" "... and no vmcore"

# The timeout with DUMP=1: a core.
boottest timeout DUMP=1 TIMEOUT=60 CMD='sleep 999'
is "$(jget "$R" "['verdict']")" timeout "DUMP=1 timeout: verdict timeout"
core=$(jget "$R" "['dump']['path']")
vmcores+=("$core")
is "$(jget "$R" "['dump']['reason']")" timeout "DUMP=1 timeout: a dump, reason timeout"
like "$(file -b "$core" 2>&1)" "^ELF 64-bit LSB core file" "DUMP=1 timeout: an ELF core"
is "$(qemu_of "$RUN")" "" "DUMP=1 timeout: no QEMU left"

# An LKDTM WARNING: lkdtm's frame maps to bugs.c; no panic, so no dump.
if grep -q '^CONFIG_LKDTM=y' "$KERNEL_CONFIG"; then
	boottest warning DUMP=1 TIMEOUT=300 \
		CMD='echo WARNING > /sys/kernel/debug/provoke-crash/DIRECT'
	is "$(jget "$R" "['verdict']")" warning "LKDTM WARNING: verdict warning"
	st=$(jget "$R" "['crashes'][0]['stack'][0]")
	like "$st" "^lkdtm_WARNING\\+" "LKDTM WARNING: the stack starts at lkdtm_WARNING"
	like "$(jget "$R" "['crashes'][0]['stack_sources'][0]['source']")" \
		"^drivers/misc/lkdtm/bugs\\.c:[0-9]+$" "LKDTM WARNING: $st is drivers/misc/lkdtm/bugs.c:LINE"
	like "$(cat "$T_TMP/warning.log")" "boottest:   lkdtm_WARNING\\+[^ ]* drivers/misc/lkdtm/bugs\\.c:[0-9]+" \
		"the summary shows it"
	is "$(jget "$R" "['dump']['path']")" null "a WARNING does not panic: no dump"
else
	skip "the test kernel has no LKDTM (crash profile)"
fi

# A vmlinux without debug info: no stack_sources, no error.
objcopy --strip-debug "$KERNEL_VMLINUX" "$T_TMP/vmlinux-nodebug"
boottest nodebug TIMEOUT=300 VMLINUX="$T_TMP/vmlinux-nodebug" CMD='echo c > /proc/sysrq-trigger'
is "$(jget "$R" "['verdict']")" panic "no debug info: verdict panic as before"
is "$(jget "$R" "['crashes'][0].get('stack_sources')")" null "no debug info: no stack_sources"
is "$(grep -c '^vmrun: \(error\|warning\)' "$T_TMP/nodebug.log")" 0 \
	"no debug info: no error or warning from vmrun" || diag "$(grep '^vmrun:' "$T_TMP/nodebug.log")"

# GDB=1: attach with gdb in batch mode, break at start_kernel, go on.
if command -v gdb > /dev/null; then
	timeout -s TERM 900 make -s -C "$KERNEL_SRCTREE" O="$KERNEL_OBJTREE" boottest \
		MEM=256M GDB=1 CMD=true < /dev/null > "$T_TMP/gdb.log" 2>&1 &
	mk=$!
	port=
	for _ in $(seq 300); do
		port=$(sed -n "s/.*gdb .* -ex 'target remote :\\([0-9]*\\)'.*/\\1/p" "$T_TMP/gdb.log" | head -n 1)
		[ -n "$port" ] || ! kill -0 $mk 2> /dev/null && break
		sleep 1
	done
	like "$(cat "$T_TMP/gdb.log")" "gdb $KERNEL_OBJTREE/vmlinux -ex 'target remote :$port'" \
		"GDB=1 prints the gdb command line with the tree's vmlinux"
	g=$(timeout 600 gdb -batch -nx -ex "target remote :$port" -ex 'hbreak start_kernel' \
		-ex continue -ex 'info symbol $pc' -ex 'info line *$pc' -ex delete -ex detach \
		"$KERNEL_VMLINUX" 2>&1)
	like "$g" "start_kernel in section \\.init\\.text" "gdb attaches and stops at start_kernel" ||
		diag "$g"
	like "$g" "init/main\\.c" "gdb has the line of start_kernel (debug info)"
	wait $mk
	is $? 0 "after gdb detaches the boot ends normally (exit 0)" ||
		diag "$(tail -n 15 "$T_TMP/gdb.log")"
	RUN=$(sed -n 's/^boottest: results in //p' "$T_TMP/gdb.log" | tail -n 1)
	is "$(jget "$RUN/result.json" "['gdb']['port']")" "$port" "result.json records gdb.port"
	like "$(cat "$RUN/qemu.cmdline")" "-gdb tcp:127\\.0\\.0\\.1:$port -S( |$)" \
		"QEMU waits for gdb (-S) on 127.0.0.1"
	like "$(cat "$RUN/qemu.cmdline")" "nokaslr" "GDB=1 boots nokaslr"
	is "$(qemu_of "$RUN")" "" "GDB=1: no QEMU left"
else
	skip "gdb missing (apt-get install gdb)"
fi

# The cores are large and the tree's run directories are a cache.
for c in "${vmcores[@]}"; do
	case $c in */vmcore) rm -f "$c" ;; esac
done

done_testing
