#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A bisection on a real kernel for tests: a scratch copy of the cached test
# kernel tree (tests/lib/kernel.sh's kernel_tree first) and a tiny git
# history on top of it (A base, B adds an initcall, C makes it panic, D and
# E touch a text file).  The caller sets scratch (a directory of its own),
# src=$scratch/src and obj=$scratch/obj, then runs bisect_setup and
# bisect_history (0: done).
#
# Every step rebuilds, so the steps must be incremental: the scratch tree is
# a hard-linked copy of the cached source (git writes changed files anew,
# never in place) with a fresh git repository borrowing its objects, and the
# object tree a copy of the cached one whose recorded absolute paths (.cmd
# files, generated makefiles) are rewritten to the scratch paths with the
# time stamps kept, so kbuild sees nothing changed.  The cache itself is
# never written.
# shellcheck disable=SC2154 # src, obj and scratch are the caller's

# The scratch tree: source, object tree, the boottest tools and root image.
bisect_setup() {
	local e
	mkdir -p "$src" "$obj" || return 1
	for e in $(cd "$KERNEL_SRCTREE" && ls -A); do
		[ "$e" = .git ] && continue
		cp -al "$KERNEL_SRCTREE/$e" "$src/" || return 1
	done
	# own repository, the cache's objects borrowed, its index copied
	# (stat data of the hard links matches; their ctime does not)
	git -C "$src" init -q &&
		echo "$KERNEL_SRCTREE/.git/objects" >"$src/.git/objects/info/alternates" &&
		cp "$KERNEL_SRCTREE/.git/index" "$src/.git/index" &&
		git -C "$src" config core.trustctime false &&
		git -C "$src" update-ref refs/heads/master "$(git -C "$KERNEL_SRCTREE" rev-parse HEAD)" &&
		git -C "$src" symbolic-ref HEAD refs/heads/master || return 1
	for e in $(cd "$KERNEL_OBJTREE" && ls -A); do
		[ "$e" = .boottest ] && continue
		cp -a "$KERNEL_OBJTREE/$e" "$obj/" || return 1
	done
	# the boottest tools and root image, not the cache's runs
	mkdir -p "$obj/.boottest"
	for e in tools rootfs.ext4 .rootfs.ext4.d .rootfs.opts; do
		[ -e "$KERNEL_OBJTREE/.boottest/$e" ] && { cp -a "$KERNEL_OBJTREE/.boottest/$e" "$obj/.boottest/" || return 1; }
	done
	ln -sfn "$src" "$obj/source"
	grep -rlIF -e "$KERNEL_SRCTREE" -e "$KERNEL_OBJTREE" "$obj" >"$scratch/paths"
	# shellcheck disable=SC2016
	xargs -d '\n' -r perl -e '
		my %map = (shift, shift, shift, shift);
		for my $f (@ARGV) {
			my @st = stat $f or die "$f: $!";
			open my $in, "<", $f or die "$f: $!";
			local $/;
			my $t = <$in>;
			close $in;
			$t =~ s/\Q$_\E/$map{$_}/g for keys %map;
			open my $out, ">", "$f.tmp" or die "$f.tmp: $!";
			print $out $t;
			close $out or die "$f.tmp: $!";
			chmod $st[2] & 07777, "$f.tmp";
			utime $st[8], $st[9], "$f.tmp";
			rename "$f.tmp", $f or die "$f: $!";
		}' "$KERNEL_SRCTREE" "$src" "$KERNEL_OBJTREE" "$obj" <"$scratch/paths"
}
commit() {
	GIT_AUTHOR_DATE=2000-01-02T00:00:00Z GIT_COMMITTER_DATE=2000-01-02T00:00:00Z \
		git -C "$src" -c user.name=boottest -c user.email=boottest@invalid \
		commit -q -m "$1" && git -C "$src" tag "${1%%:*}"
}
# Files are removed before they are written: they may be hard links into
# the cache.
initcall() {
	rm -f "$src/init/boottest_bisect.c"
	printf '%s\n' '// SPDX-License-Identifier: GPL-2.0' '#include <linux/init.h>' \
		'#include <linux/kernel.h>' '' 'static int __init boottest_bisect_init(void)' \
		'{' "	$1" '	return 0;' '}' 'late_initcall(boottest_bisect_init);' \
		>"$src/init/boottest_bisect.c"
}
bisect_history() {
	git -C "$src" tag A &&
		initcall 'pr_info("boottest-bisect: fine\n");' &&
		{ cat "$src/init/Makefile" && echo 'obj-y += boottest_bisect.o'; } >"$scratch/Makefile.init" &&
		rm "$src/init/Makefile" && mv "$scratch/Makefile.init" "$src/init/Makefile" &&
		git -C "$src" add init/boottest_bisect.c init/Makefile && commit "B: an initcall" &&
		initcall 'panic("boottest-bisect");' &&
		git -C "$src" add init/boottest_bisect.c && commit "C: the initcall panics" &&
		echo one >"$src/init/boottest_bisect.txt" &&
		git -C "$src" add init/boottest_bisect.txt && commit "D: notes" &&
		rm "$src/init/boottest_bisect.txt" && echo two >"$src/init/boottest_bisect.txt" &&
		git -C "$src" add init/boottest_bisect.txt && commit "E: more notes"
}
