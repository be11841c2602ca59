#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug-kcsan profile applied, verified and booted: a tree kernel with
# tinyconfig + crash,debug-kcsan,modules (tests/lib/kernel.sh builds and
# caches it under its own key, and builds it on a cold run too: 446 CPU s,
# about 4 min on 2 idle cores, beside 58's debug kernel in CI's budget).
# KCSAN excludes KASAN, so it is a kernel of its own, and it is SMP: the
# guests get CPUS=2, and both come up (tinyconfig has no ACPI; vmrun makes
# each x86 CPU a socket, so the firmware's MP table lists both).
#  - the profile's symbols are all in the .config (kconfig verify);
#  - it boots clean: KCSAN is on (its boot message, its self-test, its
#    debugfs counters show watchpoints set up) and reports nothing before
#    the power-off (6.1's own race there, when KCSAN sees it, is named);
#  - a real data race, provoked: tests/data/kcsan/boottest_race.c, built
#    against the cached O= tree (make M=) and loaded with EXTRA_MODULES= and
#    CMD='modprobe boottest_race', races two kthreads on one plain variable;
#    KCSAN reports it, and boottest says verdict kcsan, exit status 1,
#    title "KCSAN: data-race in boottest_race_reader /
#    boottest_race_writer" (with the module's name after each function, as
#    the kernel prints it).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
. "$(dirname "$0")/lib/kernel.sh"

need_boot_env
profiles=crash,debug-kcsan,modules
kernel_profiles --cold "$profiles"
kernel_tree || skip_all "the KCSAN kernel (tinyconfig + $profiles) cannot be had: $KERNEL_SKIP_REASON"

# --- the profile applied and verified ------------------------------------------
"$T_ROOT/scripts/boottest/kconfig" verify --srctree "$KERNEL_SRCTREE" "$KERNEL_CONFIG" "$profiles" \
	> "$T_TMP/verify.log" 2>&1
is "$?" 0 "kconfig verify: the KCSAN kernel ($KERNEL_KEY) has every symbol of $profiles" ||
	diag "$(cat "$T_TMP/verify.log")"
is "$(kernel_missing KCSAN SMP LKDTM DEBUG_FS MODULES MODULE_UNLOAD DEBUG_ATOMIC_SLEEP)" "" "... among them KCSAN, SMP, LKDTM, DEBUG_FS, MODULES, MODULE_UNLOAD"
check_fail "... and no KASAN (KCSAN depends on !KASAN)" grep -q '^CONFIG_KASAN=y' "$KERNEL_CONFIG"

# --- a clean boot on 2 CPUs --------------------------------------------------------
# 6.1 has a data race of its own in the power-off path, which KCSAN reports
# now and then (once in CI, 0 of 9 boots before): native_stop_other_cpus()
# waits with a plain cpumask_empty() read of cpus_stop_mask while the other
# CPU clears its bit in stop_this_cpu().  That report is real and boottest
# must name it; what this test asserts is that nothing else is reported,
# and that such a report gives verdict kcsan, exit status 1.
tree_boot clean 1800 CPUS=2 TIMEOUT=1500 CMD='cat /sys/kernel/debug/kcsan'
is "$(jget "$R" "['init']['reached']")" true "KCSAN kernel, CPUS=2: init reached"
is "$(jget "$R" "['cmd']['status']")" 0 "KCSAN kernel, CPUS=2: CMD status 0 came home on the results disk"
off="('native_machine_shutdown', 'kernel_restart', 'kernel_power_off', 'kernel_halt')"
down=$(jget "$R" "['crashes'] and len([c for c in d['crashes'] if any(f.split('+')[0] in $off for f in c['stack'])]) or 0")
is "$(jget "$R" "['crashes'].__len__() - $down")" 0 "... no crash before the power-off" ||
	diag "crashes: $(jget "$R" "['crashes']")"
if [ "$down" = 0 ]; then
	is "$(jget "$R" "['verdict']")" clean "... verdict clean"
	is "$(jget "$R" "['exit_status']")" 0 "... result.json exit_status 0"
