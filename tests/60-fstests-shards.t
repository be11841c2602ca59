#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make fstests-vm JOBS=N: N VMs take their tests from one queue, and their
# results are merged into one.  First the queue alone
# (scripts/boottest/fstests/queue, no VM): parts of the queue, a shard that
# waits while another holds tests, tests handed back once by a shard that
# stopped, then reported as not run with the reason.  Then, on Debian's
# kernel with the project's fixture (tests/fixtures/fstests): bad JOBS=;
# two VMs merged into one verdict, JSON, JUnit, summary and results tree,
# each test with its shard, live progress counted across the shards, saved
# as a baseline; a shard whose kernel panics in the middle (fixture/007,
# sysrq c): its crash with the running test, the test it still held run by
# the other shard, compared with the baseline; and both shards panicking:
# every test still in the report, those no shard ran with their reason.
. "$(dirname "$0")/lib/tap.sh"

cd "$T_ROOT" || exit 1
fx=$T_ROOT/tests/fixtures/fstests
q=$T_ROOT/scripts/boottest/fstests/queue

# ---- the queue alone ----
# serve: the servers of shards 1 and 2 on $qd, their FIFOs open as
# in1/out1 and in2/out2; unserve stops them
serve() {
	local k
	srv=()
	for k in 1 2; do
		mkfifo "$qd/ch$k.in" "$qd/ch$k.out"
		"$q" serve "$qd" "$k" "$qd/ch$k.in" "$qd/ch$k.out" &
		srv+=($!)
	done
	exec {in1}<> "$qd/ch1.in" {out1}<> "$qd/ch1.out" {in2}<> "$qd/ch2.in" {out2}<> "$qd/ch2.out"
}
unserve() {
	kill "${srv[@]}" 2>/dev/null
	wait "${srv[@]}" 2>/dev/null
}
qd=$T_TMP/q
mkdir -p "$qd"
printf 's1 a/%s\n' 1 2 3 4 5 6 > "$T_TMP/plan"
"$q" init "$qd" "$T_TMP/plan" 2
serve
ask() {	# K: "next" from shard K; the answer (10 s at most)
	local i=in$1 o=out$1 ans
	echo next >&"${!o}"
	read -r -t 10 -u "${!i}" ans || ans=timeout
	echo "$ans"
}
is "$(ask 1)" "tests s1 a/1 a/2" "queue: a part of ceil(6 / (2 x 2)) = 2 tests"
is "$(ask 2)" "tests s1 a/3" "queue: then ceil(4 / 4) = 1"
echo 'fstests-vm: start s1 1/2 a/1' > "$T_TMP/con1"
"$q" settle "$qd" 1 "$T_TMP/con1" 2> "$T_TMP/settle1"
is "$(tr '\n' ' ' < "$qd/queue")" "s1 a/4 s1 a/5 s1 a/6 s1 a/2 " \
	"queue: a stopped shard's unstarted test goes back (a/1 started: not)"
like "$(cat "$T_TMP/settle1")" 'shard 1 stopped before a/2; back to the queue' "queue: ... and says so"
is "$(ask 2)" "tests s1 a/4" "queue: the next part for the shard left"
echo '<6>[   30.1] run fstests a/4 at 2026-01-01 00:00:00' > "$T_TMP/con2"
"$q" settle "$qd" 2 "$T_TMP/con2" 2> /dev/null
"$q" finish "$qd"
is "$(sort "$qd/unrun")" "s1 a/2 not run: handed back by a shard that stopped before it, and no shard was left to run it
s1 a/3 not run: shard 2 stopped before it started, and no other shard was left to run it
s1 a/5 not run: every shard stopped before it was handed out
s1 a/6 not run: every shard stopped before it was handed out" \
	"queue: every test no shard started is listed with its reason (a/1, a/4 started)"
unserve

