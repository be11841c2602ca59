#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dmesg-classify: every input form, the near-misses and false alarms the
# classifier must not raise, the output formats, --rules and --baseline,
# exit statuses, and the accuracy on the syzkaller-derived dev corpus.
. "$(dirname "$0")/lib/tap.sh"

dc=$BT_BIN/dmesg-classify
data=$T_ROOT/tests/data/dmesg
[ -x "$dc" ] || skip_all "$dc not built (make -C tools/boottest)"

# json FILE EXPR: evaluate a python expression on the JSON output (as j)
json() {
	local f=$1 expr=$2
	"$dc" --json "$f" 2>/dev/null | python3 -c "
import json, sys
j = json.load(sys.stdin)
print($expr)"
}

first() { json "$1" "'%s|%s' % (j['crashes'][0]['category'], j['crashes'][0]['title']) if j['crashes'] else 'none'"; }

# --- input forms ---------------------------------------------------
is "$(first "$data/warn-syslog-crlf.log")" "warning|WARNING in virtblk_probe" \
	"console_msg_format=syslog <N> prefixes with CRLF: WARNING named"
is "$(first "$data/kmsg-records.log")" \
	"null_deref|BUG: unable to handle kernel NULL pointer dereference in mydrv_init" \
	"/dev/kmsg records with continuation lines"
is "$(json "$data/kmsg-records.log" "j['crashes'][0]['panicked']")" "True" \
	"a panic after an Oops marks the Oops panicked, not a second crash"
is "$(first "$data/dmesg-x-hung.log")" "hung_task|INFO: task hung in mydev_flush" \
	"dmesg -x (facility:level prefixes): hung task, frame past scheduler frames"
is "$(json "$data/dmesg-x-hung.log" "len(j['errors'])")" "0" \
	"dmesg -x: a userspace-facility error is not a kernel error"
is "$(first "$data/journal-panic.log")" \
	"panic|kernel panic: VFS: Unable to mount root fs on unknown-block(NUM,NUM)" \
	"journalctl -k: panic title normalized"
is "$(json "$data/caller-kasan-two.log" "'; '.join(c['title'] for c in j['crashes'])")" \
	"KASAN: slab-use-after-free Read in my_read; BUG: soft lockup in my_write" \
	"printk caller contexts: both crashes, each with its own frame"
is "$(json "$data/caller-kasan-two.log" "j['crashes'][0]['stack'][3]")" "my_read+0x2a/0x40 [mymod]" \
	"stack entries keep offset and module"
is "$(json "$data/ubsan-bug-binary.log" "'; '.join(c['category'] + '|' + c['title'] for c in j['crashes'])")" \
	"ubsan|UBSAN: shift-out-of-bounds in bar_setup; bug|kernel BUG in foo_free" \
	"ANSI escapes, NUL and invalid UTF-8, truncated last line"
is "$(json "$data/near-miss.log" "len(j['crashes'])")" "0" \
	"near-misses and 200 KB lines: no crash"
# A line that repeats a header thousands of times is one report (its
# speed is measured by bench/hostile, not here), and so are the copies
# separated by carriage returns.
hdr='WARNING: CPU: 0 PID: 1 at a.c:1 fN+0x1/0x2 '
for ((i = 0; i < 4000; i++)); do printf '%s' "$hdr"; done > "$T_TMP/one-line.log"
echo >> "$T_TMP/one-line.log"
is "$(json "$T_TMP/one-line.log" "'%d %s %d' % (len(j['crashes']), j['crashes'][0]['category'], j['crashes'][0]['end_line'])")" \
	"1 warning 1" "4000 headers on one line: one warning report"
for ((i = 0; i < 4000; i++)); do printf '%s\r' "$hdr"; done > "$T_TMP/cr.log"
echo >> "$T_TMP/cr.log"
is "$(json "$T_TMP/cr.log" "'%d %d' % (len(j['crashes']), j['counts']['lines'])")" \
	"1 1" "4000 headers separated by CR: one line, one report"
# Blank lines are of the bare context: a bare report takes them (400 lines
# at most, the stack after 500 blank lines is out of reach), a timestamped
# one steps over them to its own lines.
{
	echo "$hdr"
	for ((i = 0; i < 500; i++)); do echo; done
	printf 'Call Trace:\n my_caller+0x1/0x2\n'
} > "$T_TMP/bare-blank.log"
is "$(json "$T_TMP/bare-blank.log" "'%s %d' % (j['crashes'][0]['title'], j['crashes'][0]['end_line'])")" \
	"WARNING in corrupted 400" "a bare header and 500 blank lines: a 400-line report"
{
	echo "[    1.000000] $hdr"
	for ((i = 0; i < 500; i++)); do echo; done
	printf '[    1.000001] Call Trace:\n[    1.000002]  my_caller+0x1/0x2\nbare\n'
} > "$T_TMP/stamp-blank.log"
is "$(json "$T_TMP/stamp-blank.log" "'%s %d' % (j['crashes'][0]['title'], j['crashes'][0]['end_line'])")" \
	"WARNING in my_caller 503" "a timestamped header: its report steps over 500 blank lines"

