#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make boottest on Debian's packaged kernel (modular: initramfs path), for
# real under QEMU: a clean boot, CMD status, a panic, unbootable command
# lines, the timeout, SIGINT, bad variables.  Every boot has a TIMEOUT.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"
. "$(dirname "$0")/lib/boot.sh"

need_boot_env
# One output directory for the whole file: the tools, rootfs and initramfs
# are built once; every boot gets its own run directory.
O=${BT_TEST_BUILD:-$T_TMP}/boot-debian
mkdir -p "$O"

# --- bad variables: usage errors, no boot --------------------------------
boot "$O" "$T_TMP/bad.log" TIMEOUT=abc
is "$B_RC" 2 "TIMEOUT=abc: make fails"
like "$(cat "$T_TMP/bad.log")" "TIMEOUT=abc: not a number" "TIMEOUT=abc: the error names the variable"
boot "$O" "$T_TMP/bad.log" MEM=lots
like "$(cat "$T_TMP/bad.log")" "MEM=lots: not a size" "MEM=lots: the error names the variable"
BOOTTEST_QEMU=/nonexistent/qemu-system-x86_64 boot "$O" "$T_TMP/bad.log" TIMEOUT=60
like "$(cat "$T_TMP/bad.log")" "not found; install the Debian package qemu-system-x86" \
	"a missing QEMU names the Debian package"
is "$(jget "$B_RUN/result.json" "['verdict']")" infrastructure "a missing QEMU is an infrastructure error"
is "$(jget "$B_RUN/result.json" "['exit_status']")" 2 "... exit status 2"

boot "$O" "$T_TMP/bad.log" QEMU_OPTS='-no-such-qemu-option' TIMEOUT=60
is "$(jget "$B_RUN/result.json" "['verdict']")" infrastructure "a QEMU option QEMU rejects is an infrastructure error"
like "$(cat "$T_TMP/bad.log")" "invalid option" "... with QEMU's own message"

# --- a clean boot, stdin /dev/null, output to a file ---------------------
boot "$O" "$T_TMP/clean.log" CMD='uname -r; echo boottest-cmd-output; sed s/^/aslr=/ /proc/sys/kernel/randomize_va_space' TIMEOUT=240
is "$B_RC" 0 "Debian's kernel boots clean (make exit 0)" || diag "$(tail -20 "$T_TMP/clean.log")"
r=$B_RUN/result.json
assert_clean_run --cmd "$B_RUN"
assert_run_files "$B_RUN"
rel=$(jget "$r" "['kernel']['release']")
like "$(cat "$B_RUN/cmd.out")" "$rel" "uname -r in the guest prints the kernel release ($rel)"
like "$(cat "$T_TMP/clean.log")" "boottest-cmd-output" "CMD output is streamed to the output file"
[ ! -e "$B_RUN/results.ext4" ]
ok $? "the per-run results disk is removed after reading"
like "$(cat "$B_RUN/result.tap")" "^TAP version 13" "result.tap is TAP"
python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$B_RUN/junit.xml"
ok $? "junit.xml is well-formed XML"

like "$(cat "$B_RUN/console.log")" "boottest-init: started" "the initramfs loaded the root's modules"
[[ "$(cat "$B_RUN/console.log")" != *"boottest-initramfs: warning"* ]]
ok $? "... every one without a warning"

clean_run=$B_RUN
# Under TCG, user-space ASLR is off (vmrun: sysctl.kernel.randomize_va_space=0)
# so QEMU keeps its translations of ld.so and libc from one exec to the next;
# with KVM the guest keeps the kernel's default.
if [ "$(jget "$clean_run/result.json" "['qemu']['accel']")" = tcg ]; then
	like "$(cat "$clean_run/cmd.out")" "aslr=0" "TCG: user-space ASLR off in the guest (randomize_va_space 0)"
	boot "$O" "$T_TMP/aslr.log" CMD='sed s/^/aslr=/ /proc/sys/kernel/randomize_va_space' \
		APPEND=sysctl.kernel.randomize_va_space=2 TIMEOUT=240
	like "$(cat "$B_RUN/cmd.out")" "aslr=2" "APPEND=sysctl.kernel.randomize_va_space=2 brings ASLR back under TCG" ||
		diag "$(tail -5 "$T_TMP/aslr.log")"
else
	like "$(cat "$clean_run/cmd.out")" "aslr=2" "KVM: user-space ASLR as the kernel sets it (randomize_va_space 2)"
fi

