#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dmesg-classify: the libFuzzer target (log decoder, crash finder and
# rules parser) runs clean for a bounded time over the shipped seeds.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"

command -v clang > /dev/null || skip_all "clang missing: apt-get install clang"
out=${BT_TEST_BUILD:-$T_TMP}/fuzz-classify
make -s -C "$T_ROOT/tools/boottest" O="$out" "$out/fuzz/fuzz-classify" > "$T_TMP/build" 2>&1
ok $? "fuzz-classify builds" || { diag "$(cat "$T_TMP/build")"; done_testing; exit; }
mkdir -p "$T_TMP/corpus"
cp "$T_ROOT"/tools/boottest/fuzz/corpus-classify/* "$T_TMP/corpus/"
(cd "$T_TMP" && "$out/fuzz/fuzz-classify" -max_total_time=20 -rss_limit_mb=1024 \
	-timeout=10 -max_len=65536 "$(fuzz_dict fuzz-classify)" corpus > fuzz.log 2>&1)
ok $? "fuzz-classify: 20 s without a crash, leak, hang or sanitizer report" ||
	diag "$(tail -n 30 "$T_TMP/fuzz.log")"
done_testing
