#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Lay out the QEMU source we build: Debian's qemu 7.2 source (Debian's own
# debian/patches already applied by dpkg-source) plus our series in
# qemu/patches/series, quilt style (patch -p1, in order).
#
# usage: prepare-qemu-tree.sh PRISTINE PATCHDIR TREE
#
# The tree is rebuilt from scratch in a scratch directory on every call and
# then synchronised by content into TREE, so only files whose content changed
# get a new time stamp and ninja rebuilds only what the patches touched.
set -eu

pristine=${1:?usage: $0 PRISTINE PATCHDIR TREE}
patchdir=${2:?usage: $0 PRISTINE PATCHDIR TREE}
tree=${3:?usage: $0 PRISTINE PATCHDIR TREE}

[ -f "$pristine/configure" ] || {
	echo "prepare-qemu-tree: no qemu source in $pristine" >&2
	exit 1
}
patchdir=$(cd "$patchdir" && pwd)
scratch="$tree.new"
rm -rf "$scratch"
mkdir -p "$scratch"
# Hard links are enough: patch(1) writes a new file and renames it, so the
# pristine tree is never modified through a link.
cp -al "$pristine/." "$scratch/"
# dpkg-source's quilt state is of no use to the build.
rm -rf "$scratch/.pc"

if [ -f "$patchdir/series" ]; then
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$patchdir/series" |
	while read -r p _; do
		if ! patch -d "$scratch" -p1 -s -N --no-backup-if-mismatch \
			-i "$patchdir/$p"; then
			echo "prepare-qemu-tree: $p does not apply" >&2
			exit 1
		fi
	done
fi

mkdir -p "$tree"
# --checksum and no -t: compare content, not time stamps, since patched
# files in the scratch tree are new.  Untouched files keep their time stamps.
rsync -rlpD --checksum --delete "$scratch/" "$tree/"
rm -rf "$scratch"
