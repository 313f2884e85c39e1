#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Write qemu/patches from a git repository of the QEMU source in which
# each of our patches is a commit on top of BASE (Debian's source as
# unpacked by fetch-qemu-source.sh): git format-patch without the From,
# Date and signature lines, and the series file's patch list.
#
# usage: export-qemu-patches.sh REPO BASE [PATCHDIR]
set -eu

repo=${1:?usage: $0 REPO BASE [PATCHDIR]}
base=${2:?usage: $0 REPO BASE [PATCHDIR]}
patchdir=${3:-$(dirname "$0")/../qemu/patches}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$repo" format-patch -q --no-signature -o "$tmp" "$base"
[ -n "$(ls "$tmp")" ] || { echo "export-qemu-patches: no commits after $base" >&2; exit 1; }
rm -f "$patchdir"/*.patch
for p in "$tmp"/*.patch; do
	sed -n '/^Subject:/,$p' "$p" > "$patchdir/$(basename "$p")"
done
{
	sed -n '/^#/p' "$patchdir/series"
	(cd "$patchdir" && ls -- *.patch)
} > "$tmp/series"
mv "$tmp/series" "$patchdir/series"
echo "export-qemu-patches: $(ls "$patchdir"/*.patch | wc -l) patches in $patchdir"