# --- no CMD: the run copies the empty results disk made once --------------
boot "$O" "$T_TMP/plain.log" TIMEOUT=240
is "$B_RC" 0 "no CMD: boots clean" || diag "$(tail -20 "$T_TMP/plain.log")"
r=$B_RUN/result.json
is "$(jget "$r" "['init']['finished']")" true "no CMD: the guest's done file came home"
[ -s "$B_RUN/kmsg.log" ] && [ -f "$B_RUN/guest/init.log" ]
ok $? "no CMD: kmsg.log and init.log came home (results disk without its journal)"
[ -f "$O/.boottest/runs/.results-32M.ext4" ] && [ ! -e "$B_RUN/results.ext4" ]
ok $? "no CMD: the results disk is a copy of runs/.results-32M.ext4, removed after reading"
is "$(find "$O/.boottest/runs" -maxdepth 1 -name '.results-*tmp*')" "" \
	"no temporary template left in the runs directory"

# --- CMD=false (in parallel: two boots at once, separate run dirs) --------
boot "$O" "$T_TMP/false.log" CMD=false TIMEOUT=240 &
p1=$!
sleep 2
boot "$O" "$T_TMP/noinit.log" APPEND='init=/nonexistent' TIMEOUT=240
noinit_run=$B_RUN
wait $p1
false_run=$(sed -n 's/^boottest: results in //p' "$T_TMP/false.log" | tail -n1)
[ -n "$false_run" ] && [ "$false_run" != "$noinit_run" ]
ok $? "two concurrent boots use separate run directories"
is "$(jget "$false_run/result.json" "['verdict']")" cmd-failed "CMD=false: verdict cmd-failed"
is "$(jget "$false_run/result.json" "['exit_status']")" 1 "CMD=false: exit status 1"
is "$(jget "$noinit_run/result.json" "['exit_status']")" 1 "init=/nonexistent: exit status 1"
like "$(jget "$noinit_run/result.json" "['reason']")" "init" \
	"init=/nonexistent: the reason names init"
like "$(cat "$T_TMP/noinit.log")" "init /nonexistent not found" \
	"init=/nonexistent: the console says which init is missing"

# --- missing root device ---------------------------------------------------
boot "$O" "$T_TMP/noroot.log" APPEND='root=/dev/nonexistent' TIMEOUT=240
is "$(jget "$B_RUN/result.json" "['exit_status']")" 1 "root=/dev/nonexistent: exit status 1"
like "$(cat "$T_TMP/noroot.log")" "root device /dev/nonexistent not found" \
	"root=/dev/nonexistent: the reason names the root device"

# --- panic -----------------------------------------------------------------
boot "$O" "$T_TMP/panic.log" CMD='echo c > /proc/sysrq-trigger' TIMEOUT=240
r=$B_RUN/result.json
is "$(jget "$r" "['exit_status']")" 1 "sysrq c: exit status 1"
is "$(jget "$r" "['verdict']")" panic "sysrq c: verdict panic"
like "$(jget "$r" "['reason']")" "sysrq|SysRq|Kernel panic" "sysrq c: the title names the panic"
is "$(jget "$r" "['timed_out']")" false "sysrq c: not ended by the timeout"
d=$(jget "$r" "['duration_s']")
python3 -c "import sys; sys.exit(0 if float('$d') < 200 else 1)"
ok $? "sysrq c: QEMU gone well before TIMEOUT=240 ($d s)"
is "$(qemu_of "$B_RUN")" "" "sysrq c: no QEMU left"

# --- timeout ---------------------------------------------------------------
boot "$O" "$T_TMP/timeout.log" CMD='sleep 999' TIMEOUT=30
r=$B_RUN/result.json
is "$(jget "$r" "['verdict']")" timeout "CMD='sleep 999' TIMEOUT=30: verdict timeout"
is "$(jget "$r" "['exit_status']")" 1 "... exit status 1"
is "$(qemu_of "$B_RUN")" "" "... no QEMU left"

# --- SIGINT during boot ----------------------------------------------------
setsid make -s -f "$T_ROOT/Makefile.boot" boottest O="$O" TIMEOUT=240 \
	< /dev/null > "$T_TMP/int.log" 2>&1 &
mpid=$!
run=
for _ in $(seq 1 100); do
	run=$(ls -d "$O"/.boottest/runs/2* 2>/dev/null | sort | tail -n1)
	[ -n "$run" ] && [ -n "$(qemu_of "$run")" ] && [ -s "$run/console.log" ] && break
	sleep 0.2
done
kill -INT -- -"$mpid"
wait "$mpid"
is "$(qemu_of "$run")" "" "SIGINT: no QEMU left"
[ -s "$run/console.log" ]
ok $? "SIGINT: the partial console log is kept"
left=$(find "$run" -name 'results.ext4' -o -name '.*.tmp.*' -o -name '.results-stage')
is "$left" "" "SIGINT: no temporary files left in the run directory"

