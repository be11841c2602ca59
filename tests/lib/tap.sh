# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP helpers for the boottest test suite.  Source this file from a tests/*.t
# script, then call the assertions; done_testing prints the plan.
#
#   ok COND_EXIT_STATUS NAME     (use: ok $? "name", or: check CMD... )
#   check NAME CMD...            pass when CMD exits 0
#   check_fail NAME CMD...       pass when CMD exits non-zero
#   is GOT EXPECTED NAME
#   like GOT REGEX NAME          bash =~ regex
#   skip_all REASON              plan 0 with the reason (prove shows it)
#   skip REASON                  one skipped test, with the reason
#   diag TEXT                    comment on stderr

T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T_NUM=0
T_FAILED=0
# Tools under test: the sanitized build when tests/run made one.
BT_BIN=${BT_BIN:-$T_ROOT/tools/boottest}
# Scratch space for one test file, removed at exit.
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/boottest-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

diag() { printf '# %s\n' "$*" | sed '2,$s/^/# /' >&2; }

ok() {
	local status=$1; shift
	T_NUM=$((T_NUM + 1))
	if [ "$status" = 0 ]; then
		echo "ok $T_NUM - $*"
	else
		echo "not ok $T_NUM - $*"
		T_FAILED=$((T_FAILED + 1))
	fi
	return "$status"
}

check() {
	local name=$1; shift
	local out
	out=$("$@" 2>&1)
	if ! ok $? "$name"; then
		diag "command: $*"
		diag "$out"
		return 1
	fi
}

check_fail() {
	local name=$1; shift
	local out
	out=$("$@" 2>&1)
	if [ $? = 0 ]; then
		ok 1 "$name"
		diag "command succeeded but should have failed: $*"
		diag "$out"
		return 1
	fi
	ok 0 "$name"
}

is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:      '$1'"
		diag "expected: '$2'"
		return 1
	fi
}

like() {
	if [[ $1 =~ $2 ]]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:      '$1'"
		diag "expected to match: '$2'"
		return 1
	fi
}

skip() {
	T_NUM=$((T_NUM + 1))
	echo "ok $T_NUM # SKIP $*"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$T_NUM"
	[ "$T_FAILED" = 0 ]
}
