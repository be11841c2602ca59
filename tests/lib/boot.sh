# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the tests that boot real kernels (tests/5N-boot*.t).  Source
# after tap.sh.
#
#   boot OUTDIR LOGFILE MAKEVARS...   make -f Makefile.boot boottest O=OUTDIR,
#                                     stdin /dev/null, output to LOGFILE;
#                                     sets B_RC and B_RUN (the run directory)
#   jget FILE EXPR                    a value from a JSON file (python3),
#                                     EXPR like ['verdict'] or ['crashes'][0]['title']
#   qemu_of RUNDIR                    pids of QEMU processes of that run

boot() {
	local out=$1 log=$2
	shift 2
	make -s -f "$T_ROOT/Makefile.boot" boottest O="$out" "$@" \
		< /dev/null > "$log" 2>&1
	B_RC=$?
	B_RUN=$(readlink -f "$out/.boottest/runs/latest" 2>/dev/null)
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
