#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkrootfs: images from several manifests, checked with e2fsprogs' own
# readers (e2fsck -fn, debugfs) and cpio(1); reproducibility; program
# closures against ldd; every bad-input case; make rootfs incrementality.
. "$(dirname "$0")/lib/tap.sh"

MK=$BT_BIN/mkrootfs
[ -x "$MK" ] || skip_all "$MK not built (make -C tools/boottest)"
for t in e2fsck debugfs cpio ldd; do
	command -v $t >/dev/null || skip_all "$t missing: install e2fsprogs/cpio/libc-bin"
done
T=$T_TMP
cd "$T" || exit 1

dstat() { debugfs -R "stat $2" "$1" 2>/dev/null; }
dcat() { debugfs -R "cat $2" "$1" 2>/dev/null; }
fsck_clean() { e2fsck -fn "$1" >"$T/fsck.out" 2>&1 || { cat "$T/fsck.out" >&2; return 1; }; }

# ---- every entry type --------------------------------------------------
mkdir -p host/tree/sub host/tree/empty
printf 'hello\n' >host/hello
head -c 300000 /dev/urandom >host/big
printf 'x\n' >host/tree/sub/exe && chmod 0750 host/tree/sub/exe
printf 'y\n' >host/tree/a && ln host/tree/a host/tree/a-link
ln -s sub/exe host/tree/rel-link
long=$(printf 'l%.0s' $(seq 1 100))
cat >all.manifest <<EOM
# comment line
dir /etc 0755 0 0
file /etc/hello $T/host/hello 0640 12 34 /etc/hello2 /other/hello3
file /big $T/host/big 0644 0 0
slink /etc/mtab /proc/self/mounts 0777 0 0
slink /long /$long 0777 0 0
nod /dev/console 0600 0 5 c 5 1
nod /dev/sda 0660 0 6 b 8 0
nod /dev/huge 0600 0 0 c 300 70000
pipe /run/fifo 0620 1 2
sock /run/sock 0755 3 4
dir /tmp 01777 0 0
tree /opt $T/host/tree
user root 0 0 /root /bin/sh
user fsgqa 1000 1000 /home/fsgqa /bin/bash
user nobody 65534 65534 /nonexistent /bin/false
group root 0
group fsgqa 1000 fsgqa,root
EOM
check "all entry types: image written" "$MK" -o all.img all.manifest
check "all entry types: e2fsck -fn clean" fsck_clean all.img
s=$(dstat all.img /etc/hello)
like "$s" "Type: regular +Mode: +0640" "file mode 0640"
like "$s" "User: +12 +Group: +34" "file owner 12:34"
like "$s" "Links: 3" "file with two hard links has 3 links"
ino=$(debugfs -R 'ls -l /etc' all.img 2>/dev/null | awk '$NF=="hello"{print $1}')
ino2=$(debugfs -R 'ls -l /other' all.img 2>/dev/null | awk '$NF=="hello3"{print $1}')
is "$ino2" "$ino" "hard link shares the inode"
is "$(dcat all.img /other/hello3)" "hello" "hard link content"
dcat all.img /big >big.out
check "300 kB file content intact" cmp big.out host/big
like "$(dstat all.img /etc/mtab)" 'Fast link dest: "/proc/self/mounts"' "fast symlink target"
like "$(dstat all.img /long)" "Type: symlink.*Size: 101" "slow symlink (101 bytes)"
like "$(dstat all.img /dev/console)" "Type: character special +Mode: +0600.*Device major/minor number: 05:01" "char device 5:1"
like "$(dstat all.img /dev/sda)" "Type: block special.*Device major/minor number: 08:00" "block device 8:0"
like "$(dstat all.img /dev/huge)" "Device major/minor number: 300:70000" "device with large major/minor"
like "$(dstat all.img /run/fifo)" "Type: FIFO +Mode: +0620.*User: +1 +Group: +2" "fifo mode and owner"
like "$(dstat all.img /run/sock)" "Type: socket +Mode: +0755" "socket"
like "$(dstat all.img /tmp)" "Type: directory +Mode: +01777" "sticky directory"
like "$(dstat all.img /opt/sub/exe)" "Mode: +0750" "tree keeps the executable bits"
a1=$(debugfs -R 'ls -l /opt' all.img 2>/dev/null | awk '$NF=="a"{print $1}')
a2=$(debugfs -R 'ls -l /opt' all.img 2>/dev/null | awk '$NF=="a-link"{print $1}')
is "$a2" "$a1" "tree keeps hard links as hard links"
like "$(dstat all.img /opt/rel-link)" 'Fast link dest: "sub/exe"' "tree keeps symlinks"
like "$(dstat all.img /opt/empty)" "Type: directory" "tree keeps empty directories"
is "$(dcat all.img /etc/passwd)" "root:x:0:0:root:/root:/bin/sh
fsgqa:x:1000:1000:fsgqa:/home/fsgqa:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/bin/false" "/etc/passwd"
is "$(dcat all.img /etc/group)" "root:x:0:
fsgqa:x:1000:fsgqa,root" "/etc/group with members"
like "$(dcat all.img /etc/shadow)" "^root::::::::.fsgqa::::::::" "/etc/shadow: empty passwords"
like "$(dstat all.img /etc/shadow)" "Mode: +0600" "/etc/shadow is 0600"
like "$(dstat all.img /home/fsgqa)" "Type: directory +Mode: +0755.*User: +1000 +Group: +1000" "home owned by its user"
like "$(dstat all.img /root)" "Mode: +0700.*User: +0" "root's home 0700"
like "$(debugfs -R 'ls /' all.img 2>&1)" "lost\+found" "lost+found exists"
feat=$(dumpe2fs -h all.img 2>/dev/null | grep '^Filesystem features:')
for f in has_journal extent 64bit dir_index metadata_csum huge_file flex_bg extra_isize dir_nlink; do
	like "$feat" "\\b$f\\b" "feature $f"
