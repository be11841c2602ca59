#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real crashes through LKDTM on the tree kernel (crash profile): each one
# gives exit status 1 and the classifier's category in the verdict.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
. "$(dirname "$0")/lib/kernel.sh"

need_boot_env
kernel_tree || skip_all "$KERNEL_SKIP_REASON"
grep -q '^CONFIG_LKDTM=y' "$KERNEL_CONFIG" || skip_all "the test kernel has no LKDTM (crash profile)"
grep -q '^CONFIG_DEBUG_FS=y' "$KERNEL_CONFIG" || skip_all "the test kernel has no debugfs"

direct=/sys/kernel/debug/provoke-crash/DIRECT
# lkdtm TYPE CATEGORIES APPEND PRE [TITLE-REGEX]
lkdtm() {
	local type=$1 cats=$2 append=$3 pre=$4 title=$5 r
	make -s -C "$KERNEL_SRCTREE" O="$KERNEL_OBJTREE" boottest \
		CMD="${pre}echo $type > $direct" APPEND="$append" TIMEOUT=120 \
		< /dev/null > "$T_TMP/$type.log" 2>&1
	r=$(readlink -f "$KERNEL_OBJTREE/.boottest/runs/latest")/result.json
	is "$(jget "$r" "['exit_status']")" 1 "LKDTM $type: exit status 1"
	like "$(jget "$r" "['crashes'][0]['category']")" "^($cats)$" \
		"LKDTM $type: the first crash is $cats ($(jget "$r" "['crashes'][0]['title']"))"
	[ -z "$title" ] ||
		like "$(jget "$r" "['crashes'][0]['title']")" "$title" "LKDTM $type: title"
	is "$(jget "$r" "['timed_out']")" false "LKDTM $type: ended before the timeout"
	is "$(qemu_of "$(dirname "$r")")" "" "LKDTM $type: no QEMU left"
}

lkdtm WARNING warning "" ""
lkdtm BUG bug "" ""
lkdtm EXCEPTION "null_deref|page_fault|oops" "" ""
# The lockup detectors report, then panic, so the run ends at once.
lkdtm SOFTLOCKUP soft_lockup softlockup_panic=1 ""
# The hung task sleeps for seconds; on a starved host (TCG at load 20) the
# soft-lockup detector then reported the debugfs write first, a real report
# but not the one under test: nosoftlockup keeps this case about hung tasks.
lkdtm HUNG_TASK hung_task "hung_task_panic=1 nosoftlockup" \
	"echo 3 > /proc/sys/kernel/hung_task_timeout_secs; "

# The rest of what LKDTM can do in this kernel under QEMU (crash profile:
# stack protector, DEBUG_LIST, VMAP_STACK, STRICT_KERNEL_RWX; -cpu max has
# SMEP/SMAP), each with syzbot's title.  Not here: HARDLOCKUP (TCG has no
# PMU for the NMI watchdog), the KASAN/UBSAN/lockdep ones (tests/58), and
# SLUB debug's `BUG <cache> (Not tainted): ...` reports (SLAB_FREE_DOUBLE
# with slub_debug=F): syzbot's conventions title only the kmalloc-* caches'
# ones and count other caches' as no crash, and the classifier follows them.
lkdtm PANIC panic "" "" '^kernel panic: dumptest$'
lkdtm CORRUPT_STACK panic "" "" '^kernel panic: stack is corrupted in lkdtm_CORRUPT_STACK$'
lkdtm CORRUPT_LIST_ADD warning "" "" '^WARNING in lkdtm_CORRUPT_LIST_ADD$'
lkdtm REFCOUNT_INC_OVERFLOW warning "" "" '^WARNING: refcount bug in lkdtm_REFCOUNT_INC_OVERFLOW$'
lkdtm ACCESS_NULL null_deref "" "" \
	'^BUG: unable to handle kernel NULL pointer dereference in lkdtm_ACCESS_NULL$'
lkdtm WRITE_RO page_fault "" "" '^BUG: unable to handle kernel paging request in lkdtm_WRITE_RO$'
lkdtm ACCESS_USERSPACE page_fault "" "" \
	'^BUG: unable to handle kernel paging request in lkdtm_ACCESS_USERSPACE$'
lkdtm STACK_GUARD_PAGE_LEADING bug "" "" '^BUG: stack guard page was hit in '
lkdtm UNSET_SMEP warning "" "" '^WARNING in native_write_cr4$'

done_testing
