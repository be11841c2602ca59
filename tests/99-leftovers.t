#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs last: the suite must leave nothing behind - no QEMU process, no
# temporary files of ours in $TMPDIR, no half-written ".*.tmp.*" outputs in
# the source tree.
. "$(dirname "$0")/lib/tap.sh"

qemus=$(pgrep -a -f '^qemu-system' || true)
is "$qemus" "" "no QEMU process is left running"

tmpdir=${TMPDIR:-/tmp}
left=$(find "$tmpdir" -maxdepth 1 -name 'boottest*' ! -path "$T_TMP" 2>/dev/null)
is "$left" "" "no boottest temporary files left in $tmpdir"

partial=$(cd "$T_ROOT" && find . -path ./.git -prune -o -name '.*.tmp.*' -print)
is "$partial" "" "no half-written .NAME.tmp.PID files in the source tree"

done_testing
