#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dmesg-classify on real console logs of Debian's 6.1 kernel booted in QEMU
# (made by tests/data/dmesg/make-debian-logs.sh): clean boots with and
# without console_msg_format=syslog, and a sysrq crash.
. "$(dirname "$0")/lib/tap.sh"

dc=$BT_BIN/dmesg-classify
data=$T_ROOT/tests/data/dmesg
[ -x "$dc" ] || skip_all "$dc not built (make -C tools/boottest)"

for log in debian-6.1-clean-syslog debian-6.1-clean-plain; do
	f=$data/$log.log
	grep -q 'BOOTTEST-MARKER: init reached' "$f"
	ok $? "$log: the guest reached init (fixture is complete)"
	"$dc" --json "$f" > "$T_TMP/out.json"
	is "$?" "0" "$log: exit 0"
	is "$(python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
print(j["verdict"], len(j["crashes"]), len(j["errors"]), len(j["warnings"]))' "$T_TMP/out.json")" \
		"clean 0 0 0" "$log: clean, no benign boot message reported as error or warning"
done
is "$(python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
print(j["counts"]["info"] > 200, j["counts"]["emerg"], j["counts"]["benign"] > 0)' <("$dc" --json "$data/debian-6.1-clean-syslog.log"))" \
	"True 1 True" "syslog log: levels counted from the <N> prefixes (the reboot line is emerg, known benign)"

f=$data/debian-6.1-sysrq-crash.log
"$dc" --json "$f" > "$T_TMP/crash.json"
is "$?" "1" "sysrq crash: exit 1"
is "$(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["crashes"]
print(len(c), c[0]["category"], c[0]["title"], c[0]["panicked"], c[0]["start_line"])' "$T_TMP/crash.json")" \
	"1 panic kernel panic: sysrq triggered crash True $(grep -n 'Kernel panic - not syncing' "$f" | cut -d: -f1)" \
	"sysrq crash: one panic, its title and header line"
like "$(python3 -c '
import json, sys
print(" ".join(json.load(open(sys.argv[1]))["crashes"][0]["stack"]))' "$T_TMP/crash.json")" \
	"sysrq_handle_crash\+0x[0-9a-f]+/0x[0-9a-f]+ __handle_sysrq" "sysrq crash: the stack"

done_testing
