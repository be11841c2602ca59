#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/boottest/run passes boottest's own exit status on (make can only
# say 2 for a failed recipe): 0 clean, 1 kernel/CMD failed, 2 infrastructure,
# 125 for infrastructure under BISECT=1 (git bisect run's "skip").
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
need_boot_env

out=$T_TMP/out
run() {
	local log=$1
	shift
	(cd "$T_TMP" && MAKEFILE="$T_ROOT/Makefile.boot" \
		"$T_ROOT/scripts/boottest/run" O="$out" TIMEOUT=240 "$@") \
		< /dev/null > "$log" 2>&1
}

run "$T_TMP/true.log" CMD=true
is $? 0 "CMD=true: status 0" || diag "$(tail -n 15 "$T_TMP/true.log")"

run "$T_TMP/false.log" CMD=false
is $? 1 "CMD=false: status 1 (make alone says 2)" || diag "$(tail -n 15 "$T_TMP/false.log")"

make -s -f "$T_ROOT/Makefile.boot" boottest O="$out" CMD=false < /dev/null > /dev/null 2>&1
is $? 2 "make itself reports the same run as 2 (why the wrapper exists)"

run "$T_TMP/bad.log" TIMEOUT=abc
is $? 2 "TIMEOUT=abc: status 2"

run "$T_TMP/bad-bisect.log" TIMEOUT=abc BISECT=1
is $? 125 "TIMEOUT=abc BISECT=1: status 125 (git bisect skip)"

run "$T_TMP/nokernel.log" KERNEL=/nonexistent BISECT=1
is $? 125 "KERNEL=/nonexistent BISECT=1: status 125"

(cd "$T_TMP" && MAKEFILE="$T_ROOT/Makefile.boot" FSTESTS= \
	"$T_ROOT/scripts/boottest/run" fstests-vm O="$out" FSTESTS=/nonexistent BISECT=1) \
	< /dev/null > "$T_TMP/fst.log" 2>&1
is $? 125 "fstests-vm FSTESTS=/nonexistent BISECT=1: status 125"
like "$(cat "$T_TMP/fst.log")" "fstests-vm: error: .*FSTESTS" "... with the error naming FSTESTS"

done_testing
