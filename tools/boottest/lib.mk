# SPDX-License-Identifier: GPL-2.0
# lib/: the shared library every tool links (libboottest.a, built by the
# Makefile itself); here only the fuzz target of its result.json reader.
FUZZERS += fuzz-result
fuzz-result-objs :=
fuzz-result-pkgs := json-c
