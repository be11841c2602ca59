#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fstests-results: parsing fstests result trees (formats as kdave/xfstests
# writes them), the crash-in-the-middle case, baseline comparison, JUnit,
# bad input, and a bounded libFuzzer run over the shipped seeds.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"

fr=$BT_BIN/fstests-results
data=$T_ROOT/tests/data/fstests-results
[ -x "$fr" ] || skip_all "$fr not built"

# A finished run with a pass, a failure (unescaped message) and a not run.
"$fr" -o "$T_TMP/pass.json" --junit "$T_TMP/pass.xml" "$data/pass" > "$T_TMP/pass.out"
is "$?" 1 "a run with a failed test exits 1"
j=$T_TMP/pass.json
is "$(jq -r .verdict "$j")" fail "verdict fail"
is "$(jq -r '.counts | "\(.passed) \(.failed) \(.notrun)"' "$j")" "1 1 1" "1 passed, 1 failed, 1 not run"
is "$(jq -r '.tests[] | select(.name=="ext4/034") | .message' "$j")" \
	"Installed kernel not built with CONFIG_QFMT_V2" "not-run reason kept"
like "$(jq -r '.tests[] | select(.name=="ext4/032") | .message' "$j")" \
	'output mismatch .*<"x">$' "raw (unescaped) failure message read whole"
like "$(jq -r '.tests[] | select(.name=="ext4/032") | .diff' "$j")" \
	'^--- tests/ext4/032.out' "first lines of the diff kept"
is "$(jq -r '.tests[] | select(.name=="generic/001") | .time' "$j")" 19 "test time"
is "$(jq -r '.sections[0].kernel' "$j")" 6.1.0-56-amd64 "last check.log block used"
is "$(jq -r '.sections[0].fstyp' "$j")" ext4 "FSTYP property"
check "JUnit is well-formed XML" python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$T_TMP/pass.xml"
like "$(cat "$T_TMP/pass.xml")" '<skipped message="Installed kernel' "JUnit skipped with reason"
like "$(cat "$T_TMP/pass.out")" 'FAIL ext4/032' "summary names the failure"

# check.log alone (result.xml lost): outcome from Ran/Not run/Failures.
mkdir -p "$T_TMP/logonly/s1"
cp "$data/pass/ext4_4k/check.log" "$T_TMP/logonly/s1/"
"$fr" -q -o "$T_TMP/lo.json" "$T_TMP/logonly"
is "$(jq -r '[.tests[] | "\(.name)=\(.status)"] | join(" ")' "$T_TMP/lo.json")" \
	"generic/001=pass ext4/034=notrun ext4/032=fail" "check.log alone gives the outcomes"

# The guest crashed in generic/003: partial results, the running test named
# with the crash title, the rest not reached; regression against baseline.
c=$data/crash
"$fr" -o "$T_TMP/crash.json" --junit "$T_TMP/crash.xml" --console "$c/console.log" \
	--kernel "$c/result.json" --baseline "$T_TMP/pass.json" "$c" > "$T_TMP/crash.out"
is "$?" 1 "crash in the middle exits 1"
j=$T_TMP/crash.json
is "$(jq -r .verdict "$j")" crash "verdict crash"
is "$(jq -r .complete "$j")" false "run marked incomplete"
is "$(jq -r .running.test "$j")" generic/003 "names the test that was running"
is "$(jq -r '.tests[] | select(.name=="generic/003") | .status' "$j")" crashed "running test: crashed"
like "$(jq -r '.tests[] | select(.name=="generic/003") | .message' "$j")" 'sysrq triggered crash' "crash title on the test"
is "$(jq -r '.tests[] | select(.name=="generic/004") | .status' "$j")" notreached "later test: not reached"
is "$(jq -r '.kernel[0].test' "$j")" generic/003 "kernel report attributed to its test"
is "$(jq -r '.tests[] | select(.name=="generic/003") | .files[0]' "$j")" .full "per-test files listed"
is "$(jq -r '.baseline.not_reached | join(" ")' "$j")" "ext4_4k:ext4/034 ext4_4k:ext4/032" "baseline tests not reached are listed"
is "$(jq -r .baseline.regressions "$j")" 2 "not reached counts as regression"
like "$(cat "$T_TMP/crash.xml")" '<error message="the kernel crashed' "JUnit error for the crashed test"

