#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# boottest-mcp, the MCP server: raw JSON-RPC lines through scripts/boottest/mcp
# (version negotiation, malformed and invalid messages answered with errors
# while the session goes on, nothing but protocol on stdout, config_check of
# a small .config, paths and resource URIs outside their places refused),
# make boottest-mcp answering initialize, then the official MCP TypeScript
# SDK client (npm, installed into the suite's cache) driving it: tools/list,
# classify_log on a corpus log, list_profiles, kernel_info, config_check of
# Debian's config, unknown tools and schema violations, boot_test with an
# unknown profile (stopped by make before booting), of Debian's kernel clean
# (with progress, report_html) and with a sysrq panic, the clean run's files
# as resources, a second boot refused while one runs, and a running boot
# cancelled with no QEMU left; fstests_run on the fstests fixture (progress
# per test, totals, a failure with its diff excerpt) and cancelled in a
# sleeping test (no QEMU left, the tests done recorded in the run); boot_test
# with arch arm64 (Debian's arm64 kernel, when cached) and an unknown arch;
# bisect refused outside a kernel tree; every run's files as resources,
# newest first, an old run read by its id and ids leaving the runs
# directory refused; each structuredContent validated by the SDK against
# the tool's outputSchema.  Then the message parser's libFuzzer target.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
. "$(dirname "$0")/lib/fuzz.sh"
. "$(dirname "$0")/lib/mcp.sh"

command -v jq > /dev/null || skip_all "jq missing (scripts/boottest/setup)"
server=$BT_BIN/boottest-mcp
[ -x "$server" ] || skip_all "$server not built (make -C tools/boottest)"
out=${BT_TEST_BUILD:-$T_TMP}/boot-mcp
mkdir -p "$out"
cd "$T_ROOT" || exit 1

# reply FILE ID: the answer to request ID among the server's output lines.
reply() {
	jq -c --argjson id "$2" 'select(.id == $id)' "$1"
}

# --- raw JSON-RPC through scripts/boottest/mcp -----------------------------------
# 25 old runs (only their result.json) for the bound of resources/list.
for i in $(seq 10 34); do
	mkdir -p "$out/.boottest/runs/20000101-0000$i-1" &&
		echo '{}' > "$out/.boottest/runs/20000101-0000$i-1/result.json"
done
log=tests/data/dmesg/debian-6.1-sysrq-crash.log
# A symbolic link in the object tree to a file outside every allowed place.
ln -sfn /etc/passwd "$out/outside-link"
# A .config for config_check: the boot profile's VIRTIO_PCI as a module.
printf 'CONFIG_VIRTIO_PCI=m\nCONFIG_EXT4_FS=y\n' > "$out/check.config"
{
	echo '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}'
	echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
	echo 'this is not JSON {'
	echo '{"jsonrpc":"2.0","id":2,"method":"ping"} trailing'
	echo '[{"jsonrpc":"2.0","id":3,"method":"ping"}]'
	echo '{"jsonrpc":"1.0","id":4,"method":"ping"}'
	echo '{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}'
	echo '{"jsonrpc":"2.0","id":6,"method":"no/such/method"}'
	echo '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"no_such_tool"}}'
	echo '{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"boot_test","arguments":{"cpus":0}}}'
	echo '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"kernel_info","arguments":{}}}'
	echo '{"jsonrpc":"2.0","id":10,"method":"tools/call","params":"x"}'
	printf '\x00\xff\xfe garbage\n'
	echo '{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"classify_log","arguments":{"path":"'"$log"'"}}}'
	echo '{"jsonrpc":"2.0","id":12,"method":"initialize","params":{"protocolVersion":"1999-01-01"}}'
	echo '{"jsonrpc":"2.0","id":13,"method":"tools/call","params":{"name":"classify_log","arguments":{"path":"/nonexistent.log"}}}'
	echo '{"jsonrpc":"2.0","id":15,"method":"tools/call","params":{"name":"kernel_info","arguments":{"path":"/etc/passwd"}}}'
	echo '{"jsonrpc":"2.0","id":16,"method":"tools/call","params":{"name":"boot_test","arguments":{"kernel":"'"$out"'/outside-link"}}}'
	echo '{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":"boot_test","arguments":{"tests":"/etc"}}}'
	echo '{"jsonrpc":"2.0","id":18,"method":"resources/read","params":{"uri":"boottest://runs/../../.config"}}'
	echo '{"jsonrpc":"2.0","id":19,"method":"tools/call","params":{"name":"config_check","arguments":{"profile":"crash","config":"'"$out"'/check.config"}}}'
	echo '{"jsonrpc":"2.0","id":20,"method":"tools/call","params":{"name":"config_check","arguments":{"profile":"no-such-profile","config":"'"$out"'/check.config"}}}'
	echo '{"jsonrpc":"2.0","id":21,"method":"resources/read","params":{}}'
	echo '{"jsonrpc":"2.0","id":14,"method":"ping"}'
} > "$T_TMP/raw.in"
scripts/boottest/mcp O="$out" < "$T_TMP/raw.in" > "$T_TMP/raw.out" 2> "$T_TMP/raw.err"
is "$?" 0 "scripts/boottest/mcp: exit 0 at the end of input" || diag "$(tail -n 20 "$T_TMP/raw.err")"
jq -e . "$T_TMP/raw.out" > /dev/null && ! grep -qv '^{"jsonrpc":"2.0",' "$T_TMP/raw.out"
ok $? "stdout holds only JSON-RPC messages (make's output and logs on stderr)" ||
	diag "$(head -c 2000 "$T_TMP/raw.out")"
