# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The tree kernel for tests: Debian's linux-source-6.1 with boottest dropped
# in, configured from Kconfig.test (tinyconfig + the boot and crash
# profiles) and built once with O= into a cache keyed by the configuration.
# Source after tap.sh.  Every function returns non-zero with the reason in
# KERNEL_SKIP_REASON when the tree cannot be had (use: skip_all).
#
#   kernel_src       extract the tarball once into $BT_TEST_BUILD/linux-src
#                    (git, one commit); sets KERNEL_SRC
#   kernel_dropin    kernel_src + scripts/boottest/drop-in (refreshes the
#                    files from this checkout)
#   kernel_config    kernel_dropin + the configuration, without building:
#                    sets KERNEL_KEY, KERNEL_OBJ, KERNEL_CONFIG
#   kernel_tree      kernel_config + the build (cached; ~8-13 min cold on
#                    2 cores at nice 19); exports
#                      KERNEL_SRCTREE  the source tree (clean, drop-in added)
#                      KERNEL_OBJTREE  the O= output directory
#                      KERNEL_IMAGE    $KERNEL_OBJTREE/arch/x86/boot/bzImage
#                      KERNEL_VMLINUX  $KERNEL_OBJTREE/vmlinux (PVH)
#                      KERNEL_CONFIG   $KERNEL_OBJTREE/.config
#                      KERNEL_RELEASE  e.g. 6.1.192
#   kernel_intree    kernel_tree + an in-tree layout of the same kernel:
#                    exports KERNEL_INTREE, a hard-linked copy of the source
#                    with the built files copied in (.config, vmlinux,
#                    System.map, arch/x86/boot/bzImage, include/config,
#                    include/generated).  Nothing is compiled there: it
#                    checks how boottest finds an in-tree kernel, not kbuild.
#
#   kernel_missing SYM...  the SYMs (without CONFIG_) that are not =y in
#                    $KERNEL_CONFIG, space-separated (empty: all there)
#   kernel_profiles [--cold] [--cost TEXT] P
#                    use profiles P (comma-separated) for the calls that
#                    follow, instead of BT_TEST_KERNEL_PROFILES: another
#                    kernel with its own key, cache and build lock (e.g.
#                    58-boot-debug.t's debug kernel); without P, back to the
#                    default.  --cold: a cold run builds it too (it fits
#                    CI's time budget); otherwise it is opt-in, and --cost
#                    gives its measured build time for the skip reason
#
# BT_TEST_KERNEL_PROFILES  profiles of the cached kernel (default: crash,symbols,modules)
# BT_TEST_EXTRA_KERNELS    1: build the opt-in kernels too when they are not
#                          cached.  By default a cold run builds the main
#                          kernel and the --cold ones (CI's budget); a test
#                          that needs an opt-in one that is not cached skips
#                          and says how to build it and what it costs.
# BT_TEST_KERNEL_JOBS      make -j for the build (default 2)
# BT_TEST_KERNEL_NICE      nice -n of the build (default 19)
# The build log and its duration: $BT_TEST_BUILD/kernel-<key>/build.log,
# build-seconds (wall), build-cpu-seconds (user+sys), build-load (uptime at
# the end).

KERNEL_TARBALL=${KERNEL_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
KERNEL_PROFILES=${BT_TEST_KERNEL_PROFILES:-crash,symbols,modules}
KERNEL_DEFAULT_PROFILES=$KERNEL_PROFILES
KERNEL_SKIP_REASON=
: "${BT_TEST_BUILD:=${XDG_CACHE_HOME:-$HOME/.cache}/boottest/test-build}"

kernel_missing() {
	local s missing=()
	for s; do
		grep -q "^CONFIG_$s=y" "$KERNEL_CONFIG" || missing+=("$s")
	done
	echo "${missing[*]}"
}

KERNEL_COLD=
KERNEL_COST=
kernel_profiles() {
	KERNEL_COLD=
	KERNEL_COST=
	while [ $# -gt 0 ]; do
		case $1 in
		--cold) KERNEL_COLD=1; shift ;;
		--cost) KERNEL_COST=$2; shift 2 ;;
		*) break ;;
		esac
	done
	KERNEL_PROFILES=${1:-$KERNEL_DEFAULT_PROFILES}
}

# Serialize cache updates between test files (and concurrent test runs).
# kernel.lock guards the source, drop-in and configuration (seconds);
# kernel-build-KEY.lock the build of one configuration (minutes), so
# config-only tests and tests of other configurations need not wait.
KERNEL_LOCKS=()
kernel__lock() {
	local fd
	mkdir -p "$BT_TEST_BUILD"
	exec {fd}>"$BT_TEST_BUILD/${1:-kernel}.lock"
	flock "$fd"
	KERNEL_LOCKS+=("$fd")
}