# TIMEOUT= stopped the run in generic/003 (no crash: the boot's verdict is
# timeout): that test is "timeout", not "crashed", the rest not reached,
# and the verdict says timeout.
mkdir -p "$T_TMP/to"
cp -r "$c/ext4_4k" "$c/vm-plan" "$T_TMP/to/"
sed '/sysrq/,$d' "$c/console.log" > "$T_TMP/to/console.log"
echo '{"schema":"boottest-result/1","verdict":"timeout","timeout_s":60,"crashes":[]}' > "$T_TMP/to/result.json"
"$fr" -o "$T_TMP/to.json" --junit "$T_TMP/to.xml" --console "$T_TMP/to/console.log" \
	--kernel "$T_TMP/to/result.json" "$T_TMP/to" > "$T_TMP/to.out"
is "$?" 1 "timeout in the middle exits 1"
j=$T_TMP/to.json
is "$(jq -r .verdict "$j")" timeout "verdict timeout"
is "$(jq -r .running.test "$j")" generic/003 "names the test running at the timeout"
is "$(jq -r '.tests[] | select(.name=="generic/003") | .status' "$j")" timeout "running test: timeout, not crashed"
like "$(jq -r '.tests[] | select(.name=="generic/003") | .message' "$j")" 'TIMEOUT=60 s reached during this test' "timeout named on the test"
like "$(jq -r '.tests[] | select(.name=="generic/004") | .message' "$j")" 'stopped \(TIMEOUT\) during generic/003' "later test: not reached, with why"
is "$(jq -r '.counts | "\(.tests) \(.passed) \(.timeout) \(.crashed) \(.notreached)"' "$j")" "4 2 1 0 1" "counts: 2 of 4 ran, 1 stopped, 1 not reached"
like "$(cat "$T_TMP/to.out")" 'fstests: TIMEOUT generic/003 \[ext4_4k\]' "summary names the test stopped by TIMEOUT"
like "$(cat "$T_TMP/to.xml")" 'type="timeout"' "JUnit error of type timeout"
is "$(jq -r .timed_out "$j")" true "timed_out set"
# ... and between two tests (check's own work after generic/002): no test
# running, the rest not reached after the last one that finished.
sed '/run fstests generic\/003/,$d' "$c/console.log" > "$T_TMP/to/console.log"
"$fr" -o "$T_TMP/to2.json" --console "$T_TMP/to/console.log" --kernel "$T_TMP/to/result.json" \
	"$T_TMP/to" > "$T_TMP/to2.out"
is "$?" 1 "timeout between tests exits 1"
j=$T_TMP/to2.json
is "$(jq -r '"\(.verdict) \(.running)"' "$j")" "timeout null" "verdict timeout, no test running"
is "$(jq -r '.tests[] | select(.name=="generic/003") | .message' "$j")" \
	"not reached: the run stopped (TIMEOUT) after generic/002, between tests" "not reached after the last test that finished"
like "$(cat "$T_TMP/to2.out")" 'verdict: timeout \(the run did not finish: TIMEOUT= reached\)' "summary says TIMEOUT"

# Interrupted from outside (Ctrl-C, a cancelled MCP request: the boot's
# verdict is interrupted) in generic/003: that test has no result (not
# reached, named as running), not a crash; the verdict is incomplete.
sed '/sysrq/,$d' "$c/console.log" > "$T_TMP/to/console.log"
echo '{"schema":"boottest-result/1","verdict":"interrupted","crashes":[]}' > "$T_TMP/to/result.json"
"$fr" -q -o "$T_TMP/int3.json" --console "$T_TMP/to/console.log" --kernel "$T_TMP/to/result.json" "$T_TMP/to"
j=$T_TMP/int3.json
is "$(jq -r '"\(.verdict) \(.complete) \(.running.test)"' "$j")" "incomplete false generic/003" \
	"interrupted run: verdict incomplete, generic/003 was running"
is "$(jq -r '.tests[] | select(.name=="generic/003") | "\(.status): \(.message)"' "$j")" \
	"notreached: the run was interrupted during this test; no result" "... that test: no result, not crashed"
is "$(jq -r '.counts | "\(.passed) \(.crashed) \(.notreached)"' "$j")" "2 0 2" "... 2 passed, none crashed, 2 without a result"