is "$(reply "$T_TMP/raw.out" 1 | jq -r .result.protocolVersion)" 2024-11-05 \
	"initialize: a client asking for 2024-11-05 gets 2024-11-05"
is "$(reply "$T_TMP/raw.out" 12 | jq -r .result.protocolVersion)" 2025-06-18 \
	"initialize: an unknown revision is answered with 2025-06-18"
is "$(jq -c 'select(.id == null) | .error.code' "$T_TMP/raw.out" | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" \
	"-32600:2 -32700:3 " "three parse errors (not JSON, trailing text, binary) and two invalid requests without a usable id (batch, object id), answered with id null"
like "$(jq -r 'select(.id == null) | .error.message' "$T_TMP/raw.out" | tr '\n' '|')" \
	"parse error.*batches are not part of this protocol revision.*\"id\" must be a string or an integer.*NUL byte" \
	"... with messages saying what is wrong"
is "$(reply "$T_TMP/raw.out" 4 | jq -c .error)" '{"code":-32600,"message":"invalid request: \"jsonrpc\" must be \"2.0\""}' \
	"jsonrpc 1.0: invalid request, answered with its id"
is "$(reply "$T_TMP/raw.out" 6 | jq -c .error)" '{"code":-32601,"message":"method not found: no/such/method"}' \
	"an unknown method: -32601 naming it"
is "$(reply "$T_TMP/raw.out" 7 | jq -c .error)" '{"code":-32602,"message":"unknown tool: no_such_tool"}' \
	"an unknown tool: -32602 naming it"
is "$(reply "$T_TMP/raw.out" 8 | jq -r .error.message)" \
	"invalid arguments for boot_test: arguments.cpus: 0 is below the minimum 1" \
	"a schema violation: -32602 naming the argument and the bound"
is "$(reply "$T_TMP/raw.out" 9 | jq -r .error.message)" \
	'invalid arguments for kernel_info: arguments: "path" is required' \
	"a missing required argument is named"
is "$(reply "$T_TMP/raw.out" 10 | jq -r .error.code)" -32600 "params that are not an object: invalid request"
r=$(reply "$T_TMP/raw.out" 11)
is "$(jq -r .result.structuredContent.crashes[0].title <<< "$r")" "kernel panic: sysrq triggered crash" \
	"after all that, classify_log still answers: the sysrq panic's title"
