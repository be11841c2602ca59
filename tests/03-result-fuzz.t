#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The result.json reader (lib/result.c; fstests-results and the report
# writers read files vmrun wrote from console text): its libFuzzer target
# runs clean for a bounded time from the shipped seeds, real result.json
# files of Debian's kernel (clean, panic with file:line, fstests merged).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"

seeds=$T_ROOT/tools/boottest/fuzz/corpus-result
n=0
for s in "$seeds"/*; do
	[ "$(jq -r .schema "$s" 2> /dev/null)" = boottest-result/1 ] && n=$((n + 1))
done
is "$n" 3 "three result.json seeds of schema boottest-result/1 are shipped"
fuzz_run fuzz-result result 15
done_testing
