#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmrun's QMP reader (vmrun-qmp-msg.c: what QEMU's monitor sends for
# DUMP=1): the shipped seeds, real lines of QEMU 7.2, are read as vmrun
# reads them; then the libFuzzer target runs clean for a bounded time.
. "$(dirname "$0")/lib/tap.sh"

seeds=$T_ROOT/tools/boottest/fuzz/corpus-vmrun-qmp
n=0
for s in greeting return error events; do [ -s "$seeds/$s" ] && n=$((n + 1)); done
is "$n" 4 "the seeds greeting, return, error and events are shipped"
like "$(cat "$seeds/greeting")" '^\{"QMP": \{"version": ' "the greeting seed is QEMU's"

command -v clang > /dev/null || { skip "clang missing: apt-get install clang"; done_testing; exit; }
out=${BT_TEST_BUILD:-$T_TMP}/fuzz-vmrun-qmp
make -s -C "$T_ROOT/tools/boottest" O="$out" "$out/fuzz/fuzz-vmrun-qmp" > "$T_TMP/build" 2>&1
ok $? "fuzz-vmrun-qmp builds" || { diag "$(cat "$T_TMP/build")"; done_testing; exit; }
mkdir -p "$T_TMP/corpus"
cp "$seeds"/* "$T_TMP/corpus/"
(cd "$T_TMP" && nice "$out/fuzz/fuzz-vmrun-qmp" -runs=0 corpus > seeds.log 2>&1)
ok $? "fuzz-vmrun-qmp: every seed is read without a crash, leak or sanitizer report" ||
	diag "$(tail -n 30 "$T_TMP/seeds.log")"
(cd "$T_TMP" && nice "$out/fuzz/fuzz-vmrun-qmp" -max_total_time=15 -rss_limit_mb=1024 \
	-timeout=10 corpus > fuzz.log 2>&1)
ok $? "fuzz-vmrun-qmp: 15 s without a crash, leak, hang or sanitizer report" ||
	diag "$(tail -n 30 "$T_TMP/fuzz.log")"
done_testing