done
blocks=$(stat -c %b all.img); size=$(stat -c %s all.img)
[ $((blocks * 512)) -lt $((size / 2)) ]
ok $? "image file is sparse ($((blocks * 512)) of $size bytes allocated)"

# ---- a results disk: no journal at any size, a label ----------------------
"$MK" -q -o res.img --size 256M --no-journal --label fstests-results - < /dev/null
ok $? "--no-journal --label: written"
hdr=$(dumpe2fs -h res.img 2>/dev/null)
echo "$hdr" | grep '^Filesystem features:' | grep -qw has_journal
is "$?" 1 "--no-journal: no journal at 256 MiB"
like "$hdr" "Filesystem volume name: +fstests-results" "--label: the volume label"
like "$hdr" "Reserved block count: +0" "no reserved blocks"
check "--no-journal: e2fsck -fn clean" fsck_clean res.img
out=$("$MK" -q -o res2.img --label 12345678901234567 - < /dev/null 2>&1)
is "$?" 2 "--label longer than 16 bytes: usage error" || diag "$out"
rm -f res.img res2.img

# ---- sparse host files ----------------------------------------------------
# Holes take no blocks in the image, through file and tree alike: a 10 GiB
# file with two data blocks, and a 64 MiB one with 256 data ranges (an
# extent tree beyond the inode's four extents).
mkdir -p host/sparse
truncate -s 10G host/sparse/big
printf 'head' | dd of=host/sparse/big conv=notrunc status=none
printf 'tail' | dd of=host/sparse/big bs=1 seek=$((10 * 1024 * 1024 * 1024 - 4)) conv=notrunc status=none
truncate -s 64M host/sparse/many
for i in $(seq 0 255); do
	printf 'r%03d' "$i" | dd of=host/sparse/many bs=1 seek=$((i * 262144 + 4094)) conv=notrunc status=none
done
printf 'file /big %s/host/sparse/big 0644 0 0\ntree /t %s/host/sparse\n' "$T" "$T" >sparse.manifest
out=$("$MK" -o sparse.img sparse.manifest 2>&1)
ok $? "sparse files: image written" || diag "$out"
check "sparse files: e2fsck -fn clean" fsck_clean sparse.img
sz=$(stat -c %s sparse.img)
[ "$sz" -lt $((128 << 20)) ]
ok $? "sparse files: default image size $sz bytes (two 10 GiB files in it)"
for f in /big /t/big; do
	s=$(dstat sparse.img $f)
	like "$s" "Size: 10737418240" "$f: size 10 GiB"
	like "$s" "Blockcount: 16[^0-9]" "$f: 2 blocks allocated"
done
like "$(dstat sparse.img /t/many)" "Blockcount: (409[6-9]|41[0-9][0-9])[^0-9]" "/t/many: 2 blocks per data range and the extent tree"
dcat sparse.img /t/many >many.out
check "/t/many: content" cmp many.out host/sparse/many
rm -f many.out

