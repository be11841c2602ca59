#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kinspect: synthetic kernels for every compression (fake bzImages around a
# tiny ELF, compressed by the command-line tools), bad inputs, modinfo and
# the module closure on a fixture tree; then Debian's real kernel and modules
# checked against readelf and kmod's modinfo; then both fuzz targets.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"

K=$BT_BIN/kinspect
[ -x "$K" ] || skip_all "$K not built (run tests/run)"
fx=$T_TMP/fx
if ! out=$("$T_ROOT/tests/data/kinspect/mkfixtures" "$fx" 2>&1); then
	ok 1 "fixtures build"; diag "$out"; done_testing; exit 1
fi
ok 0 "fixtures build (gcc, ld, gzip, xz, lzma, zstd, lz4 -l, bzip2)"
REL=$(cat "$fx/release")
bid=$(readelf -n "$fx/tiny.elf" | sed -n 's/.*Build ID: //p')
like "$bid" '^[0-9a-f]{40}$' "readelf reads the fixture's build id"

get() { "$K" --get "$1" "$2" 2>&1; }

# --- every compression inside a bzImage -----------------------------------
for c in gzip xz lzma zstd lz4 bzip2; do
	f=$fx/bzImage-$c
	want=$c
	[ $c = lz4 ] && want=lz4-legacy
	json=$("$K" --json "$f" 2>&1)
	facts=$(printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["format"], d["compression"], d["arch"], d["release"], d["build_id"],
      d["pvh"], d["ikconfig"])' 2>&1)
	is "$facts" "bzImage $want x86_64 $REL $bid True False" \
		"bzImage-$c: --json format, compression, arch, release, build id, pvh"
	rm -f "$T_TMP/out.elf"
	"$K" --vmlinux "$T_TMP/out.elf" "$f" && cmp -s "$T_TMP/out.elf" "$fx/tiny.elf"
	ok $? "bzImage-$c: --vmlinux writes the embedded ELF byte for byte"
done
is "$(get build_id "$fx/bzImage-xz")" \
	"$(readelf -n "$T_TMP/out.elf" | sed -n 's/.*Build ID: //p')" \
	"build id equals readelf -n of the extracted ELF"
is "$("$K" --make-vars "$fx/bzImage-xz" | grep -v '^#' | tr '\n' ' ')" \
	"bt-k-arch := x86_64 bt-k-release := $REL bt-k-format := bzImage bt-k-pvh := y bt-k-ikconfig :=  bt-k-id := $REL-${bid:0:12} " \
	"--make-vars: the facts make reads, the cache directory named by release and build id"
check_fail "--make-vars takes no other option" "$K" --make-vars --json "$fx/bzImage-xz"
ls -a "$T_TMP" | grep -q '\.tmp\.' && ok 1 "no temporary file left" ||
	ok 0 "--vmlinux leaves no temporary file"

# --- other formats ---------------------------------------------------------
is "$(get format "$fx/tiny.elf") $(get compression "$fx/tiny.elf")" \
	"vmlinux none" "ELF vmlinux"
for f in vmlinux.xz:xz vmlinux.zst:zstd vmlinux.lz4:lz4; do
	is "$(get format "$fx/${f%%:*}") $(get compression "$fx/${f%%:*}") $(get build_id "$fx/${f%%:*}")" \
		"${f%%:*} ${f#*:} $bid" "whole-file ${f#*:}: vmlinux inside"
done
is "$(get format "$fx/Image") $(get arch "$fx/Image") $(get qemu_arch "$fx/Image") $(get release "$fx/Image")" \
	"Image arm64 aarch64 $REL" "arm64 Image header"
is "$(get format "$fx/Image.gz") $(get build_id "$fx/Image.gz")" \
	"Image.gz 0102030405060708090a0b0c0d0e0f1011121314" \
	"Image.gz: gzip, build id from the raw .notes"