kernel__unlock() {
	local fd=${KERNEL_LOCKS[-1]}
	unset 'KERNEL_LOCKS[-1]'
	flock -u "$fd"
	exec {fd}>&-
}

kernel__src_locked() {
	KERNEL_SRC=$BT_TEST_BUILD/linux-src
	[ -e "$KERNEL_SRC/.git/boottest-complete" ] && return 0
	if [ ! -r "$KERNEL_TARBALL" ]; then
		KERNEL_SKIP_REASON="$KERNEL_TARBALL missing: install linux-source-6.1 (scripts/boottest/setup)"
		return 1
	fi
	local tmp=$BT_TEST_BUILD/linux-src.new
	rm -rf "$tmp" "$KERNEL_SRC"
	mkdir -p "$tmp"
	if ! tar -xJf "$KERNEL_TARBALL" -C "$tmp" --strip-components=1; then
		KERNEL_SKIP_REASON="cannot extract $KERNEL_TARBALL"
		rm -rf "$tmp"
		return 1
	fi
	# Debian's .gitignore ends with '/*' and '!/debian/' (its packaging
	# repository ignores the tree); upstream's does not.
	sed -i '\|^/\*$|d; \|^!/debian/$|d' "$tmp/.gitignore"
	if ! (cd "$tmp" && git init -q && git add -A &&
		GIT_AUTHOR_DATE=2000-01-01T00:00:00Z GIT_COMMITTER_DATE=2000-01-01T00:00:00Z \
		git -c user.name=boottest -c user.email=boottest@invalid \
			commit -q -m "linux-source-6.1 (Debian) for boottest tests" &&
		git tag -a -m v6.1 "v$(make -s -C "$tmp" kernelversion 2>/dev/null || echo 6.1)"); then
		KERNEL_SKIP_REASON="cannot make a git repository of the kernel source"
		rm -rf "$tmp"
		return 1
	fi
	touch "$tmp/.git/boottest-complete"
	mv "$tmp" "$KERNEL_SRC"
}

kernel_src() {
	kernel__lock
	kernel__src_locked
	local rc=$?
	kernel__unlock
	return $rc
}

kernel__dropin_locked() {
	kernel__src_locked || return 1
	if ! "$T_ROOT/scripts/boottest/drop-in" -q "$KERNEL_SRC" >"$BT_TEST_BUILD/dropin.log" 2>&1; then
		KERNEL_SKIP_REASON="drop-in into $KERNEL_SRC failed: $(cat "$BT_TEST_BUILD/dropin.log")"
		return 1
	fi
}

kernel_dropin() {
	kernel__lock
	kernel__dropin_locked
	local rc=$?
	kernel__unlock
	return $rc
}

# The key: the requested fragment (Kconfig.test resolved for this
# architecture), the base, the source commit and the compiler.
kernel__key() {
	{
		"$T_ROOT/scripts/boottest/kconfig" fragment boot "$KERNEL_PROFILES"
		echo "base tinyconfig"
		git -C "$KERNEL_SRC" rev-parse HEAD
		gcc --version | head -n1
	} | sha256sum | cut -c1-16
}

kernel__config_locked() {
	kernel__dropin_locked || return 1
	local key
	key=$(kernel__key) || { KERNEL_SKIP_REASON="kconfig fragment failed"; return 1; }
	KERNEL_KEY=$key
	KERNEL_DIR=$BT_TEST_BUILD/kernel-$key
	KERNEL_OBJ=$KERNEL_DIR/obj
	KERNEL_CONFIG=$KERNEL_OBJ/.config
	[ -e "$KERNEL_DIR/config-done" ] && return 0
	rm -rf "$KERNEL_DIR"
	mkdir -p "$KERNEL_OBJ"
	if ! make -C "$KERNEL_SRC" O="$KERNEL_OBJ" boottest-minimal \
		PROFILE="$KERNEL_PROFILES" >"$KERNEL_DIR/config.log" 2>&1; then
		KERNEL_SKIP_REASON="make boottest-minimal PROFILE=$KERNEL_PROFILES failed: $(tail -n 20 "$KERNEL_DIR/config.log")"
		return 1
	fi
	touch "$KERNEL_DIR/config-done"
}

kernel_config() {
	kernel__lock
	kernel__config_locked
	local rc=$?
	kernel__unlock
	return $rc
}

