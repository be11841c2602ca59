#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# KVM that opens but cannot boot a kernel (nested hosts: QEMU aborts with
# "failed to set MSR 0x10a to 0x69" under -cpu host, or the guest never
# reaches the kernel): ACCEL=auto boots again under TCG in the same run,
# records the failure for this boot of the host, and later runs go to TCG
# at once; ACCEL=kvm forces KVM, ACCEL=tcg never tries it.  Real boots of
# Debian's kernel; the broken KVM is a QEMU wrapper (BOOTTEST_QEMU) that
# fails the way such hosts fail when given -accel kvm and runs the real
# QEMU otherwise, with BOOTTEST_KVM_DEV pointing at a file so that the
# device "opens" on hosts without KVM.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
need_boot_env

out=$T_TMP/out
# Debian's kernel from the usual cache, named, since BOOTTEST_CACHE moves
dk=$("$T_ROOT/scripts/boottest/debian-kernel" --print)
kimg=$(ls "$dk"/boot/vmlinuz-* | head -n 1)
kvars=(KERNEL="$kimg" MODULES="$dk/lib/modules/${kimg##*/vmlinuz-}")
export BOOTTEST_CACHE=$T_TMP/cache BOOTTEST_KVM_DEV=$T_TMP/kvm
export BOOTTEST_QEMU=$T_TMP/qemu FAKE_QEMU_CALLS=$T_TMP/calls
rec=$BOOTTEST_CACHE/kvm-failed
: > "$BOOTTEST_KVM_DEV"
cat > "$BOOTTEST_QEMU" <<'EOF'
#!/bin/bash
accel= prev= args=()
for a in "$@"; do
	[ "$prev" = -accel ] && accel=$a
	prev=$a
done
echo "$accel" >> "$FAKE_QEMU_CALLS"
if [ "$accel" = kvm ]; then
	case $FAKE_KVM in
	works)
		# a KVM that works, played by TCG
		for a in "$@"; do
			case $a in kvm) a=tcg ;; host) a=max ;; esac
			args+=("$a")
		done
		exec qemu-system-x86_64 "${args[@]}"
		;;
	abort)
		echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69" >&2
		kill -ABRT $$
		;;
	hang)
		# what a bzImage's setup code prints before the guest stalls
		echo "Probing EDD (edd=off to disable)... ok"
		exec sleep 613
		;;
	esac
fi
exec qemu-system-x86_64 "$@"
EOF
chmod +x "$BOOTTEST_QEMU"
calls() { tr '\n' ' ' < "$FAKE_QEMU_CALLS" | sed 's/ $//'; }

# ---- QEMU aborts under KVM: TCG in the same run, recorded ----
: > "$FAKE_QEMU_CALLS"
FAKE_KVM=abort boot "$out" "$T_TMP/abort.log" "${kvars[@]}" CMD=true TIMEOUT=240
is "$B_RC" 0 "QEMU aborting under KVM: exit status 0" || diag "$(tail -n 20 "$T_TMP/abort.log")"
is "$(jget "$B_RUN/result.json" "['verdict']")" clean "QEMU aborting under KVM: the boot is retried and clean" ||
	diag "$(tail -n 20 "$T_TMP/abort.log")"
is "$(calls)" "kvm tcg" "one KVM try, then TCG"
is "$(jget "$B_RUN/result.json" "['qemu']['accel']")" tcg "result.json: accel tcg"
like "$(jget "$B_RUN/result.json" "['qemu']['kvm_fallback']")" 'failed to set MSR 0x10a' \
	"result.json: kvm_fallback gives QEMU's error"
like "$(cat "$T_TMP/abort.log")" 'KVM did not boot the kernel \(qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69\): booting again under TCG' \
	"the note names QEMU's error and the fallback"
like "$(cat "$rec" 2>/dev/null)" "^boot_id $(cat /proc/sys/kernel/random/boot_id)" "recorded for this boot of the host"
like "$(sed -n 's/^reason //p' "$rec" 2>/dev/null)" 'failed to set MSR' "... with the reason"
like "$(head -n 1 "$B_RUN/console.log")" '^<5>\[ *0\.0+\] Linux version' "console.log starts with the kernel"

