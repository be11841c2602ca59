#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# boottest-mcp's bisect tool on a real kernel, driven by the official MCP
# TypeScript SDK client: tests/55's scratch copy of the cached test kernel
# with its history A..E (C makes a late initcall panic), the server started
# as the tree's own scripts/boottest/mcp O=obj, bisect good A bad E: the
# first bad commit C with its subject, every step with its answer (C's bad
# with the panic), one progress notification per step done, the logs and
# report page, the tree back on its branch, no QEMU left; the result
# validated by the SDK against the tool's outputSchema.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/boot.sh"
. "$(dirname "$0")/lib/kernel.sh"
. "$(dirname "$0")/lib/bisect.sh"
. "$(dirname "$0")/lib/mcp.sh"
need_boot_env
for p in git perl setsid jq; do
	command -v $p > /dev/null || skip_all "$p missing (scripts/boottest/setup)"
done
kernel_tree || skip_all "$KERNEL_SKIP_REASON"

scratch=$(mktemp -d "$BT_TEST_BUILD/mcp-bisect.XXXXXX") || skip_all "cannot write $BT_TEST_BUILD"
trap 'rm -rf "$T_TMP" "$scratch"' EXIT
src=$scratch/src
obj=$scratch/obj

bisect_setup > "$T_TMP/setup.log" 2>&1
ok $? "scratch copy of the cached kernel tree" || { diag "$(tail -n 20 "$T_TMP/setup.log")"; done_testing; exit; }
bisect_history > "$T_TMP/history.log" 2>&1
ok $? "git history A..E (C adds panic() in a late_initcall)" || diag "$(cat "$T_TMP/history.log")"
rev() { git -C "$src" rev-parse "$1"; }
C=$(rev C)
E=$(rev E)

if mcp_sdk; then
	# LOCALVERSION= keeps the release as cached; -j2 for each step's build.
	t0=$(date +%s)
	(cd "$src" && LOCALVERSION='' MAKEFLAGS=-j2 MCP_OUT=$obj MCP_TIMEOUT=600 \
		MCP_BISECT_GOOD=A MCP_BISECT_BAD=E \
		nice -n 10 node "$T_ROOT/tests/lib/mcp-client.cjs" "$MCP_NPM" "$T_TMP/sdk.json" \
		"$src/scripts/boottest/mcp" O="$obj") < /dev/null 2> "$T_TMP/sdk.err"
	ok $? "the SDK client's bisect session runs to its end" ||
		diag "$(jq -r .exception "$T_TMP/sdk.json" 2> /dev/null; tail -n 30 "$T_TMP/sdk.err")"
	diag "bisection through MCP in $(($(date +%s) - t0)) s (load $(cut -d' ' -f1 /proc/loadavg))"
	j=$T_TMP/sdk.json
	g() { jq -r "$1" "$j"; }
	is "$(g '.tools[] | select(.name == "bisect") | .outputSchema.required | join(" ")')" "found exit_status steps" \
		"tools/list of the tree's server: bisect with its outputSchema"
	is "$(g .bisect.structuredContent.found)" true "bisect good A bad E: found" ||
		diag "$(g .bisect.content[0].text | tail -n 30)"
	is "$(g .bisect.structuredContent.first_bad.commit)" "$C" "... the first bad commit is C"
	is "$(g .bisect.structuredContent.first_bad.subject)" "C: the initcall panics" "... with its subject"
	is "$(g .bisect.structuredContent.exit_status)" 0 "... exit status 0"
	n=$(g '.bisect.structuredContent.steps | length')
	[ "$n" -ge 2 ]
	ok $? "... $n steps"
	is "$(g '[.bisect.structuredContent.steps[] | select(.answer | test("^(good|bad|skip)$") | not)] | length')" 0 \
		"... each answered good, bad or skip"
	like "$(jq -r --arg c "${C:0:12}" '.bisect.structuredContent.steps[] | select(.commit == $c) | .answer + ": " + .detail' "$j")" \
		'^bad: panic: .*kernel panic: boottest-bisect' "... C's step: bad, with the panic's title"
	# The server sends the last step's notification just before the
	# result; the SDK client handles a notification after a response that
	# came in the same read, and then drops it (its request is done): the
	# last one may be missing, never one before it.
	got=$(g '[.bisect_progress[] | select(.progress >= 1) | .progress] | join(" ")')
	k=${got##* }
	ok "$([ -n "$got" ] && [ "$got" = "$(seq -s ' ' 1 "$k")" ] &&
		{ [ "$k" = "$n" ] || [ "$k" = $((n - 1)) ]; }; echo $?)" \
		"progress: one notification per step done, in order ($got of $n steps)"
	like "$(g '.bisect_progress[-1].message')" "^step $k: [0-9a-f]+: (good|bad|skip): " "... naming the step, its commit and answer"
	dir=$(g .bisect.structuredContent.bisect_dir)
	like "$(cat "$dir/bisect.log" 2>&1)" "# first bad commit: \[$C\]" "bisect_dir keeps git bisect log"
	[ -s "$(g .bisect.structuredContent.report_html)" ]
	ok $? "report_html: the bisection's page"
	is "$(git -C "$src" symbolic-ref --short HEAD 2>&1)@$(rev HEAD)" "master@$E" "the tree is back on master at E"
	check_fail "... no bisection left in progress" test -e "$src/.git/BISECT_START"
	is "$(g .qemu_after)" "" "no QEMU left"
fi
done_testing