# Baseline: new failure / fixed / still failing / newly not run.
mk() { # NAME STATUS...: a one-section result.json
	local n=$1; shift
	printf '%s\n' "$@" | jq -R 'split("=") | {section:"s", name:.[0], status:.[1]}' |
		jq -s '{tests: .}' > "$T_TMP/$n.json"
}
mk base a/1=pass a/2=fail a/3=fail a/4=pass
mkdir -p "$T_TMP/cur/s"
cat > "$T_TMP/cur/s/check.log" <<'LOG'
Kernel version: x
Ran: a/1 a/2 a/3 a/4
Not run: a/4
Failures: a/1 a/3
Failed 2 of 4 tests
LOG
"$fr" -q -o "$T_TMP/cur.json" --baseline "$T_TMP/base.json" "$T_TMP/cur"
is "$?" 1 "baseline comparison with a new failure exits 1"
is "$(jq -r '.baseline | "\(.new_failures) \(.fixed) \(.still_failing) \(.newly_notrun)"' "$T_TMP/cur.json")" \
	'["s:a/1"] ["s:a/2"] ["s:a/3"] ["s:a/4"]' "new failure, fixed, still failing, newly not run"

# Clean run compared with itself: exit 0.
mkdir -p "$T_TMP/ok/s"
printf 'Kernel version: x\nRan: a/1 a/2\nPassed all 2 tests\n' > "$T_TMP/ok/s/check.log"
"$fr" -q -o "$T_TMP/ok.json" "$T_TMP/ok"
is "$?" 0 "all passed, complete: exit 0"
"$fr" -q --baseline "$T_TMP/ok.json" "$T_TMP/ok"
is "$?" 0 "no regression against itself: exit 0"
# Interrupted run (exit 0 from check is not trusted).
printf 'Kernel version: x\nRan: a/1\nInterrupted!\nPassed all 1 tests\n' > "$T_TMP/ok/s/check.log"
"$fr" -q -o "$T_TMP/int.json" "$T_TMP/ok"
is "$?" 1 "interrupted run exits 1"
is "$(jq -r .verdict "$T_TMP/int.json")" incomplete "interrupted run: incomplete"

# The results disk filled up: reported (JSON, summary); every test passed
# on the console, but their files may be cut: exit 2, not a silent pass.
cat > "$T_TMP/full.console" <<'LOG'
fstests-vm: plan s 2 a/1 a/2
fstests-vm: section s
fstests-vm: start s 1/2 a/1
fstests-vm: end s 1/2 a/1 pass 3
fstests-vm: results-full s a/1 3072
fstests-vm: start s 2/2 a/2
fstests-vm: end s 2/2 a/2 pass 1
fstests-vm: done 0
LOG
out=$("$fr" -o "$T_TMP/full.json" --console "$T_TMP/full.console" "$T_TMP/none" 2>&1); st=$?
is "$st" 2 "results disk full, all passed: exit 2"
is "$(jq -r '.results_full | "\(.test) \(.size_kib)"' "$T_TMP/full.json")" "a/1 3072" \
	"results_full names the test and the disk size"
like "$out" 'error: the results disk \(3 MiB\) was full .* after a/1 \[s\].*FSTESTS_RESULTS_SIZE=' \
	"summary says the results disk was full and the knob"
check "not mistaken for an empty run" test -z "$(echo "$out" | grep 'no test ran')"
sed -i 's/a\/2 pass 1/a\/2 fail 1 output mismatch/' "$T_TMP/full.console"
"$fr" -q -o "$T_TMP/full.json" --console "$T_TMP/full.console" "$T_TMP/none" 2> /dev/null
is "$?" 1 "results disk full and a failure: exit 1 (the failure wins)"

# Bad input.
mkdir -p "$T_TMP/empty"
out=$("$fr" "$T_TMP/empty" 2>&1); st=$?
is "$st" 2 "no test ran: exit 2"
like "$out" 'error: .*no test ran' "no test ran: one-line error"
out=$("$fr" "$T_TMP/nonexistent" 2>&1); st=$?
is "$st" 2 "missing results dir: exit 2"
like "$out" '^fstests-results: error: .*nonexistent' "missing results dir named"
echo '{"x":1}' > "$T_TMP/bad.json"
out=$("$fr" --baseline "$T_TMP/bad.json" "$T_TMP/cur" 2>&1); st=$?
is "$st" 2 "baseline that is not a result.json: exit 2"
like "$out" 'not a result.json' "bad baseline: reason given"
# Hostile tree: symlinks are not followed, odd names ignored.
mkdir -p "$T_TMP/host/s/a"
printf 'Kernel version: x\nRan: a/1 ../../etc/passwd\nPassed all 1 tests\n' > "$T_TMP/host/s/check.log"
ln -s /etc/passwd "$T_TMP/host/s/a/1.notrun"
"$fr" -q -o "$T_TMP/host.json" "$T_TMP/host"
is "$(jq -r '[.tests[].name] | join(" ")' "$T_TMP/host.json")" "a/1" "path-like test names dropped"
is "$(jq -r '.tests[0].status' "$T_TMP/host.json")" pass "symlinked .notrun not followed"

