#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rootfs-extract: a tree comes home intact; hand-crafted hostile images
# (odd names, symlink escapes, duplicate names, directory loops, corrupted
# superblock and inodes) are refused without writing outside DESTDIR or
# crashing; limits hold.  The fuzz targets run for a bounded time.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"

MK=$BT_BIN/mkrootfs
RX=$BT_BIN/rootfs-extract
[ -x "$MK" ] && [ -x "$RX" ] || skip_all "mkrootfs/rootfs-extract not built (make -C tools/boottest)"
command -v debugfs >/dev/null || skip_all "debugfs missing: install e2fsprogs"
T=$T_TMP
cd "$T" || exit 1

mkdir -p src/results/sub/deep src/results/empty
printf 'one\n' >src/results/a
head -c 200000 /dev/urandom >src/results/sub/big
ln src/results/a src/results/a-link
ln -s ../../../etc/passwd src/results/rel-escape
ln -s /etc/shadow src/results/abs-escape
printf 'x\n' >src/results/sub/deep/x && chmod 0751 src/results/sub/deep/x
mkfifo src/results/fifo
printf 'tree / %s/src\nnod /results/console 0600 0 0 c 5 1\n' "$T" >m
"$MK" -o base.img m || exit 1

# ---- a good tree ----------------------------------------------------------
out=$("$RX" base.img /results good 2>&1); rc=$?
is "$rc" 0 "good image: exit 0" || diag "$out"
check "file content" cmp good/sub/big src/results/sub/big
is "$(stat -c %a good/sub/deep/x)" 751 "mode kept"
is "$(stat -c %i good/a)" "$(stat -c %i good/a-link)" "hard link kept"
is "$(readlink good/rel-escape)" "../../../etc/passwd" "relative symlink recreated as a link"
is "$(readlink good/abs-escape)" "/etc/shadow" "absolute symlink recreated as a link"
[ -d good/empty ] && [ ! -e good/fifo ] && [ ! -e good/console ]
ok $? "empty dir kept; fifo and device node skipped"
like "$out" "console: special file not copied" "device node: a note"
check "guest dir given as /results/" "$RX" -q base.img /results/ good2

# ---- hostile images ---------------------------------------------------------
hostile() { cp base.img h.img; debugfs -w -R "$1" h.img >/dev/null 2>&1; }
mkdir outside
hostile "ln /results/sub /results/sub/deep/loop"
out=$(timeout 20 "$RX" h.img /results loop 2>&1); rc=$?
is "$rc" 1 "directory loop: exit 1"
like "$out" "loop: skipped: directory already copied" "directory loop: cut and named"
[ -f loop/sub/deep/x ] && [ ! -e loop/sub/deep/loop/deep ]
ok $? "directory loop: copied once"

# Names no kernel would write, patched into directory blocks: "..", one
# with a '/', and a symlink and a directory under one name (the directory's
# contents must not land where the symlink points).
rename_entry() { # image name_len file_type old new (same length)
	perl -0777 -pi -e 's{\x'"$2"'\x'"$3"'\Q'"$4"'\E}{\x'"$2"'\x'"$3$5"'}' "$1"
}
cp base.img h.img
debugfs -w -f - h.img >/dev/null 2>&1 <<EOC
ln /results/a /results/Q9
ln /results/a /results/SLASHYNAME
symlink /results/SYMDUPX1 $T/outside
mkdir /results/SYMDUPX2
write $T/src/results/a /results/SYMDUPX2/planted
EOC
rename_entry h.img 02 01 Q9 ..
rename_entry h.img 0a 01 SLASHYNAME ../../evil
rename_entry h.img 08 02 SYMDUPX2 SYMDUPX1
out=$("$RX" h.img /results bad 2>&1); rc=$?
is "$rc" 1 "hostile names: exit 1"
like "$out" "skipped: entry named '', '.', '..' or with '/'" "hostile names: refused"
is "$(echo "$out" | grep -c "skipped: entry named")" 2 "hostile names: '..' and 'x/y' both refused"
like "$out" "h.img:/results/\\.\\.: skipped: entry named" "hostile names: '..' is named"
like "$out" "h.img:/results/\\.\\.\\\\x2f\\.\\.\\\\x2fevil: skipped: entry named" "hostile names: '../../evil' is named, its / as \\x2f"
[ ! -e "$T/a" ] && [ ! -e "$T/evil" ] && [ ! -e evil ]
ok $? "hostile names: nothing written above DESTDIR"
like "$out" "SYMDUPX1: skipped: a second entry with this name" "symlink and directory with one name: the second is refused"
is "$(ls -A outside)" "" "symlink and directory with one name: nothing written through the symlink"
is "$(readlink bad/SYMDUPX1)" "$T/outside" "symlink and directory with one name: the link stays a link"

hostile "symlink /results/up ../../../../../../../../tmp"
"$RX" -q h.img /results up >/dev/null 2>&1
[ -L up/up ] && [ "$(readlink up/up)" = ../../../../../../../../tmp ]
ok $? "deep relative symlink recreated, not followed"

