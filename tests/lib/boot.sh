# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the tests that boot real kernels (tests/5N-boot*.t).  Source
# after tap.sh.
#
#   boot OUTDIR LOGFILE MAKEVARS...   make -f Makefile.boot boottest O=OUTDIR,
#                                     stdin /dev/null, output to LOGFILE;
#                                     sets B_RC and B_RUN (the run directory)
#   tree_boot NAME LIMIT MAKEVARS...  make boottest MEM=256M in the test kernel's
#                                     tree (kernel.sh), killed after LIMIT s;
#                                     log $T_TMP/NAME.log; sets RC, RUN, R
#                                     (RUN/result.json)
#   jget FILE EXPR                    a value from a JSON file (python3),
#                                     EXPR like ['verdict'] or ['crashes'][0]['title']
#   qemu_of RUNDIR                    pids of QEMU processes of that run
#   assert_clean_run [--cmd] RUNDIR [LABEL]  a clean boot's result.json
#   assert_run_files RUNDIR           counts, result files, kmsg priorities

boot() {
	local out=$1 log=$2
	shift 2
	make -s -f "$T_ROOT/Makefile.boot" boottest O="$out" "$@" \
		< /dev/null > "$log" 2>&1
	B_RC=$?
	B_RUN=$(readlink -f "$out/.boottest/runs/latest" 2>/dev/null)
}

tree_boot() {
	local name=$1 limit=$2
	shift 2
	timeout -s TERM "$limit" make -s -C "$KERNEL_SRCTREE" O="$KERNEL_OBJTREE" \
		boottest MEM=256M "$@" < /dev/null > "$T_TMP/$name.log" 2>&1
	RC=$?
	RUN=$(sed -n 's/^boottest: results in //p' "$T_TMP/$name.log" | tail -n 1)
	R=$RUN/result.json
	[ -f "$R" ] || diag "$name: no result.json: $(tail -n 20 "$T_TMP/$name.log")"
}

jget() {
	python3 - "$1" "$2" <<'PY' 2>/dev/null
import json, sys
d = json.load(open(sys.argv[1]))
v = eval("d" + sys.argv[2], {"d": d})
print("null" if v is None else (str(v).lower() if isinstance(v, bool) else v))
PY
}

qemu_of() {
	pgrep -f "qemu-system.*$1" || true
}

need_boot_env() {
	command -v qemu-system-x86_64 > /dev/null ||
		skip_all "qemu-system-x86_64 missing: install qemu-system-x86 (scripts/boottest/setup)"
	command -v python3 > /dev/null || skip_all "python3 missing (scripts/boottest/setup)"
	local dk
	dk=$("$T_ROOT/scripts/boottest/debian-kernel" --print 2>/dev/null)
	[ -n "$dk" ] && ls "$dk"/boot/vmlinuz-* > /dev/null 2>&1 ||
		skip_all "Debian's kernel is not cached: run scripts/boottest/setup"
}

# assert_clean_run [--cmd] RUNDIR [LABEL]: the assertions every clean boot
# makes on RUNDIR/result.json: verdict clean, exit_status 0, init reached,
# no crash; with --cmd also CMD's status 0 (it came home on the results
# disk).  LABEL prefixes the test names.
assert_clean_run() {
	local cmd=
	[ "$1" = --cmd ] && { cmd=y; shift; }
	local r=$1/result.json p=${2:+$2: }
	is "$(jget "$r" "['verdict']")" clean "${p}verdict clean"
	is "$(jget "$r" "['exit_status']")" 0 "${p}result.json exit_status 0"
	is "$(jget "$r" "['init']['reached']")" true "${p}init reached"
	[ -z "$cmd" ] ||
		is "$(jget "$r" "['cmd']['status']")" 0 "${p}CMD status 0 came home on the results disk"
	is "$(jget "$r" "['crashes'].__len__()")" 0 "${p}no crash"
}

# assert_run_files RUNDIR: a finished run's directory: plausible error and
# warning counts, every result file written, kmsg.log with priorities.
assert_run_files() {
	local run=$1 errs warns f
	errs=$(jget "$run/result.json" "['errors']")
	warns=$(jget "$run/result.json" "['warnings']")
	[ "$errs" -ge 0 ] && [ "$errs" -lt 30 ] && [ "$warns" -ge 0 ] && [ "$warns" -lt 60 ]
	ok $? "error/warning counts plausible ($errs errors, $warns warnings)"
	for f in console.log kmsg.log result.json junit.xml result.tap qemu.cmdline; do
		[ -s "$run/$f" ]
		ok $? "run directory has $f"
	done
	like "$(head -c 300 "$run/kmsg.log")" "^<[0-9]+>" "kmsg.log carries priorities"
}
