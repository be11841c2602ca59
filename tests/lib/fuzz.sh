# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The bounded run of a libFuzzer target, for the tests of the parsers of
# untrusted input.  Source after tap.sh.
#
#   fuzz_run TARGET SEEDS SECONDS [LIBFUZZER_OPTION...]
#       build tools/boottest/fuzz/TARGET.c (clang, ASan + UBSan, make fuzz's
#       rules) into $BT_TEST_BUILD/TARGET, then run it niced for SECONDS over
#       a scratch corpus that starts from the shipped seeds
#       tools/boottest/fuzz/corpus-SEEDS (-rss_limit_mb=1024 -timeout=10,
#       crash files in the test's scratch directory), with the dictionary
#       of its input format.  One assertion: it ran clean; a build failure
#       fails it too.  Without clang: a skip.
#
#   fuzz_dict TARGET
#       print the libFuzzer option -dict=tools/boottest/fuzz/FORMAT.dict of
#       TARGET's input format: the keywords that get a fuzzer past a
#       format's first checks.

fuzz_dict() {
	local d
	case $1 in
	fuzz-classify | fuzz-kcidb-log) d=console ;;
	fuzz-report-html) d=report-html ;;
	fuzz-result) d=result-json ;;
	fuzz-mcp) d=mcp-json ;;
	fuzz-vmrun-qmp) d=qmp-json ;;
	fuzz-vmrun-guest) d=guest-status ;;
	fuzz-vmrun-lava) d=lava-yaml ;;
	fuzz-kinspect-image | fuzz-vmrun-kernel) d=kernel-image ;;
	fuzz-kinspect-modinfo) d=module ;;
	fuzz-ksymbolize) d=ksym-frame ;;
	fuzz-manifest) d=manifest ;;
	fuzz-extract) d=ext4 ;;
	fuzz-fstests-results) d=fstests ;;
	*) echo "fuzz_dict: no dictionary for $1" >&2; return 1 ;;
	esac
	echo "-dict=$T_ROOT/tools/boottest/fuzz/$d.dict"
}

fuzz_run() {
	local target=$1 seeds=$T_ROOT/tools/boottest/fuzz/corpus-$2 secs=$3 out
	shift 3
	if ! command -v clang > /dev/null; then
		skip "$target: clang missing (apt-get install clang)"
		return 0
	fi
	out=${BT_TEST_BUILD:-$T_TMP}/$target
	if ! make -s -C "$T_ROOT/tools/boottest" O="$out" "$out/fuzz/$target" \
		> "$T_TMP/$target.log" 2>&1; then
		ok 1 "$target builds"
		diag "$(tail -n 30 "$T_TMP/$target.log")"
		return 1
	fi
	mkdir -p "$T_TMP/$target.corpus"
	nice "$out/fuzz/$target" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 \
		-artifact_prefix="$T_TMP/" "$(fuzz_dict "$target")" "$@" "$T_TMP/$target.corpus" "$seeds" \
		> "$T_TMP/$target.log" 2>&1
	ok $? "$target: $secs s from the seeds of corpus-${seeds##*/corpus-} without a crash, leak, hang or sanitizer report" ||
		diag "$(tail -n 30 "$T_TMP/$target.log")"
}