like "$(jq -r .result.content[0].text <<< "$r")" '"title": "kernel panic: sysrq triggered crash"' \
	"... and the same as text content"
is "$(reply "$T_TMP/raw.out" 13 | jq -c .error)" \
	'{"code":-32602,"message":"invalid arguments for classify_log: arguments.path: /nonexistent.log: No such file or directory"}' \
	"a missing log: -32602 naming the argument and the path"
like "$(reply "$T_TMP/raw.out" 15 | jq -r .error.message)" \
	"^invalid arguments for kernel_info: arguments.path: /etc/passwd is outside the tree \\($T_ROOT\\), the object tree \\($out\\) and the boottest cache" \
	"a file outside the tree, the object tree and the cache is refused"
like "$(reply "$T_TMP/raw.out" 16 | jq -r .error.message)" "arguments.kernel: $out/outside-link is outside the tree" \
	"... also behind a symbolic link in the object tree (boot_test's kernel)"
like "$(reply "$T_TMP/raw.out" 17 | jq -r .error.message)" "arguments.tests: /etc is outside the tree" \
	"boot_test's tests (TESTS=) outside the tree is refused"
is "$(reply "$T_TMP/raw.out" 18 | jq -r .error.code)" -32002 "resources/read of a URI leaving the runs directory: -32002"
is "$(reply "$T_TMP/raw.out" 21 | jq -r .error.message)" "resources/read: params.uri (a string) is required" \
	"resources/read without a uri: the parameter named"
r=$(reply "$T_TMP/raw.out" 19)
is "$(jq -r .result.structuredContent.ok <<< "$r")" false "config_check of a .config lacking the crash profile: ok false"
is "$(jq -c '.result.structuredContent.missing[] | select(.symbol == "VIRTIO_PCI")' <<< "$r")" \
	'{"symbol":"VIRTIO_PCI","want":"y","profile":"boot","reason":"=m, must be built in (=y)"}' \
	"... VIRTIO_PCI missing: wanted y by boot (crash brings it), =m, with the reason"
is "$(jq -r '.result.structuredContent.missing[] | select(.symbol == "LKDTM") | .profile' <<< "$r")" crash \
	"... LKDTM missing for crash"
! jq -e '.result.structuredContent.missing[] | select(.symbol == "EXT4_FS")' <<< "$r" > /dev/null
ok $? "... EXT4_FS=y is there: not listed"
like "$(reply "$T_TMP/raw.out" 20 | jq -r .result.content[0].text)" 'unknown profile "no-such-profile"' \
	"config_check of an unknown profile: an error result with kconfig's message"
is "$(reply "$T_TMP/raw.out" 14 | jq -c .result)" '{}' "the session is alive at the end: ping answered"
is "$(grep -c . "$T_TMP/raw.out")" 23 "one answer for each of the 23 requests and malformed lines, none for the notification"
! grep -qE 'AddressSanitizer|runtime error' "$T_TMP/raw.err"
ok $? "no sanitizer report" || diag "$(grep -A5 -E 'AddressSanitizer|runtime error' "$T_TMP/raw.err")"

# --- make boottest-mcp ---------------------------------------------------------
echo '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}' |
	make -s -f Makefile.boot boottest-mcp O="$out" > "$T_TMP/make.out" 2> "$T_TMP/make.err"
is "$?" 0 "make boottest-mcp: exit 0 at the end of input" || diag "$(tail -n 20 "$T_TMP/make.err")"
is "$(jq -c '[.id, .result.serverInfo.name, .result.capabilities.resources]' "$T_TMP/make.out")" \
	'[1,"boottest",{}]' "make boottest-mcp serves MCP on stdio: initialize answered, resources declared"

