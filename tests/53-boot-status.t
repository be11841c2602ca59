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
# The run says where its results are, and that is this run's directory.
false_run=$(sed -n 's/^boottest: results in //p' "$T_TMP/false.log")
[ -n "$false_run" ] && [ -f "$false_run/result.json" ] &&
	[ "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cmd"]["status"])' \
		"$false_run/result.json")" = 1 ]
ok $? "CMD=false: the output names this run's directory and its result.json"

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

# --- under BISECT=1 every infrastructure error is 125, also the ones vmrun
# finds in its options; the run script alone turns 2 into 125 -------------
make -s -f "$T_ROOT/Makefile.boot" boottest O="$out" MEM=abc \
	< /dev/null > "$T_TMP/mem-make.log" 2>&1
like "$(cat "$T_TMP/mem-make.log")" "boottest: exit status 2" \
	"MEM=abc: the recipe prints vmrun's status 2"
run "$T_TMP/mem-bisect.log" MEM=abc BISECT=1
is $? 125 "MEM=abc BISECT=1: status 125"
run "$T_TMP/mem.log" MEM=abc
is $? 2 "MEM=abc: status 2"
like "$(cat "$T_TMP/mem.log")" "MEM=abc: not a size" "MEM=abc: the error names the variable"
# Before a run directory exists there is no result.json of this run: the
# output must not point at runs/latest (an older run's).
[[ "$(cat "$T_TMP/mem.log" "$T_TMP/mem-bisect.log")" != *result.json* ]] &&
	[[ "$(cat "$T_TMP/mem.log" "$T_TMP/mem-bisect.log")" != *"results in"* ]]
ok $? "MEM=abc: no pointer to an older run's result.json" || diag "$(cat "$T_TMP/mem.log")"
# BISECT=1 is the run script's: make never sees it
fake_make=$T_TMP/make-args
printf '#!/bin/bash\nprintf "%%s\\n" "$@" > %q\n' "$T_TMP/make.args" > "$fake_make"
chmod +x "$fake_make"
MAKE=$fake_make run "$T_TMP/args.log" CMD=true BISECT=1
[ -s "$T_TMP/make.args" ] && ! grep -q BISECT "$T_TMP/make.args"
ok $? "BISECT=1 is not passed on to make" || diag "$(cat "$T_TMP/make.args")"

vmrun=$out/.boottest/tools/vmrun
vmargs=(--kernel /nonexistent/k --rootfs /nonexistent/r --runs-dir "$T_TMP/vmruns")
"$vmrun" "${vmargs[@]}" --mem abc > /dev/null 2>&1
is $? 2 "vmrun --mem abc: 2"
"$vmrun" --cpus 0 "${vmargs[@]}" > /dev/null 2>&1
is $? 2 "vmrun --cpus 0: 2"
"$vmrun" --bisect "${vmargs[@]}" > /dev/null 2>&1
is $? 2 "vmrun --bisect: an unknown option (the exit-status policy is the run script's)"
[ ! -e "$T_TMP/vmruns" ]
ok $? "vmrun stops before it makes a run directory"

done_testing
