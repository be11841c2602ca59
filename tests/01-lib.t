#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of the shared tool library (tests/unit/lib-test.c), built with
# the same sanitizers as the tools under test.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BT_BIN:-$root/tools/boottest}
lib=$bin/lib/libboottest.a
tmp=$(mktemp -d "${TMPDIR:-/tmp}/boottest-libtest.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$lib" ]; then
	echo "1..0 # SKIP $lib not built (run tests/run)"
	exit 0
fi
cc=gcc
san=
if [ "$bin" != "$root/tools/boottest" ]; then
	cc=clang
	san="-fsanitize=address,undefined -fno-omit-frame-pointer"
fi
# shellcheck disable=SC2086
if ! out=$($cc -std=gnu11 -g -D_GNU_SOURCE $san -I"$root/tools/boottest/lib" \
	$(pkg-config --cflags json-c) -o "$tmp/lib-test" \
	"$root/tests/unit/lib-test.c" "$lib" $(pkg-config --libs json-c) 2>&1); then
	echo "not ok 1 - lib-test.c builds"
	echo "$out" | sed 's/^/# /'
	echo "1..1"
	exit 1
fi
mkdir "$tmp/work"
"$tmp/lib-test" "$tmp/work" "$root/scripts/boottest/cache.sh"
