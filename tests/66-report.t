#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# report.html, rendered in headless Chromium: the pages of a clean boot
# (BOOT_TIMELINE=1: initcall bars), a panic (sysrq c), a hang (TIMEOUT=),
# all on Debian's kernel; an fstests-vm run with a failure (the recorded
# fixture run of tests/data/fstests-results); a bisect directory (steps and
# logs as scripts/boottest/bisect keeps them, its boot logs from the boots
# above); a log and a crash title carrying <script> and </pre>.  Each page:
# the DOM has the verdict, every crash title and the line anchors, nothing
# is fetched, the screenshot is not blank and its banner has the verdict's
# colour.  make boottest-report writes a page again; the writer's fuzz
# target runs bounded.  With the tree kernel cached (symbols profile), a
# panic's stack has file:line on the page.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/fuzz.sh"
. "$(dirname "$0")/lib/boot.sh"
. "$(dirname "$0")/lib/kernel.sh"

# What CI must have; elsewhere a missing one is a skip that says why.
need() {
	if [ "${CI:-}" = true ]; then
		echo "not ok 1 - $1 (CI=true: setup installs it)"
		echo "1..1"
		exit 1
	fi
	skip_all "$1"
}
browser=$(command -v chromium-headless-shell || command -v chromium || true)
[ -n "$browser" ] || need "no chromium-headless-shell or chromium: run scripts/boottest/setup"
# Debian's python3-pil is for Debian's python3 (a python3 earlier in PATH may lack it)
pil=
for p in /usr/bin/python3 python3; do
	"$p" -c 'import PIL' 2> /dev/null && { pil=$p; break; }
done
[ -n "$pil" ] || need "python3-pil missing: run scripts/boottest/setup"
need_boot_env

rh=$BT_BIN/report-html
[ -x "$rh" ] || skip_all "$rh not built"
# An output directory of this checkout's own: tools built from another
# checkout into a shared one (the suite of a sibling clone) would be linked
# from a mix of both.
O=${BT_TEST_BUILD:-$T_TMP}/report-$(printf '%s' "$T_ROOT" | md5sum | cut -c1-8)
mkdir -p "$O"

# Headless Chromium on a page: dom FILE / shot FILE (1280x1000 PNG).
chrome() {
	# shellcheck disable=SC2054 # the comma is Chromium's WIDTH,HEIGHT
	local args=(--headless --disable-gpu --no-first-run --user-data-dir="$T_TMP/chrome"
		--window-size=1280,1000)
	[ "$(id -u)" = 0 ] && args+=(--no-sandbox)
	timeout 300 "$browser" "${args[@]}" "$@" 2> "$T_TMP/chrome.err"
}
dom() { chrome --dump-dom "file://$(readlink -f "$1")"; }
shot() { chrome --screenshot="$2" "file://$(readlink -f "$1")" > /dev/null; }
# colours in the screenshot, and the banner's colour at (8, 8)
pixels() {
	"$pil" - "$1" <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
print(len(im.getcolors(1 << 24)), "%02x%02x%02x" % im.getpixel((8, 8)))
PY
}

# page LABEL RUNDIR VERDICT BANNER_RGB: the assertions every page makes
page() {
	local label=$1 run=$2 verdict=$3 rgb=$4 d n c
	[ -s "$run/report.html" ]
	ok $? "$label: report.html beside result.json" || return
	d=$(dom "$run/report.html")
	echo "$d" > "$T_TMP/$label.dom"
	like "$d" "<h1>$verdict: " "$label: the DOM has the verdict ($verdict)"
	like "$d" 'id="L1"' "$label: console lines have anchors (#L1)"
	n=$(grep -c '<script' <<< "$d")
	c=$(grep -cE '(src|srcset)=|<link|@import|url\(' "$run/report.html")
	is "$n $c" "0 0" "$label: no script, nothing fetched (src=, link, @import, url())"
	shot "$run/report.html" "$T_TMP/$label.png"
	read -r n c <<< "$(pixels "$T_TMP/$label.png" 2> /dev/null)"
	[ "${n:-0}" -gt 50 ]
	ok $? "$label: the screenshot is not blank (${n:-0} colours)" || diag "$(tail -5 "$T_TMP/chrome.err")"
	is "$c" "$rgb" "$label: the banner has the verdict's colour"
}