# --- rarer title formats ---------------------------------------------
is "$(json "$data/rust-panic.log" "'%s|%s' % (j['crashes'][0]['category'], j['crashes'][0]['title'])")" \
	"panic|attempt to add with overflow in <ashmem_rust::Ashmem as kernel::miscdevice::MiscDevice>::mmap" \
	"Rust panic: the message line, the first frame past the panic path, demangled; the stack read past the BUG it raises"
is "$(json "$data/rust-panic.log" "'%d-%d' % (j['crashes'][0]['start_line'], j['crashes'][0]['end_line'])")" "1-3" \
	"Rust panic: the crash still ends before the BUG it raises"
is "$(json "$data/rare-formats.log" "'; '.join(c['title'] for c in j['crashes'])")" \
	"WARNING in shim::Device::probe; INFO: task hung in jbd2_journal_commit_transaction; KASAN: slab-out-of-bounds in tcp_v4_rcv.part.NUM at addr ADDR" \
	"C++-mangled frame demangled; hung task blocked in I/O wait; old KASAN header without an access line"
is "$(json "$data/rare-formats.log" "j['crashes'][2]['corrupted']")" "True" \
	"old KASAN header without an access line: corrupted"

# --- where syzkaller's rules find the frame -------------------------
syz() {
	json "$data/syz-rules.log" "j['crashes'][$1]['title']"
}
is "$(syz 0)" "BUG: soft lockup in inet_stream_connect" \
	"stall: anchors see __sys_connect without its prefix; the frame above it"
is "$(syz 1)" "KFENCE: use-after-free read in nfc_llcp_rx_work" \
	"KFENCE: a skipped header function; frames under the access line"
is "$(syz 2)" "possible deadlock in __flush_work" \
	"recursive locking: the acquired lock's at: function as printed"
is "$(syz 3)" "memory leak in hci_conn_add" \
	"kmemleak: backtrace (crc ...) starts the stack"
is "$(syz 4)" "divide error in corrupted" \
	"divide error: the RIP line alone names it (user-space RIP: none)"

# --- false alarms from the issue -----------------------------------
"$dc" "$data/benign-boot.log" > /dev/null
is "$?" "0" "benign boot lines (tsc, i8042, cfg80211, RETBleed/SRSO/MDS, userspace traps, lockdep off, ODEBUG): exit 0"
is "$(json "$data/benign-boot.log" "'%d %d %d' % (len(j['crashes']), len(j['errors']), len(j['warnings']))")" \
	"0 0 0" "benign boot lines: no crash, no error, no warning"
printf 'tsc: Fast TSC calibration failed\ni8042: probe of i8042 failed with error -5\ncfg80211: failed to load regulatory.db\nerror: failed\n' > "$T_TMP/plain.log"
is "$(json "$T_TMP/plain.log" "'%d %d' % (len(j['crashes']), len(j['errors']))")" "0 0" \
	"no priorities: bare words (error, failed) are not errors"
printf 'EXT4-fs error (device vda): ext4_find_entry:1: inode #2: comm ls: reading directory lblock 0\n' > "$T_TMP/ext4.log"
is "$(json "$T_TMP/ext4.log" "len(j['errors'])")" "1" \
	"no priorities: a known kernel error format is an error"

# --- outputs and exit status ---------------------------------------
"$dc" "$data/warn-syslog-crlf.log" > /dev/null
is "$?" "1" "exit 1 on a crash"
"$dc" --no-such-option > /dev/null 2>&1
is "$?" "2" "exit 2 on a usage error"
"$dc" "$T_TMP/missing.log" > /dev/null 2>"$T_TMP/err"
is "$?" "2" "exit 2 on an unreadable log"
like "$(cat "$T_TMP/err")" "^dmesg-classify: error: .*missing.log: cannot read the log: No such file" \
	"one-line error naming the file and the reason"
