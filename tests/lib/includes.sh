#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# includes.sh DIR: the include arrows of the C sources under DIR (a
# tools/boottest tree) go one way.
#
#  - A tool's folder includes its own headers and lib/'s only; lib/ only its
#    own; fuzz/ (the libFuzzer targets) lib/'s and a tool's by its folder
#    ("vm/vmrun.h").  No "..", no header that is not found.
#  - No cycle: a file X.c and its header X.h are one module, and the modules
#    with their include arrows must sort topologically (tsort).
#
# Prints a summary and exits 0, or names each offence and exits 1.
set -u
root=${1:?usage: includes.sh DIR}
cd "$root" || exit 2

bad=0
arrows=0
edges=$(mktemp "${TMPDIR:-/tmp}/includes.XXXXXX")
trap 'rm -f "$edges"' EXIT

mapfile -t files < <(find . -mindepth 1 -name '.*' -prune -o -type f \( -name '*.c' -o -name '*.h' \) \
	-printf '%P\n' | sort)
for f in "${files[@]}"; do
	dir=$(dirname "$f")
	case $dir in
	.) echo "$f: a C file outside a tool's folder"; bad=1; continue ;;
	*/*) echo "$f: folders are one level deep"; bad=1; continue ;;
	esac
	while IFS= read -r inc; do
		arrows=$((arrows + 1))
		case $inc in
		*..*) echo "$f: includes \"$inc\": no .. in an include"; bad=1; continue ;;
		*/*) to=$inc ;;
		*) if [ -f "$dir/$inc" ]; then to=$dir/$inc; else to=lib/$inc; fi ;;
		esac
		if [ ! -f "$to" ]; then
			where="in neither $dir/ nor lib/"
			[ "$dir" = lib ] && where="not in lib/"
			echo "$f: includes \"$inc\", $where"
			bad=1
			continue
		fi
		todir=${to%%/*}
		case $dir:$todir in
		lib:lib) ;;
		lib:*) echo "$f: lib/ includes $to (lib/ includes only lib/)"; bad=1 ;;
		fuzz:fuzz) echo "$f: fuzz/ includes $to (a header of fuzz/)"; bad=1 ;;
		fuzz:*) ;;
		*:lib) ;;
		*) if [ "$dir" != "$todir" ]; then
			echo "$f: includes $to, a file of another tool (use lib/)"
			bad=1
		   elif [ "$inc" != "${inc#*/}" ]; then
			echo "$f: includes \"$inc\": a header of its own folder by its name"
			bad=1
		   fi ;;
		esac
		from=${f%.[ch]}
		to=${to%.[ch]}
		[ "$from" = "$to" ] || echo "$from $to" >> "$edges"
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done

# tsort names the modules of a loop on stderr ("input contains a loop").
if ! out=$(tsort < "$edges" 2>&1 >/dev/null) || [ -n "$out" ]; then
	echo "include cycle among modules (X.c and X.h are one module):"
	# "tsort: -: input contains a loop:", then "tsort: MODULE" lines
	echo "$out" | sed -n 's/^tsort: \([^:]*\)$/  \1/p'
	bad=1
fi

modules=$(tr ' ' '\n' < "$edges" | sort -u | wc -l)
echo "${#files[@]} files, $arrows include arrows, $modules modules" \
	"$([ $bad = 0 ] && echo 'one way, no cycle' || echo 'with the offences above')"
exit $bad