kernel__export() {
	export KERNEL_SRCTREE=$KERNEL_SRC
	export KERNEL_OBJTREE=$KERNEL_OBJ
	export KERNEL_IMAGE=$KERNEL_OBJ/arch/x86/boot/bzImage
	export KERNEL_VMLINUX=$KERNEL_OBJ/vmlinux
	export KERNEL_CONFIG
	KERNEL_RELEASE=$(cat "$KERNEL_OBJ/include/config/kernel.release" 2>/dev/null)
	export KERNEL_RELEASE
}

kernel__build_locked() {
	kernel__lock
	kernel__config_locked
	local rc=$?
	kernel__unlock
	[ $rc = 0 ] || return 1
	if [ ! -e "$KERNEL_DIR/build-done" ] &&
		[ "$KERNEL_PROFILES" != "$KERNEL_DEFAULT_PROFILES" ] &&
		[ -z "$KERNEL_COLD" ] &&
		[ "${BT_TEST_EXTRA_KERNELS:-0}" != 1 ]; then
		KERNEL_SKIP_REASON="not cached ($KERNEL_DIR): an opt-in kernel, which a cold run does not build; build it with BT_TEST_EXTRA_KERNELS=1 tests/run tests/$(basename "$0")${KERNEL_COST:+ ($KERNEL_COST)}"
		return 1
	fi
	if [ ! -e "$KERNEL_DIR/build-done" ]; then
		diag "building the test kernel once (cache: $KERNEL_DIR; log: build.log)"
		local t0 t1 cpu rc TIMEFORMAT='%U %S'
		t0=$(date +%s)
		# bash's time keyword: the CPU seconds (user, system) of make and
		# its children, the figure that carries over to another host
		{ time nice -n "${BT_TEST_KERNEL_NICE:-19}" make -C "$KERNEL_SRC" O="$KERNEL_OBJ" \
			-j"${BT_TEST_KERNEL_JOBS:-2}" >"$KERNEL_DIR/build.log" 2>&1; } 2>"$KERNEL_DIR/build-cpu"
		rc=$?
		if [ $rc != 0 ]; then
			KERNEL_SKIP_REASON="kernel build failed: $(tail -n 20 "$KERNEL_DIR/build.log")"
			return 1
		fi
		t1=$(date +%s)
		cpu=$(awk '{ printf "%d", $1 + $2 }' "$KERNEL_DIR/build-cpu")
		echo $((t1 - t0)) >"$KERNEL_DIR/build-seconds"
		echo "$cpu" >"$KERNEL_DIR/build-cpu-seconds"
		uptime >"$KERNEL_DIR/build-load"
		touch "$KERNEL_DIR/build-done"
		diag "test kernel built in $((t1 - t0)) s wall, $cpu CPU s (user+sys), $(cat "$KERNEL_DIR/build-load")"
	fi
	kernel__export
}

# The build lock is per configuration key: a test that needs one kernel does
# not wait for the build of another.
kernel_tree() {
	kernel_config || return 1
	kernel__lock "kernel-build-$KERNEL_KEY"
	kernel__build_locked
	local rc=$?
	kernel__unlock
	return $rc
}

kernel__intree_locked() {
	kernel__build_locked || return 1
	KERNEL_INTREE=$KERNEL_DIR/intree
	if [ ! -e "$KERNEL_DIR/intree-done" ] ||
		[ "$KERNEL_DIR/intree-done" -ot "$KERNEL_SRC/scripts/boottest/.dropped-in" ]; then
		rm -rf "$KERNEL_INTREE"
		# hard links: the source is never written in place (git and the
		# drop-in write new files and rename them)
		if ! cp -al "$KERNEL_SRC" "$KERNEL_INTREE"; then
			KERNEL_SKIP_REASON="cannot copy $KERNEL_SRC"
			return 1
		fi
		local f
		for f in .config vmlinux System.map arch/x86/boot/bzImage include/config include/generated; do
			mkdir -p "$KERNEL_INTREE/$(dirname "$f")"
			cp -a "$KERNEL_OBJ/$f" "$KERNEL_INTREE/$f" || {
				KERNEL_SKIP_REASON="cannot copy $KERNEL_OBJ/$f"
				return 1
			}
		done
		touch "$KERNEL_DIR/intree-done"
	fi
	export KERNEL_INTREE
}

kernel_intree() {
	kernel_config || return 1
	kernel__lock "kernel-build-$KERNEL_KEY"
	kernel__intree_locked
	local rc=$?
	kernel__unlock
	return $rc
}
