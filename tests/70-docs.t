#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Documentation/dev-tools/boottest.rst: valid reStructuredText (docutils,
# halting on warnings), kernel style header, and not behind the code: every
# goal of Makefile.boot's BOOTTEST_GOALS has an entry, every variable that
# `make boottest-help' names is described, every tool of tools/boottest/*/*.mk
# has a subsection that mentions each long option of its --help, every
# script of scripts/boottest/ is mentioned, every profile of Kconfig.test
# is listed, every result.json key lib/result.c writes and every
# dmesg-classify category is described, and drop-in copies the file.  The
# checks are also run on broken copies, which must fail.
. "$(dirname "$0")/lib/tap.sh"

rst=$T_ROOT/Documentation/dev-tools/boottest.rst
[ -f "$rst" ] || skip_all "no $rst"

# --- reStructuredText --------------------------------------------------------
rst_check() {
	if command -v rst2html >/dev/null; then
		rst2html --halt=warning --report=warning --no-raw "$1" /dev/null
	else
		python3 -c 'import sys
from docutils.core import publish_file
publish_file(source_path=sys.argv[1], destination_path="/dev/null", writer_name="html",
	     settings_overrides={"halt_level": 2, "report_level": 2})' "$1"
	fi
}
if command -v rst2html >/dev/null || python3 -c 'import docutils' 2>/dev/null; then
	check "docutils: no warning or error in boottest.rst" rst_check "$rst"
	# a broken copy must fail: a section underline too short, an unknown target
	sed '0,/^Overview$/{n;s/^=*$/===/}' "$rst" > "$T_TMP/short.rst"
	check_fail "docutils check fails on a too short underline" rst_check "$T_TMP/short.rst"
	{ cat "$rst"; printf '\nSee `nowhere`_.\n'; } > "$T_TMP/target.rst"
	check_fail "docutils check fails on an unknown link target" rst_check "$T_TMP/target.rst"
else
	skip "docutils not installed (apt-get install python3-docutils)"
fi

is "$(head -n 1 "$rst")" ".. SPDX-License-Identifier: GPL-2.0" "first line is the SPDX tag"
title=$(sed -n '3,5p' "$rst")
like "$title" $'^(=+)\n[^\n]+\n(=+)$' "document title with = over- and underline"

# --- coverage ----------------------------------------------------------------
# has_term FILE WORD: WORD alone on a line (a definition list term) or as
# ``WORD``/``WORD=``.
has_term() {
	grep -qxF -- "$2" "$1" || grep -qF -- "\`\`$2\`\`" "$1"
}
# has_section FILE NAME: NAME as a title (underlined with - or =).
has_section() {
	awk -v n="$2" 'prev == n && /^[-=~]+$/ && length($0) >= length(n) { f = 1 } { prev = $0 } END { exit !f }' "$1"
}

goals=$(sed -n 's/^BOOTTEST_GOALS[ 	]*+=//p' "$T_ROOT/Makefile.boot" | tr -s ' \t' '\n' | grep -v '^$')
[ -n "$goals" ] || diag "no BOOTTEST_GOALS found in Makefile.boot"
missing_goals() {
	local g m=()
	for g in $goals; do
		grep -qxF -- "$g" "$1" || m+=("$g")
	done
	echo "${m[*]}"
}
like "$goals" "boottest" "Makefile.boot declares BOOTTEST_GOALS"
is "$(missing_goals "$rst")" "" "every BOOTTEST_GOALS goal has an entry in the rst"
first=$(head -n 1 <<<"$goals")
grep -vxF -- "$first" "$rst" > "$T_TMP/nogoal.rst"
isnt=$(missing_goals "$T_TMP/nogoal.rst")
is "$isnt" "$first" "the goal check notices a goal without an entry"

# Variables named by make boottest-help (NAME=).
help=$(make -s --no-print-directory -f "$T_ROOT/Makefile.boot" boottest-help 2>&1)
ok $? "make -f Makefile.boot boottest-help"
vars=$(grep -oE '\b[A-Z][A-Z0-9_]*=' <<<"$help" | sort -u)
[ -n "$vars" ] || diag "boottest-help names no variables"
m=()
for v in $vars; do
	grep -qF -- "\`\`$v" "$rst" || m+=("$v")
done
is "${m[*]}" "" "every variable boottest-help names is described (${vars//$'\n'/ })"

