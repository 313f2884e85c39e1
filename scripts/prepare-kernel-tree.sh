#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lay the project onto Linux 6.12: unpack Debian's linux-source-6.12 once
# per package version (build/linux-pristine), then build the patched tree
# in a staging copy (hard links, so cheap), apply patches/series and the
# overlay, and sync it into build/linux, whose unchanged kernel files are
# hard links to the pristine ones: one copy of the source on disk, not
# two (patch and rsync write new files, never into a linked one).  Files
# whose content did not change keep their time stamps, so kbuild
# rebuilds only what changed.
#
# usage: prepare-kernel-tree.sh BUILD_DIR
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
tarball=/usr/src/linux-source-6.12.tar.xz
pristine=$build/linux-pristine
stage=$build/linux-stage
tree=$build/linux

# Top-level directories of the repository laid at the same kernel path.
overlay_dirs="drivers mm include kernel samples Documentation"

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
series=$top/patches/series
while read -r name _; do
	case "$name" in ''|'#'*) continue ;; esac
	p=$top/patches/$name
	[ -f "$p" ] || die "patch $name listed in patches/series does not exist"
	if ! out=$(patch -p1 -d "$stage" --forward --batch --no-backup-if-mismatch \
		   -r - < "$p" 2>&1); then
		echo "$out" >&2
		die "patch $name does not apply to linux-source-6.12 $version"
	fi
	grep -E '^\+\+\+ ' "$p" | awk '{print $2}' | sed 's|^b/||' >> "$ours"
done < "$series"

# The overlay: new files only; an overlay file must not shadow a kernel one.
cd "$top"
for d in $overlay_dirs; do
	[ -d "$d" ] || continue
	find "$d" -type f ! -name '*.o' ! -name '*~' -print0 |
	while IFS= read -r -d '' f; do
		if [ -e "$pristine/$f" ]; then
			die "overlay file $f exists in the kernel: change it with a patch"
		fi
		mkdir -p "$stage/$(dirname "$f")"
		cp "$f" "$stage/$f"
		echo "$f" >> "$ours"
	done
done
if [ -d selftests ]; then
	dst=tools/testing/selftests/mem_sampling
	mkdir -p "$stage/$dst"
	cp -r selftests/. "$stage/$dst/"
	(cd selftests && find . -type f) | sed "s|^\./|$dst/|" >> "$ours"
fi

# Our files (patched or laid) keep the time stamp they have in the built
# tree while their content is the same, and get "now" when it changed, so
# kbuild and the kselftest makefiles rebuild exactly what changed, even
# when a file was edited while an earlier build was running.
sort -u "$ours" | while read -r f; do
	[ -f "$stage/$f" ] || continue
	if cmp -s "$stage/$f" "$tree/$f"; then
		touch -r "$tree/$f" "$stage/$f"
	else
		touch "$stage/$f"
	fi
done
rm -f "$ours"

mkdir -p "$tree"
rsync -a --delete --link-dest="$pristine" --exclude=/.debian-version \
	"$stage/" "$tree/"
rm -rf "$stage"
