# SPDX-License-Identifier: GPL-2.0
# report-html: RUN/report.html from result.json, the classifier's JSON, the
# console log and fstests.json (or a bisect directory's logs).
TOOLS += report-html
report-html-main := report/report-html.o
report-html-objs := report/html-esc.o report/html-log.o report/html-svg.o \
		    report/html-fstests.o report/html-bisect.o
report-html-pkgs := json-c

FUZZERS += fuzz-report-html
fuzz-report-html-objs := report/html-esc.o report/html-log.o report/html-svg.o
fuzz-report-html-pkgs := json-c
