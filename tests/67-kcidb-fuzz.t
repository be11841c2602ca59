#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcidb's console-log reader (report/kcidb-log.c: the banner's compiler, excerpts
# for KCIDB): its libFuzzer target runs clean for a bounded time from the
# shipped seeds (banners of gcc and clang kernels, a panic, broken UTF-8).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"

seeds=$T_ROOT/tools/boottest/fuzz/corpus-kcidb-log
n=0
for s in banner-gcc banner-clang panic utf8; do [ -s "$seeds/$s" ] && n=$((n + 1)); done
is "$n" 4 "the seeds banner-gcc, banner-clang, panic and utf8 are shipped"
fuzz_run fuzz-kcidb-log kcidb-log 15
done_testing