# ---- the next run goes to TCG at once ----
: > "$FAKE_QEMU_CALLS"
FAKE_KVM=abort boot "$out" "$T_TMP/again.log" "${kvars[@]}" CMD=true TIMEOUT=240
is "$B_RC" 0 "with the record: exit status 0" || diag "$(tail -n 20 "$T_TMP/again.log")"
is "$(calls)" tcg "with the record: no KVM try"
like "$(cat "$T_TMP/again.log")" "KVM not used \\(a KVM boot failed on this host since it booted: .*failed to set MSR.*; recorded in $rec; ACCEL=kvm tries again\\)" \
	"the note says why, where it is recorded, and how to try KVM"
is "$(jget "$B_RUN/result.json" "['qemu']['kvm_fallback']")" null "no fallback in this run"
vmrun=$out/.boottest/tools/vmrun
is "$("$vmrun" --print-accel 2> /dev/null)" tcg "vmrun --print-accel: tcg with the record"

# ---- a second QEMU binary gets a record of its own; the first keeps its ----
cp "$BOOTTEST_QEMU" "$T_TMP/qemu2"
: > "$FAKE_QEMU_CALLS"
BOOTTEST_QEMU=$T_TMP/qemu2 FAKE_KVM=abort boot "$out" "$T_TMP/q2.log" "${kvars[@]}" CMD=true TIMEOUT=240
is "$(calls)" "kvm tcg" "another QEMU binary: tried and fell back"
is "$(grep -c '^reason ' "$rec")" 2 "two records, one per QEMU binary"
: > "$FAKE_QEMU_CALLS"
FAKE_KVM=abort boot "$out" "$T_TMP/q1.log" "${kvars[@]}" CMD=true TIMEOUT=240
is "$(calls)" tcg "the first binary's record was kept: no KVM try"

# ---- ACCEL=kvm forces KVM: QEMU's error is the run's ----
: > "$FAKE_QEMU_CALLS"
FAKE_KVM=abort boot "$out" "$T_TMP/kvm.log" "${kvars[@]}" CMD=true TIMEOUT=240 ACCEL=kvm
is "$B_RC" 2 "ACCEL=kvm with broken KVM: infrastructure (2)"
is "$(calls)" kvm "ACCEL=kvm: KVM only, no fallback"
like "$(cat "$T_TMP/kvm.log")" 'failed to set MSR 0x10a' "ACCEL=kvm: QEMU's error is shown"

# ---- a KVM that works, with the kernel's lines hidden (loglevel=0): the
# init's marker shows the guest runs; no second boot, nothing recorded ----
rm -f "$rec"
: > "$FAKE_QEMU_CALLS"
# The stand-in for a working KVM is TCG, which reaches init in more than
# the 10 s a try waits on a loaded host: the try waits as long as the boot.
BOOTTEST_KVM_TRY_S=240 FAKE_KVM=works boot "$out" "$T_TMP/works.log" "${kvars[@]}" CMD=true TIMEOUT=240 APPEND=loglevel=0
is "$B_RC" 0 "working KVM, APPEND=loglevel=0: exit status 0" || diag "$(tail -n 20 "$T_TMP/works.log")"
is "$(calls)" kvm "... one boot, under KVM (the init's marker counts)"
is "$(jget "$B_RUN/result.json" "['qemu']['accel']")" kvm "... result.json: accel kvm"
ok "$([ ! -e "$rec" ]; echo $?)" "... nothing recorded"

