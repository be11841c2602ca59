# SPDX-License-Identifier: GPL-2.0
# fstests-results: parse an fstests results tree + console into result.json,
# JUnit and a baseline comparison; follow the console for live progress.
TOOLS += fstests-results
fstests-results-main := fstests-results.o
fstests-results-objs := fstests-results-parse.o fstests-results-tree.o \
			fstests-results-report.o fstests-results-progress.o \
			fstests-results-shards.o
fstests-results-pkgs := json-c

FUZZERS += fuzz-fstests-results
fuzz-fstests-results-objs := fstests-results-parse.o fstests-results-tree.o \
			     fstests-results-report.o fstests-results-shards.o
fuzz-fstests-results-pkgs := json-c
