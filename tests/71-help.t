#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# --help at man-page quality, for every tool of tools/boottest/*/*.mk (TOOLS)
# and every script a user runs in scripts/boottest/: exit 0 with the text on
# stdout, a synopsis, every option the program accepts, the exit status, an
# example and the environment it reads (or "Environment: none").
#
# "Every option it accepts" comes from the code, not from the text: the
# long options of a tool's getopt_long tables (struct option lines in
# the C files its NAME.mk lists) and the short letters of its optstrings;
# for a script, the options of its case labels.  Likewise the environment
# variables it reads (getenv("X") in a tool, ${X:-...} in a script) must be
# named.  The checks also run on broken texts, which must fail.
. "$(dirname "$0")/lib/tap.sh"

cd "$T_ROOT" || exit 1

# The C files of a tool: its NAME-main and NAME-objs in its NAME.mk.
c_files() {
	local mk
	mk=$(grep -lE "^TOOLS[[:space:]]*\+=[[:space:]]*$1[[:space:]]*\$" tools/boottest/*/*.mk) ||
		return 0
	sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$mk" |
		sed -nE "s/^$1-(main|objs)[[:space:]]*:=//p" | tr -s ' \t' '\n' |
		sed -n 's|^\(.*\)\.o$|tools/boottest/\1.c|p'
}

# Options a C tool accepts: "--long" and "-x" lines.
c_options() {
	local t=$1 f files=()
	for f in $(c_files "$t"); do
		[ -f "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] || return 0
	sed -nE 's/.*\{ *"([a-z][a-z0-9-]*)", *(no|required|optional)_argument.*/--\1/p' "${files[@]}"
	sed -nE 's/.*getopt_long\([^,]*, *[^,]*, *"([^"]*)".*/\1/p' "${files[@]}" |
		tr -d ':+-' | fold -w1 | sed 's/^/-/'
}

# Environment variables a C tool reads.
c_env() {
	local f files=()
	for f in $(c_files "$1"); do
		[ -f "$f" ] && files+=("$f")
	done
	[ ${#files[@]} -gt 0 ] || return 0
	grep -ohE 'getenv\("[A-Za-z_][A-Za-z0-9_]*"\)' "${files[@]}" | sed -E 's/getenv\("(.*)"\)/\1/'
}

# Environment variables a script reads with a default: ${X:-...}, ${X-...}.
sh_env() {
	grep -oE '\$\{[A-Z][A-Z0-9_]*:?[-=]' "$1" | sed -E 's/^\$\{//; s/:?[-=]$//'
}

# missing_words HELPFILE WORD...: the words HELPFILE does not contain.
missing_words() {
	local help=$1 w m=()
	shift
	for w in "$@"; do
		grep -qw -- "$w" "$help" || m+=("$w")
	done
	echo "${m[*]}"
}

# Options a script accepts: words starting with '-' in case labels.
sh_options() {
	grep -E '^[[:space:]]*"?-[^)]*\)' "$1" | sed 's/).*//' |
		grep -oE -- '(^|[|[:space:]"])--?[a-zA-Z][a-zA-Z0-9-]*' | sed 's/^[|[:space:]"]*//'
}

# missing_opts HELPFILE OPTION...: the options HELPFILE does not mention as
# a word of their own (--max-bytes is not --max).
missing_opts() {
	local help=$1 o m=()
	shift
	for o in "$@"; do
		[ "$o" = --help ] || [ "$o" = -h ] && continue
		grep -qE -- "(^|[^a-zA-Z0-9-])$o([^a-zA-Z0-9-]|\$)" "$help" || m+=("$o")
	done
	echo "${m[*]}"
}

# missing_parts HELPFILE NAME: which man-page parts the text lacks.
missing_parts() {
	local help=$1 name=$2 m=()
	grep -qiE "^usage: |^[[:space:]]+(scripts/boottest/)?$name( |\$)" "$help" || m+=(synopsis)
	grep -qE '^[[:space:]]*Exit( status)?:' "$help" || m+=(exit-status)
	grep -qE '^[[:space:]]*Examples?:' "$help" || m+=(examples)
	grep -qE '^[[:space:]]*Environment' "$help" || m+=(environment)
	echo "${m[*]}"
}

check_help() {	# NAME PROGRAM ENVVARS OPTIONS...
	local name=$1 prog=$2 env=$3 out rc
	shift 3
	"$prog" --help > "$T_TMP/help" 2> "$T_TMP/help.err" < /dev/null
	rc=$?
	is "$rc" 0 "$name --help: exit 0" || diag "$(head -n 3 "$T_TMP/help.err")"
	[ -s "$T_TMP/help" ] && [ ! -s "$T_TMP/help.err" ]
	ok $? "$name --help: the text on stdout, nothing on stderr"
	is "$(missing_parts "$T_TMP/help" "$name")" "" \
		"$name --help: synopsis, exit status, examples, environment"
	out=$(missing_opts "$T_TMP/help" "$@")
	is "$out" "" "$name --help: every option it accepts ($#) is described"
	# shellcheck disable=SC2086
	is "$(missing_words "$T_TMP/help" $env)" "" \
		"$name --help: the environment variables it reads are named (${env:-none})"
}

# --- the checks catch what they should ------------------------------------------
opts=$(c_options mkrootfs)
like "$opts" $'--output\n(.*\n)*--sysroot' "c_options finds mkrootfs's long options"
like "$opts" $'(^|\n)-o(\n|$)' "c_options finds mkrootfs's short options"
opts=$(sh_options scripts/boottest/drop-in)
like "$opts" $'--remove(\n.*)*--dry-run' "sh_options finds drop-in's options"
printf 'Usage: x [--max-bytes N]\nExit status: 0\n' > "$T_TMP/fake"
is "$(missing_opts "$T_TMP/fake" --max-bytes --max -q)" "--max -q" \
	"missing_opts: an option only as part of a longer one, or absent, is missing"
is "$(missing_parts "$T_TMP/fake" x)" "examples environment" \
	"missing_parts: a text without examples and environment is caught"
like "$(c_env mkrootfs)" "SOURCE_DATE_EPOCH" "c_env finds mkrootfs's getenv()"
like "$(sh_env scripts/boottest/run)" $'MAKE\n(.*\n)?MAKEFILE' "sh_env finds run's \${MAKE:-make}"
is "$(missing_words "$T_TMP/fake" MAKE x)" "MAKE" "missing_words: an unnamed variable is caught"

# --- tools --------------------------------------------------------------------------
tools=$(sed -n 's/^TOOLS[ 	]*+=//p' tools/boottest/*/*.mk | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
like "$tools" "kinspect" "tools/boottest/*/*.mk declare TOOLS"
for t in $tools; do
	bin=$BT_BIN/$t
	[ -x "$bin" ] || bin=$T_ROOT/tools/boottest/$t
	if [ ! -x "$bin" ]; then
		ok 1 "$t: built (run make -C tools/boottest)"
		continue
	fi
	mapfile -t opts < <(c_options "$t" | sort -u)
	[ ${#opts[@]} -gt 0 ]
	ok $? "$t: its options are found in its sources (${#opts[@]})"
	check_help "$t" "$bin" "$(c_env "$t" | sort -u | tr '\n' ' ')" "${opts[@]}"
done

# --- scripts a user runs ----------------------------------------------------------
# init and initramfs-init run inside the guest; the rest are run by hand or
# by make.
for f in scripts/boottest/*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	name=${f##*/}
	case $name in init | initramfs-init) continue ;; esac
	mapfile -t opts < <(sh_options "$f" | sort -u)
	check_help "$name" "$f" "$(sh_env "$f" | sort -u | tr '\n' ' ')" "${opts[@]}"
done

done_testing