# --- a clean boot with BOOT_TIMELINE=1 ------------------------------------
boot "$O" "$T_TMP/clean.log" BOOT_TIMELINE=1 TIMEOUT=400
clean=$B_RUN
is "$B_RC" 0 "clean boot (BOOT_TIMELINE=1)" || diag "$(tail -20 "$T_TMP/clean.log")"
is "$(tail -n 1 "$T_TMP/clean.log")" "boottest: report $clean/report.html" \
	"the summary ends with the report's path"
page clean "$clean" clean 2e7d32
d=$(cat "$T_TMP/clean.dom")
like "$d" 'slowest initcalls' "clean: initcall_debug: the slowest initcalls drawn"
is "$(grep -o ' ms</text>' <<< "$d" | wc -l)" 15 "clean: 15 initcall bars"
like "$d" 'Run /init.*boottest-init started.*finished' "clean: the timeline's milestones in order"
like "$d" 'href="console.log"' "clean: links to the raw files"

# --- make boottest-report: the latest run's page again --------------------
rm -f "$clean/report.html"
out=$(make -s -f "$T_ROOT/Makefile.boot" boottest-report O="$O" 2>&1)
is "$(tail -n 1 <<< "$out")" "boottest-report: $clean/report.html" "make boottest-report names the page"
[ -s "$clean/report.html" ]
ok $? "make boottest-report wrote the latest run's page again"
make -s -f "$T_ROOT/Makefile.boot" boottest-report O="$O" RUN="$T_TMP/nonexistent" > "$T_TMP/rep.log" 2>&1
like "$(cat "$T_TMP/rep.log")" "nonexistent: no such run directory" "RUN= of no run: a one-line error"

# --- a panic ------------------------------------------------------------------
boot "$O" "$T_TMP/panic.log" CMD='echo c > /proc/sysrq-trigger' TIMEOUT=400
panic=$B_RUN
is "$(jget "$panic/result.json" "['verdict']")" panic "sysrq c: verdict panic"
page panic "$panic" panic c62828
d=$(cat "$T_TMP/panic.dom")
title=$(jget "$panic/result.json" "['crashes'][0]['title']")
like "$d" "first crash: <a href=\"#crash1\">$title</a>" "panic: the banner links the first crash"
like "$d" "id=\"crash1\".*$title" "panic: the crash's section has its title ($title)"
like "$d" '<td><code>sysrq_handle_crash\+0x' "panic: the stack, frame by frame"
s=$(jget "$panic/result.json" "['crashes'][0]['start_line']")
like "$d" "<span id=\"L$s\" class=\"p0 c cs\">" "panic: the crash's first console line highlighted"

# --- a hang (nothing after CMD, the timeout ends it) -------------------------
boot "$O" "$T_TMP/hang.log" CMD='sleep 999' TIMEOUT=40
hang=$B_RUN
page hang "$hang" timeout 6a1b9a
like "$(cat "$T_TMP/hang.dom")" 'timed out after: <b>40 s</b>' "hang: the banner says the timeout"

# --- a long log is folded around its crash, nothing cut ---------------------
long=$T_TMP/long
cp -r "$panic" "$long"
{ for i in $(seq 1 4000); do printf '<6>[    0.%06d] filler line %d\n' "$i" "$i"; done
  cat "$panic/console.log"; } > "$long/console.log"
python3 - "$long/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["crashes"]:
    c["start_line"] += 4000
    c["end_line"] += 4000
json.dump(r, open(sys.argv[1], "w"))
PY
rm -f "$long/classify.json" "$long/report.html"
"$rh" "$long"
ok $? "report-html on a run with a 4400-line log"
d=$(dom "$long/report.html")
n=$(wc -l < "$long/console.log")
is "$(grep -o ' id="L[0-9]*"' <<< "$d" | wc -l)" "$n" "long log: every one of its $n lines is on the page"
like "$d" '<details class="fold"><summary>lines 101-[0-9]+ \([0-9]+ lines folded' \
	"long log: the lines after the first 100 are folded"
s=$(jget "$long/result.json" "['crashes'][0]['start_line']")
f=$(grep -o '<summary>lines [0-9]*-[0-9]*' <<< "$d" | sed 's/.*lines //' | tr '\n' ' ')
inside=
for r in $f; do
	[ "$s" -ge "${r%-*}" ] && [ "$s" -le "${r#*-}" ] && inside=$r
