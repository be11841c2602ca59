#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fstests-vm with real fstests: FSTESTS=/path/to/built/kdave-xfstests
# (Debian's build dependencies: scripts/boottest/packages, lines "building
# fstests").  A chosen set of quick generic + ext4 tests that pass on ext4
# under TCG must pass (exit status 0, verdict pass).  Kernel: KERNEL= when
# given (e.g. a tree kernel with Kconfig.test's fstests-ext4 profile), else
# Debian's.  Skipped, with the reason, without FSTESTS.
. "$(dirname "$0")/lib/tap.sh"

cd "$T_ROOT" || exit 1
[ -n "${FSTESTS:-}" ] || skip_all "FSTESTS is not set: point it at a built kdave/xfstests tree to run real fstests"
[ -x "$FSTESTS/ltp/fsstress" ] || skip_all "FSTESTS=$FSTESTS is not built (no ltp/fsstress): run make there"
command -v jq > /dev/null || skip_all "jq missing (scripts/boottest/setup)"
set_tests=${FSTESTS_SET:-generic/002 generic/005 generic/023 generic/024 generic/035 generic/087 generic/098 ext4/003 ext4/271 generic/020}
log=$(nice make -s -f Makefile.boot fstests-vm FSTESTS="$FSTESTS" TESTS="$set_tests" \
	${KERNEL:+KERNEL=$KERNEL} TIMEOUT=1800 2>&1)
st=$(echo "$log" | sed -n 's/^fstests-vm: exit status \([0-9]*\)$/\1/p' | tail -n 1)
is "${st:-0}" 0 "the chosen quick tests pass (exit status 0)" || diag "$(echo "$log" | tail -n 30)"
run=$(echo "$log" | sed -n 's/^fstests-vm: results in \([^ ]*\) .*/\1/p' | tail -n 1)
j=$run/fstests.json
is "$(jq -r .verdict "$j" 2>/dev/null)" pass "verdict pass"
n=$(echo "$set_tests" | wc -w)
is "$(jq -r .counts.tests "$j" 2>/dev/null)" "$n" "all $n tests accounted for"
diag "$(jq -r '.counts | "passed \(.passed), failed \(.failed), not run \(.notrun)"' "$j" 2>/dev/null)"
done_testing