cp base.img h.img
dd if=/dev/zero of=h.img bs=1024 seek=1 count=1 conv=notrunc 2>/dev/null
out=$("$RX" h.img /results sb 2>&1); rc=$?
is "$rc" 1 "corrupted superblock: exit 1"
like "$out" "^rootfs-extract: error: h.img: cannot open the ext4 image: Bad magic number in super-block" "corrupted superblock: one-line error"
is "$(echo "$out" | wc -l)" 1 "corrupted superblock: exactly one line"

# An extent pointing past the end of the image: a read error, reported,
# and the file handle closed (the sanitized build's leak check).
hostile "sif /results/sub/big block[5] 0xfffffff0"
out=$("$RX" h.img /results rderr 2>&1); rc=$?
is "$rc" 1 "extent past the image: exit 1" || diag "$out"
like "$out" "results/sub/big: cannot read: .*short read" "extent past the image: the file is named"
is "$(echo "$out" | grep -c 'error:')" 1 "extent past the image: one error line"

# Garbage over the inode table: never a crash.
cp base.img h.img
itab=$(dumpe2fs h.img 2>/dev/null | awk '/Inode table at/{split($4,a,"-"); print a[1]; exit}')
head -c 65536 /dev/urandom | dd of=h.img bs=4096 seek="$itab" conv=notrunc 2>/dev/null
"$RX" -q h.img /results garbage >/dev/null 2>&1; rc=$?
[ "$rc" -le 2 ]
ok $? "random inode table: no crash (exit $rc)"

out=$("$RX" h.img /nope x 2>&1); rc=$?
[ "$rc" = 1 ] || [ "$rc" = 0 ]
ok $? "missing guest dir on a damaged image: clean exit"
out=$("$RX" base.img /nope nope 2>&1); rc=$?
is "$rc" 1 "missing guest dir: exit 1"
like "$out" "base.img:/nope: File not found by ext2_lookup" "missing guest dir: message"

# ---- sparse files -----------------------------------------------------------
# A 10 GiB file with 3 short data ranges: its holes stay holes both ways.
truncate -s 10G sp
for at in 0 5000000000 $((10 * 1024 * 1024 * 1024 - 4)); do
	printf '%.4s' "$at$at" | dd of=sp bs=1 seek="$at" conv=notrunc status=none
done
printf 'file /results/sparse %s/sp 0644 0 0\n' "$T" >sp.m
out=$("$MK" -q -o sp.img sp.m 2>&1)
ok $? "10 GiB sparse file: image written" || diag "$out"
sz=$(stat -c %s sp.img)
[ "$sz" -lt $((64 << 20)) ]
ok $? "10 GiB sparse file: image of $sz bytes (holes take no blocks)"
out=$("$RX" --max-bytes 1M sp.img /results spx 2>&1); rc=$?
is "$rc" 0 "10 GiB sparse file: extracted within --max-bytes 1M" || diag "$out"
is "$(stat -c %s spx/sparse)" 10737418240 "extracted sparse file: size"
blocks=$(stat -c %b spx/sparse)
[ "$blocks" -lt 1024 ]
ok $? "extracted sparse file: $blocks blocks allocated"
for at in 0 4096 5000000000 4999999000 $((10 * 1024 * 1024 * 1024 - 4)); do
	[ "$(cmp -n 4096 -i "$at:$at" sp spx/sparse 2>&1)" = "" ] || break
done
ok $? "extracted sparse file: content equal at 5 offsets (last: $at)"

# ---- limits -------------------------------------------------------------------
out=$("$RX" --max-bytes 1000 base.img /results lim 2>&1); rc=$?
is "$rc" 1 "--max-bytes: exit 1"
like "$out" "would pass --max-bytes 1000" "--max-bytes: message"
out=$("$RX" --max-files 3 base.img /results lim2 2>&1); rc=$?
is "$rc" 1 "--max-files: exit 1"
out=$("$RX" --max-depth 1 base.img /results lim3 2>&1); rc=$?
is "$rc" 1 "--max-depth: exit 1"
[ -d lim3/sub ] && [ ! -e lim3/sub/deep ]
ok $? "--max-depth: stops descending"
out=$("$RX" base.img 2>&1); is "$?" 2 "usage error: exit 2"

# ---- fuzz targets, bounded -----------------------------------------------------------
fz=$BT_TEST_BUILD/fuzz-rootfs
if command -v clang >/dev/null && make -s -C "$T_ROOT/tools/boottest" O="$fz" \
	"$fz/fuzz/fuzz-manifest" "$fz/fuzz/fuzz-extract" >"$T/fuzz-build.log" 2>&1; then
	for f in manifest extract; do
		mkdir -p "corpus-$f"
		cp "$T_ROOT/tools/boottest/fuzz/corpus-$f"/* "corpus-$f/"
		out=$(nice "$fz/fuzz/fuzz-$f" -max_total_time=15 -rss_limit_mb=1024 \
			-max_len=262144 "$(fuzz_dict "fuzz-$f")" "corpus-$f" 2>&1)
		ok $? "fuzz-$f: 15 s without a crash" || diag "$(echo "$out" | tail -30)"
	done
else
	skip "fuzz targets did not build (clang, libclang-rt-14-dev): $(tail -3 "$T/fuzz-build.log" 2>/dev/null)"
fi

done_testing
