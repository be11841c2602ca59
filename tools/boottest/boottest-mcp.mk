# SPDX-License-Identifier: GPL-2.0
# boottest-mcp: an MCP server (JSON-RPC over stdio) for AI assistants.
TOOLS += boottest-mcp
boottest-mcp-main := boottest-mcp.o
boottest-mcp-objs := boottest-mcp-proto.o boottest-mcp-tools.o \
	boottest-mcp-schema.o boottest-mcp-fstests.o boottest-mcp-bisect.o \
	boottest-mcp-resources.o
boottest-mcp-pkgs := json-c

FUZZERS += fuzz-mcp
fuzz-mcp-objs := boottest-mcp-proto.o boottest-mcp-tools.o \
	boottest-mcp-schema.o boottest-mcp-fstests.o boottest-mcp-bisect.o \
	boottest-mcp-resources.o
fuzz-mcp-pkgs := json-c
