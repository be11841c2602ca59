#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmrun's QMP reader (vm/qmp-msg.c: what QEMU's monitor sends for
# DUMP=1): its libFuzzer target runs clean for a bounded time from the
# shipped seeds, real lines of QEMU 7.2 (greeting, return, error, events).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"

seeds=$T_ROOT/tools/boottest/fuzz/corpus-vmrun-qmp
n=0
for s in greeting return error events; do [ -s "$seeds/$s" ] && n=$((n + 1)); done
is "$n" 4 "the seeds greeting, return, error and events are shipped"
like "$(cat "$seeds/greeting")" '^\{"QMP": \{"version": ' "the greeting seed is QEMU's"
fuzz_run fuzz-vmrun-qmp vmrun-qmp 15
done_testing
