#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/boottest/run passes boottest's own exit status on (make can only
# say 2 for a failed recipe): 0 clean, 1 kernel/CMD failed, 2 infrastructure,
# 125 for infrastructure under BISECT=1 (git bisect run's "skip").
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
. "$(dirname "$0")/lib/fuzz.sh"
need_boot_env

out=$T_TMP/out
run() {
	local log=$1
	shift
	(cd "$T_TMP" && MAKEFILE="$T_ROOT/Makefile.boot" \
		"$T_ROOT/scripts/boottest/run" O="$out" TIMEOUT=240 "$@") \
		< /dev/null > "$log" 2>&1
}

run "$T_TMP/true.log" CMD=true
is $? 0 "CMD=true: status 0" || diag "$(tail -n 15 "$T_TMP/true.log")"

run "$T_TMP/false.log" CMD=false
is $? 1 "CMD=false: status 1 (make alone says 2)" || diag "$(tail -n 15 "$T_TMP/false.log")"
# The run says where its results are, and that is this run's directory.
false_run=$(sed -n 's/^boottest: results in //p' "$T_TMP/false.log")
[ -n "$false_run" ] && [ -f "$false_run/result.json" ] &&
	[ "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cmd"]["status"])' \
		"$false_run/result.json")" = 1 ]
ok $? "CMD=false: the output names this run's directory and its result.json"

make -s -f "$T_ROOT/Makefile.boot" boottest O="$out" CMD=false < /dev/null > /dev/null 2>&1
is $? 2 "make itself reports the same run as 2 (why the wrapper exists)"

run "$T_TMP/bad.log" TIMEOUT=abc
is $? 2 "TIMEOUT=abc: status 2"

run "$T_TMP/bad-bisect.log" TIMEOUT=abc BISECT=1
is $? 125 "TIMEOUT=abc BISECT=1: status 125 (git bisect skip)"

run "$T_TMP/nokernel.log" KERNEL=/nonexistent BISECT=1
is $? 125 "KERNEL=/nonexistent BISECT=1: status 125"

(cd "$T_TMP" && MAKEFILE="$T_ROOT/Makefile.boot" FSTESTS= \
	"$T_ROOT/scripts/boottest/run" fstests-vm O="$out" FSTESTS=/nonexistent BISECT=1) \
	< /dev/null > "$T_TMP/fst.log" 2>&1
is $? 125 "fstests-vm FSTESTS=/nonexistent BISECT=1: status 125"
like "$(cat "$T_TMP/fst.log")" "fstests-vm: error: .*FSTESTS" "... with the error naming FSTESTS"

# --- under BISECT=1 every infrastructure error is 125, also the ones vmrun
# finds in its options; the run script alone turns 2 into 125 -------------
make -s -f "$T_ROOT/Makefile.boot" boottest O="$out" MEM=abc \
	< /dev/null > "$T_TMP/mem-make.log" 2>&1
like "$(cat "$T_TMP/mem-make.log")" "boottest: exit status 2" \
	"MEM=abc: the recipe prints vmrun's status 2"
run "$T_TMP/mem-bisect.log" MEM=abc BISECT=1
is $? 125 "MEM=abc BISECT=1: status 125"
run "$T_TMP/mem.log" MEM=abc
is $? 2 "MEM=abc: status 2"
like "$(cat "$T_TMP/mem.log")" "MEM=abc: not a size" "MEM=abc: the error names the variable"
# Before a run directory exists there is no result.json of this run: the
# output must not point at runs/latest (an older run's).
[[ "$(cat "$T_TMP/mem.log" "$T_TMP/mem-bisect.log")" != *result.json* ]] &&
	[[ "$(cat "$T_TMP/mem.log" "$T_TMP/mem-bisect.log")" != *"results in"* ]]