# --- the MCP TypeScript SDK client ------------------------------------------------
run_sdk() {
	mcp_sdk || return
	need_boot_env_sdk || return
	local dk kernel
	dk=$(scripts/boottest/debian-kernel --print)
	kernel=$(find "$dk"/boot -name 'vmlinuz-*' | sort | head -n 1)
	# A copy of the fstests fixture with a test that sleeps (cancelled in it).
	local slow=$out/fstests-slow
	rm -rf "$slow" && cp -r tests/fixtures/fstests "$slow" &&
		printf '#!/bin/bash\n# fixture/011: sleeps until cancelled\n. ./common/rc\nsleep 900\nstatus=0\nexit 0\n' > "$slow/tests/fixture/011" &&
		chmod +x "$slow/tests/fixture/011" &&
		printf 'QA output created by 011\n' > "$slow/tests/fixture/011.out" &&
		echo "011 slow" >> "$slow/tests/fixture/group.list"
	local arm64=0
	if arm64_why=$(arm64_missing); then
		arm64=1
	fi
	MCP_KERNEL=$kernel MCP_CONFIG=$(find "$dk"/boot -name 'config-*' | sort | head -n 1) MCP_LOG=$T_ROOT/$log MCP_OUT=$out MCP_TIMEOUT=900 \
		MCP_FSTESTS=$T_ROOT/tests/fixtures/fstests MCP_FSTESTS_SLOW=$slow MCP_ARM64=$arm64 \
		node tests/lib/mcp-client.cjs "$MCP_NPM" "$T_TMP/sdk.json" \
		"$server" --root "$T_ROOT" --tools "$BT_BIN" O="$out" \
		2> "$T_TMP/sdk.err"
	ok $? "the SDK client's session runs to its end" ||
		diag "$(jq -r .exception "$T_TMP/sdk.json" 2> /dev/null; tail -n 30 "$T_TMP/sdk.err")"
	sdk_asserts "$T_TMP/sdk.json"
	! grep -qE 'AddressSanitizer|runtime error' "$T_TMP/sdk.err"
	ok $? "SDK session: no sanitizer report in the server's log" ||
		diag "$(grep -A5 -E 'AddressSanitizer|runtime error' "$T_TMP/sdk.err")"
}

# Why Debian's arm64 kernel cannot boot here (exit 1), or nothing (exit 0).
arm64_missing() {
	command -v qemu-system-aarch64 > /dev/null || { echo "qemu-system-aarch64 missing"; return 1; }
	local dk
	dk=$(scripts/boottest/debian-kernel --arch arm64 --print 2> /dev/null)
	ls "$dk"/boot/vmlinuz-* > /dev/null 2>&1 || { echo "Debian's arm64 kernel is not cached"; return 1; }
	[ -x "$(scripts/boottest/debian-sysroot --arch arm64 --print 2> /dev/null)/bin/busybox" ] ||
		{ echo "the arm64 sysroot is not unpacked"; return 1; }
	return 0
}

need_boot_env_sdk() {
	command -v qemu-system-x86_64 > /dev/null || {
		skip "qemu-system-x86_64 missing: install qemu-system-x86 (scripts/boottest/setup)"
		return 1
	}
	ls "$(scripts/boottest/debian-kernel --print 2> /dev/null)"/boot/vmlinuz-* > /dev/null 2>&1 || {
		skip "Debian's kernel is not cached: run scripts/boottest/setup"
		return 1
	}
}