# waiting: a shard asking while another holds tests waits; the holder
# stops, its test comes back to the waiting shard; handed out twice, then
# not run
rm -rf "$qd" && mkdir -p "$qd"
echo 's1 b/1' > "$T_TMP/plan"
"$q" init "$qd" "$T_TMP/plan" 2
serve
is "$(ask 1)" "tests s1 b/1" "queue: the one test to shard 1"
echo next >&"$out2"
read -r -t 2 -u "$in2" ans || ans=none
is "$ans" none "queue: shard 2 asking with an empty queue waits while shard 1 holds a test"
: > "$T_TMP/con1"
"$q" settle "$qd" 1 "$T_TMP/con1" 2> /dev/null
read -r -t 10 -u "$in2" ans || ans=timeout
is "$ans" "tests s1 b/1" "queue: shard 1 stopped before it: the waiting shard 2 gets it"
"$q" settle "$qd" 2 "$T_TMP/con1" 2> /dev/null
"$q" finish "$qd"
is "$(cat "$qd/unrun")" "s1 b/1 not run: handed out twice, and both shards stopped before it started (the second: shard 2)" \
	"queue: a test goes back at most once"
unserve

# estimates: earlier runs' times (fstests' check.time per section) put
# the longest tests first and size the parts by time: a shard's first
# part 9/10 of its share (a/1, 105 s, alone; then a/3 + the 15 s of the
# median for each untimed test), the rest 20 s at least
rm -rf "$qd" "$T_TMP/times" && mkdir -p "$qd" "$T_TMP/times"
printf 's1 a/%s\n' 1 2 3 4 5 6 > "$T_TMP/plan"
printf 'a/1 100\na/2 3\na/3 50\na/5 10\n' > "$T_TMP/times/s1"
"$q" init "$qd" "$T_TMP/plan" 2 "$T_TMP/times"
is "$(cut -d' ' -f2 "$qd/queue" | tr '\n' ' ')" "a/1 a/3 a/4 a/5 a/6 a/2 " \
	"queue with times: longest first (untimed tests: the median)"
serve
is "$(ask 1)" "tests s1 a/1" "queue with times: the longest test alone makes 9/10 of a share"
is "$(ask 2)" "tests s1 a/3 a/4 a/5 a/6" "queue with times: the second shard's share"
is "$(ask 1)" "tests s1 a/2" "queue with times: then what is left"
unserve
# two sections: plan order of the sections, each longest first; times of
# another section only: no estimates, parts by count
rm -rf "$qd" && mkdir -p "$qd"
printf 's1 a/1\ns2 a/1\ns1 a/2\ns2 a/2\n' > "$T_TMP/plan"
printf 'a/1 1\na/2 9\n' > "$T_TMP/times/s2"
"$q" init "$qd" "$T_TMP/plan" 2 "$T_TMP/times"
is "$(tr '\n' ' ' < "$qd/queue")" "s1 a/1 s1 a/2 s2 a/2 s2 a/1 " "queue with times: sections in plan order"
rm -rf "$qd" "$T_TMP/times" && mkdir -p "$qd" "$T_TMP/times"
printf 'b/1 30\n' > "$T_TMP/times/s9"
printf 's1 a/%s\n' 1 2 3 4 5 6 > "$T_TMP/plan"
"$q" init "$qd" "$T_TMP/plan" 2 "$T_TMP/times"
check "queue: no time of the plan's tests, no estimates" test ! -s "$qd/est"
is "$(tr '\n' ' ' < "$qd/queue")" "s1 a/1 s1 a/2 s1 a/3 s1 a/4 s1 a/5 s1 a/6 " "... and the plan's order"
# a time of more than 6 digits (a damaged check.time from a guest) is no
# time: the test counts as untimed, and no number overflows the sums
rm -rf "$qd" && mkdir -p "$qd"
printf 'a/1 100000000000000000000000\na/2 3\n' > "$T_TMP/times/s1"
"$q" init "$qd" "$T_TMP/plan" 2 "$T_TMP/times"
is "$(head -n 2 "$qd/est" | tr '\n' ' ')" "s1 a/1 8 s1 a/2 8 " "queue: a time of over 6 digits is no time"