else
	diag "the power-off path's own data race, reported: $(jget "$R" "[c['title'] for c in d['crashes']]")"
	is "$(jget "$R" "['verdict']")" kcsan "... which reported 6.1's own race in power-off: verdict kcsan"
	is "$(jget "$R" "['exit_status']")" 1 "... result.json exit_status 1"
fi
con=$RUN/console.log
like "$(grep -c 'kcsan: enabled early' "$con")" "^[1-9]" "KCSAN is on (its 'enabled early' boot message)"
like "$(grep -c 'kcsan: selftest: \([0-9]*\)/\1 tests passed' "$con")" "^[1-9]" "... and its boot self-test passed"
like "$(grep -c 'smp: Brought up 1 node, 2 CPUs' "$con")" "^[1-9]" "... on 2 CPUs"
stats=$(cat "$RUN/cmd.out" 2> /dev/null)
like "$stats" "(^|
)enabled: 1(
|$)" "/sys/kernel/debug/kcsan: enabled: 1"
like "$stats" "(^|
)setup_watchpoints: [1-9][0-9]*(
|$)" "... watchpoints were set up ($(sed -n 's/^setup_watchpoints: //p' <<< "$stats"))"
diag "KCSAN kernel clean boot: $(jget "$R" "['duration_s']") s, init at $(jget "$R" "['init']['seconds']") s;" \
	"kcsan counters: $(tr '\n' ' ' <<< "$stats")"

# --- a real data race, provoked by an out-of-tree module ---------------------------
mod=$T_TMP/race
cp -r "$T_ROOT/tests/data/kcsan" "$mod"
nice make -C "$KERNEL_OBJTREE" M="$mod" -j2 modules > "$T_TMP/kbuild.log" 2>&1
is "$?" 0 "make -C \$KERNEL_OBJTREE M=tests/data/kcsan modules builds boottest_race.ko" ||
	diag "$(tail -n 20 "$T_TMP/kbuild.log")"
like "$(cat "$mod/.boottest_race.o.cmd" 2> /dev/null)" "-fsanitize=thread" \
	"... instrumented for KCSAN (-fsanitize=thread)"

# 6 s of racing: KCSAN reported within about 1 s here; the margin is for
# a loaded host, where the two vCPU threads run together less often.
tree_boot race 1800 CPUS=2 TIMEOUT=1500 EXTRA_MODULES="$mod/boottest_race.ko" \
	CMD='modprobe boottest_race seconds=6'
is "$(jget "$R" "['verdict']")" kcsan "modprobe boottest_race: verdict kcsan (the first crash's category)" ||
	diag "$(tail -n 15 "$T_TMP/race.log")"
is "$(jget "$R" "['exit_status']")" 1 "... exit status 1 (result.json)"
is "$(jget "$R" "['crashes'][0]['category']")" kcsan "... the first crash is kcsan" ||
	diag "crashes: $(jget "$R" "['crashes']")"
t=$(jget "$R" "['crashes'][0]['title']")
like "$t" '^KCSAN: data-race in boottest_race_reader( \[boottest_race\])? / boottest_race_writer( \[boottest_race\])?$' \
	"... title '$t'" || diag "$(grep -m1 -A16 'BUG: KCSAN' "$RUN/console.log")"
is "$(jget "$R" "['cmd']['status']")" 0 "... the kernel went on: modprobe returned 0 (the report is no oops)"
like "$(grep -c 'boottest_race: done' "$RUN/console.log")" "^[1-9]" "... and the module stopped its threads"
is "$(jget "$R" "['timed_out']")" false "... ended before the timeout"
is "$(qemu_of "$RUN")" "" "... no QEMU left"
diag "KCSAN kernel with the race: $(jget "$R" "['duration_s']") s;" \
	"$(jget "$R" "['crashes'].__len__()") crash(es): $(jget "$R" "['crashes'] and [c['title'] for c in d['crashes']]")"

done_testing
