#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rewrite every hook patch of the series as a plain `diff -u` of the files
# it changes, before and after it, on the pristine tree (like quilt
# refresh): normal context lines, a/ b/ prefixes.
#
# usage: refresh-patches.sh BUILD
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pristine=$1/linux-pristine
. "$top/scripts/series.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

hooks=$(series_all_hooks)
for p in $hooks; do series_patch_targets "$p"; done | sort -u > "$work/files"
mkdir -p "$work/tree"
while read -r f; do
	mkdir -p "$work/tree/$(dirname "$f")"
	[ -e "$pristine/$f" ] && cp "$pristine/$f" "$work/tree/$f"
done < "$work/files"

for p in $hooks; do
	rm -rf "$work/before"
	cp -r "$work/tree" "$work/before"
	patch -p1 -s -d "$work/tree" --batch --no-backup-if-mismatch < "$p"
	series_patch_targets "$p" | while read -r f; do
		echo "diff --git a/$f b/$f"
		(cd "$work" && diff -uN --label "a/$f" --label "b/$f" \
			"before/$f" "tree/$f" || true)
	done > "$p.new"
	mv "$p.new" "$p"
done
