#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make patches: the series of patches/series (scripts/series.sh) as git
# format-patch mails with a cover letter in build/patches, for `git am`
# onto a clean 6.12.y tree.  Each commit adds its overlay files as they
# are at that commit and applies its hooks, with its changelog.  The git
# tree is left at the last commit (branch export) for make check-series.  With --verify, the series is
# applied with git am to a clean copy and the result compared, file by
# file, with the tree make kernel builds.
#
# usage: export-patches.sh BUILD [--verify]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1 verify=${2:-}
pristine=$build/linux-pristine
repo=$build/linux-git
out=$build/patches
. "$top/scripts/series.sh"
die() { echo "export-patches: $*" >&2; exit 1; }

series_check
version=$(cat "$pristine/.debian-version")
git_() { git -C "$repo" -c user.name=mem_sampling -c user.email=mem_sampling@localhost "$@"; }

# The base commit holds only the kernel files our hooks change: git am
# needs nothing else, the diffs (blob ids included) are the same as on the
# whole tree, and hashing 80,000 files would cost minutes.
touched=$(for p in $(series_all_hooks); do series_patch_targets "$p"; done | sort -u |
	  while read -r f; do [ ! -e "$pristine/$f" ] || echo "$f"; done)
key="$version $(echo $touched | md5sum | cut -d' ' -f1)"
if [ "$(cat "$repo/.git/base-key" 2>/dev/null)" != "$key" ]; then
	rm -rf "$repo"
	mkdir -p "$repo"
	for f in $touched; do
		mkdir -p "$repo/$(dirname "$f")"
		cp -p "$pristine/$f" "$repo/$f"
	done
	git_ init -q
	git_ add -A -f
	git_ commit -q --allow-empty -m "Linux 6.12 (Debian linux-source-6.12 $version)"
	git_ tag -f base >/dev/null
	echo "$key" > "$repo/.git/base-key"
fi

git_ checkout -q -f -B export base
git_ clean -q -fdx

for c in $(series_commits); do
	series_lay_files "$c" "$repo"
	for p in $(series_hooks "$c"); do
		patch -s -p1 -d "$repo" --forward --batch --no-backup-if-mismatch \
			-r - < "$p" || die "${p#$top/} does not apply"
	done
	git_ add -A -f
	git_ diff --cached --quiet && die "commit $c changes nothing"
	series_message "$c" | git_ commit -q -F -
done

rm -rf "$out"
git_ format-patch -q --cover-letter -o "$out" base..export
cover=$(ls "$out"/0000-*)
python3 - "$cover" "$top/patches/cover-letter" <<'PY'
import sys
cover, letter = sys.argv[1:3]
subject, _, blurb = open(letter).read().partition('\n\n')
text = open(cover).read()
text = text.replace('*** SUBJECT HERE ***', subject.removeprefix('Subject: '))
text = text.replace('*** BLURB HERE ***', blurb.rstrip('\n'))
open(cover, 'w').write(text)
PY
echo "  PATCHES $(ls "$out" | wc -l) files in $out"

if [ "$verify" = --verify ]; then
	git_ checkout -q -f -B am-check base
	git_ clean -q -fdx
	git_ am -q $(ls "$out"/*.patch | grep -v /0000-) || die "git am of $out failed"
	mismatch=0
	for f in $(git_ ls-files); do
		cmp -s "$repo/$f" "$build/linux/$f" || { echo "differs: $f" >&2; mismatch=1; }
	done
	git_ checkout -q -f export
	[ $mismatch = 0 ] || die "git am of the series does not give the tree make kernel builds"
	echo "  VERIFY  git am of the series gives the tree make kernel builds"
fi