# --- a classifier that fails or hangs: an infrastructure error -----------
# This checkout's vmrun run directly on the clean boot's kernel and root,
# with a tools directory whose dmesg-classify is a stand-in script.
direct_boot() { # NAME SCRIPT: sets D_RC, D_RUN, D_TOOLS
	local name=$1 f k i root initrd
	D_TOOLS=$T_TMP/tools-$name
	mkdir -p "$D_TOOLS"
	for f in "$BT_BIN"/*; do ln -s "$f" "$D_TOOLS/"; done
	rm -f "$D_TOOLS/dmesg-classify"
	printf '#!/bin/sh\n%s\n' "$2" > "$D_TOOLS/dmesg-classify"
	chmod +x "$D_TOOLS/dmesg-classify"
	k=$(jget "$clean_run/result.json" "['kernel']['path']")
	i=$(jget "$clean_run/result.json" "['kernel']['initrd']")
	root=$(python3 -c 'import json, sys
argv = json.load(open(sys.argv[1]))["qemu"]["argv"]
print([a for a in argv if "id=root" in a][0].split(",")[0][len("file="):])' \
		"$clean_run/result.json")
	initrd=()
	[ "$i" = null ] || initrd=(--initrd "$i")
	"$BT_BIN/vmrun" --kernel "$k" "${initrd[@]}" --rootfs "$root" \
		--runs-dir "$T_TMP/runs-$name" --tools "$D_TOOLS" --arch x86_64 \
		--timeout 240 --cmd true < /dev/null > "$T_TMP/$name.log" 2>&1
	D_RC=$?
	D_RUN=$(readlink -f "$T_TMP/runs-$name/latest")
}
direct_boot clsfail 'cat > /dev/null; exit 3'
is "$D_RC" 2 "dmesg-classify exits 3: exit status 2" || diag "$(tail -5 "$T_TMP/clsfail.log")"
r=$D_RUN/result.json
is "$(jget "$r" "['verdict']")" infrastructure "... verdict infrastructure, no built-in stand-in"
like "$(jget "$r" "['reason']")" "could not be classified: dmesg-classify exited with status 3 on .*console.log" \
	"... the reason names the classifier and its status"
is "$(jget "$r" "['crashes'].__len__()"),$(jget "$r" "['errors']")" "0,-1" "... no crash list, no counts"
# It reads what it is given, then hangs: killed after the wait, named.
# (a 5 s wait, BOOTTEST_CLASSIFY_WAIT_S, instead of 120 s: the same path)
BOOTTEST_CLASSIFY_WAIT_S=5 direct_boot clshang 'echo $$ >> "$(dirname "$0")/pids"; [ "$2" = - ] && cat > /dev/null; exec sleep 900'
is "$D_RC" 2 "dmesg-classify hangs: exit status 2" || diag "$(tail -5 "$T_TMP/clshang.log")"
like "$(jget "$D_RUN/result.json" "['reason']")" "dmesg-classify did not finish .*console.log within 5 s; killed" \
	"... the reason names the classifier's timeout"
left=
while read -r pid; do
	kill -0 "$pid" 2> /dev/null && left+=" $pid" && kill "$pid"
done < "$D_TOOLS/pids"
[ -s "$D_TOOLS/pids" ] && [ -z "$left" ]
ok $? "... and no hung classifier is left running" || diag "still running:$left"

# --- TESTS=: BATS files run in the guest, TAP home ----------------------
mkdir -p "$T_TMP/bats"
cat > "$T_TMP/bats/guest.bats" <<'BATS'
@test "the guest runs bats" {
	[ -d /proc/self ]
}
@test "a failing test" {
	false
}
BATS
boot "$O" "$T_TMP/bats.log" TESTS="$T_TMP/bats" TIMEOUT=240
r=$B_RUN/result.json
is "$(jget "$r" "['verdict']")" tests-failed "TESTS with a failing bats test: verdict tests-failed"
is "$(jget "$r" "['tests']['passed']"),$(jget "$r" "['tests']['failed']")" 1,1 \
	"TESTS: 1 passed, 1 failed, counted from the guest's TAP"
like "$(cat "$B_RUN/tests.tap" 2>/dev/null)" "not ok 2 a failing test" "TESTS: tests.tap came home"

# --- the results parser under libFuzzer, bounded ---------------------------
fz=$BT_TEST_BUILD/fuzz
if command -v clang > /dev/null &&
	make -s -C "$T_ROOT/tools/boottest" O="$fz" "$fz/fuzz/fuzz-vmrun-guest" > "$T_TMP/fz.log" 2>&1; then
	# Work on a copy: libFuzzer adds what it finds to the corpus directory.
	seeds=$T_TMP/seeds
	cp -R "$T_ROOT/tools/boottest/fuzz/corpus-vmrun-guest" "$seeds"
	"$fz/fuzz/fuzz-vmrun-guest" -max_total_time=15 -rss_limit_mb=1024 \
		"$(fuzz_dict fuzz-vmrun-guest)" "$seeds" > "$T_TMP/fz.log" 2>&1
	ok $? "fuzz-vmrun-guest: 15 s without a crash" || diag "$(tail -20 "$T_TMP/fz.log")"
else
	skip "fuzz-vmrun-guest not built (clang missing or build failed: $(tail -1 "$T_TMP/fz.log"))"
fi

done_testing