# Tools: a subsection each, mentioning every long option of --help.
tools=$(sed -n 's/^TOOLS[ 	]*+=//p' "$T_ROOT"/tools/boottest/*/*.mk | tr -s ' \t' '\n' | grep -v '^$')
like "$tools" "vmrun" "tools/boottest/*/*.mk declare TOOLS"
m=()
for t in $tools; do
	has_section "$rst" "$t" || m+=("$t")
done
is "${m[*]}" "" "every tool has a subsection"
printf 'x\n-\n' > "$T_TMP/none.rst"
check_fail "the section check notices a missing subsection" has_section "$T_TMP/none.rst" vmrun

for t in $tools; do
	bin=$BT_BIN/$t
	if [ ! -x "$bin" ]; then
		make -s -C "$T_ROOT/tools/boottest" O="$T_TMP/build" "$T_TMP/build/$t" >/dev/null 2>&1
		bin=$T_TMP/build/$t
	fi
	if [ ! -x "$bin" ]; then
		ok 1 "$t --help options are documented (tool not built)"
		continue
	fi
	opts=$("$bin" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
	# the tool's own subsection: from its title to the next title
	awk -v n="$t" '
		/^[-=~]+$/ && prev != "" { if (in_s && prev != n) exit; if (prev == n) in_s = 1 }
		in_s { print }
		{ prev = $0 }' "$rst" > "$T_TMP/sec"
	m=()
	for o in $opts; do
		[ "$o" = --help ] && continue
		grep -qF -- "$o" "$T_TMP/sec" || m+=("$o")
	done
	is "${m[*]}" "" "$t: every long option of --help is in its subsection"
done

# Profiles.
profiles=$("$T_ROOT/scripts/boottest/kconfig" list 2>&1 | awk '{ print $1 }')
ok $? "scripts/boottest/kconfig list"
m=()
for p in $profiles; do
	has_term "$rst" "$p" || m+=("$p")
done
is "${m[*]}" "" "every Kconfig.test profile is listed (${profiles//$'\n'/ })"

# result.json keys written by its writer (lib/result.c: bt_json_add_*(j,
# "KEY", ...), add_seconds(j, "KEY", ...), json_object_object_add(j, "KEY")),
# each in the schema table as ``KEY``, ``PARENT.KEY``, ``KEY.CHILD`` or "KEY".
keys=$(grep -oE '(bt_json_add_[a-z_]+|add_seconds|json_object_object_add)\([a-z_]+, "[a-z_]+"' \
	"$T_ROOT/tools/boottest/lib/result.c" | sed 's/.*"\([a-z_]*\)"/\1/' | sort -u)
[ "$(wc -w <<<"$keys")" -gt 40 ] || diag "too few JSON keys found in lib/result.c: $keys"
sec=$(awk '/^result.json$/ { s = 1 } s && /^make fstests-vm$/ { exit } s' "$rst")
bq='``'
m=()
for k in $keys; do
	grep -qF -- "\"$k\"" <<<"$sec" ||
		grep -qE -- "$bq([a-z_]+(\[\])?\.)?$k((\[\])?\.[a-z_]+)?$bq" <<<"$sec" || m+=("$k")
done
is "${m[*]}" "" "every result.json key the writer writes is in the schema table"

# dmesg-classify's categories.
cats=$(sed -n '/^Categories:/,/other\./p' < <("$BT_BIN/dmesg-classify" --help 2>&1 ||
	"$T_TMP/build/dmesg-classify" --help 2>&1) | sed 's/Categories://; s/"new".*//; s/\.//g' | tr -s ' ' '\n' | grep -v '^$')
m=()
for c in $cats; do
	grep -qF -- "\`\`$c\`\`" "$rst" || m+=("$c")
done
like "$cats" "rcu_stall" "dmesg-classify --help lists categories"
is "${m[*]}" "" "every dmesg-classify category is documented"

# Scripts a user runs: every executable in scripts/boottest/ (top level).
m=()
for f in "$T_ROOT"/scripts/boottest/*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	grep -qF -- "scripts/boottest/${f##*/}" "$rst" || m+=("${f##*/}")
done
is "${m[*]}" "" "every script in scripts/boottest/ is mentioned"

# --- drop-in copies the rst ---------------------------------------------------
fake=$T_TMP/linux
mkdir -p "$fake/arch"
: > "$fake/Kbuild"
: > "$fake/Makefile"
list=$("$T_ROOT/scripts/boottest/drop-in" -n "$fake" 2>&1)
like "$list" "Documentation/dev-tools/boottest.rst" "drop-in copies Documentation/dev-tools/boottest.rst"

done_testing
