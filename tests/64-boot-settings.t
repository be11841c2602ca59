#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MEM=, CPUS=, TIMEOUT= reach QEMU and vmrun the same way for make boottest
# and make fstests-vm, whether they are given on the command line or in the
# environment; unset, vmrun's defaults of the goal's workload apply (boot:
# 1G, 2 CPUs, 300 s; fstests: 2G, 1 CPU under TCG, 3600 s), and a bad value
# is the same one-line error for both goals.  What is under test is the
# way from make to QEMU's command line, not a boot: QEMU is a wrapper
# (BOOTTEST_QEMU) that records its arguments and exits, so each run ends
# as an infrastructure error right after QEMU's start, with the arguments
# in the run's qemu.cmdline and result.json written.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
need_boot_env
for p in mkfs.ext4 xfs_io; do
	PATH=/usr/sbin:/sbin:$PATH command -v $p > /dev/null ||
		skip_all "$p missing (make fstests-vm needs it): run scripts/boottest/setup"
done

out=$T_TMP/out
fx=$T_ROOT/tests/fixtures/fstests
export BOOTTEST_QEMU=$T_TMP/qemu FAKE_QEMU_ARGS=$T_TMP/args
cat > "$BOOTTEST_QEMU" <<'EOF'
#!/bin/bash
printf '%s\n' "$@" > "$FAKE_QEMU_ARGS"
echo "fake QEMU: arguments recorded, no boot" >&2
exit 1
EOF
chmod +x "$BOOTTEST_QEMU"

# goal [VAR=value...]: make GOAL under TCG (no KVM try, nothing recorded in
# the cache); the rest of the arguments are make's.  Sets LOG and RUN.
goal() {
	local g=$1 extra=()
	shift
	[ "$g" = fstests-vm ] && extra=(FSTESTS="$fx" TESTS=fixture/001)
	rm -f "$FAKE_QEMU_ARGS"
	LOG=$(make -s -f "$T_ROOT/Makefile.boot" "$g" O="$out" ACCEL=tcg \
		"${extra[@]}" "$@" < /dev/null 2>&1)
	RUN=$(sed -n 's/^boottest: results in //p' <<< "$LOG" | tail -n 1)
}
# arg OPTION: the word after OPTION in the fake QEMU's arguments
arg() { grep -A1 -x -- "$1" "$FAKE_QEMU_ARGS" 2>/dev/null | tail -n 1; }
timeout_s() { jget "$RUN/result.json" "['timeout_s']"; }

for g in boottest fstests-vm; do
	MEM=4G CPUS=3 TIMEOUT=77 goal $g
	is "$(arg -m)" 4G "$g: MEM=4G from the environment reaches QEMU's -m" || diag "$LOG"
	is "$(arg -smp)" 3,sockets=3 "$g: CPUS=3 from the environment reaches -smp"
	is "$(timeout_s)" 77 "$g: TIMEOUT=77 from the environment reaches vmrun"
	like "$(cat "$RUN/qemu.cmdline" 2>/dev/null)" " -m 4G " "$g: ... and the run's qemu.cmdline says so"

	goal $g MEM=4G CPUS=3 TIMEOUT=77
	is "$(arg -m)" 4G "$g: MEM=4G on the command line reaches QEMU's -m" || diag "$LOG"
	is "$(arg -smp)" 3,sockets=3 "$g: CPUS=3 on the command line reaches -smp"
	is "$(timeout_s)" 77 "$g: TIMEOUT=77 on the command line reaches vmrun"

	MEM=3G goal $g MEM=4G
	is "$(arg -m)" 4G "$g: the command line wins over the environment"

	MEM=lots goal $g
	like "$LOG" "MEM=lots: not a size" "$g: MEM=lots from the environment: vmrun's error"
	[ ! -e "$FAKE_QEMU_ARGS" ]
	ok $? "$g: ... and QEMU is not started"
done

goal boottest
is "$(arg -m) $(arg -smp) $(timeout_s)" "1G 2,sockets=2 300" "boottest: defaults 1G, 2 CPUs, 300 s" ||
	diag "$LOG"
goal fstests-vm
is "$(arg -m) $(arg -smp) $(timeout_s)" "2G 1,sockets=1 3600" \
	"fstests-vm: defaults 2G, 1 CPU under TCG, 3600 s" || diag "$LOG"
CPUS=2 goal fstests-vm
is "$(arg -smp)" 2,sockets=2 "fstests-vm: CPUS=2 given, 2 CPUs under TCG too"

done_testing
