#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcidb.json: every run's KCIDB v5.3 submission, validated against KCIDB's
# own schema (../shared/schemas/kcidb, a copy in tests/data/kcidb) with
# python3-jsonschema: a clean boot and a sysrq panic of Debian's kernel
# (make boottest writes it), the same panic twice (one issue id), an
# infrastructure error (ERROR), a stored fstests-vm run (one test per fstests
# test), a dirty git tree (commit and patchset hash), KCIDB_ORIGIN=.  A
# document with a status KCIDB does not know must fail the validation.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"

need_boot_env
schema=$T_ROOT/tests/data/kcidb/v5.3.schema.json
python3 -c 'import jsonschema' 2> /dev/null ||
	skip_all "python3-jsonschema missing (scripts/boottest/setup)"
# This file's own output directory: another suite's boots in a shared one
# would move its runs/latest.
O=$T_TMP/boot
mkdir -p "$O"

# run LOGFILE MAKEVARS...: boot; B_RUN from the run's own "results in" line.
run() {
	local log=$1
	boot "$O" "$@"
	B_RUN=$(sed -n 's/^boottest: results in //p' "$log" | tail -n 1)
}

# jexpr FILE EXPR: a Python expression over the document d.
jexpr() {
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2> /dev/null
}

valid() {
	python3 -c 'import json, jsonschema, sys
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
		"$schema" "$1" > "$T_TMP/validate.log" 2>&1
}

# --- the validator catches what is invalid ---------------------------------
valid "$T_ROOT/tests/data/kcidb/example-boot-crash.json"
ok $? "the schema's own valid example validates" || diag "$(tail -n 5 "$T_TMP/validate.log")"
sed 's/"status": "FAIL"/"status": "CRASH"/' "$T_ROOT/tests/data/kcidb/example-boot-crash.json" > "$T_TMP/bad.json"
! valid "$T_TMP/bad.json"
ok $? "a test status KCIDB does not know (CRASH) fails the validation"

# --- a clean boot -----------------------------------------------------------
run "$T_TMP/clean.log" KCIDB_ORIGIN=boottest_ci TIMEOUT=240
k=$B_RUN/kcidb.json
[ -s "$k" ]
ok $? "a clean boot's run directory has kcidb.json" || diag "$(tail -n 10 "$T_TMP/clean.log")"
valid "$k"
ok $? "clean: kcidb.json validates against KCIDB v5.3" || diag "$(tail -n 5 "$T_TMP/validate.log")"
is "$(jget "$k" "['version']")" "{'major': 5, 'minor': 3}" "clean: schema version 5.3"
is "$(jget "$k" "['tests'][0]['path']")" boot "clean: one test, path boot"
is "$(jget "$k" "['tests'][0]['status']")" PASS "clean: status PASS"
is "$(jget "$k" "['tests'][0]['duration']")" "$(jget "$B_RUN/result.json" "['duration_s']")" \
	"clean: its duration is the run's"
is "$(jget "$k" "['issues'].__len__()")" 0 "clean: no issue"
is "$(jexpr "$k" "sorted(set(o['id'].split(':')[0] for t in ('checkouts', 'builds', 'tests', 'issues', 'incidents') for o in d[t]))")" \
	"['boottest_ci']" "KCIDB_ORIGIN=boottest_ci prefixes every id"
like "$(jget "$k" "['builds'][0]['compiler']")" "^gcc-12 \\(Debian 12" \
	"the build's compiler comes from the kernel's banner"
is "$(jget "$k" "['builds'][0]['architecture']")" x86_64 "the build's architecture"
cp "$k" "$T_TMP/clean-kcidb.json"
sed -i 's/"status": "PASS"/"status": "GOOD"/' "$T_TMP/clean-kcidb.json"
! valid "$T_TMP/clean-kcidb.json"
ok $? "clean: the same document with a wrong status fails the validation"

