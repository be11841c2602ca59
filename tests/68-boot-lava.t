#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make boottest RUNNER=lava: the same boots of Debian's packaged kernel,
# natively and as LAVA jobs through a local lava-run, give the same verdict,
# exit status, crash title and CMD status: a clean boot, CMD= failing, a
# sysrq panic (which LAVA itself calls "Connection closed", Infrastructure:
# kept in result.json's lava object, not taken as the verdict), a hang
# (TIMEOUT=).  make boottest-lava-job writes a job lava-run --validate
# accepts, with LAVA_ARTIFACTS_URL= URLs.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"

need_boot_env
command -v lava-run > /dev/null ||
	skip_all "lava-run missing: install lava-dispatcher (scripts/boottest/setup)"
[ -w /var/lib/lava/dispatcher ] || [ -w /var/lib/lava ] ||
	skip_all "/var/lib/lava/dispatcher is not writable: lava-run keeps its job files there"
# This file's own output directory: another suite's boots in a shared one
# would move its runs/latest.
O=$T_TMP/boot
mkdir -p "$O"

# run LOGFILE MAKEVARS...: boot; B_RUN from the run's own "results in" line.
run() {
	local log=$1
	boot "$O" "$@"
	B_RUN=$(sed -n 's/^boottest: results in //p' "$log" | tail -n 1)
}

# same LABEL MAKEVARS...: one native boot and one LAVA boot, compared.
same() {
	local label=$1 native lava k
	shift
	run "$T_TMP/$label-native.log" "$@"
	native=$B_RUN
	run "$T_TMP/$label-lava.log" RUNNER=lava "$@"
	lava=$B_RUN
	[ "$native" != "$lava" ] && [ -f "$lava/result.json" ]
	ok $? "$label: a LAVA run of its own ($lava)" ||
		diag "$(tail -n 20 "$T_TMP/$label-lava.log")"
	is "$(jget "$lava/result.json" "['runner']")" lava "$label: result.json says the runner was LAVA"
	[ -s "$lava/lava/lava.log" ] && [ -s "$lava/job.yaml" ]
	ok $? "$label: LAVA's log and the job are kept in the run directory"
	for k in "['verdict']" "['exit_status']" "['cmd']['status']" "['timed_out']" \
		"['init']['reached']" "['crashes'][0]['title'] if d['crashes'] else None"; do
		is "$(jget "$lava/result.json" "$k")" "$(jget "$native/result.json" "$k")" \
			"$label: $k as natively ($(jget "$native/result.json" "$k"))"
	done
	L=$lava N=$native
}

same clean CMD='echo quote: \"q\"' TIMEOUT=240
is "$(jget "$L/result.json" "['verdict']")" clean "clean: the verdict is clean"
is "$(jget "$L/result.json" "['lava']['result']")" pass "clean: LAVA's own result: pass"
grep -q 'quote: "q"' "$L/console.log"
ok $? 'clean: a console line with double quotes comes back as the guest wrote it (LAVA logs \")'
is "$(cat "$L/cmd.out" 2>/dev/null)" 'quote: "q"' "clean: CMD's output came home on the results disk"

same cmd-failed CMD='exit 3' TIMEOUT=240
is "$(jget "$L/result.json" "['cmd']['status']")" 3 "cmd-failed: CMD's status 3 came home through LAVA's copy of the results disk"

same panic CMD='echo c > /proc/sysrq-trigger' TIMEOUT=240
is "$(jget "$L/result.json" "['verdict']")" panic "panic: the verdict is a kernel panic"
is "$(jget "$L/result.json" "['exit_status']")" 1 "panic: exit status 1, a kernel failure"
is "$(jget "$L/result.json" "['lava']['error_type']")" Infrastructure \
	"panic: LAVA's own outcome (Infrastructure) is kept apart"
is "$(jget "$L/result.json" "['lava']['error_msg']")" "Connection closed" "panic: ... 'Connection closed'"

same hang CMD='sleep 1000' TIMEOUT=60
is "$(jget "$L/result.json" "['verdict']")" timeout "hang: the verdict is timeout"
like "$(jget "$L/result.json" "['lava']['error_msg']")" "timed out" "hang: LAVA's action timed out"
[ -z "$(pgrep -f "qemu-system.*boottest.nonce=$(jget "$L/result.json" "['nonce']")")" ]
ok $? "hang: no QEMU of the LAVA run is left"

# --- the job alone, for a lab ---------------------------------------------
make -s -f "$T_ROOT/Makefile.boot" boottest-lava-job O="$O" TIMEOUT=120 \
	< /dev/null > "$T_TMP/job.log" 2>&1
is $? 0 "make boottest-lava-job succeeds without booting"
J=$(dirname "$(sed -n 's/^boottest: LAVA job: //p' "$T_TMP/job.log")")
[ -s "$J/job.yaml" ] && [ -s "$J/results.ext4" ] && [ ! -e "$J/result.json" ]
ok $? "it writes job.yaml and keeps the results disk, and no result" ||
	diag "$(ls "$J"; cat "$T_TMP/job.log")"
# (--validate leaves its job directory behind: this run's own id, removed)
vid=boottest-validate-$$
"$T_ROOT/scripts/boottest/lava-device" "$J/job.yaml" > "$T_TMP/device.yaml" &&
	lava-run --validate --job-id "$vid" --output-dir "$T_TMP/validate" --device "$T_TMP/device.yaml" \
		"$J/job.yaml" > "$T_TMP/validate.log" 2>&1
ok $? "lava-run --validate accepts the job" || diag "$(grep -v progress "$T_TMP/validate.log" | tail -n 15)"
rm -rf "/var/lib/lava/dispatcher/tmp/$vid"
# A LAVA run's job id, and lava-run's directory, is its vmrun's pid.
left=
for d in "$O"/.boottest/runs/*/lava; do
	r=${d%/lava}
	[ -e "/var/lib/lava/dispatcher/tmp/${r##*-}" ] && left+=" ${r##*-}"
done
is "$left" "" "lava-run removed the job directories of this file's LAVA runs"
make -s -f "$T_ROOT/Makefile.boot" boottest O="$O" LAVA_JOB_ONLY=1 \
	LAVA_ARTIFACTS_URL=https://lab.example.org/boottest/ < /dev/null > "$T_TMP/job2.log" 2>&1
J=$(dirname "$(sed -n 's/^boottest: LAVA job: //p' "$T_TMP/job2.log")")
is "$(grep -c 'url: "https://lab.example.org/boottest/[a-z0-9.]*"' "$J/job.yaml")" 4 \
	"LAVA_ARTIFACTS_URL=: the four artifacts' URLs are under it"
like "$(cat "$T_TMP/job2.log")" "lavacli jobs submit" "... and the output says how to submit it"
rm -f "$J/results.ext4"

done_testing