done
[ -n "$f" ] && [ -z "$inside" ]
ok $? "long log: the crash's line $s is outside the folds ($f)"

# --- guest text with markup is text -------------------------------------------
esc=$T_TMP/esc
cp -r "$clean" "$esc"
printf '%s\n' '<4>[   99.000000] <script>alert("boottest")</script> </pre><h1>not a heading</h1>' \
	'<4>[   99.000001] after </pre>: still in the log & "quoted"' >> "$esc/console.log"
n=$(wc -l < "$esc/console.log")
python3 - "$esc/result.json" "$((n - 1))" <<'PY'
import json, sys
p, line = sys.argv[1], int(sys.argv[2])
r = json.load(open(p))
r["verdict"] = "warning"
r["crashes"] = [{"category": "warning", "title": "<script>t()</script> in </pre>",
                 "alt": [], "frame": None, "start_line": line, "end_line": line + 1,
                 "panicked": False, "corrupted": False, "stack": ["x</td>+0x1/0x2"]}]
json.dump(r, open(p, "w"))
PY
"$rh" "$esc"
ok $? "report-html on a run with markup in the log and the title"
page esc "$esc" warning c62828
d=$(cat "$T_TMP/esc.dom")
like "$d" "<span id=\"L$((n - 1))\" class=\"p4 c cs\"><a href=\"#L$((n - 1))\">$((n - 1))</a>\[   99.000000\] &lt;script&gt;alert\(\"boottest\"\)&lt;/script&gt; &lt;/pre&gt;&lt;h1&gt;not a heading&lt;/h1&gt;</span>" \
	"the log's <script> and </pre> are text on their own line"
like "$d" "<span id=\"L$n\" class=\"p4 c\">.*after &lt;/pre&gt;: still in the log &amp; \"quoted\"</span>" \
	"... and the next line is still in the log"
like "$d" '<h3><span class="cat">warning</span>&lt;script&gt;t\(\)&lt;/script&gt; in &lt;/pre&gt;</h3>' \
	"the crash title's markup is text"
is "$(grep -c '<h1>not a heading' <<< "$d")" 0 "no element made from guest text"

# --- fstests-vm: the recorded fixture run with a failure ---------------------
fs=$T_TMP/fstests
cp -r "$T_ROOT/tests/data/fstests-results/fixture-run" "$fs"
"$BT_BIN/dmesg-classify" --json "$fs/console.log" > "$fs/classify.json"
"$BT_BIN/fstests-results" -q -o "$fs/fstests.json" --console "$fs/console.log" \
	--kernel "$fs/result.json" --merge-into "$fs/result.json" "$fs/results"
"$rh" "$fs"
ok $? "report-html on an fstests-vm run"
page fstests "$fs" clean ef6c00
d=$(cat "$T_TMP/fstests.dom")
like "$d" '<h1>clean: booted clean; fstests: fail</h1>' "fstests: the banner has fstests' verdict (orange: a test failed)"
like "$d" '<td>fixture/003</td><td class="fail"' "fstests: the matrix has the failure"
like "$d" '<td>fixture/004</td><td class="notrun" title="fixture: this test always needs something missing">' \
	"fstests: a not-run test with its reason"
like "$d" '<th>ext4_4k</th>' "fstests: a column per section"
like "$d" 'Slowest tests' "fstests: the slowest tests drawn"
like "$d" '<span class="add">\+this line is not in the golden output</span>' \
	"fstests: the failure's .out.bad diff"

