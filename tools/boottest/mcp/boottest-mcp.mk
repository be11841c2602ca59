# SPDX-License-Identifier: GPL-2.0
# boottest-mcp: an MCP server (JSON-RPC over stdio) for AI assistants.
TOOLS += boottest-mcp
boottest-mcp-main := mcp/boottest-mcp.o
boottest-mcp-objs := mcp/proto.o mcp/tools.o mcp/schema.o mcp/fstests.o \
	mcp/bisect.o mcp/resources.o
boottest-mcp-pkgs := json-c

FUZZERS += fuzz-mcp
fuzz-mcp-objs := mcp/proto.o mcp/tools.o mcp/schema.o mcp/fstests.o \
	mcp/bisect.o mcp/resources.o
fuzz-mcp-pkgs := json-c
