#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Style: checkpatch.pl (from Debian's linux-source-6.1) passes on every C file,
# and every source, script and build file carries an SPDX line.
. "$(dirname "$0")/lib/tap.sh"

cd "$T_ROOT" || exit 1
tarball=/usr/src/linux-source-6.1.tar.xz
cp_dir=$BT_TEST_BUILD/checkpatch
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	[ -r "$tarball" ] || skip_all "$tarball missing: install linux-source-6.1 (scripts/boottest/setup)"
	mkdir -p "$cp_dir"
	tar -xJf "$tarball" -C "$cp_dir" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch ||
		skip_all "cannot extract checkpatch.pl from $tarball"
fi

# Tracked and untracked-but-not-ignored files: what a commit would carry.
mapfile -t files < <(git ls-files --cached --others --exclude-standard | sort -u |
	while read -r f; do [ -f "$f" ] && echo "$f"; done)

cfiles=()
for f in "${files[@]}"; do
	case $f in *.c|*.h) cfiles+=("$f") ;; esac
done
[ ${#cfiles[@]} -gt 0 ]
ok $? "there are C files to check (${#cfiles[@]})"
for f in "${cfiles[@]}"; do
	# compiler.h is where __printf/__noreturn are defined from __attribute__,
	# the one place checkpatch's "prefer the macro" advice cannot apply.
	ignore=
	case $f in */compiler.h) ignore=--ignore=PREFER_DEFINED_ATTRIBUTE_MACRO ;; esac
	out=$(perl "$cp_dir/scripts/checkpatch.pl" --no-tree -f --terse \
		--show-types $ignore "$f" 2>&1)
	ok $? "checkpatch: $f" || diag "$out"
done

# SPDX: code, scripts, build files and kernel-style docs.
missing=()
for f in "${files[@]}"; do
	case $f in
	*.c|*.h|*.mk|*.t|*.sh|*.rst|*.rules|*.manifest|Makefile*|*/Makefile|GNUmakefile|Kconfig*|.ci/run) ;;
	scripts/boottest/*|tests/run|bench/*) ;;
	*) continue ;;
	esac
	case $f in tests/data/*) continue ;; esac
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0' || missing+=("$f")
done
is "${missing[*]}" "" "every source/script/build file has an SPDX-License-Identifier: GPL-2.0 line"

# Includes: a tool's folder reaches only itself and lib/, no cycle.  The
# check must also find a planted cycle and a planted cross-tool include.
check "includes: one way, per tool folder, no cycle (tests/lib/includes.sh)" \
	tests/lib/includes.sh tools/boottest
plant=$T_TMP/plant
mkdir -p "$plant/a" "$plant/b" "$plant/lib"
printf '#include "y.h"\n' > "$plant/a/x.h"
printf '#include "y.h"\n#include "l.h"\n' > "$plant/a/y.c"
: > "$plant/a/y.h"
: > "$plant/lib/l.h"
out=$(tests/lib/includes.sh "$plant" 2>&1)
ok $? "includes: a tree without offence passes" || diag "$out"
printf '#include "x.h"\n' > "$plant/a/y.h"
out=$(tests/lib/includes.sh "$plant" 2>&1)
like "$out" "cycle.*a/x.*a/y" "includes: a planted cycle a/x.h -> a/y.h -> a/x.h is found"
: > "$plant/a/y.h"
printf '#include "a/x.h"\n' > "$plant/b/z.c"
check_fail "includes: a planted include of another tool's folder is found" \
	tests/lib/includes.sh "$plant"

# shellcheck: no finding in the shell scripts of scripts/ (each one fixed,
# or disabled on its line with the reason after a #).
sh_files=()
for f in "${files[@]}"; do
	case $f in scripts/*) ;; *) continue ;; esac
	case $f in *.sh) sh_files+=("$f"); continue ;; esac
	head -n 1 "$f" | grep -qE '^#!.*[/ ](ba)?sh$' && sh_files+=("$f")
done
if command -v shellcheck > /dev/null; then
	printf '#!/bin/bash\nx= y=1\necho $x $y\n' > "$T_TMP/bad.sh"
	check_fail "shellcheck finds what it should in a bad script" shellcheck -S style "$T_TMP/bad.sh"
	check "shellcheck: nothing found in scripts/ (${#sh_files[@]} files)" \
		shellcheck -x -S style -f gcc "${sh_files[@]}"
	is "$(grep -n 'shellcheck disable=' "${sh_files[@]}" | grep -v 'disable=[A-Z0-9,]* # ')" "" \
		"every shellcheck disable in scripts/ says why"
else
	skip "shellcheck missing: install it (scripts/boottest/setup)"
fi

done_testing