# ---- reproducibility ----------------------------------------------------
sleep 1
check "second build" "$MK" -o all2.img all.manifest
check "two builds are byte-identical" cmp all.img all2.img
SOURCE_DATE_EPOCH=1000000000 "$MK" -o all3.img all.manifest
like "$(dstat all3.img /etc/hello)" "mtime: 0x3b9aca00" "SOURCE_DATE_EPOCH sets inode times"
like "$(dumpe2fs -h all3.img 2>/dev/null)" "Filesystem created: +Sun Sep  9 01:46:40 2001" "SOURCE_DATE_EPOCH sets the creation time"
printf 'file /x %s/host/hello 0644 0 0\n' "$T" >one.manifest
"$MK" -o one.img one.manifest
u1=$(dumpe2fs -h all.img 2>/dev/null | grep UUID); u2=$(dumpe2fs -h one.img 2>/dev/null | grep UUID)
[ "$u1" != "$u2" ]
ok $? "different contents give different UUIDs"

# ---- program closures against ldd ---------------------------------------
closure_ok() { # prog
	local p=$1 img=$T/prog.img want got
	printf 'prog %s\n' "$p" >prog.manifest
	"$MK" -o "$img" prog.manifest || return 1
	fsck_clean "$img" || return 1
	want=$(ldd "$(command -v "$p")" | awk '/=>/{print $3} !/=>/ && $1 ~ /^\//{print $1}' | sort)
	for f in $want; do
		debugfs -R "stat $f" "$img" 2>/dev/null | grep -q 'Type: regular' ||
			{ echo "missing $f" >&2; return 1; }
	done
	debugfs -R "stat $(command -v "$p")" "$img" 2>/dev/null | grep -q 'Mode:  0755'
}
for p in bash xfs_io; do
	if command -v $p >/dev/null; then
		check "prog $p: the image holds every library ldd lists" closure_ok $p
	else
		skip "$p not installed"
	fi
done
printf '#!/bin/bash\necho hi\n' >host/script && chmod 755 host/script
printf 'prog /usr/local/bin/script %s/host/script\n' "$T" >script.manifest
"$MK" -o script.img script.manifest
like "$(dstat script.img /bin/bash)" "Type: regular" "a #! script brings its interpreter"

# Sysroot: a copied bash whose libraries resolve inside it; a library for
# another machine earlier in the search path must be passed over.
sr=$T/sysroot
mkdir -p $sr/bin $sr/lib/x86_64-linux-gnu $sr/usr/lib/x86_64-linux-gnu $sr/lib64 $sr/etc
cp /bin/bash $sr/bin/
for l in $(ldd /bin/bash | awk '/=>/{print $3}'); do cp "$l" $sr/usr/lib/x86_64-linux-gnu/; done
cp /lib64/ld-linux-x86-64.so.2 $sr/usr/lib/x86_64-linux-gnu/
ln -s /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 $sr/lib64/ld-linux-x86-64.so.2
cp $sr/usr/lib/x86_64-linux-gnu/libtinfo.so.6 $sr/lib/x86_64-linux-gnu/libtinfo.so.6
printf '\267\000' | dd of=$sr/lib/x86_64-linux-gnu/libtinfo.so.6 bs=1 seek=18 conv=notrunc 2>/dev/null
printf 'prog /bin/bash\n' >sr.manifest
check "sysroot: closure resolves" "$MK" --sysroot $sr -o sr.img --depfile sr.d sr.manifest
like "$(cat sr.d)" "$sr/usr/lib/x86_64-linux-gnu/libtinfo.so.6" "sysroot: the library of the program's machine is taken"
[[ "$(cat sr.d)" != *"$sr/lib/x86_64-linux-gnu/libtinfo.so.6"* ]]
ok $? "sysroot: the aarch64-tagged library earlier in the path is passed over"
[[ "$(cat sr.d)" != *" /usr/lib/x86_64-linux-gnu/"* && "$(cat sr.d)" != *" /lib/x86_64-linux-gnu/"* ]]
ok $? "sysroot: no host library is used"
like "$(cat sr.d)" "$sr/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "sysroot: absolute symlink for PT_INTERP stays in the sysroot"

