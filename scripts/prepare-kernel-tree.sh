#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lay the project onto Linux 6.12: unpack Debian's linux-source-6.12 once
# per package version (build/linux-pristine), then build the patched tree
# in a staging copy (hard links, so cheap), apply the hooks of the series
# (patches/series, scripts/series.sh), lay the overlay, and sync it into
# build/linux, whose unchanged kernel files are hard links to the pristine
# ones: one copy of the source on disk, not two (patch and rsync write new
# files, never into a linked one).  Files whose content did not change
# keep their time stamps, so kbuild rebuilds only what changed.
#
# usage: prepare-kernel-tree.sh BUILD_DIR
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
tarball=/usr/src/linux-source-6.12.tar.xz
pristine=$build/linux-pristine
stage=$build/linux-stage
tree=$build/linux

. "$top/scripts/series.sh"

die() { echo "prepare-kernel-tree: $*" >&2; exit 1; }

[ -r "$tarball" ] || die "$tarball missing: install linux-source-6.12 (make deps)"
version=$(dpkg-query -W -f='${Version}' linux-source-6.12) ||
	die "linux-source-6.12 is not installed (make deps)"

if [ "$(cat "$pristine/.debian-version" 2>/dev/null)" != "$version" ]; then
	echo "  UNPACK  linux-source-6.12 $version"
	rm -rf "$pristine" "$pristine.tmp"
	mkdir -p "$pristine.tmp"
	tar -xJf "$tarball" -C "$pristine.tmp" --strip-components=1
	echo "$version" > "$pristine.tmp/.debian-version"
	mv "$pristine.tmp" "$pristine"
fi

rm -rf "$stage"
cp -al "$pristine" "$stage"

ours=$stage.ours
: > "$ours"
series_check
for p in $(series_kernel_hooks); do
	if ! out=$(patch -p1 -d "$stage" --forward --batch --no-backup-if-mismatch \
		   -r - < "$p" 2>&1); then
		echo "$out" >&2
		die "patch ${p#$top/} does not apply to linux-source-6.12 $version"
	fi
	series_patch_targets "$p" >> "$ours"
done

# The overlay as it is at the end of the series (overlay patches are in
# it); new files only, an overlay file must not shadow a kernel one.
for f in $(series_overlay_files); do
	k=$(series_kernel_path "$f")
	[ ! -e "$pristine/$k" ] ||
		die "overlay file $f exists in the kernel: change it with a patch"
	mkdir -p "$stage/$(dirname "$k")"
	cp "$top/$f" "$stage/$k"
	echo "$k" >> "$ours"
done

series_sync_tree "$stage" "$tree" "$pristine" "$ours"
rm -f "$ours"