# ---- VMs ----
command -v qemu-system-x86_64 > /dev/null || skip_all "qemu-system-x86_64 missing (scripts/boottest/setup)"
command -v jq > /dev/null || skip_all "jq missing (scripts/boottest/setup)"
deb=$(scripts/boottest/debian-kernel --print 2>/dev/null)
[ -n "$deb" ] && [ -d "$deb/boot" ] || skip_all "Debian's kernel not cached (scripts/boottest/debian-kernel)"
out=$T_ROOT/.boottest
fsvm() {	# make fstests-vm ARGS...: sets $log, $st (the printed status), $run, $j
	log=$(nice make -s -f Makefile.boot fstests-vm "$@" 2>&1)
	st=$(echo "$log" | sed -n 's/^fstests-vm: exit status \([0-9]*\)$/\1/p' | tail -n 1)
	st=${st:-0}
	run=$(echo "$log" | sed -n 's/^fstests-vm: results in \([^ ]*\) .*/\1/p' | tail -n 1)
	j=$run/fstests.json
}
names() { jq -r '[.tests[] | "\(.name)=\(.status)"] | join(" ")' "$j" 2>/dev/null; }

fsvm FSTESTS="$fx" TESTS=fixture/001 JOBS=0
is "$st" 2 "JOBS=0: exit status 2"
like "$log" 'error: JOBS=0: a number of VMs from 1 to 64, or auto' "JOBS=0: one-line error"
fsvm FSTESTS="$fx" TESTS='-g auto' JOBS=2
is "$st" 2 "JOBS=2 with groups of a tree the host cannot plan: exit status 2"
like "$log" "error: JOBS=2: TESTS='-g auto' uses what the host's plan does not model" "... saying why"

# ---- two VMs, one result ----
set1="fixture/001 fixture/002 fixture/003 fixture/004 fixture/006"
rm -f "$out/fstests/baselines/shards-test.json"
fsvm FSTESTS="$fx" TESTS="$set1" JOBS=2 BASELINE_SAVE=shards-test TIMEOUT=1800
is "$st" 1 "JOBS=2 (fixture/003 fails): exit status 1" || diag "$log"
is "$(names)" "fixture/001=pass fixture/002=pass fixture/003=fail fixture/004=notrun fixture/006=pass" \
	"one merged result, in plan order" || diag "$log"
is "$(jq -r .shards "$j" 2>/dev/null)" 2 "two VMs merged"
is "$(jq -r '[.tests[] | select(.shard == 1 or .shard == 2)] | length' "$j" 2>/dev/null)" 5 \
	"each test names the shard that ran it"
like "$(jq -r '.tests[] | select(.name=="fixture/003") | .diff' "$j" 2>/dev/null)" '\+this line is not in the golden output' \
	"the failure's diff (its ./check's result.xml, kept per part of the queue)"
is "$(jq -r .fstests.verdict "$run/result.json" 2>/dev/null)" fail "the merged run's result.json carries the verdict"
is "$(grep -c '<testcase ' "$run/fstests-junit.xml" 2>/dev/null)" 5 "one JUnit file with every test"
like "$(cat "$run/fstests-junit.xml" 2>/dev/null)" '<property name="shard" value="[12]"/>' "JUnit: the shard of each test"
check "one results tree: fixture/003.out.bad of its shard" test -f "$run/fstests/ext4_default/fixture/003.out.bad"
check "the shards' own runs beside it" test -f "$run/shard-1/console.log" -a -f "$run/shard-2/console.log"
like "$log" 'fstests: 5/5 \[ext4_default\] fixture/[0-9]+ [a-z]+ [0-9]+ s \(shard [12]\)' \
	"live progress counts across the shards"
like "$log" 'fstests: 2 VMs took their tests from one queue; merged:' "the summary says it merged"
check "the merged result saved as a baseline" test -f "$out/fstests/baselines/shards-test.json"
# (check.time has the tests that passed)
is "$(awk '$1 ~ /^fixture\/00[126]$/ && $2 ~ /^[0-9]+$/' "$out/fstests/times/ext4_default" 2>/dev/null | wc -l)" 3 \
	"the shards' test times kept for the next queue (fstests/times/SECTION)"

