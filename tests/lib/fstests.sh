# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Real fstests for tests: the kdave/xfstests source snapshot beside the
# checkout (../shared/fstests/xfstests-*.tar.xz, or BT_FSTESTS_TARBALL=),
# built once with Debian's build dependencies (scripts/boottest/packages,
# "building fstests") into a cache keyed by the tarball's sha256.  Source
# after tap.sh.
#
#   fstests_tree     sets FSTESTS to a built tree: $FSTESTS when the user
#                    gave one (checked to be built), else the cached build
#                    of the snapshot (built on first use, under a lock);
#                    returns non-zero with the reason in FSTESTS_SKIP_REASON
#
# The cache: $BT_TEST_BUILD/fstests-<sha256 prefix>/xfstests, with
# build.log and build-seconds beside it; fstests-<key>.lock serializes the
# build between test files and concurrent runs.  BT_TEST_FSTESTS_JOBS
# (default 2) and BT_TEST_FSTESTS_NICE (default 19) set make -j and nice.

FSTESTS_SKIP_REASON=
: "${BT_TEST_BUILD:=${XDG_CACHE_HOME:-$HOME/.cache}/boottest/test-build}"

fstests__built() {	# DIR: a built fstests tree
	[ -x "$1/check" ] && [ -x "$1/ltp/fsstress" ] && [ -x "$1/ltp/fsx" ] &&
		compgen -G "$1/tests/*/group.list" > /dev/null
}

fstests__build_locked() {	# TARBALL DIR
	local tb=$1 dir=$2 tmp t0 t1
	fstests__built "$dir/xfstests" && [ -e "$dir/complete" ] && return 0
	tmp=$dir/build.new
	rm -rf "$tmp" "$dir/xfstests" "$dir/complete"
	mkdir -p "$tmp"
	if ! tar -xJf "$tb" -C "$tmp"; then
		FSTESTS_SKIP_REASON="cannot extract $tb"
		rm -rf "$tmp"
		return 1
	fi
	t0=$(date +%s)
	diag "building fstests from $tb (once; cached in $dir)"
	if ! (cd "$tmp/xfstests" && nice -n "${BT_TEST_FSTESTS_NICE:-19}" \
		make -j"${BT_TEST_FSTESTS_JOBS:-2}") > "$dir/build.log" 2>&1; then
		FSTESTS_SKIP_REASON="building fstests failed (build dependencies: scripts/boottest/setup); $dir/build.log ends: $(tail -n 1 "$dir/build.log")"
		rm -rf "$tmp"
		return 1
	fi
	t1=$(date +%s)
	if ! fstests__built "$tmp/xfstests"; then
		FSTESTS_SKIP_REASON="fstests built without ltp/fsstress, ltp/fsx or group.list ($dir/build.log)"
		rm -rf "$tmp"
		return 1
	fi
	echo $((t1 - t0)) > "$dir/build-seconds"
	mv "$tmp/xfstests" "$dir/xfstests" && rmdir "$tmp" && touch "$dir/complete"
}

fstests_tree() {
	local tb key dir fd rc
	if [ -n "${FSTESTS:-}" ]; then
		if ! fstests__built "$FSTESTS"; then
			FSTESTS_SKIP_REASON="FSTESTS=$FSTESTS is not a built fstests tree (no check, ltp/fsstress, ltp/fsx or group.list): run make there"
			return 1
		fi
		return 0
	fi
	tb=${BT_FSTESTS_TARBALL:-}
	if [ -z "$tb" ]; then
		tb=$(ls "$T_ROOT"/../shared/fstests/xfstests-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	fi
	if [ -z "$tb" ] || [ ! -r "$tb" ]; then
		FSTESTS_SKIP_REASON="no fstests: neither FSTESTS= (a built tree) nor the source snapshot ${tb:-../shared/fstests/xfstests-*.tar.xz} (BT_FSTESTS_TARBALL=)"
		return 1
	fi
	key=$(sha256sum < "$tb" | cut -c1-16)
	dir=$BT_TEST_BUILD/fstests-$key
	mkdir -p "$dir"
	exec {fd}> "$BT_TEST_BUILD/fstests-$key.lock"
	flock "$fd"
	fstests__build_locked "$tb" "$dir"
	rc=$?
	flock -u "$fd"
	exec {fd}>&-
	[ "$rc" -eq 0 ] || return 1
	FSTESTS=$dir/xfstests
	export FSTESTS
}