out=$("$dc" --color never "$data/warn-syslog-crlf.log")
like "$out" "WARNING in virtblk_probe \[warning\] lines 3-15" "human summary"
[[ $out != *$'\033'* ]]
ok $? "no colour when not on a terminal"
"$dc" --junit "$data/warn-syslog-crlf.log" | python3 -c '
import sys, xml.etree.ElementTree as E
t = E.parse(sys.stdin).getroot()
assert t.tag == "testsuite" and t.get("failures") == "1", t.attrib
assert t.find("testcase/failure") is not None'
ok $? "--junit: well-formed, one failure"
tap=$("$dc" --tap "$data/caller-kasan-two.log")
like "$tap" $'1..2\nnot ok 1 - KASAN' "--tap: one test per crash"
like "$("$dc" --tap "$data/benign-boot.log")" $'1..1\nok 1' "--tap: a clean log passes"
"$dc" --help | grep -q '"crashes": \[{"category", "title"'
ok $? "--help documents the JSON schema"
"$dc" - < "$data/journal-panic.log" > /dev/null
is "$?" "1" "the log can come on stdin"

# --- baseline -------------------------------------------------------
"$dc" --json "$data/caller-kasan-two.log" > "$T_TMP/base.json"
"$dc" --baseline "$T_TMP/base.json" "$data/caller-kasan-two.log" > /dev/null
is "$?" "0" "--baseline: the same crashes are known: exit 0"
is "$("$dc" --json --baseline "$T_TMP/base.json" "$data/ubsan-bug-binary.log" | python3 -c '
import json, sys; j = json.load(sys.stdin); print([c["new"] for c in j["crashes"]])')" \
	"[True, True]" "--baseline: other crashes are new"
sed 's/30\.1000/40.2000/; s/ffff888012345678/ffff888087654321/' "$data/caller-kasan-two.log" > "$T_TMP/again.log"
"$dc" --baseline "$T_TMP/base.json" "$T_TMP/again.log" > /dev/null
is "$?" "0" "--baseline: the same crash with other addresses and times is known"

# --- rules ----------------------------------------------------------
printf 'header MYDRV FATAL:\nformat MYDRV FATAL: (\\w+)\ntitle mydrv fatal %%1\ncategory other\nframe none\nnostack\n' > "$T_TMP/my.rules"
printf '[    1.0] MYDRV FATAL: overheat\n' > "$T_TMP/my.log"
is "$(json "$T_TMP/my.log" "len(j['crashes'])")" "0" "a custom header is unknown without its rules"
is "$("$dc" --json --rules "$T_TMP/my.rules" "$T_TMP/my.log" | python3 -c '
import json, sys; print(json.load(sys.stdin)["crashes"][0]["title"])')" \
	"mydrv fatal overheat" "--rules FILE extends the shipped rules"
is "$(BOOTTEST_RULES=$T_TMP/my.rules "$dc" --json "$T_TMP/my.log" | python3 -c '
import json, sys; print(len(json.load(sys.stdin)["crashes"]))')" "1" "BOOTTEST_RULES extends them too"
is "$(BOOTTEST_RULES=$T_TMP/my.rules "$dc" --json "$data/warn-syslog-crlf.log" | python3 -c '
import json, sys; print(json.load(sys.stdin)["crashes"][0]["title"])')" \
	"WARNING in virtblk_probe" "user rules keep the shipped ones"
printf 'format (unclosed\n' > "$T_TMP/bad.rules"
"$dc" --rules "$T_TMP/bad.rules" "$data/benign-boot.log" > /dev/null 2>"$T_TMP/err"
is "$?" "2" "bad rules: exit 2"
like "$(cat "$T_TMP/err")" "bad.rules:1: 'format' before any 'header' line" "bad rules: file:line and why"
printf 'header X:\nformat (unclosed\n' > "$T_TMP/bad.rules"
"$dc" --rules "$T_TMP/bad.rules" "$data/benign-boot.log" > /dev/null 2>"$T_TMP/err"
like "$(cat "$T_TMP/err")" "bad.rules:2: title regexp at offset [0-9]+: missing closing parenthesis" \
	"bad regexp: file:line and PCRE2's message"
printf 'header MYDRV: \nformat MYDRV: fatal\ncategory bogus\n' > "$T_TMP/bad.rules"
"$dc" --rules "$T_TMP/bad.rules" "$data/benign-boot.log" > /dev/null 2>"$T_TMP/err"
is "$?" "2" "category outside the vocabulary: exit 2"
like "$(cat "$T_TMP/err")" "^dmesg-classify: error: .*bad.rules:3: unknown category 'bogus'; use panic, oops, .* or other\$" \
	"category outside the vocabulary: file:line, the word and the words allowed"
printf 'header MYDRV: \ndefault-category warnings\n' > "$T_TMP/bad.rules"
"$dc" --rules "$T_TMP/bad.rules" "$data/benign-boot.log" > /dev/null 2>"$T_TMP/err"
like "$(cat "$T_TMP/err")" "bad.rules:2: unknown category 'warnings'" \
	"default-category outside the vocabulary: refused too"

