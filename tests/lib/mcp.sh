#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The official MCP TypeScript SDK for the tests that drive boottest-mcp with
# its client (tests/lib/mcp-client.cjs): mcp_sdk installs it from npm into
# the suite's cache (once, under a lock; npm's cache keeps it offline
# later), sets MCP_NPM to that directory and reports with one test; 1 (a
# skip or a failure reported) when it cannot.

# The SDK release the client runs.
MCP_SDK=@modelcontextprotocol/sdk@1.32.2

mcp_sdk() {
	if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
		skip "node or npm missing: scripts/boottest/setup installs Debian's nodejs and npm"
		return 1
	fi
	MCP_NPM=${BT_TEST_BUILD:-$T_TMP}/npm
	mkdir -p "$MCP_NPM"
	(
		flock 9
		pkg=$MCP_NPM/node_modules/@modelcontextprotocol/sdk/package.json
		if [ "$(jq -r .version "$pkg" 2> /dev/null)" != "${MCP_SDK##*@}" ]; then
			nice npm install --prefix "$MCP_NPM" --no-audit --no-fund --no-save "$MCP_SDK"
		fi
	) 9> "$MCP_NPM.lock" > "$T_TMP/npm.log" 2>&1
	if ! ok $? "npm installs $MCP_SDK into the test cache"; then
		diag "$(tail -n 20 "$T_TMP/npm.log")"
		return 1
	fi
}
