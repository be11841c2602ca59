#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmrun's reader of LAVA's job log (vm/lava-log.c, RUNNER=lava: YAML
# lines whose console records are what the guest printed): its libFuzzer
# target runs clean for a bounded time from the shipped seeds, real lines
# of lava-run 2023.01 (results, console, downloads, a list message).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"

seeds=$T_ROOT/tools/boottest/fuzz/corpus-vmrun-lava
n=0
for s in results target saved download list; do [ -s "$seeds/$s" ] && n=$((n + 1)); done
is "$n" 5 "the seeds results, target, saved, download and list are shipped"
like "$(cat "$seeds/download")" '"size": ! "' "a seed holds a tagged scalar (YAML, not JSON)"
fuzz_run fuzz-vmrun-lava vmrun-lava 15
done_testing
