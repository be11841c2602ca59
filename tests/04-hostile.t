#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile inputs, as a property of every tool: each tool is given inputs
# generated from a good one (empty, truncated at several points, bits
# flipped, huge, a FIFO, a directory, a path that cannot be opened; for
# the tools that need a file, a FIFO nobody writes to) and
# must end with an exit status its documentation lists, exactly one
# "TOOL: error:" line when that status is an error (rootfs-extract names
# each damaged entry: at least one), none otherwise, no sanitizer report
# (the suite's ASan/UBSan build, BT_BIN), no hang, and no output file left
# half-written (absent after a failure, readable after a success).
. "$(dirname "$0")/lib/tap.sh"

for t in kinspect mkrootfs rootfs-extract dmesg-classify ksymbolize; do
	[ -x "$BT_BIN/$t" ] || skip_all "$BT_BIN/$t not built (tests/run builds it)"
done
for c in python3 gcc mkfifo timeout; do
	command -v $c > /dev/null || skip_all "$c missing (scripts/boottest/setup)"
done
T=$T_TMP
cd "$T" || exit 1

# gen SEED DIR [FLIPWINDOW SCALE]: the bad variants of SEED in DIR, one file
# each: empty, cut at 6 points, 6 files with 1 to 64 bits flipped (times
# SCALE, in the first FLIPWINDOW bytes: where an image keeps its
# metadata).  Deterministic.
gen() {
	mkdir -p "$2"
	python3 - "$1" "$2" "${3:-0}" "${4:-1}" <<'EOP'
import os, random, sys
seed, out, window, scale = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
d = open(seed, 'rb').read()
rnd = random.Random(19)
open(os.path.join(out, 'empty'), 'wb').close()
for n in sorted({1, 16, 64, len(d) // 4, len(d) // 2, len(d) - 1}):
    if 0 < n < len(d):
        open(os.path.join(out, 'cut-%d' % n), 'wb').write(d[:n])
w = min(len(d), window) if window else len(d)
for i, bits in enumerate((1, 2, 4, 8, 16, 64)):
    b = bytearray(d)
    for _ in range(bits * scale):
        p = rnd.randrange(w)
        b[p] ^= 1 << rnd.randrange(8)
    open(os.path.join(out, 'flip%d-%d' % (i, bits)), 'wb').write(b)
EOP
}

# A FIFO whose writer sends FILE and closes; fifo_done stops the writer
# (still waiting in open() when the tool never opened the FIFO) and
# removes the FIFO.
fifo_of() { # FILE FIFO
	rm -f "$2"
	mkfifo "$2"
	cat "$1" 2> /dev/null > "$2" &
	FIFO_PID=$!
}
fifo_done() { # FIFO
	kill "$FIFO_PID" 2> /dev/null
	wait "$FIFO_PID" 2> /dev/null
	rm -f "$1"
}

sanitizer_re='ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: UndefinedBehaviorSanitizer'

# judge TOOL NAME OKSET ERRSET [--many] -- CMD...: run CMD (timeout 120 s)
# with stdout in $T/out.stdout, stderr in $T/out.stderr; sets RC.
judge() {
	local tool=$1 name=$2 okset=$3 errset=$4 many= n why=
	shift 4
	[ "$1" = --many ] && { many=1; shift; }
	[ "$1" = -- ] && shift
	timeout 120 "$@" > "$T/out.stdout" 2> "$T/out.stderr" < /dev/null
	RC=$?
	n=$(grep -c "^$tool: error:" "$T/out.stderr")
	if grep -Eq "$sanitizer_re" "$T/out.stderr"; then
		why="sanitizer report"
	elif [[ " $okset " == *" $RC "* ]]; then
		[ "$n" = 0 ] || why="exit $RC with $n error lines"
	elif [[ " $errset " == *" $RC "* ]]; then
		if [ -n "$many" ]; then
			[ "$n" -ge 1 ] || why="exit $RC without an error line"
		else
			[ "$n" = 1 ] || why="exit $RC with $n error lines"
		fi
	else
		why="exit $RC, not in {$okset $errset}"
	fi
	[ -z "$why" ]
	ok $? "$tool: $name: exit $RC, $n error lines" ||
		diag "$why: $(head -c 3000 "$T/out.stderr")"
}

# no_half OUT NAME: after a failure no OUT and no temporary beside it.
no_half() {
	local out=$1 name=$2 d
	d=$(dirname "$out")
	if [ "$RC" = 0 ]; then
		[ -s "$out" ]
		ok $? "$name: the output file is there"
	else
		[ ! -e "$out" ] && ! ls -a "$d" | grep -q '\.tmp\.'
		ok $? "$name: no output file, no temporary file left" ||
			diag "$(ls -la "$d")"
	fi
	rm -f "$out"
}

mkdir -p "$T/dir"
noopen="$T/not-a-dir/x"
: > "$T/not-a-dir"
# Never opened for writing: a tool that needs a file must not wait on it.
mkfifo "$T/deadfifo"

# ---- kinspect: 0 facts; 1 not a kernel or corrupt; 2 cannot read ----------
fx=$T/fx
if "$T_ROOT/tests/data/kinspect/mkfixtures" "$fx" > "$T/fx.log" 2>&1; then
	for seed in tiny.elf bzImage-gzip; do
		gen "$fx/$seed" "$T/ki-$seed"
		for f in "$T/ki-$seed"/*; do
			judge kinspect "$seed/$(basename "$f")" 0 "1 2" -- "$BT_BIN/kinspect" --json "$f"
			judge kinspect "$seed/$(basename "$f") --vmlinux" 0 "1 2" -- \
				"$BT_BIN/kinspect" --vmlinux "$T/ki.out" "$f"
			no_half "$T/ki.out" "kinspect --vmlinux $seed/$(basename "$f")"
		done
	done
	head -c 64M /dev/urandom > "$T/huge"
	judge kinspect "64 MB of random data" 0 "1 2" -- "$BT_BIN/kinspect" --json "$T/huge"
	fifo_of "$fx/tiny.elf" "$T/fifo"
	judge kinspect "a FIFO" 0 "1 2" -- "$BT_BIN/kinspect" --json "$T/fifo"
	fifo_done "$T/fifo"
	judge kinspect "a FIFO without a writer" 0 "1 2" -- "$BT_BIN/kinspect" --json "$T/deadfifo"
	judge kinspect "a directory" 0 "1 2" -- "$BT_BIN/kinspect" --json "$T/dir"
	judge kinspect "a path that cannot be opened" 0 "1 2" -- "$BT_BIN/kinspect" --json "$noopen"
else
	skip "kinspect fixtures did not build: $(tail -n 3 "$T/fx.log")"
fi

# ---- mkrootfs: 0 written; 1 host file or write error; 2 options, manifest -
mkdir -p host/sub
printf 'hello\n' > host/hello
printf 'x\n' > host/sub/x
cat > mf <<EOM
dir /etc 0755 0 0
file /etc/hello $T/host/hello 0644 0 0 /etc/hello2
slink /etc/mtab /proc/self/mounts 0777 0 0
nod /dev/console 0600 0 5 c 5 1
pipe /run/fifo 0620 1 2
tree /opt $T/host
user root 0 0 /root /bin/sh
group root 0
EOM
gen mf "$T/mk"
for f in "$T/mk"/*; do
	judge mkrootfs "manifest $(basename "$f")" 0 "1 2" -- "$BT_BIN/mkrootfs" -q -o "$T/mk.img" "$f"
	no_half "$T/mk.img" "mkrootfs manifest $(basename "$f")"
done
python3 -c "
for i in range(20000):
    print('dir /d%d 0755 0 0' % i)" > "$T/huge.mf"
judge mkrootfs "20000-line manifest" 0 "1 2" -- "$BT_BIN/mkrootfs" -q -o "$T/mk.img" "$T/huge.mf"
no_half "$T/mk.img" "mkrootfs 20000-line manifest"
head -c 200000 /dev/zero | tr '\0' x > "$T/longline.mf"
judge mkrootfs "one 200 kB line" 0 "1 2" -- "$BT_BIN/mkrootfs" -q -o "$T/mk.img" "$T/longline.mf"
no_half "$T/mk.img" "mkrootfs one 200 kB line"
fifo_of mf "$T/fifo"
judge mkrootfs "manifest from a FIFO" 0 "1 2" -- "$BT_BIN/mkrootfs" -q -o "$T/mk.img" "$T/fifo"
no_half "$T/mk.img" "mkrootfs manifest from a FIFO"
fifo_done "$T/fifo"
for f in "$T/dir" "$noopen"; do
	judge mkrootfs "manifest $f" 0 "1 2" -- "$BT_BIN/mkrootfs" -q -o "$T/mk.img" "$f"
	no_half "$T/mk.img" "mkrootfs manifest $f"
done

# ---- rootfs-extract: 0 copied; 1 unreadable, refused or damaged; 2 host ----
"$BT_BIN/mkrootfs" -q -o "$T/rx.img" --size 8M mf || ok 1 "rootfs-extract seed image"
gen "$T/rx.img" "$T/rx" 262144 64
n=0
for f in "$T/rx"/*; do
	n=$((n + 1))
	judge rootfs-extract "image $(basename "$f")" 0 "1 2" --many -- \
		"$BT_BIN/rootfs-extract" -q "$f" / "$T/rxo$n"
done
truncate -s 1G "$T/huge.img"
judge rootfs-extract "1 GiB of zeroes" 0 "1 2" -- "$BT_BIN/rootfs-extract" -q "$T/huge.img" / "$T/rxh"
fifo_of "$T/rx.img" "$T/fifo"
judge rootfs-extract "an image FIFO" 0 "1 2" --many -- "$BT_BIN/rootfs-extract" -q "$T/fifo" / "$T/rxf"
fifo_done "$T/fifo"
for f in "$T/deadfifo" "$T/dir" "$noopen"; do
	judge rootfs-extract "image $f" 0 "1 2" -- "$BT_BIN/rootfs-extract" -q "$f" / "$T/rxd"
done
[ -z "$(find "$T" -newer "$T/rx.img" -name hello -not -path "$T/rxo*" -not -path "$T/rxf*" -not -path "$T/rxd*")" ]
ok $? "rootfs-extract: nothing written outside the destination directories"

# ---- dmesg-classify: 0 no crash; 1 crash; 2 usage or unreadable --------------
log=$T_ROOT/tests/data/dmesg/debian-6.1-sysrq-crash.log
gen "$log" "$T/dc"
for f in "$T/dc"/*; do
	judge dmesg-classify "log $(basename "$f")" "0 1" 2 -- "$BT_BIN/dmesg-classify" --json "$f"
	if [ "$RC" -le 1 ]; then
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$T/out.stdout"
		ok $? "dmesg-classify log $(basename "$f"): the JSON parses"
	fi
done
for i in $(seq 1 40); do cat "$log"; done > "$T/huge.log"
judge dmesg-classify "the log 40 times" "0 1" 2 -- "$BT_BIN/dmesg-classify" --json "$T/huge.log"
fifo_of "$log" "$T/fifo"
judge dmesg-classify "a FIFO" "0 1" 2 -- "$BT_BIN/dmesg-classify" --json "$T/fifo"
fifo_done "$T/fifo"
for f in "$T/dir" "$noopen"; do
	judge dmesg-classify "log $f" "0 1" 2 -- "$BT_BIN/dmesg-classify" --json "$f"
done

# ---- ksymbolize: 0 placed; 1 not all placed; 2 usage or no debug info -------
printf 'int work(int x)\n{\n\treturn x * 3;\n}\nint main(void)\n{\n\treturn work(1);\n}\n' > k.c
gcc -g -O2 -o k k.c || ok 1 "ksymbolize seed program builds"
gen k "$T/ks"
for f in "$T/ks"/*; do
	judge ksymbolize "ELF $(basename "$f")" 0 "1 2" -- "$BT_BIN/ksymbolize" "$f" 'work+0x1/0x10'
done
fifo_of k "$T/fifo"
judge ksymbolize "a FIFO" 0 "1 2" -- "$BT_BIN/ksymbolize" "$T/fifo" 'work+0x1/0x10'
fifo_done "$T/fifo"
for f in "$T/deadfifo" "$T/dir" "$noopen" "$T/huge"; do
	[ -e "$f" ] || [ "$f" = "$noopen" ] || continue
	judge ksymbolize "ELF $f" 0 "1 2" -- "$BT_BIN/ksymbolize" "$f" 'work+0x1/0x10'
done

# ---- kinspect --make-vars: 0 plain make variables; 1 not a kernel ----------
# (make reads what it prints: only bt-k-NAME := plain values may get there)
if [ -d "$T/ki-tiny.elf" ]; then
	for f in "$T/ki-tiny.elf"/* "$T/ki-bzImage-gzip"/*; do
		judge kinspect "--make-vars $(basename "$f")" 0 "1 2" -- \
			"$BT_BIN/kinspect" --make-vars "$f"
		if [ "$RC" = 0 ]; then
			! grep -v '^#' "$T/out.stdout" | grep -qv '^bt-k-[a-z_]* := [^$#]*$'
			ok $? "kinspect --make-vars $(basename "$f"): only bt-k-NAME := plain values" ||
				diag "$(cat "$T/out.stdout")"
		fi
	done
	for f in "$T/dir" "$noopen"; do
		judge kinspect "--make-vars $f" 0 "1 2" -- "$BT_BIN/kinspect" --make-vars "$f"
	done
fi

done_testing