# ---- a shard's kernel panics in the middle ----
# The first part of the queue is fixture/007 (sysrq c) and fixture/001: the
# shard that takes it crashes in 007 and hands 001 back to the queue.
set2="fixture/007 fixture/001 fixture/002 fixture/006 fixture/003 fixture/004 fixture/009 fixture/010"
# (FSTESTS_TIMES=0: the queue in plan order, not by the times kept above)
FSTESTS_TIMES=0 fsvm FSTESTS="$fx" TESTS="$set2" JOBS=2 BASELINE=shards-test TIMEOUT=1800
is "$st" 1 "a shard panics: exit status 1" || diag "$log"
is "$(jq -r '.tests | length' "$j" 2>/dev/null)" 8 "no test lost: all 8 in the report" || diag "$log"
is "$(jq -r '.tests[] | select(.name=="fixture/007") | .status' "$j" 2>/dev/null)" crashed "fixture/007: crashed"
like "$(jq -r '.kernel[0].title' "$j" 2>/dev/null)" 'sysrq' "the crash title"
is "$(jq -r '.kernel[0].test' "$j" 2>/dev/null)" fixture/007 "the crash is put on the test that was running"
cs=$(jq -r '.kernel[0].shard' "$j" 2>/dev/null)
like "$cs" '^[12]$' "the crash names its shard"
is "$(jq -r '.tests[] | select(.name=="fixture/001") | "\(.status) \(.shard != '"${cs:-0}"')"' "$j" 2>/dev/null)" "pass true" \
	"fixture/001, held by the crashed shard, ran on the other one"
like "$log" "shard $cs stopped before fixture/001; back to the queue" "... and the log says it went back"
is "$(names | tr ' ' '\n' | grep -v -e '^fixture/007=' -e '^fixture/001=' | sort | tr '\n' ' ')" \
	"fixture/002=pass fixture/003=fail fixture/004=notrun fixture/006=pass fixture/009=pass fixture/010=pass " \
	"the other tests ran"
like "$(jq -r '.baseline.still_failing | join(" ")' "$j" 2>/dev/null)" 'ext4_default:fixture/003' \
	"BASELINE= compares the merged result"
like "$log" 'fstests: kernel: .*sysrq.* during fixture/007 \(shard [12]\)' "the summary names crash, test and shard"
rm -f "$out/fstests/baselines/shards-test.json"

# ---- both shards panic: the tests no shard ran, with why ----
cp -r "$fx" "$T_TMP/fx2"
cp "$fx/tests/fixture/007" "$T_TMP/fx2/tests/fixture/011"
sed 's/007/011/' "$fx/tests/fixture/007.out" > "$T_TMP/fx2/tests/fixture/011.out"
echo "011 crash dangerous" >> "$T_TMP/fx2/tests/fixture/group.list"
set3="fixture/007 fixture/001 fixture/011 fixture/002 fixture/003 fixture/004 fixture/006 fixture/009"
FSTESTS_TIMES=0 fsvm FSTESTS="$T_TMP/fx2" TESTS="$set3" JOBS=2 TIMEOUT=1800
is "$st" 1 "both shards panic: exit status 1" || diag "$log"
is "$(jq -r '.tests | length' "$j" 2>/dev/null)" 8 "no test lost: all 8 in the report" || diag "$log"
is "$(jq -r '[.tests[] | select(.status == "crashed") | .name] | sort | join(" ")' "$j" 2>/dev/null)" \
	"fixture/007 fixture/011" "both crash tests: crashed"
is "$(jq -r '.kernel | length' "$j" 2>/dev/null)" 2 "two kernel crashes, one per shard"
is "$(jq -r '[.tests[] | select(.status == "notreached") | select(.message | test("^not run: "))] | length' "$j" 2>/dev/null)" 6 \
	"the 6 tests no shard ran: not reached, each with the queue's reason"
like "$log" 'NOT REACHED fixture/006 \[ext4_default\]: not run: every shard stopped before it was handed out' \
	"the summary gives the reason"
is "$(jq -r .verdict "$j" 2>/dev/null)" crash "verdict crash"
done_testing
