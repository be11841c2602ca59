# SPDX-License-Identifier: GPL-2.0
# kcidb: a run's result.json as a KCIDB v5.3 submission (kcidb.json).
TOOLS += kcidb
kcidb-main := report/kcidb.o
kcidb-objs := report/kcidb-log.o
kcidb-pkgs := json-c libcrypto

FUZZERS += fuzz-kcidb-log
fuzz-kcidb-log-objs := report/kcidb-log.o
fuzz-kcidb-log-pkgs := json-c
