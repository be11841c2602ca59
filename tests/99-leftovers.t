#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs last: the suite must leave nothing behind - no QEMU process, no
# temporary files of ours in $TMPDIR, no half-written ".*.tmp.*" outputs in
# the source tree.
#
# Under tests/run, BT_SUITE_TMP is the run's own TMPDIR and is in the
# environment of every process the run started: only what this run left is
# judged, not another suite's files or QEMU on the same machine (a CI run
# failed on the temporary directory of a run killed earlier beside it).
# Run alone, the test looks at every boottest file in $TMPDIR and every QEMU.
. "$(dirname "$0")/lib/tap.sh"

ours() {
	[ -z "${BT_SUITE_TMP:-}" ] && return 0
	tr '\0' '\n' < "/proc/$1/environ" 2>/dev/null |
		grep -qxF "BT_SUITE_TMP=$BT_SUITE_TMP"
}

qemus=
for pid in $(pgrep -f '^qemu-system' || true); do
	ours "$pid" && qemus+="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)"$'\n'
done
is "$qemus" "" "no QEMU process of this run is left running"

if [ -n "${BT_SUITE_TMP:-}" ]; then
	tmpdir=$BT_SUITE_TMP
	left=$(find "$tmpdir" -mindepth 1 -maxdepth 1 ! -path "$T_TMP" 2>/dev/null)
else
	tmpdir=${TMPDIR:-/tmp}
	left=$(find "$tmpdir" -maxdepth 1 -name 'boottest*' ! -path "$T_TMP" 2>/dev/null)
fi
is "$left" "" "no temporary files of this run left in $tmpdir"

partial=$(cd "$T_ROOT" && find . -path ./.git -prune -o -name '.*.tmp.*' -print)
is "$partial" "" "no half-written .NAME.tmp.PID files in the source tree"

done_testing