# ---- ACCEL=tcg never tries; a bad ACCEL is a usage error ----
rm -f "$rec"
: > "$FAKE_QEMU_CALLS"
is "$("$vmrun" --print-accel 2> /dev/null)" kvm "vmrun --print-accel: kvm when the device opens and nothing is recorded"
FAKE_KVM=abort boot "$out" "$T_TMP/tcg.log" "${kvars[@]}" CMD=true TIMEOUT=240 ACCEL=tcg
is "$B_RC" 0 "ACCEL=tcg: exit status 0"
is "$(calls)" tcg "ACCEL=tcg: no KVM try"
ok "$([ ! -e "$rec" ]; echo $?)" "ACCEL=tcg records nothing"
boot "$out" "$T_TMP/bogus.log" "${kvars[@]}" CMD=true ACCEL=bogus
is "$B_RC" 2 "ACCEL=bogus: exit status 2"
like "$(cat "$T_TMP/bogus.log")" 'ACCEL=bogus: give auto, kvm or tcg' "ACCEL=bogus: the error names the choices"
BOOTTEST_KVM_DEV=$T_TMP/none boot "$out" "$T_TMP/nokvm.log" "${kvars[@]}" CMD=true ACCEL=kvm
is "$B_RC" 2 "ACCEL=kvm without a KVM device: exit status 2"
like "$(cat "$T_TMP/nokvm.log")" "ACCEL=kvm: $T_TMP/none missing; ACCEL=auto or tcg boots under TCG" \
	"... the error names the device and the fix"
is "$(BOOTTEST_KVM_DEV=$T_TMP/none "$vmrun" --print-accel 2>&1 | tr '\n' ' ')" \
	"tcg vmrun: note: $T_TMP/none missing " "no KVM device: tcg, and why"

# ---- a guest that never reaches the kernel under KVM ----
: > "$FAKE_QEMU_CALLS"
FAKE_KVM=hang boot "$out" "$T_TMP/hang.log" "${kvars[@]}" CMD=true TIMEOUT=240
is "$B_RC" 0 "KVM guest stuck before the kernel: exit status 0 after the fallback" ||
	diag "$(tail -n 20 "$T_TMP/hang.log")"
is "$(calls)" "kvm tcg" "stuck KVM try, then TCG"
like "$(jget "$B_RUN/result.json" "['qemu']['kvm_fallback']")" '^no kernel line in 10 s$' "the reason: no kernel line in time"
check_fail "console.log holds nothing of the KVM try" grep -q 'Probing EDD' "$B_RUN/console.log"
like "$(head -n 1 "$B_RUN/console.log")" '^<5>\[ *0\.0+\] Linux version' "... and starts with the kernel"
like "$(sed -n 's/^reason //p' "$rec" 2>/dev/null)" '^no kernel line in 10 s$' "recorded with its reason"
is "$(pgrep -f -x 'sleep 613' | wc -l)" 0 "the stuck QEMU was killed (no orphan)"

# ---- the tools of the suite's sanitizer build (tests/run: BT_BIN) on
# both paths: the fallback and the recorded failure ----
kpath=$(jget "$B_RUN/result.json" "['kernel']['path']")
kinitrd=$(jget "$B_RUN/result.json" "['kernel']['initrd']")
rootfs=$(sed -n 's/.*file=\([^,]*\),if=none,id=root,.*/\1/p' "$B_RUN/qemu.cmdline")
export BOOTTEST_CACHE=$T_TMP/cache-san
for path in fallback recorded; do
	: > "$FAKE_QEMU_CALLS"
	FAKE_KVM=abort "$BT_BIN/vmrun" --kernel "$kpath" --initrd "$kinitrd" --rootfs "$rootfs" \
		--runs-dir "$T_TMP/san-runs" --tools "$out/.boottest/tools" --cmd true --timeout 240 \
		< /dev/null > "$T_TMP/san-$path.log" 2>&1
	is $? 0 "$BT_BIN/vmrun, $path: exit status 0" || diag "$(tail -n 20 "$T_TMP/san-$path.log")"
	check_fail "$BT_BIN/vmrun, $path: no sanitizer report" \
		grep -E 'Sanitizer|runtime error' "$T_TMP/san-$path.log"
done
is "$(calls)" tcg "... the second went to TCG at once"

done_testing