ok $? "MEM=abc: no pointer to an older run's result.json" || diag "$(cat "$T_TMP/mem.log")"
# BISECT=1 is the run script's: make never sees it
fake_make=$T_TMP/make-args
printf '#!/bin/bash\nprintf "%%s\\n" "$@" > %q\n' "$T_TMP/make.args" > "$fake_make"
chmod +x "$fake_make"
MAKE=$fake_make run "$T_TMP/args.log" CMD=true BISECT=1
[ -s "$T_TMP/make.args" ] && ! grep -q BISECT "$T_TMP/make.args"
ok $? "BISECT=1 is not passed on to make" || diag "$(cat "$T_TMP/make.args")"

# --- a file that is not a kernel: refused before QEMU starts -------------
# QEMU is a wrapper that records each call; no call, no new run directory.
printf '#!/bin/sh\necho "$*" >> "%s/qemu.calls"\nexec qemu-system-x86_64 "$@"\n' \
	"$T_TMP" > "$T_TMP/qemu"
chmod +x "$T_TMP/qemu"
head -c 1M /dev/urandom > "$T_TMP/random.img"
runs_before=$(ls "$out/.boottest/runs" 2>/dev/null | wc -l)
for k in "$T_TMP/random.img:data" /etc/passwd:text; do
	f=${k%:*}
	BOOTTEST_QEMU=$T_TMP/qemu run "$T_TMP/notk.log" KERNEL="$f" TIMEOUT=15
	is $? 2 "KERNEL=$f: status 2" || diag "$(tail -n 5 "$T_TMP/notk.log")"
	like "$(cat "$T_TMP/notk.log")" "$f: ${k##*:}, not a kernel image" \
		"KERNEL=$f: the error names the file and what it is"
	BOOTTEST_QEMU=$T_TMP/qemu run "$T_TMP/notk.log" KERNEL="$f" TIMEOUT=15 BISECT=1
	is $? 125 "KERNEL=$f BISECT=1: status 125"
done
[ ! -e "$T_TMP/qemu.calls" ]
ok $? "not a kernel: QEMU never started" || diag "$(cat "$T_TMP/qemu.calls")"
is "$(ls "$out/.boottest/runs" 2>/dev/null | wc -l)" "$runs_before" \
	"not a kernel: no run directory made"

# vmrun started directly checks the file's head itself (kinspect is too slow
# to run on every boot): the same files, the same refusal.
vmrun=$out/.boottest/tools/vmrun
for k in "$T_TMP/random.img:data" /etc/passwd:text; do
	f=${k%:*}
	BOOTTEST_QEMU=$T_TMP/qemu "$vmrun" --kernel "$f" --rootfs "$T_TMP/random.img" \
		--runs-dir "$T_TMP/notk-runs" --timeout 15 > "$T_TMP/notk.log" 2>&1
	is $? 2 "vmrun --kernel $f: status 2" || diag "$(cat "$T_TMP/notk.log")"
	is "$(cat "$T_TMP/notk.log")" \
		"vmrun: error: $f: ${k##*:}, not a kernel image QEMU boots for x86_64; give a bzImage or a vmlinux with a PVH note" \
		"vmrun --kernel $f: one error line naming the file, what it is, what to give"
done
"$vmrun" --arch arm64 --kernel /bin/sh --rootfs "$T_TMP/random.img" \
	--runs-dir "$T_TMP/notk-runs" > "$T_TMP/notk.log" 2>&1
is $? 2 "vmrun --arch arm64 --kernel /bin/sh: status 2"
like "$(cat "$T_TMP/notk.log")" "/bin/sh: an ELF (for x86_64|shared object).*give the Image" \
	"... the error says what it is and names the Image"
