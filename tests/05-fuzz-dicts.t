#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every libFuzzer target has the dictionary of its input format
# (tests/lib/fuzz.sh's fuzz_dict), and libFuzzer reads every entry of each
# dictionary: one that it cannot parse would stop the fuzzer at its start.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"

fz=$T_ROOT/tools/boottest/fuzz
for c in "$fz"/fuzz-*.c; do
	t=$(basename "$c" .c)
	d=$(fuzz_dict "$t" 2>&1)
	[ -s "${d#-dict=}" ]
	ok $? "$t: a dictionary (${d##*/})" || diag "$d"
done

if ! command -v clang > /dev/null; then
	skip "clang missing (apt-get install clang): libFuzzer does not read the dictionaries"
	done_testing
	exit
fi
out=${BT_TEST_BUILD:-$T_TMP}/fuzz-dicts
make -s -C "$T_ROOT/tools/boottest" O="$out" "$out/fuzz/fuzz-ksymbolize" > "$T_TMP/build.log" 2>&1
ok $? "fuzz-ksymbolize builds (to read the dictionaries)" || diag "$(tail -n 20 "$T_TMP/build.log")"
for d in "$fz"/*.dict; do
	n=$(grep -vc -e '^#' -e '^$' "$d")
	"$out/fuzz/fuzz-ksymbolize" -runs=0 -dict="$d" > "$T_TMP/dict.log" 2>&1
	like "$(cat "$T_TMP/dict.log")" "Dictionary: $n entries" \
		"${d##*/}: libFuzzer reads all its $n entries" || diag "$(tail -n 5 "$T_TMP/dict.log")"
done
done_testing
