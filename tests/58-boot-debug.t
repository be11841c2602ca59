#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug profiles booted: a tree kernel with tinyconfig + crash,
# debug-kasan, debug-ubsan and debug-lockdep (tests/lib/kernel.sh builds it
# on a cold run too and caches it under its own key).  It boots clean (the
# debug options' own boot messages are no crash), and LKDTM provokes what
# each debug option reports: KASAN on a use-after-free and a slab overflow,
# UBSAN on an array index out of bounds, lockdep on a spinlock held when
# returning to user space; each one gives exit status 1, the category and a
# syzbot-style title.  DUMP=1 needs the dump profile (FW_CFG_SYSFS, found
# through ACPI on x86, which brings ACPICA, PNP and thermal along), so it
# runs on a kernel of its own that is built only on request: the kernel
# fills QEMU's vmcoreinfo device, so the core has a VMCOREINFO note naming
# this kernel.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
. "$(dirname "$0")/lib/kernel.sh"

need_boot_env
profiles=crash,debug-kasan,debug-ubsan,debug-lockdep
kernel_profiles --cold "$profiles"
kernel_tree || skip_all "the debug kernel (tinyconfig + $profiles) cannot be had: $KERNEL_SKIP_REASON"

is "$(kernel_missing KASAN KASAN_GENERIC UBSAN_BOUNDS PROVE_LOCKING DEBUG_ATOMIC_SLEEP \
	DETECT_HUNG_TASK SOFTLOCKUP_DETECTOR LKDTM DEBUG_FS KALLSYMS)" "" "the debug kernel ($KERNEL_KEY) has KASAN, UBSAN_BOUNDS, PROVE_LOCKING, LKDTM, KALLSYMS, ..."
check_fail "... and no debug info (the titles need only KALLSYMS)" grep -q '^CONFIG_DEBUG_INFO=y' "$KERNEL_CONFIG"

# boottest NAME VARS...: boot it, sets RC, RUN and R (its result.json).
# The tree's own kernel, as a user types it: boottest must see CONFIG_KASAN
# and boot the bzImage (the vmlinux's PVH entry dies silently with KASAN).
boottest() {
	local name=$1 pre
	shift
	# 4-level paging (la57=off), because of a real 6.1 race that is not
	# what this test provokes: with LA57, identify_cpu() clears
	# boot_cpu_data's capabilities and reads them back, and an interrupt in
	# that window sees pgtable_l5_enabled() false, so KASAN takes a
	# 5-level direct-map address (ff11...) for one without shadow and
	# reports `wild-memory-access in __common_interrupt` (2 of 8 boots under
	# load here, before init; its taint turns lockdep off).  A later
	# -cpu wins in QEMU.
	tree_boot "$name" 1500 QEMU_OPTS='-cpu max,la57=off' "$@"
	# Any other report before init that the test did not provoke: name it
	# and boot once more.
	pre=$(awk '/ Run .* as init process/ { exit }
		/\] (BUG|WARNING|UBSAN|Oops|general protection)/ { print; exit }' \
		"$RUN/console.log" 2>/dev/null)
	if [ -n "$pre" ]; then
		diag "$name: a report during boot, before init, not provoked by this test: ${pre#*] }; booting once more"
		tree_boot "$name" 1500 QEMU_OPTS='-cpu max,la57=off' "$@"
	fi
}


# --- a clean boot: the debug options report nothing ---------------------------
boottest clean TIMEOUT=900 CMD=true
is "$RC" 0 "the debug kernel boots clean: exit 0" ||
	diag "$(tail -n 15 "$T_TMP/clean.log")"
is "$(jget "$R" "['verdict']")" clean "... verdict clean" ||
	diag "crashes: $(jget "$R" "['crashes']")"
is "$(jget "$R" "['crashes'].__len__()")" 0 "... no crash found in the debug kernel's boot messages"
is "$(jget "$R" "['init']['finished']")" true "... init finished"
con=$RUN/console.log
like "$(grep -c 'KernelAddressSanitizer initialized' "$con")" "^[1-9]" "KASAN is on (its boot message)"
like "$(grep -c 'Lock dependency validator' "$con")" "^[1-9]" "lockdep is on (its boot message)"
diag "debug kernel clean boot: $(jget "$R" "['duration_s']") s, init at $(jget "$R" "['init']['seconds']") s" \
	"(errors $(jget "$R" "['errors']"), warnings $(jget "$R" "['warnings']"))"

# --- LKDTM: what each debug option catches -------------------------------------
direct=/sys/kernel/debug/provoke-crash/DIRECT
# lkdtm TYPE CATEGORY TITLE-REGEX [any [TIMEOUT]]: the first crash has
# CATEGORY and a title matching; with "any", the first crash of CATEGORY
# (something else may come first).  With a TIMEOUT, the guest may not
# come back from the crash: the verdict must name it all the same when
# boottest stops it at that timeout.
lkdtm() {
	local type=$1 cat=$2 title=$3 any=$4 limit=$5 c=0 t
	boottest "$type" TIMEOUT="${limit:-900}" CMD="echo $type > $direct"
	# make itself exits 2 on any failed recipe; boottest's status is in
	# result.json (scripts/boottest/run passes it on)
	is "$(jget "$R" "['exit_status']")" 1 "LKDTM $type: exit status 1 (result.json)"
	if [ -n "$any" ]; then
		c=$(jget "$R" "['crashes'] and [i for i, c in enumerate(d['crashes']) if c['category'] == '$cat'][0]")
		like "${c:-none}" "^[0-9]+$" "LKDTM $type: a $cat crash (crash $c of $(jget "$R" "['crashes'].__len__()"))"
	else
		is "$(jget "$R" "['crashes'][0]['category']")" "$cat" "LKDTM $type: the first crash is $cat"
	fi
	t=$(jget "$R" "['crashes'][${c:-0}]['title']")
	like "$t" "$title" "LKDTM $type: title '$t'" ||
		diag "$(grep -m1 -A12 "$type" "$RUN/console.log")"
	if [ -z "$limit" ]; then
		is "$(jget "$R" "['timed_out']")" false "LKDTM $type: ended before the timeout"
	else
		diag "LKDTM $type: timed out: $(jget "$R" "['timed_out']"), $(jget "$R" "['crashes'].__len__()") crash(es)"
	fi
	is "$(qemu_of "$RUN")" "" "LKDTM $type: no QEMU left"
}

