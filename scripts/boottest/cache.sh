# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# boottest's cache directory (Debian's kernels, the foreign-arch sysroots,
# the record of a failed KVM boot): $BOOTTEST_CACHE, else
# $XDG_CACHE_HOME/boottest, else $HOME/.cache/boottest.  The scripts source
# this file and Makefile.boot reads it through $(shell); the tools have
# the same rule in one place, bt_cache_dir() in tools/boottest/lib/path.c.
#
#   . scripts/boottest/cache.sh && cache=$(bt_cache_dir)

bt_cache_dir() {
	echo "${BOOTTEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/boottest}"
}