# ---- busybox ------------------------------------------------------------
if [ -x /bin/busybox ]; then
	printf 'busybox\n' >bb.manifest
	check "busybox image" "$MK" -o bb.img bb.manifest
	n=$(/bin/busybox --list-full | grep -vc '^bin/busybox$')
	got=$(for d in / /bin /sbin /usr/bin /usr/sbin; do debugfs -R "ls -l $d" bb.img 2>/dev/null; done | grep -c ' 120777 ')
	is "$got" "$n" "one link per applet ($n)"
	like "$(dstat bb.img /bin/sh)" 'Fast link dest: "/bin/busybox"' "applet links point at /bin/busybox"
	# A busybox for another machine is never run: its applet table is read.
	cp /bin/busybox bb-arm64
	printf '\267\000' | dd of=bb-arm64 bs=1 seek=18 conv=notrunc 2>/dev/null
	printf 'busybox %s/bb-arm64\n' "$T" >bbx.manifest
	check "foreign-arch busybox image" "$MK" -o bbx.img bbx.manifest
	got=$(debugfs -R "ls -l /bin" bbx.img 2>/dev/null | grep -c ' 120777 ')
	[ "$got" -ge "$((n - 5))" ]
	ok $? "foreign-arch busybox: applets from its table ($got of $n)"
	like "$(dstat bbx.img /bin/mount)" 'Fast link dest: "/bin/busybox"' "foreign-arch busybox: /bin/mount"
else
	skip "/bin/busybox missing: install busybox-static"
fi

# ---- cpio ---------------------------------------------------------------
check "cpio written" "$MK" --cpio all.cpio all.manifest
list=$(cpio -it --quiet <all.cpio)
echo "$list" | grep -qx etc/hello
ok $? "cpio lists etc/hello"
like "$list" "dev/console" "cpio lists dev/console"
vt=$(cpio -ivt --quiet --numeric-uid-gid <all.cpio 2>/dev/null)
like "$vt" "crw------- +1 0 +5 +5, +1 .*dev/console" "cpio -ivt: device node mode, owner, numbers"
like "$vt" "lrwxrwxrwx .*etc/mtab -> /proc/self/mounts" "cpio -ivt: symlink"
mkdir cx && (cd cx && cpio -id --quiet <../all.cpio 2>/dev/null)
check "cpio: file content" cmp cx/big host/big
is "$(stat -c %i cx/etc/hello)" "$(stat -c %i cx/other/hello3)" "cpio: hard links unpack as hard links"
is "$(cat cx/etc/hello2)" "hello" "cpio: hard link data"
check "cpio: same bytes twice" sh -c "'$MK' --cpio all2.cpio all.manifest && cmp all.cpio all2.cpio"

# ---- bad input ----------------------------------------------------------
# A manifest error is bad input given by the user, like a bad option: 2; a
# host file that cannot be used, or a write error: 1.
bad() { # status name manifest-text expected-regex [extra args]
	local status=$1 name=$2 text=$3 re=$4 out rc
	shift 4
	printf '%s\n' "$text" >bad.manifest
	out=$("$MK" -o bad.img "$@" bad.manifest 2>&1); rc=$?
	is "$rc" "$status" "$name: exit status $status" || diag "$out"
	like "$out" "$re" "$name: message"
	[ "$(echo "$out" | grep -c 'error:')" = 1 ]
	ok $? "$name: one error line"
	[ ! -e bad.img ] && ! ls .bad.img.tmp.* >/dev/null 2>&1
	ok $? "$name: no image, no temporary file left"
}
bad 2 "unparseable line" $'dir /a 0755 0 0\nfile /x' "bad.manifest:2: file takes at least 5 fields"
bad 2 "unknown type" "frob /x" "bad.manifest:1: unknown entry type 'frob'"
bad 2 "bad mode" "dir /a 0999 0 0" "bad.manifest:1: dir: MODE is not an octal number"
bad 2 "dotdot name" "dir /a/../b 0755 0 0" "bad.manifest:1: dir: NAME .*'\.\.'"
n255=$(printf 'N%.0s' $(seq 1 255))
bad 2 "name of 256 bytes" "file /${n255}X $T/host/hello 0644 0 0" "bad.manifest:1: file: name too long \\(256 > 255 bytes\\)"
bad 2 "directory of 300 bytes" "dir /a/${n255}$(printf x%.0s $(seq 1 45))/b 0755 0 0" "bad.manifest:1: dir: name too long \\(300 > 255 bytes\\)"
bad 2 "hard link name of 256 bytes" "file /x $T/host/hello 0644 0 0 /y/${n255}X" "name too long \\(256 > 255 bytes\\)"
printf 'file /d/%s %s/host/hello 0644 0 0\n' "$n255" "$T" >n255.manifest
check "name of 255 bytes: image written" "$MK" -o n255.img n255.manifest
check "name of 255 bytes: e2fsck -fn clean" fsck_clean n255.img
is "$(dcat n255.img "/d/$n255")" "hello" "name of 255 bytes: content"
bad 2 "entry below a file" $'file /a '"$T"$'/host/hello 0644 0 0\ndir /a/b 0755 0 0' \
	"bad.manifest:2: /a is not a directory in the image"