"$K" --vmlinux "$T_TMP/img.elf" "$fx/Image" 2> "$T_TMP/err"
is "$?" 1 "--vmlinux of an arm64 Image: exit 1 (no ELF inside)"
is "$(get pvh "$fx/tiny-nopvh.elf")" false "no Xen PHYS32_ENTRY note: pvh false"
is "$(get pvh_entry "$fx/tiny.elf")" 0x1000850 "pvh_entry from the note"
is "$(get banner "$fx/tiny.elf")" "Linux version $REL (builder@boottest) (gcc) #1 SMP PREEMPT" \
	"banner: the copy with the build number, not version.c's weak one"

# --- IKCONFIG ----------------------------------------------------------------
is "$(get ikconfig "$fx/tiny-ikcfg.elf")" true "IKCFG_ST...IKCFG_ED found"
"$K" --config "$fx/tiny-ikcfg.elf" > "$T_TMP/config" && cmp -s "$T_TMP/config" "$fx/config"
ok $? "--config prints the embedded config"
err=$("$K" --config "$fx/tiny.elf" 2>&1)
rc=$?
is "$rc" 1 "--config without IKCONFIG: exit 1"
like "$err" '^kinspect: error: .*tiny.elf: no embedded config \(IKCONFIG\).*CONFIG_IKCONFIG=y' \
	"--config without IKCONFIG: names CONFIG_IKCONFIG"

# --- --tree ------------------------------------------------------------------
tree=$T_TMP/tree
mkdir -p "$tree/include/config"
echo "$REL" > "$tree/include/config/kernel.release"
cp "$fx/tiny.elf" "$tree/vmlinux"
out=$("$K" --get tree.match --tree "$tree" "$fx/bzImage-zstd")
is "$?:$out" "0:true" "--tree: the tree's own image matches (exit 0)"
cp "$fx/tiny-nopvh.elf" "$tree/vmlinux"
out=$("$K" --get tree.reason --tree "$tree" "$fx/bzImage-zstd")
is "$?" 1 "--tree: same release, another build: exit 1"
like "$out" '^build id [0-9a-f]+ differs' "--tree: the reason names the build id"
echo 6.1.0-other > "$tree/include/config/kernel.release"
out=$("$K" --get tree.reason --tree "$tree" "$fx/bzImage-zstd")
is "$?:$out" "1:release $REL differs from the tree's 6.1.0-other" "--tree: another release"
rm "$tree/include/config/kernel.release"
"$K" --tree "$tree" "$fx/bzImage-zstd" > /dev/null 2> "$T_TMP/err"
is "$?" 2 "--tree on an unbuilt tree: exit 2"
like "$(cat "$T_TMP/err")" 'kernel.release: cannot read.*build the tree first' \
	"--tree on an unbuilt tree: says to build it"

# --- bad input: one line on stderr, exit 1 (content) or 2 (cannot read) -----
: > "$T_TMP/empty"
printf 'hello\n' > "$T_TMP/text"
head -c 4096 /dev/zero > "$T_TMP/zeroes"
head -c 1100 "$fx/bzImage-xz" > "$T_TMP/short"
mkdir "$T_TMP/dir"
bad() {	# bad EXIT REGEX NAME ARGS...
	local want=$1 re=$2 name=$3 err rc
	shift 3
	if [ "$1" = --timeout-wrapper ]; then
		shift
		err=$(timeout 20 "$K" "$@" 2>&1 > /dev/null)
	else
		err=$("$K" "$@" 2>&1 > /dev/null)
	fi
	rc=$?
	if [ "$rc" = "$want" ] && [[ $err =~ $re ]] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ]; then
		ok 0 "$name: exit $want, one line"
	else
		ok 1 "$name: exit $want, one line"
		diag "exit $rc: $err"
	fi
}
bad 2 '^kinspect: error: .*/missing: cannot open: No such file' "missing file" "$T_TMP/missing"
bad 2 '^kinspect: error: .*/dir: is a directory' "directory" "$T_TMP/dir"
bad 1 '^kinspect: error: .*/empty: empty file' "zero-length file" "$T_TMP/empty"
bad 1 '^kinspect: error: .*/text: text, not a kernel image' "text file" "$T_TMP/text"
bad 1 '^kinspect: error: .*/zeroes: data, not a kernel image' "file of zeroes" "$T_TMP/zeroes"
bad 1 'ELF file without a "Linux version" banner: not a Linux kernel' "ELF program" /bin/true
bad 1 'bzImage truncated or corrupt: payload at' "truncated bzImage" "$T_TMP/short"
bad 1 'xz data truncated' "bzImage with a cut xz stream" "$fx/bzImage-cut"
bad 2 'expected one KERNEL' "no argument"
bad 2 '/dir: exists and is not a regular file' "--vmlinux onto a directory" \
	--vmlinux "$T_TMP/dir" "$fx/bzImage-gzip"