lkdtm READ_AFTER_FREE kasan '^KASAN: use-after-free Read in lkdtm_READ_AFTER_FREE$'
lkdtm SLAB_LINEAR_OVERFLOW kasan '^KASAN: slab-out-of-bounds Write in lkdtm_SLAB_LINEAR_OVERFLOW$'
lkdtm ARRAY_BOUNDS ubsan '^UBSAN: array-index-out-of-bounds in lkdtm_ARRAY_BOUNDS$'
# LKDTM 6.1 has no lockdep test as such; SPINLOCKUP takes a spinlock and
# returns to user space holding it, which lockdep reports when the write()
# returns (a "scheduling while atomic" may come first if the shell is
# rescheduled on its way out).
# F is the lock's `at:` function as the kernel prints it; spin_lock's
# caller address lands in direct_entry on this build (lkdtm_SPINLOCKUP is
# a tail call there).
# The shell goes on with the lock's preempt count: when its next schedule()
# finds it, the count is reset and init powers off; when a might_sleep()
# finds it first, the shell stays atomic and reports "sleeping function
# called from invalid context" at each sleep, never reaching the power-off
# (CI's run hit the 900 s timeout, and 2 of 2 boots here after it, at load
# 3; the runs of the session before powered off).  So this one may time
# out, after 240 s.
lkdtm SPINLOCKUP lockdep '^WARNING: lock held when returning to user space in (lkdtm_SPINLOCKUP|direct_entry)$' any 240

# --- DUMP=1: the kernel fills QEMU's vmcoreinfo device ---------------------------
command -v readelf > /dev/null || { skip "readelf missing (binutils)"; done_testing; exit; }
profiles=crash,debug-kasan,debug-ubsan,debug-lockdep,dump
# opt-in: a third build beside the debug and KCSAN kernels does not fit
# CI's budget (a cold run is at about 45 min on a 2-core TCG host)
kernel_profiles --cost "its build took 476 CPU s, 351 s wall at load 2.6-3.7 on 2 cores" "$profiles"
if ! kernel_tree; then
	skip "DUMP=1 on the dump kernel (tinyconfig + $profiles): $KERNEL_SKIP_REASON"
	done_testing
	exit
fi
is "$(kernel_missing KASAN FW_CFG_SYSFS CRASH_CORE)" "" "the dump kernel ($KERNEL_KEY) has FW_CFG_SYSFS and CRASH_CORE"
boottest dump DUMP=1 TIMEOUT=900 CMD='echo c > /proc/sysrq-trigger'
is "$(jget "$R" "['verdict']")" panic "DUMP=1 panic: verdict panic"
core=$(jget "$R" "['dump']['path']")
is "$core" "$RUN/vmcore" "DUMP=1 panic: a dump" || diag "$(jget "$R" "['dump']")"
is "$(jget "$R" "['dump']['vmcoreinfo']")" true "dump.vmcoreinfo true (FW_CFG_SYSFS filled the vmcoreinfo device)"
size=$(readelf -nW "$core" 2>/dev/null | awk '$1 == "VMCOREINFO" { print strtonum($2); exit }')
like "${size:-0}" "^[1-9][0-9]*$" "readelf -n: the core has a non-empty VMCOREINFO note (${size:-0} bytes)"
# Its text names this kernel (OSRELEASE=) and the symbols crash needs.
note=$(python3 - "$core" <<'PY' 2>&1
import struct, sys
f = open(sys.argv[1], "rb")
eh = f.read(64)
phoff, = struct.unpack_from("<Q", eh, 0x20)
phentsize, phnum = struct.unpack_from("<HH", eh, 0x36)
for i in range(phnum):
	f.seek(phoff + i * phentsize)
	p_type, _, off, _, _, filesz = struct.unpack("<IIQQQQ", f.read(40))
	if p_type != 4:
		continue
	f.seek(off)
	buf, pos = f.read(filesz), 0
	while pos + 12 <= len(buf):
		n, d, _ = struct.unpack_from("<III", buf, pos)
		name = buf[pos + 12:pos + 12 + n].rstrip(b"\0")
		dpos = pos + 12 + (n + 3) // 4 * 4
		if name == b"VMCOREINFO":
			sys.stdout.write(buf[dpos:dpos + d].decode("ascii", "replace"))
		pos = dpos + (d + 3) // 4 * 4
PY
)
like "$note" "(^|
)OSRELEASE=$KERNEL_RELEASE(
|$)" "the VMCOREINFO note names this kernel (OSRELEASE=$KERNEL_RELEASE)"
like "$note" "(^|
)SYMBOL\\(init_uts_ns\\)=[0-9a-f]+" "... and has the symbols crash looks up (init_uts_ns)"
is "$(qemu_of "$RUN")" "" "DUMP=1: no QEMU left"
# The cores are large and the tree's run directories are a cache.
case $core in */vmcore) rm -f "$core" ;; esac

done_testing