# A real tree: the fixture harness run by make fstests-vm on Debian's kernel
# (sections: the top-level check.log is the global log, not a section).
fx=$data/fixture-run
"$fr" -q -o "$T_TMP/fx.json" --console "$fx/console.log" --kernel "$fx/result.json" "$fx/results"
is "$?" 1 "fixture run (one failing test): exit 1"
is "$(jq -r '[.sections[].name] | join(" ")' "$T_TMP/fx.json")" ext4_4k "one section, no phantom global"
is "$(jq -r '[.tests[] | "\(.name)=\(.status)"] | join(" ")' "$T_TMP/fx.json")" \
	"fixture/001=pass fixture/002=pass fixture/003=fail fixture/004=notrun fixture/005=notrun fixture/006=pass" \
	"every fixture test with its outcome"
is "$(jq -r .complete "$T_TMP/fx.json")" true "runner's done line: complete"
like "$(jq -r '.tests[] | select(.name=="fixture/005") | .message' "$T_TMP/fx.json")" 'LKDTM not available' \
	"WARN test not run on a kernel without LKDTM, with the reason"

# --merge-into: the run's result.json read and written back (lib/result.c)
# with an "fstests" key; its other keys kept, a key of a newer schema too.
jq '.x_newer = {"a": [1, "b"]}' "$fx/result.json" > "$T_TMP/run.json"
"$fr" -q -o "$T_TMP/fx2.json" --console "$fx/console.log" --kernel "$T_TMP/run.json" \
	--merge-into "$T_TMP/run.json" "$fx/results"
is "$?" 1 "--merge-into: exit status of the fstests verdict"
is "$(jq -r '"\(.schema) \(.verdict) \(.kernel.release) \(.cmd.status) \(.fstests.verdict)"' "$T_TMP/run.json")" \
	"boottest-result/1 clean 6.1.0-56-amd64 0 fail" "--merge-into: the run's keys kept, fstests added"
is "$(jq -c .x_newer "$T_TMP/run.json")" '{"a":[1,"b"]}' "--merge-into: a key it does not know kept"
like "$(grep '"duration_s"' "$T_TMP/run.json")" '"duration_s": 80.827,$' \
	"--merge-into: seconds written with the digits the clock has"
cmp -s <(jq -S . "$T_TMP/fx2.json") <(jq -S .fstests "$T_TMP/run.json")
ok $? "--merge-into: the fstests key is the -o document"
cp "$T_TMP/run.json" "$T_TMP/run2.json"
"$fr" -q --kernel "$T_TMP/run.json" --merge-into "$T_TMP/run2.json" "$fx/results"
cmp -s "$T_TMP/run.json" "$T_TMP/run2.json"
ok $? "--merge-into twice: the same bytes"
# --kernel wants a result.json, not the classifier's own JSON.
"$BT_BIN/dmesg-classify" --json "$c/console.log" > "$T_TMP/dc.json" 2> /dev/null
out=$("$fr" -q --kernel "$T_TMP/dc.json" "$c" 2>&1); st=$?
is "$st" 2 "--kernel with dmesg-classify's JSON: exit 2"
like "$out" 'not a boottest result.json \(schema missing' "... saying it is not a result.json"

# Progress follower on a finished console log (plain mode).
out=$("$fr" --progress --plain "$c/console.log")
like "$out" 'fstests: 2/4 \[ext4_4k\] generic/002 pass 1 s' "progress: plain line per test"

# libFuzzer: bounded run over the seeds.
fz=$BT_TEST_BUILD/fuzz/fuzz-fstests-results
if make -s -C "$T_ROOT/tools/boottest" O="$BT_TEST_BUILD" "$fz" > "$T_TMP/fz.log" 2>&1; then
	cp -r "$data/fuzz-seeds" "$T_TMP/corpus"
	"$fz" -max_total_time=15 -rss_limit_mb=1024 -artifact_prefix="$T_TMP/" \
		"$(fuzz_dict fuzz-fstests-results)" "$T_TMP/corpus" > "$T_TMP/fz.out" 2>&1
	ok $? "fuzz-fstests-results: 15 s without a crash" || diag "$(tail -20 "$T_TMP/fz.out")"
else
	ok 1 "fuzz-fstests-results builds" || diag "$(tail -20 "$T_TMP/fz.log")"
fi
done_testing