bad 2 'unrecognized option' "unknown option" --bogus "$fx/tiny.elf"
bad 2 '^kinspect: error: --get nosuchfield: no such field for this kernel; its fields: file, format, ' \
	"--get of no field" --get nosuchfield "$fx/tiny.elf"
bad 1 '^kinspect: error: .*/Image: pvh_entry: not set for this kernel' \
	"--get of a field this kernel lacks" --get pvh_entry "$fx/Image"
mkfifo "$T_TMP/fifo"
bad 2 '^kinspect: error: .*/fifo: not a regular file \(a FIFO\)' \
	"FIFO without a writer (no hang)" --timeout-wrapper "$T_TMP/fifo"

# --- broken ELF kernels: refused, and --vmlinux writes nothing -----------
# mangle IN OUT HOW: a copy of an ELF64 little-endian file, broken
mangle() {
	python3 - "$@" <<'EOP'
import struct, sys
src, dst, how = sys.argv[1:4]
d = bytearray(open(src, 'rb').read())
if how.startswith('cut'):
    d = d[:len(d) - int(how[3:])]
elif how == 'class':
    d[4] ^= 3
elif how == 'loads':
    phoff, = struct.unpack_from('<Q', d, 32)
    phentsize, phnum = struct.unpack_from('<HH', d, 54)
    for i in range(phnum):
        o = phoff + i * phentsize
        if struct.unpack_from('<I', d, o)[0] == 1:
            struct.pack_into('<Q', d, o + 8, len(d) + 4096 * (i + 1))
elif how == 'zero':
    d = b'\x7fELF' + bytes(4092)
open(dst, 'wb').write(d)
EOP
}
broken() { # HOW REGEX NAME [ELF]
	local elf=${4:-$fx/tiny.elf}
	mangle "$elf" "$T_TMP/broken.elf" "$1"
	bad 1 "broken.elf: $2" "$3" --json "$T_TMP/broken.elf"
	rm -f "$T_TMP/broken.out"
	"$K" --vmlinux "$T_TMP/broken.out" "$T_TMP/broken.elf" 2>/dev/null
	[ $? = 1 ] && [ ! -e "$T_TMP/broken.out" ] && ! ls "$T_TMP" | grep -q '\.tmp\.'
	ok $? "$3: --vmlinux exits 1 and writes no file"
}
broken cut1 'ELF file truncated or corrupt: section headers' "ELF cut by 1 byte"
broken class 'ELF header sizes do not fit its class \(32-bit\)' "ELF with its class byte flipped"
broken loads 'ELF file truncated or corrupt: PT_LOAD segment [0-9]+ \(.* at offset .*\) ends past its' "ELF with every PT_LOAD past its end"
broken zero 'not a valid ELF file: class byte 0' "zero-filled ELF header"

# --- modinfo -----------------------------------------------------------------
md=$fx/moddir/lib/modules/$REL
is "$("$K" modinfo -F depends "$md/kernel/fs/top.ko")" "mid_one,leaf" "modinfo -F depends"
is "$("$K" modinfo --json "$md/kernel/crypto/foo_generic.ko" | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]
print(d["name"], d["alias"], d["depends"], d["license"])')" \
	"foo_generic ['crypto-foo', 'foo'] [] GPL" "modinfo --json: name, alias list, depends list"
is "$("$K" modinfo -F name "$md/kernel/drivers/xzmod.ko.xz" "$md/kernel/drivers/zstmod.ko.zst" "$md/kernel/drivers/gzmod.ko.gz" | tr '\n' ' ')" \
	"xzmod zstmod gzmod " "modinfo of .ko.xz, .ko.zst, .ko.gz"
