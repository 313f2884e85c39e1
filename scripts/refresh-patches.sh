#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rewrite every patch in patches/series as a plain `diff -u` of the files
# it changes, before and after it, on the pristine tree (like quilt
# refresh): normal context lines, a/ b/ prefixes, headers kept.
#
# usage: refresh-patches.sh BUILD
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pristine=$1/linux-pristine
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

grep -v '^#' "$top/patches/series" | awk 'NF {print $1}' > "$work/series"
while read -r name; do
	grep -E '^\+\+\+ ' "$top/patches/$name" | awk '{print $2}' | sed 's|^b/||'
done < "$work/series" | sort -u > "$work/files"
mkdir -p "$work/tree"
while read -r f; do
	mkdir -p "$work/tree/$(dirname "$f")"
	[ -e "$pristine/$f" ] && cp "$pristine/$f" "$work/tree/$f"
done < "$work/files"

while read -r name; do
	p=$top/patches/$name
	rm -rf "$work/before"
	cp -r "$work/tree" "$work/before"
	patch -p1 -s -d "$work/tree" --batch --no-backup-if-mismatch < "$p"
	{
		sed -n '/^\(diff \|--- \|Index: \)/q;p' "$p"
		grep -E '^\+\+\+ ' "$p" | awk '{print $2}' | sed 's|^b/||' |
		while read -r f; do
			echo "diff --git a/$f b/$f"
			(cd "$work" && diff -uN --label "a/$f" --label "b/$f" \
				"before/$f" "tree/$f" || true)
		done
	} > "$p.new"
	mv "$p.new" "$p"
done < "$work/series"