[ ! -e "$T_TMP/qemu.calls" ]
ok $? "vmrun, not a kernel: QEMU never started" || diag "$(cat "$T_TMP/qemu.calls")"
[ ! -e "$T_TMP/notk-runs" ]
ok $? "vmrun, not a kernel: no run directory made"
# The smallest file the check takes for an x86_64 kernel: an ELF executable
# with one PT_NOTE segment holding the PVH entry note ("Xen", type 18).
{
	printf '\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0\76\0\1\0\0\0'
	printf '\0\0\0\0\0\0\0\0\100\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'
	printf '\0\0\0\0\100\0\70\0\1\0\100\0\0\0\0\0'
	printf '\4\0\0\0\4\0\0\0\170\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'
	printf '\0\0\0\0\0\0\0\0\24\0\0\0\0\0\0\0\24\0\0\0\0\0\0\0'
	printf '\4\0\0\0\0\0\0\0\4\0\0\0\4\0\0\0\22\0\0\0Xen\0\0\0\0\1'
} > "$T_TMP/k"
# What QEMU cannot boot although its head looks right: an x86 ELF without
# the PVH note (the same header, no program header), and on arm64 a gzip
# stream that holds no Image.
head -c 20 "$T_TMP/k" > "$T_TMP/nopvh"
gzip -c /etc/passwd > "$T_TMP/text.gz"
head -c 64K /dev/urandom | gzip -c > "$T_TMP/data.gz"
for k in "x86_64:$T_TMP/nopvh:an x86_64 ELF without a PVH note:a bzImage" \
	"arm64:$T_TMP/text.gz:gzip data holding text:the Image" \
	"arm64:$T_TMP/data.gz:gzip data holding data:the Image"; do
	IFS=: read -r a f what hint <<< "$k"
	BOOTTEST_QEMU=$T_TMP/qemu "$vmrun" --arch "$a" --kernel "$f" --rootfs "$T_TMP/random.img" \
		--runs-dir "$T_TMP/notk-runs" > "$T_TMP/notk.log" 2>&1
	is $? 2 "vmrun --arch $a --kernel ${f##*/}: status 2"
	[ "$(wc -l < "$T_TMP/notk.log")" = 1 ] &&
		grep -q "^vmrun: error: $f: $what, not a kernel image QEMU boots for $a; give $hint" "$T_TMP/notk.log"
	ok $? "... one error line: $what" || diag "$(cat "$T_TMP/notk.log")"
done
[ ! -e "$T_TMP/qemu.calls" ] && [ ! -e "$T_TMP/notk-runs" ]
ok $? "vmrun, no PVH note or no Image in the gzip: QEMU never started, no run directory"
# ... and what it can: the PVH ELF, and an arm64 Image in gzip.
gzip -c "$T_ROOT/tools/boottest/fuzz/corpus-vmrun-kernel/arm64-Image" > "$T_TMP/Image.gz"
for k in "x86_64:$T_TMP/k" "arm64:$T_TMP/Image.gz"; do
	"$vmrun" --arch "${k%%:*}" --kernel "${k#*:}" --rootfs /nonexistent/r \
		--runs-dir "$T_TMP/notk-runs" > "$T_TMP/notk.log" 2>&1
	like "$(cat "$T_TMP/notk.log")" "^vmrun: error: /nonexistent/r: no root image" \
		"vmrun --arch ${k%%:*} --kernel ${k##*/}: taken as a kernel (the next check speaks)"
done
# The check for any bytes, both architectures: taken or one line.
fuzz_run fuzz-vmrun-kernel vmrun-kernel 15

# --- variables that name nothing: refused before any boot ---------------
run "$T_TMP/prof.log" PROFILE=nonesuch
is $? 2 "PROFILE=nonesuch: status 2"
like "$(cat "$T_TMP/prof.log")" 'unknown profile "nonesuch"' "PROFILE=nonesuch: named"
run "$T_TMP/prof.log" PROFILE=nonesuch BISECT=1
is $? 125 "PROFILE=nonesuch BISECT=1: status 125"
run "$T_TMP/mods.log" MODULES=/nonexistent
is $? 2 "MODULES=/nonexistent: status 2"
like "$(cat "$T_TMP/mods.log")" "MODULES=/nonexistent: no such directory" "MODULES=/nonexistent: named"
"$out/.boottest/tools/vmrun" --kernel "$T_TMP/k" --rootfs /etc/passwd \
	--runs-dir "$T_TMP/tests-runs" --tests /nonexistent.bats > "$T_TMP/tests.log" 2>&1