bad 1 'tiny.elf: no .modinfo section: not a kernel module' "modinfo of a non-module" \
	modinfo "$fx/tiny.elf"
bad 2 'cannot open' "modinfo of a missing file" modinfo "$T_TMP/missing.ko"

# --- modules: the closure ---------------------------------------------------
names() { sed 's|.*/||; s|\.ko.*||'; }
is "$("$K" modules "$md" top | names | tr '\n' ' ')" "foo_generic leaf mid-one top " \
	"closure: softdep pre (by alias), depends, dependencies first, builtin skipped"
is "$("$K" modules --no-softdeps "$md" top | names | tr '\n' ' ')" "leaf mid-one top " \
	"closure without softdeps"
is "$("$K" modules "$md" xzmod | names | tr '\n' ' ')" "leaf gzmod zstmod xzmod " \
	"closure through compressed modules (.ko.xz -> .ko.zst -> .ko.gz)"
is "$("$K" modules --no-softdeps "$md" mid_one mid-one | names | tr '\n' ' ')" "leaf mid-one " \
	"'-' and '_' equivalent (mid_one is mid-one.ko), listed once"
is "$("$K" modules "$md" fs-top | names | tr '\n' ' ')" "foo_generic leaf mid-one top " \
	"a requested name that is an alias"
out=$("$K" modules "$md" core)
is "$?:$out" "0:" "a built-in module is skipped silently"
is "$("$K" modules --json "$md" top | python3 -c '
import json, sys
d = json.load(sys.stdin)
print([(m["name"], m["reason"]) for m in d["modules"]], d["builtin"])')" \
	"[('foo_generic', 'softdep'), ('leaf', 'depends'), ('mid_one', 'depends'), ('top', 'request')] ['core']" \
	"modules --json: reasons and skipped built-ins"
bad 1 'module nosuch \(needed by needy\) not found' "missing dependency names both" \
	modules "$md" needy
bad 1 'module nope not found' "missing requested module" modules "$md" nope
bad 2 'no such directory' "missing MODDIR" modules "$T_TMP/nomods" top

# --- Debian's kernel --------------------------------------------------------
deb=$("$T_ROOT/scripts/boottest/debian-kernel" --print 2>/dev/null)
vmlinuz=$(ls "$deb"/boot/vmlinuz-* 2>/dev/null | head -1)
if [ -z "$vmlinuz" ] || [ ! -f "$vmlinuz" ]; then
	skip "Debian's kernel not unpacked at '$deb' (run scripts/boottest/setup)"