# --- a bisect directory ----------------------------------------------------------
# (the files scripts/boottest/bisect keeps; the boot logs are the real ones above)
bis=$T_TMP/bisect
mkdir -p "$bis"
printf '%s\n' 1111aaaa2222 3333bbbb4444 5555cccc6666 > "$bis/steps"
cp "$T_TMP/clean.log" "$bis/step-1-1111aaaa2222.boot.log"
cp "$T_TMP/hang.log" "$bis/step-2-3333bbbb4444.boot.log"
cp "$T_TMP/panic.log" "$bis/step-3-5555cccc6666.boot.log"
cat > "$bis/git-bisect.out" <<'OUT'
Bisecting: 2 revisions left to test after this (roughly 1 step)
boottest-bisect: step 1: 1111aaaa2222 B: add an initcall
boottest-bisect: step 1: 1111aaaa2222: good: clean: booted clean [build 10 s, boot 40 s]
boottest-bisect: step 2: 3333bbbb4444 D: touch <a> text file
boottest-bisect: step 2: 3333bbbb4444: bad: timeout: CMD did not finish [build 10 s, boot 40 s]
boottest-bisect: step 3: 5555cccc6666 C: make it panic
boottest-bisect: step 3: 5555cccc6666: bad: panic: kernel panic: sysrq triggered crash [build 10 s, boot 40 s]
5555cccc6666aaaabbbbccccddddeeeeffff0000 is the first bad commit
OUT
"$rh" "$bis"
ok $? "report-html on a bisect directory"
d=$(dom "$bis/report.html")
like "$d" 'first bad commit: <code>5555cccc6666aaaabbbbccccddddeeeeffff0000</code>' "bisect: the first bad commit"
is "$(grep -o '<tr><td>[0-9]</td>' <<< "$d" | tr -d '\n')" \
	'<tr><td>1</td><tr><td>2</td><tr><td>3</td>' "bisect: one row per step"
like "$d" '<td class="fail">bad: panic: kernel panic: sysrq triggered crash' "bisect: a step's answer"
like "$d" "<b>\[panic\] $title</b>" "bisect: a step's crash title from its boot log"
like "$d" '<td><code>3333bbbb4444</code></td><td>D: touch &lt;a&gt; text file</td>' \
	"bisect: a step's subject (markup as text)"
href=$(grep -o 'href="[^"]*">run page' "$bis/report.html" | sed -n '3s/href="\(.*\)">run page/\1/p')
[ -n "$href" ] && [ "$(readlink -f "$bis/$href")" = "$(readlink -f "$panic/report.html")" ]
ok $? "bisect: step 3 links its boot's page by a relative path ($href)"

# --- the tree kernel (symbols profile): file:line in the stack ---------------
# The cached build is booted as KERNEL= with this checkout's tools: the
# shared source tree is neither built nor given this checkout's drop-in.
tk=
if kernel_src && key=$(kernel__key) && [ -e "$BT_TEST_BUILD/kernel-$key/build-done" ]; then
	tk=$BT_TEST_BUILD/kernel-$key/obj/vmlinux
fi
if [ -n "$tk" ]; then
	boot "$O" "$T_TMP/tree.log" KERNEL="$tk" MEM=256M CMD='echo c > /proc/sysrq-trigger' TIMEOUT=400
	is "$(jget "$B_RUN/result.json" "['verdict']")" panic "tree kernel, sysrq c: verdict panic" ||
		diag "$(tail -20 "$T_TMP/tree.log")"
	d=$(dom "$B_RUN/report.html")
	like "$d" '<td><code>[^<]*\.c:[0-9]+</code></td>' "tree kernel: the stack has file:line on the page"
	like "$d" '<td><code>[a-z_]+ [^<]*\.c:[0-9]+ \[inline\]<br>' "tree kernel: ... and inlined calls"
else
	skip "file:line on the page: the tree kernel ($KERNEL_PROFILES) is not built (tests/51 builds it); Debian's kernel has no line tables here"
fi

# --- the writer's fuzz target, bounded -------------------------------------------
fz=$BT_TEST_BUILD/fuzz
if command -v clang > /dev/null &&
	make -s -C "$T_ROOT/tools/boottest" O="$fz" "$fz/fuzz/fuzz-report-html" > "$T_TMP/fz.log" 2>&1; then
	seeds=$T_TMP/seeds
	cp -R "$T_ROOT/tools/boottest/fuzz/corpus-report-html" "$seeds"
	(cd "$T_TMP" && "$fz/fuzz/fuzz-report-html" -max_total_time=20 -rss_limit_mb=1024 \
		-timeout=10 -max_len=65536 "$(fuzz_dict fuzz-report-html)" "$seeds" > fz.log 2>&1)
	ok $? "fuzz-report-html: 20 s, no crash and no foreign tag in a page" ||
		diag "$(tail -20 "$T_TMP/fz.log")"
else
	skip "fuzz-report-html not built (clang missing or build failed: $(tail -1 "$T_TMP/fz.log"))"
fi

done_testing