is $? 2 "vmrun --tests /nonexistent.bats: status 2"
[ ! -e "$T_TMP/tests-runs" ]
ok $? "vmrun --tests /nonexistent.bats: no run directory" || diag "$(cat "$T_TMP/tests.log")"
like "$(cat "$T_TMP/tests.log")" "TESTS=/nonexistent.bats: no such" \
	"vmrun --tests /nonexistent.bats: the error names TESTS"
if mkdir /sys/kernel/boottest-ro 2>/dev/null; then
	rmdir /sys/kernel/boottest-ro
	skip "/sys/kernel takes a mkdir here: no unwritable O= to try"
else
	(cd "$T_TMP" && MAKEFILE="$T_ROOT/Makefile.boot" \
		"$T_ROOT/scripts/boottest/run" O=/sys/kernel/boottest-ro) < /dev/null > "$T_TMP/ro.log" 2>&1
	rc=$?
	[ $rc = 2 ] && [ "$(grep -vc 'it did not run' "$T_TMP/ro.log")" = 1 ] &&
		grep '\*\*\*' "$T_TMP/ro.log" |
		grep -q "mkdir: cannot create directory.*/sys/kernel/boottest-ro"
	ok $? "O= that cannot be made: status 2, one make error: mkdir's reason" ||
		diag "exit $rc: $(cat "$T_TMP/ro.log")"
fi

vmargs=(--kernel /nonexistent/k --rootfs /nonexistent/r --runs-dir "$T_TMP/vmruns")
"$vmrun" "${vmargs[@]}" --mem abc > /dev/null 2>&1
is $? 2 "vmrun --mem abc: 2"
"$vmrun" --cpus 0 "${vmargs[@]}" > /dev/null 2>&1
is $? 2 "vmrun --cpus 0: 2"
"$vmrun" --bisect "${vmargs[@]}" > /dev/null 2>&1
is $? 2 "vmrun --bisect: an unknown option (the exit-status policy is the run script's)"
[ ! -e "$T_TMP/vmruns" ]
ok $? "vmrun stops before it makes a run directory"

# --- every file of a run directory is valid in its format, or absent ------
# QEMU replaced by a script: a panic line and gone (the guest's kmsg never
# comes home), and one that says nothing until the timeout.
printf '#!/bin/sh\necho "Kernel panic - not syncing: fake"\nexit 0\n' > "$T_TMP/qemu-panic"
printf '#!/bin/sh\nexec sleep 60\n' > "$T_TMP/qemu-mute"
chmod +x "$T_TMP/qemu-panic" "$T_TMP/qemu-mute"
: > "$T_TMP/r.img"
for q in panic:1 mute:1; do
	BOOTTEST_QEMU=$T_TMP/qemu-${q%:*} "$vmrun" --kernel "$T_TMP/k" --rootfs "$T_TMP/r.img" \
		--runs-dir "$T_TMP/fake-${q%:*}" --accel tcg --timeout 5 > "$T_TMP/fake.log" 2>&1
	is $? "${q#*:}" "QEMU that ${q%:*}s: status ${q#*:}" || diag "$(cat "$T_TMP/fake.log")"
	d=$(readlink -f "$T_TMP/fake-${q%:*}/latest")
	bad=$(python3 - "$d" <<'EOP'
import json, os, sys, xml.etree.ElementTree as ET
for n in sorted(os.listdir(sys.argv[1])):
    p = os.path.join(sys.argv[1], n)
    try:
        if n.endswith('.json'):
            json.load(open(p))
        elif n.endswith('.xml'):
            ET.parse(p)
        elif n.endswith('.tap') and not open(p).read().startswith('TAP version'):
            raise ValueError('no TAP header')
    except Exception as e:
        print(n, e)
EOP
)
	is "$bad" "" "QEMU that ${q%:*}s: every JSON, XML and TAP file of the run is valid"
done

done_testing