bad 2 "file over a full directory" $'dir /d/e 0755 0 0\nfile /d '"$T"$'/host/hello 0644 0 0' \
	"bad.manifest:2: /d is a directory with entries below it"
bad 2 "unset variable" 'file /x ${BT_NOT_SET_VAR}/y 0644 0 0' "bad.manifest:1: \\$\\{BT_NOT_SET_VAR\\} is not set"
bad 1 "missing host file" "file /x $T/nope 0644 0 0" "bad.manifest:1: file /x: $T/nope: No such file or directory"
bad 1 "prog not ELF" "prog /x $T/host/hello" "bad.manifest:1: prog /x: $T/host/hello is neither an ELF program nor a #! script"
rm $sr/usr/lib/x86_64-linux-gnu/libtinfo.so.6
bad 1 "library not found" "prog /bin/bash" "library libtinfo.so.6 needed by /bin/bash not found.*install the package" --sysroot $sr
head -c 3M /dev/zero >host/zero3m
bad 1 "image too small" "file /big $T/host/zero3m 0644 0 0" "image too small: --size 2097152 bytes, the contents need at least [0-9]+" --size 2M
mkdir bad.img
out=$("$MK" -o bad.img all.manifest 2>&1); rc=$?
is "$rc" 1 "output is a directory: exit status 1"
like "$out" "bad.img: exists and is not a regular file" "output is a directory: message"
rmdir bad.img
out=$("$MK" 2>&1); is "$?" 2 "no manifest: usage error (2)"

# An existing image survives a failed build.
cp one.img keep.img
printf 'file /x %s/nope 0644 0 0\n' "$T" >fail.manifest
"$MK" -o keep.img fail.manifest 2>/dev/null
check "a failed build leaves the previous image untouched" cmp one.img keep.img

# ---- make rootfs ----------------------------------------------------------
if [ -e "$T_ROOT/scripts/boottest/init" ]; then
	o=$T/o
	out=$(make -s -C "$T_ROOT" -f Makefile.boot rootfs O=$o 2>&1)
	ok $? "make rootfs" || diag "$out"
	img=$o/.boottest/rootfs.ext4
	check "make rootfs: e2fsck clean" fsck_clean $img
	like "$(dstat $img /init)" "Mode: +0755" "make rootfs: /init"
	like "$(dcat $img /etc/passwd)" "fsgqa:x:1000" "make rootfs: fstests users"
	like "$(dcat $img /etc/group)" "fsgqa:x:1000:fsgqa" "make rootfs: group fsgqa"
	like "$(dstat $img /dev/kmsg)" "Device major/minor number: 01:11" "make rootfs: /dev/kmsg"
	m1=$(stat -c %Y.%i $img)
	out=$(make -C "$T_ROOT" -f Makefile.boot rootfs O=$o 2>&1)
	[[ "$out" != *ROOTFS* ]] && [ "$(stat -c %Y.%i $img)" = "$m1" ]
	ok $? "make rootfs: second run does nothing" || diag "$out"
	printf 'dir /extra 0755 0 0\n' >extra.manifest
	out=$(make -C "$T_ROOT" -f Makefile.boot rootfs O=$o ROOTFS_EXTRA=$T/extra.manifest 2>&1)
	like "$out" "ROOTFS" "make rootfs: ROOTFS_EXTRA= rebuilds"
	like "$(dstat $img /extra)" "Type: directory" "make rootfs: the fragment is applied"
	touch -d '+1 minute' extra.manifest
	out=$(make -C "$T_ROOT" -f Makefile.boot rootfs O=$o ROOTFS_EXTRA=$T/extra.manifest 2>&1)
	like "$out" "ROOTFS" "make rootfs: a touched input rebuilds"
	printf 'frob /x\n' >badx.manifest
	cp $img keep.img
	out=$(make -s -C "$T_ROOT" -f Makefile.boot rootfs O=$o ROOTFS_EXTRA=$T/badx.manifest 2>&1)
	rc=$?
	[ $rc != 0 ] && [[ "$out" == *"badx.manifest:1: unknown entry type 'frob'"* ]] &&
		cmp -s $img keep.img
	ok $? "make rootfs: a manifest error fails make, names file:line, keeps the image" ||
		diag "exit $rc: $out"
	out=$(make -C "$T_ROOT" -f Makefile.boot rootfs O=$o ROOTFS_EXTRA=$T/extra.manifest ROOTFS_SIZE=100M 2>&1)
	is "$(stat -c %s $img)" $((100 << 20)) "make rootfs: ROOTFS_SIZE="
else
	skip "scripts/boottest/init missing"
fi

done_testing