# --- dev corpus accuracy (scorer from the shared tools) --------------
scorer=${BT_SCORER:-$T_ROOT/../shared/tools/score-dmesg.py}
corpus=${BT_CORPUS:-$T_ROOT/../shared/corpus/dmesg-syzkaller}
if [ -r "$scorer" ] && [ -d "$corpus" ]; then
	res=$(python3 "$scorer" --corpus "$corpus" -j 2 --cmd "$dc --json {log}" | tail -n 1)
	diag "corpus: $res"
	read -r det cat tit fp < <(echo "$res" | sed -E \
		's/detect=([0-9.]+)% category=([0-9.]+)% title=([0-9.]+)% fp=([0-9]+).*/\1 \2 \3 \4/')
	python3 -c "import sys; sys.exit(not float('$det') >= 99.5)"
	ok $? "corpus: crash detected >= 99.5% ($det%)"
	python3 -c "import sys; sys.exit(not float('$cat') >= 97.0)"
	ok $? "corpus: category >= 97% ($cat%)"
	python3 -c "import sys; sys.exit(not float('$tit') >= ${BT_TITLE_MIN:-90})"
	ok $? "corpus: exact title >= ${BT_TITLE_MIN:-90}% ($tit%)"
	is "$fp" "0" "corpus: no false alarm on clean logs"
else
	skip "corpus or scorer not found ($corpus, $scorer): set BT_CORPUS and BT_SCORER"
fi

# --- a large log ---------------------------------------------------------
# Corpus logs concatenated to 6 MB (about 1000 reports), with priorities
# and without (the message levels of such a log are matched by the message
# formats), read from the file and from stdin (the same JSON).  The third
# form adds reports whose frames need JSON escapes (quote,
# backslash, control byte) at the start and the end.
esc_reports() {
	for ((i = 0; i < 300; i++)); do
		printf '[  %d.000000] WARNING: CPU: 0 PID: 1 at fs/esc.c:%d esc_func+0x1/0x2\n' $i $i
		printf '[  %d.000000] Call Trace:\n' $i
		printf '[  %d.000000]  esc_inner+0x10/0x20 "quoted" back\\slash \001 ctl\n' $i
		printf '[  %d.000000]  esc_outer+0x30/0x40\n' $i
		printf '[  %d.000000] ---[ end trace 0000000000000000 ]---\n' $i
	done
}
if [ -d "$corpus" ]; then
	for form in kmsg plain escapes; do
		: > "$T_TMP/big.log"
		if [ $form = escapes ]; then
			esc_reports > "$T_TMP/big.log"
			set -- "$corpus"/*.log
		elif [ $form = kmsg ]; then
			set -- "$corpus"/*.log
		else
			mapfile -t plain < <(grep -LE '^<[0-9]+>|^[0-9]+,[0-9]+,[0-9]+,|^[a-z]+ *:[a-z]+ *: ' "$corpus"/*.log)
			set -- "${plain[@]}"
		fi
		while [ "$(stat -c %s "$T_TMP/big.log")" -lt $((6 << 20)) ]; do
			cat "$@" >> "$T_TMP/big.log"
		done
		if [ $form = escapes ]; then
			esc_reports >> "$T_TMP/big.log"
			n=$("$dc" --json "$T_TMP/big.log" | python3 -c '
import json, sys
d = json.load(sys.stdin)
want = "esc_inner+0x10/0x20 \"quoted\" back\\slash \x01 ctl"
c = d["crashes"]
print(sum(want in x["stack"] for x in c[:300]), sum(want in x["stack"] for x in c[-300:]))')
			is "$n" "300 300" "6 MB log ($form): the frames that need escapes read back from the JSON, first and last 300 reports"
		fi
		n=$("$dc" --json "$T_TMP/big.log" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["crashes"]))')
		like "$n" '^([3-9][0-9][0-9]|[0-9]{4,})$' "6 MB log ($form): $n reports"
		"$dc" --json "$T_TMP/big.log" > "$T_TMP/one.out"
		a=$?
		"$dc" --json - < "$T_TMP/big.log" > "$T_TMP/two.out"
		b=$?
		cmp -s "$T_TMP/one.out" "$T_TMP/two.out" && [ $a = $b ] && [ $a = 1 ]
		ok $? "6 MB log ($form): stdin gives the JSON and status of the file ($b)"
	done
	rm -f "$T_TMP/big.log" "$T_TMP/one.out" "$T_TMP/two.out"
else
	skip "no corpus ($corpus): the 6 MB logs are not classified"
fi

done_testing