# --- a panic, twice ---------------------------------------------------------
run "$T_TMP/panic1.log" CMD='echo c > /proc/sysrq-trigger' TIMEOUT=240
p1=$B_RUN
run "$T_TMP/panic2.log" CMD='echo c > /proc/sysrq-trigger' TIMEOUT=240
p2=$B_RUN
k=$p1/kcidb.json
valid "$k"
ok $? "panic: kcidb.json validates" || diag "$(tail -n 5 "$T_TMP/validate.log")"
is "$(jget "$k" "['tests'][0]['status']")" FAIL "panic: the boot test FAILs"
title=$(jget "$p1/result.json" "['crashes'][0]['title']")
is "$(jget "$k" "['issues'][0]['report_subject']")" "$title" "panic: an issue titled as the crash ($title)"
is "$(jget "$k" "['issues'][0]['categories']")" "['runtime.panic']" "panic: its category"
is "$(jexpr "$k" "d['incidents'][0]['issue_id'] == d['issues'][0]['id'] and d['incidents'][0]['test_id'] == d['tests'][0]['id']")" \
	True "panic: an incident links the issue to the boot test"
like "$(jget "$k" "['tests'][0]['log_excerpt']")" "Kernel panic - not syncing" "panic: the excerpt is the crash's lines"
is "$(jget "$p2/kcidb.json" "['issues'][0]['id']")" "$(jget "$k" "['issues'][0]['id']")" \
	"the same crash in two runs is the same issue"
[ "$(jget "$p2/kcidb.json" "['tests'][0]['id']")" != "$(jget "$k" "['tests'][0]['id']")" ]
ok $? "... in two tests of their own"

# --- an infrastructure error ------------------------------------------------
BOOTTEST_QEMU=/nonexistent/qemu-system-x86_64 run "$T_TMP/infra.log" TIMEOUT=60
valid "$B_RUN/kcidb.json"
ok $? "infrastructure: kcidb.json validates" || diag "$(tail -n 5 "$T_TMP/validate.log")"
is "$(jget "$B_RUN/kcidb.json" "['tests'][0]['status']")" ERROR "infrastructure: status ERROR"

# --- fstests: a stored fstests-vm run --------------------------------------
cp -r "$T_ROOT/tests/data/fstests-results/fixture-run" "$T_TMP/fst"
"$O/.boottest/tools/kcidb" "$T_TMP/fst"
is $? 0 "kcidb on a stored fstests-vm run"
valid "$T_TMP/fst/kcidb.json"
ok $? "fstests: kcidb.json validates" || diag "$(tail -n 5 "$T_TMP/validate.log")"
n=$(jget "$T_TMP/fst/result.json" "['fstests']['tests'].__len__()")
is "$(jexpr "$T_TMP/fst/kcidb.json" "len(d['tests'])")" $((n + 1)) \
	"fstests: the boot and one test per fstests test ($n)"
is "$(jexpr "$T_TMP/fst/kcidb.json" "sorted(set(t['status'] for t in d['tests'][1:]))")" \
	"$(jexpr "$T_TMP/fst/result.json" "sorted(set({'pass': 'PASS', 'fail': 'FAIL', 'notrun': 'SKIP'}[t['status']] for t in d['fstests']['tests']))")" \
	"fstests: pass, fail and notrun as PASS, FAIL and SKIP"
like "$(jexpr "$T_TMP/fst/kcidb.json" "d['tests'][1]['path']")" '^fstests\.[a-zA-Z0-9_-]+\.[a-z]+-[0-9]+$' \
	"fstests: paths fstests.SECTION.SUITE-NUMBER"

# --- a dirty git tree -------------------------------------------------------
g=$T_TMP/tree
git init -q -b master "$g" && git -C "$g" -c user.email=t@t -c user.name=t commit -q --allow-empty -m base &&
	git -C "$g" remote add origin https://git.example.org/linux-next.git &&
	echo change > "$g/file" && git -C "$g" add file
BT_SRCTREE=$g "$O/.boottest/tools/kcidb" -o "$T_TMP/git.json" "$p1"
valid "$T_TMP/git.json"
ok $? "git tree: kcidb.json validates" || diag "$(tail -n 5 "$T_TMP/validate.log")"
is "$(jget "$T_TMP/git.json" "['checkouts'][0]['git_commit_hash']")" "$(git -C "$g" rev-parse HEAD)" \
	"git tree: the commit hash"
is "$(jget "$T_TMP/git.json" "['checkouts'][0]['tree_name']")" linux-next "git tree: the tree named by its remote"
like "$(jget "$T_TMP/git.json" "['checkouts'][0]['patchset_hash']")" '^[0-9a-f]{64}$' \
	"git tree: uncommitted changes give a patchset hash"
"$O/.boottest/tools/kcidb" --origin Bad-Origin "$p1" 2> "$T_TMP/origin.err"
is $? 2 "an origin KCIDB refuses (upper case, dash) is a usage error"

done_testing
