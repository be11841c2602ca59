#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tools build from a fresh copy of the sources, as CI's clone does: in
# the source directory and with O=, warning-free, with our own rules (a
# fresh tree once fell back to make's built-in %.o rule), and a second make
# has nothing to do.
set -u
. "$(dirname "$0")/lib/tap.sh"

src=$T_TMP/src
mkdir -p "$src"
if git -C "$T_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Tracked files only, plus any not yet committed: what a clone gets.
	(cd "$T_ROOT" && git ls-files --cached --others --exclude-standard \
		tools/boottest | tar -cf - -T -) | tar -xf - -C "$src"
else
	tar -C "$T_ROOT" --exclude='*.o' --exclude='.*.d' -cf - tools/boottest |
		tar -xf - -C "$src"
	find "$src/tools/boottest" -maxdepth 1 -type f -perm -u+x -delete
fi
(cd "$src" && find tools/boottest -type f | sort) >"$T_TMP/src-files"
tools=$(sed -n 's/^TOOLS[[:space:]]*+=[[:space:]]*//p' \
	"$src"/tools/boottest/*/*.mk | tr '\n' ' ')
[ -n "$tools" ]
ok $? "the .mk fragments declare tools ($tools)"

build() { # NAME DIR MAKE-ARGS...
	local name=$1 dir=$2 out
	shift 2
	out=$(make -C "$src/tools/boottest" -j"$(nproc)" "$@" 2>&1)
	ok $? "$name: make succeeds" || diag "$out"
	! grep -q '<builtin>' <<<"$out"
	ok $? "$name: every object built by our rule, not make's built-in one" ||
		diag "$(grep '<builtin>' <<<"$out")"
	! grep -q 'warning:' <<<"$out"
	ok $? "$name: no compiler warnings" ||
		diag "$(grep -A3 'warning:' <<<"$out" | head -20)"
	local t missing=
	for t in $tools; do
		[ -x "$dir/$t" ] || missing="$missing $t"
	done
	is "$missing" "" "$name: every tool is linked"
	out=$(make -C "$src/tools/boottest" "$@" 2>&1)
	like "$out" "Nothing to be done" "$name: a second make has nothing to do"
}

build "O=" "$T_TMP/out" O="$T_TMP/out"
is "$(find "$src" -name '*.o' -o -name '.pkg-config.cache' -o -name '.srcdir' |
	sed "s|^$src/||")" "" "the O= build wrote nothing into the source tree"
build "in the source tree" "$src/tools/boottest"

# make clean in the source tree removes what it built, never a source:
# fuzz/ holds both the fuzz targets' sources and their objects there.
make -s -C "$src/tools/boottest" clean >"$T_TMP/clean.log" 2>&1
ok $? "make clean in the source tree succeeds" || diag "$(cat "$T_TMP/clean.log")"
is "$(cd "$src" && find tools/boottest -type f | sort)" "$(cat "$T_TMP/src-files")" \
	"make clean in the source tree leaves exactly the source files"

done_testing
