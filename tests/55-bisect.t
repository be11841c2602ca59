#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make boottest-bisect on a real kernel: a tiny git history on top of the
# cached test kernel (A base, B adds an initcall, C makes it panic, D and E
# touch a text file) must name C, leave the tree on its branch with .config
# intact, keep the logs; MATCH= narrows "bad"; the refusals; Ctrl-C.
# The scratch tree and its history: tests/lib/bisect.sh.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
. "$(dirname "$0")/lib/kernel.sh"
. "$(dirname "$0")/lib/bisect.sh"
need_boot_env
for p in git perl setsid; do
	command -v $p >/dev/null || skip_all "$p missing (scripts/boottest/setup)"
done
kernel_tree || skip_all "$KERNEL_SKIP_REASON"

scratch=$(mktemp -d "$BT_TEST_BUILD/bisect-test.XXXXXX") || skip_all "cannot write $BT_TEST_BUILD"
trap 'rm -rf "$T_TMP" "$scratch"' EXIT
src=$scratch/src
obj=$scratch/obj
t0=$(date +%s)

# --- the scratch tree ---------------------------------------------------------
bisect_setup >"$T_TMP/setup.log" 2>&1
ok $? "scratch copy of the cached kernel tree" || { diag "$(tail -n 20 "$T_TMP/setup.log")"; done_testing; exit; }
t1=$(date +%s)
diag "scratch tree in $((t1 - t0)) s"

# --- the history: A B C D E -----------------------------------------------------
bisect_history >"$T_TMP/history.log" 2>&1
ok $? "git history A..E (C adds panic() in a late_initcall)" || diag "$(cat "$T_TMP/history.log")"
rev() { git -C "$src" rev-parse "$1"; }
C=$(rev C)
E=$(rev E)
cp -p "$obj/.config" "$T_TMP/config.before"
cp -p "$obj/.config.old" "$T_TMP/config.old.before" 2>/dev/null

# bisect LOG ARGS...: make boottest-bisect in the scratch tree, -j2 at low
# priority; LOCALVERSION= keeps the release as cached (no "+" for commits
# past the tag).  Sets B_RC.
bisect() {
	local log=$1
	shift
	(cd "$src" && LOCALVERSION='' nice -n 10 make -j2 boottest-bisect O="$obj" TIMEOUT=600 "$@") \
		</dev/null >"$log" 2>&1
	B_RC=$?
}

# The tree after a bisection: on master at E, no bisection, clean, .config
# as before.
tree_restored() {
	local what=$1
	is "$(git -C "$src" symbolic-ref --short HEAD 2>&1)@$(rev HEAD)" "master@$E" "$what: back on master at E"
	check_fail "$what: no bisection left in progress" test -e "$src/.git/BISECT_START"
	is "$(git -C "$src" status --porcelain --untracked-files=no)" "" "$what: no tracked file modified"
	check "$what: .config has its starting contents" cmp "$T_TMP/config.before" "$obj/.config"
}

# --- refusals (no build) -------------------------------------------------------------
bisect "$T_TMP/nogood.log" BAD=E
out=$(cat "$T_TMP/nogood.log")
like "$out" "boottest-bisect: error: GOOD= and BAD= are both needed" "no GOOD=: refused, naming both"
like "$out" "boottest-bisect: exit status 2" "... exit status 2"

bisect "$T_TMP/nocommit.log" GOOD=A BAD=no-such-rev
like "$(cat "$T_TMP/nocommit.log")" "error: BAD=no-such-rev is not a commit" "BAD= not a commit: refused"

echo dirty >>"$src/init/boottest_bisect.txt"
bisect "$T_TMP/dirty.log" GOOD=A BAD=E
like "$(cat "$T_TMP/dirty.log")" "error: tracked files are modified .*init/boottest_bisect.txt.*git stash" \
	"modified tracked file: refused, naming it and the fix"
git -C "$src" checkout -q -- init/boottest_bisect.txt

