# SPDX-License-Identifier: GPL-2.0
# fstests-results: parse an fstests results tree + console into result.json,
# JUnit and a baseline comparison; follow the console for live progress.
TOOLS += fstests-results
fstests-results-main := fstests/fstests-results.o
fstests-results-objs := fstests/parse.o fstests/tree.o fstests/report.o \
			fstests/progress.o fstests/shards.o
fstests-results-pkgs := json-c

FUZZERS += fuzz-fstests-results
fuzz-fstests-results-objs := fstests/parse.o fstests/tree.o fstests/report.o \
			     fstests/shards.o
fuzz-fstests-results-pkgs := json-c