sdk_asserts() {
	local j=$1
	g() { jq -r "$1" "$j"; }
	is "$(g .server.name)" boottest "initialize through the SDK: serverInfo.name boottest"
	is "$(g '[.tools[].name] | sort | join(" ")')" "bisect boot_test classify_log config_check fstests_run kernel_info list_profiles" \
		"tools/list: the seven tools"
	is "$(g '[.tools[] | select(.inputSchema.type == "object")] | length')" 7 "... each with an object inputSchema"
	is "$(g '[.tools[] | select(.outputSchema.type == "object" and (.outputSchema.required | length) > 0)] | length')" 7 \
		"... and an outputSchema with required keys (the SDK validates every structuredContent against it)"
	is "$(g '[.tools[] | select(.name == "boot_test") | .inputSchema.properties | keys[]] | join(" ")')" \
		"arch cmd cpus kernel mem modules profile tests timeout" "boot_test takes arch, cmd, cpus, kernel, mem, modules, profile, tests, timeout"
	is "$(g '.tools[] | select(.name == "boot_test") | .inputSchema.properties.arch.enum | join(" ")')" "x86_64 arm64" \
		"... arch: x86_64 or arm64"
	is "$(g '[.tools[] | select(.name == "fstests_run") | .inputSchema.properties | keys[]] | join(" ")')" \
		"config cpus fstests fstyp jobs kernel mem modules tests timeout" "fstests_run takes fstests, fstyp, tests, config, jobs, ..."
	is "$(g '.tools[] | select(.name == "bisect") | .inputSchema.required | join(" ")')" "good bad" \
		"bisect requires good and bad"
	is "$(g .capabilities.resources)" "{}" "initialize declares the resources capability"
	is "$(g .config_check.structuredContent.ok)" false "config_check of Debian's config for crash: ok false"
	is "$(g '.config_check.structuredContent.missing[] | select(.symbol == "LKDTM") | .profile + ": " + .reason')" \
		"crash: is not set" "... LKDTM missing for crash: is not set"
	like "$(g .config_check_default.content[0].text)" "no $out/.config: configure the kernel first" \
		"config_check with no .config in the object tree: says so"
	is "$(g .bad_profile.isError)" true "boot_test with an unknown profile: an error result"
	like "$(g .bad_profile.content[0].text)" 'unknown profile "no-such-profile"' "... with kconfig's message (PROFILE= reached make)"
	is "$(g .classify.structuredContent.crashes[0].title)" "kernel panic: sysrq triggered crash" \
		"classify_log (path) of the corpus log: the panic's title"
	is "$(g .classify.structuredContent.crashes[0].category)" panic "... category panic"
	is "$(g .classify_text.structuredContent.crashes[0].title)" "kernel panic: sysrq triggered crash" \
		"classify_log (text): the same title"
	like "$(g '[.profiles.structuredContent.profiles[].name] | join(" ")')" "^boot crash .*debug-kasan" \
		"list_profiles: Kconfig.test's profiles"
	like "$(g .kernel_info.structuredContent.arch)" "x86" "kernel_info of Debian's kernel: x86"
	is "$(g .unknown_tool.code)" -32602 "an unknown tool: the SDK gets error -32602"
	like "$(g .unknown_tool.message)" "unknown tool: no_such_tool" "... naming the tool"
	like "$(g .bad_args.message)" "arguments.timeout: expected integer, got string" \
		"a schema violation: the SDK gets the argument named"
	like "$(g .extra_arg.message)" 'unknown property "colour"' "an unknown argument is refused"

	is "$(g .clean.structuredContent.verdict)" clean "boot_test of Debian's kernel: verdict clean" ||
		diag "$(g .clean.content[0].text | head -n 30)"
	is "$(g .clean.structuredContent.exit_status)" 0 "... exit status 0"
	is "$(g .clean.structuredContent.cmd_status)" 0 "... cmd's status 0"
	is "$(g '.clean.structuredContent.crashes | length')" 0 "... no crash"
	[ -f "$(g .clean.structuredContent.run_dir)/console.log" ]
	ok $? "... the run directory it names has console.log"
	is "$(g .clean.structuredContent.release)" \
		"$(jq -r .kernel.release "$(g .clean.structuredContent.result_json)")" \
		"... release as the run's result.json says"
	local rep
	rep=$(g .clean.structuredContent.report_html)
	is "$rep" "$(g .clean.structuredContent.run_dir)/report.html" "... report_html is the run's report.html"
	[ -s "$rep" ]
	ok $? "... and that file exists"
	local cid
	cid=$(basename "$(g .clean.structuredContent.run_dir)")
	is "$(g '[.resources[0:3][].uri] | join(" ")')" \
		"boottest://runs/$cid/result.json boottest://runs/$cid/console.log boottest://runs/$cid/report.html" \
		"resources/list after the clean boot: its result.json, console.log, report.html first"
	is "$(g '[.resources[0:3][].mimeType] | join(" ")')" "application/json text/plain text/html" "... with their MIME types"
	is "$(g '.resource_result.contents[0].text | fromjson | .kernel.release')" "$(g .clean.structuredContent.release)" \
		"resources/read result.json: the clean boot's result"
	is "$(g .resource_report.contents[0].text)" "$(cat "$rep")" "resources/read report.html: the file's text"
	is "$(g .resource_outside.code)" -32002 "resources/read leaving the runs directory: error -32002"
	[ "$(g '.progress | length')" -ge 1 ]
	ok $? "... progress notifications came during the boot ($(g '.progress | length'))"

	is "$(g .panic.structuredContent.verdict)" panic "boot_test with CMD='echo c > /proc/sysrq-trigger': verdict panic" ||
		diag "$(g .panic.content[0].text | head -n 30)"
	is "$(g .panic.structuredContent.exit_status)" 1 "... exit status 1"
	is "$(g .panic.structuredContent.crashes[0].title)" "kernel panic: sysrq triggered crash" \
		"... the crash's title"
	like "$(g '.panic.structuredContent.crashes[0].report | join("\n")')" "sysrq triggered crash" \
		"... its report lines from console.log"

	is "$(g .second.isError)" true "a second boot_test while one runs: refused"
	like "$(g .second.content[0].text)" "a boot is already running" "... with the reason"
	is "$(g .qemu_before_cancel)" true "the boot to cancel had started QEMU"
	like "$(g .cancelled.message)" "test cancels the boot|abort" "cancelling: the SDK's call is aborted"
	is "$(g .ping_after_cancel)" "{}" "the session goes on after the cancellation"
	is "$(g .qemu_after_cancel)" "" "no QEMU left after the cancellation"
	local last
	last=$(grep -l "sleep 900" "$out"/.boottest/runs/2*/cmd.sh 2> /dev/null | sort | tail -n 1)
	last=${last%/cmd.sh}
	is "$(jq -r .verdict "$last/result.json" 2> /dev/null)" interrupted \
		"the cancelled run stopped cleanly: its result.json says interrupted"
	is "$(g .classify_after_cancel.structuredContent.verdict)" crash "tools still answer after it"

	# fstests_run on the fixture
	is "$(g .fstests.structuredContent.verdict)" fail "fstests_run on the fixture: verdict fail (fixture/003 fails)" ||
		diag "$(g .fstests.content[0].text | tail -n 30)"
	is "$(g .fstests.structuredContent.exit_status)" 1 "... exit status 1, as make fstests-vm's"
	is "$(g '.fstests.structuredContent.counts | "\(.tests) \(.passed) \(.failed) \(.notrun)"')" "3 1 1 1" \
		"... totals: 3 tests, 1 passed, 1 failed, 1 not run"
	is "$(g '[.fstests.structuredContent.failures[] | .section + " " + .name + " " + .status] | join(",")')" \
		"ext4_4k fixture/003 fail" "... the failure named with its section"
	like "$(g '.fstests.structuredContent.failures[0].diff')" '\+this line is not in the golden output' \
		"... with its .out.bad diff excerpt"
	is "$(g .fstests.structuredContent.kernel_verdict)" clean "... the kernel stayed clean"
	[ -d "$(g .fstests.structuredContent.results_dir)/ext4_4k" ]
	ok $? "... results_dir holds the section's results"
	# The last test's notification goes out just before the result: the
	# SDK client handles notifications a turn after a response read with
	# them, and drops one whose request is done, so the last may be
	# missing; never one before it.
	got=$(g '[.fstests_progress[] | select(.total == 3) | .progress] | join(" ")')
	ok "$([ "$got" = "1 2 3" ] || [ "$got" = "1 2" ]; echo $?)" \
		"... progress notifications: one per test done, out of 3 (got: $got)"
	if [ "$got" = "1 2 3" ]; then
		like "$(g '.fstests_progress[-1].message')" 'fixture/004 notrun' "... naming the test and its status"
	else
		like "$(g '.fstests_progress[-1].message')" '^2/3 \[ext4_4k\] fixture/003 fail' "... naming the test and its status"
	fi
	is "$(g .fstests_second.isError)" true "a boot_test while fstests_run runs: refused"
	like "$(g .fstests_second.content[0].text)" "already running \\(fstests_run" "... naming the running tool"
	like "$(g .fstests_cancelled.message)" "test cancels fstests|abort" "fstests_run cancelled in fixture/011: the SDK's call aborted"
	like "$(g '[.fstests_cancel_progress[] | select(.progress >= 1)][0].message')" '^1/2 \[ext4_4k\] fixture/001 pass' \
		"... after fixture/001 was reported done"
	is "$(g .fstests_qemu_after_cancel)" "" "... no QEMU left"
	is "$(g .ping_after_fstests_cancel)" "{}" "... the session goes on"
	local frun
	frun=$(grep -l 'fixture/011' "$out"/.boottest/runs/2*/console.log 2> /dev/null | sort | tail -n 1)
	frun=${frun%/console.log}
	is "$(jq -r .verdict "$frun/result.json" 2> /dev/null)" interrupted "the cancelled fstests run: result.json says interrupted"
	is "$(jq -r '[.tests[] | .name + "=" + .status] | join(" ")' "$frun/fstests.json" 2> /dev/null)" \
		"fixture/001=pass fixture/011=notreached" \
		"... its partial fstests.json: fixture/001 done, fixture/011 not finished" || diag "$(jq -c .tests "$frun/fstests.json" 2>&1)"
	is "$(jq -r .fstests.complete "$frun/result.json" 2> /dev/null)" false "... recorded in result.json too, as incomplete"

	# arch
	if [ -z "$arm64_why" ]; then
		is "$(g .arm64.structuredContent.verdict)" clean "boot_test arch arm64: Debian's arm64 kernel boots clean" ||
			diag "$(g .arm64.content[0].text | tail -n 30)"
		like "$(jq -r .kernel.arch "$(g .arm64.structuredContent.result_json)" 2> /dev/null)" arm64 "... an arm64 kernel"
	else
		skip "boot_test arch arm64: $arm64_why"
		skip "boot_test arch arm64: $arm64_why"
	fi
	like "$(g .bad_arch.message)" 'arguments.arch: "riscv64" is not one of x86_64, arm64' "an unknown arch: -32602 naming the ones known"

	# bisect
	is "$(g .bisect_refused.isError)" true "bisect in the boottest checkout (no kernel tree): an error result"
	like "$(g .bisect_refused.content[0].text)" "before bisecting" "... saying it stopped before bisecting, with make's lines"
	like "$(g .bisect_no_bad.message)" '"bad" is required' "bisect without bad: -32602"

	# every run's resources
	is "$(g '[.resources_all[].uri | select(test("^boottest://runs/[0-9][^/]*/(result.json|console.log|report.html)$") | not)] | length')" 0 \
		"resources/list: every URI is boottest://runs/<run id>/<file>"
	is "$(g '[.resources_all[].uri | capture("runs/(?<id>[^/]*)/").id] | unique | length')" 20 \
		"... 20 runs at most (the O= has 25 old ones besides)"
	is "$(g '[.resources_all[].uri | capture("runs/(?<id>[^/]*)/").id] | . == (. | sort | reverse)')" true "... newest first"
	is "$(g '.old_result.contents[0].text | fromjson | .kernel.release')" "$(g .clean.structuredContent.release)" \
		"resources/read of an older run's result.json by its id (the clean boot's)"
	is "$(g .old_escape.code)" -32002 "an id followed by ../../../.config: resource not found"
	is "$(g .old_dotdot.code)" -32002 "an id of ..: resource not found"
	is "$(g .done)" true "the client closed the session"
	is "$(qemu_of "$out/")" "" "no QEMU of this test's runs left at the end"
}

run_sdk

# --- the message parser under libFuzzer -------------------------------------------
fuzz_run fuzz-mcp mcp 15
done_testing