git -C "$src" bisect start E A >/dev/null 2>&1
bisect "$T_TMP/inprogress.log" GOOD=A BAD=E
like "$(cat "$T_TMP/inprogress.log")" "error: a bisection is already in progress .*git bisect reset" \
	"bisection in progress: refused, naming git bisect reset"
git -C "$src" bisect reset >/dev/null 2>&1

mkdir -p "$T_TMP/nogit"
touch "$T_TMP/nogit/Makefile" "$T_TMP/nogit/Kbuild" "$T_TMP/nogit/.config"
out=$(GIT_CEILING_DIRECTORIES=$T_TMP "$T_ROOT/scripts/boottest/bisect" --srctree "$T_TMP/nogit" A E 2>&1)
rc=$?
is "$rc" 2 "not a git tree: exit status 2"
like "$out" "error: .*nogit is not a git work tree" "... with the reason"
tree_restored "after the refusals"

# --- build failures skip, infrastructure errors stop (a fake tree, no kernel) ---
# scripts/boottest/bisect run directly: its make "builds" unless BROKEN
# exists; the boot's make (MAKE= of scripts/boottest/run) cannot even start.
fake=$T_TMP/fake
fake_setup() {
	mkdir -p "$fake" && cd "$fake" && git init -q -b master && touch Kbuild &&
		printf 'all:\n\t@test ! -e BROKEN\nolddefconfig:\n\t@echo olddefconfig\n' >Makefile &&
		echo 'CONFIG_X=y' >.config && printf '.config*\n.boottest\n' >.gitignore &&
		printf '#!/bin/sh\necho "fake make: $*"\nexit 2\n' >"$T_TMP/fake-make" &&
		chmod +x "$T_TMP/fake-make" || return 1
	local c
	for c in A B C D E F G H I; do
		case $c in
		B) touch BROKEN ;;
		F) rm BROKEN ;;
		*) echo "$c" >>notes ;;
		esac
		git add -A && git -c user.name=t -c user.email=t@invalid commit -q -m "$c" && git tag "$c" || return 1
	done
}
(fake_setup) >"$T_TMP/fake-setup.log" 2>&1
ok $? "fake tree with a history A..I (B..E do not build)" || diag "$(cat "$T_TMP/fake-setup.log")"
fakebisect() {
	(cd "$fake" && MAKE=$T_TMP/fake-make "$T_ROOT/scripts/boottest/bisect" --srctree "$fake" "$@") </dev/null >"$T_TMP/fake.log" 2>&1
}
fakebisect A E
rc=$?
out=$(cat "$T_TMP/fake.log")
is "$rc" 1 "only commits that do not build: inconclusive, exit status 1" || diag "$out"
is "$(grep -c ': skip: the kernel does not build' <<<"$out")" 3 "... each of the 3 steps a skip (build failure)"
like "$out" "the first bad commit is one of:" "... the candidates listed"
fakebisect E I
rc=$?
out=$(cat "$T_TMP/fake.log")
is "$rc" 2 "three infrastructure errors in a row: exit status 2" || diag "$out"
like "$out" "boottest-bisect: error: three steps in a row could not boot" "... stopping with the reason"
is "$(git -C "$fake" symbolic-ref --short HEAD)@$(git -C "$fake" rev-parse HEAD)" \
	"master@$(git -C "$fake" rev-parse I)" "... back on master"
check_fail "... no bisection in progress" test -e "$fake/.git/BISECT_START"
is "$(cat "$fake/.config")" "CONFIG_X=y" "... .config restored"

