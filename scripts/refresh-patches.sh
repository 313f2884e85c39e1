#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rewrite every hook patch of the series as a plain `diff -u` of the files
# it changes, before and after it (like quilt refresh): normal context
# lines, a/ b/ prefixes.  Hooks into kernel files are diffed on the
# pristine tree with the earlier hooks applied; overlay patches on their
# files as the commit that adds them has them, with the earlier overlay
# patches applied.
#
# usage: refresh-patches.sh BUILD
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pristine=$1/linux-pristine
. "$top/scripts/series.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Apply $1 to $work/tree and rewrite it as the diff it made.
refresh() {
	local p=$1
	rm -rf "$work/before"
	cp -r "$work/tree" "$work/before"
	patch -p1 -s -d "$work/tree" --batch --no-backup-if-mismatch < "$p"
	series_patch_targets "$p" | while read -r f; do
		echo "diff --git a/$f b/$f"
		(cd "$work" && diff -uN --label "a/$f" --label "b/$f" \
			"before/$f" "tree/$f" || true)
	done > "$p.new"
	mv "$p.new" "$p"
}

series_check
hooks=$(series_kernel_hooks)
for p in $hooks; do series_patch_targets "$p"; done | sort -u > "$work/files"
mkdir -p "$work/tree"
while read -r f; do
	mkdir -p "$work/tree/$(dirname "$f")"
	[ -e "$pristine/$f" ] && cp "$pristine/$f" "$work/tree/$f"
done < "$work/files"
for p in $hooks; do
	refresh "$p"
done

# Overlay patches, on a tree that holds only the overlay's files.
rm -rf "$work/tree"
mkdir -p "$work/tree"
for c in $(series_commits); do
	series_lay_files "$c" "$work/tree"
	for p in $(series_hooks "$c"); do
		! series_is_overlay_patch "$p" || refresh "$p"
	done
done