else
	drel=$(basename "$(ls -d "$deb"/lib/modules/*/ | head -1)")
	json=$("$K" --json "$vmlinuz")
	facts=$(printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["format"], d["compression"], d["arch"], d["release"], d["pvh"])')
	is "$facts" "bzImage xz x86_64 $drel True" \
		"Debian vmlinuz: bzImage, xz, x86_64, release of the package, pvh"
	t0=$(date +%s.%N)
	"$K" --vmlinux "$T_TMP/deb.elf" "$vmlinuz"
	ok $? "Debian vmlinuz: --vmlinux"
	diag "extracting $(basename "$vmlinuz") took $(echo "$(date +%s.%N) - $t0" | bc) s ($K)"
	is "$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["build_id"])')" \
		"$(readelf -n "$T_TMP/deb.elf" | sed -n 's/.*Build ID: //p')" \
		"Debian vmlinuz: build id equals readelf -n on the extracted ELF"
	readelf -n "$T_TMP/deb.elf" | grep -A1 '^ *Xen ' | grep -q 'description data' &&
		readelf -h "$T_TMP/deb.elf" | grep -q 'X86-64'
	ok $? "extracted ELF is an x86-64 ELF with Xen notes (readelf)"
	broken cut3000000 'ELF file truncated or corrupt: PT_LOAD segment' \
		"Debian vmlinux cut by 3 MB" "$T_TMP/deb.elf"
	rm -f "$T_TMP/deb.elf"

	mdir=$deb/lib/modules/$drel
	nmods=$(find "$mdir" -name '*.ko' | wc -l)
	ncomp=$(find "$mdir" -name '*.ko.*' | wc -l)
	diag "Debian modules: $nmods .ko, $ncomp compressed"
	for m in virtio_blk ext4; do
		f=$(find "$mdir" -name "$m.ko*" | head -1)
		for key in name depends vermagic license alias softdep; do
			is "$("$K" modinfo -F $key "$f" | sort)" "$(modinfo -F $key "$f" | sort)" \
				"modinfo $m: $key as kmod's modinfo"
		done
	done

	# Expected closure: depends= followed recursively by kmod's modinfo.
	declare -A seen=()
	queue=(virtio_pci virtio_blk ext4)
	while [ ${#queue[@]} -gt 0 ]; do
		m=${queue[0]}; queue=("${queue[@]:1}")
		[ -n "${seen[$m]:-}" ] && continue
		seen[$m]=1
		f=$(find "$mdir" -name "$m.ko*" -o -name "${m//_/-}.ko*" | head -1)
		[ -n "$f" ] || continue
		IFS=, read -ra deps <<< "$(modinfo -F depends "$f")"
		queue+=("${deps[@]}")
	done
	got=$("$K" modules --json "$mdir" virtio_pci virtio_blk ext4)
	list=$(printf '%s' "$got" | python3 -c '
import json, sys
for m in json.load(sys.stdin)["modules"]:
    print(m["name"], m["reason"], m["path"])')
	missing=
	for m in "${!seen[@]}"; do
		grep -q "^$m " <<< "$list" || missing+=" $m"
	done
	is "$missing" "" "closure holds the recursive depends= of modinfo (${#seen[@]} modules: ${!seen[*]})"
	for m in jbd2 mbcache crc16 virtio virtio_ring; do
		grep -q "^$m " <<< "$list"
		ok $? "closure holds $m"
	done
	extra=
	while read -r name reason path; do
		[ -n "${seen[$name]:-}" ] && continue
		# anything else must be a softdep provider of crypto-crc32c
		modinfo -F alias "$path" | grep -qx 'crypto-crc32c' || extra+=" $name"
		[ "$reason" = softdep ] || extra+=" $name($reason)"
	done <<< "$list"
	is "$extra" "" "closure: nothing but depends= and the softdep providers"
	modinfo -F softdep "$(find "$mdir" -name ext4.ko)" | grep -q crypto-crc32c &&
		grep -q '^crc32c_generic softdep ' <<< "$list"
	ok $? "closure holds the crc32c provider (ext4's softdep pre: crypto-crc32c)"
	order_ok=0
	pos=0
	declare -A at=()
	while read -r name reason path; do at[$name]=$pos; pos=$((pos + 1)); done <<< "$list"
	while read -r name reason path; do
		IFS=, read -ra deps <<< "$(modinfo -F depends "$path")"
		for d in "${deps[@]}"; do
			[ "${at[$d]:-99}" -lt "${at[$name]}" ] || { order_ok=1; diag "$d not before $name"; }
		done
	done <<< "$list"
	ok $order_ok "closure: every module after its dependencies"
fi

# --- fuzz targets, bounded --------------------------------------------------
fz=$BT_TEST_BUILD/fuzz
for t in image modinfo; do
	name=fuzz-kinspect-$t
	if command -v clang > /dev/null &&
		make -s -C "$T_ROOT/tools/boottest" O="$fz" "$fz/fuzz/$name" > "$T_TMP/fz.log" 2>&1; then
		mkdir -p "$T_TMP/corpus-$t"
		"$fz/fuzz/$name" -max_total_time=15 -rss_limit_mb=1024 -timeout=20 \
			"$(fuzz_dict "$name")" "$T_TMP/corpus-$t" "$T_ROOT/tools/boottest/fuzz/corpus-kinspect-$t" \
			> "$T_TMP/fz.log" 2>&1
		ok $? "$name: 15 s without a crash" || diag "$(tail -20 "$T_TMP/fz.log")"
	else
		skip "$name not built (clang missing or build failed: $(tail -1 "$T_TMP/fz.log"))"
	fi
done

done_testing