# --- GOOD=A BAD=E names C ----------------------------------------------------------------
t0=$(date +%s)
bisect "$T_TMP/run.log" GOOD=A BAD=E
t1=$(date +%s)
out=$(cat "$T_TMP/run.log")
is "$B_RC" 0 "GOOD=A BAD=E: make exits 0" || diag "$(tail -n 30 "$T_TMP/run.log")"
like "$out" "boottest-bisect: $C is the first bad commit" "git's first-bad-commit line names C"
like "$out" "step [0-9]: ${C:0:12}: bad: panic: .*kernel panic: boottest-bisect" "C's step is bad, with the panic's title"
diag "$(grep -E '^boottest-bisect: step [0-9]+: [0-9a-f]+: ' "$T_TMP/run.log")"
diag "bisection in $((t1 - t0)) s"
tree_restored "GOOD=A BAD=E"
dir=$(readlink -f "$obj/.boottest/bisect/latest")
like "$(cat "$dir/bisect.log" 2>&1)" "# first bad commit: \[$C\]" "git bisect log kept in .boottest/bisect/latest/bisect.log"
like "$(cat "$dir/report.html" 2>&1)" "first bad commit: <code>$C</code>" "the bisection's report.html names C"
like "$out" "boottest-bisect: report $dir/report.html" "... and the output names its path"
steps=$(wc -l <"$dir/steps" 2>/dev/null)
is "$(ls "$dir"/step-*.build.log 2>/dev/null | wc -l)/$(ls "$dir"/step-*.boot.log 2>/dev/null | wc -l)" \
	"$steps/$steps" "a build and a boot log for each of the $steps steps"
is "$(qemu_of "$obj")" "" "no QEMU left"

# --- MATCH= ----------------------------------------------------------------------------------
bisect "$T_TMP/match.log" GOOD=B BAD=D MATCH='panic: boottest-b[a-z]+'
is "$B_RC" 0 "MATCH= matching the panic's title: exit 0" || diag "$(tail -n 30 "$T_TMP/match.log")"
like "$(cat "$T_TMP/match.log")" "boottest-bisect: $C is the first bad commit" "... names C"

bisect "$T_TMP/nomatch.log" GOOD=B BAD=D MATCH='^no such title$'
out=$(cat "$T_TMP/nomatch.log")
like "$out" "boottest-bisect: exit status 1" "MATCH= matching no title: inconclusive, exit status 1" ||
	diag "$(tail -n 30 "$T_TMP/nomatch.log")"
like "$out" "${C:0:12}: skip: failed, but no crash title matches MATCH=" "... C's crash is a skip, not bad"
like "$(sed -n '/the first bad commit is one of:/,$p' <<<"$out")" "boottest-bisect:   $C" "... C listed as a candidate"
tree_restored "MATCH= matching no title"

# --- Ctrl-C during a step ------------------------------------------------------------------
# A shell without job control starts background commands with SIGINT
# ignored, and an ignored signal stays ignored across exec: then make
# cannot be interrupted at all, and there is nothing to test.
sigint_ignored() {
	local ign
	ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status)
	[ -n "$ign" ] && (((16#$ign >> 1) & 1))
}
if sigint_ignored; then
	for _ in 1 2 3 4 5 6 7; do
		skip "Ctrl-C: SIGINT is ignored in this test's environment (the suite was started in the background of a shell without job control); run it in the foreground"
	done
	done_testing
	exit
fi
set -m
(cd "$src" && exec env LOCALVERSION='' nice -n 10 make -j2 boottest-bisect O="$obj" GOOD=A BAD=E) \
	</dev/null >"$T_TMP/int.log" 2>&1 &
pid=$!
set +m
for _ in $(seq 600); do
	grep -q '^boottest-bisect: step 1: ' "$T_TMP/int.log" && break
	sleep 0.5
done
sleep 2
kill -INT -- "-$pid"
wait "$pid"
rc=$?
[ "$rc" != 0 ]
ok $? "Ctrl-C during a step: make fails (status $rc)"
like "$(cat "$T_TMP/int.log")" "boottest-bisect: interrupted" "... says it was interrupted"
tree_restored "Ctrl-C"
is "$(pgrep -f "$obj" || true)" "" "no process of the bisection left (make, gcc, QEMU)"

done_testing
