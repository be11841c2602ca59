# SPDX-License-Identifier: GPL-2.0
# lib/: the shared library every tool links (libboottest.a, built by the
# Makefile itself); here only the fuzz targets of its parsers.
FUZZERS += fuzz-result
fuzz-result-objs :=
fuzz-result-pkgs := json-c

# ksym-frame.c: the frame strings of a console log, as ksymbolize and vmrun
# read them.
FUZZERS += fuzz-ksymbolize
fuzz-ksymbolize-objs :=
fuzz-ksymbolize-pkgs :=
