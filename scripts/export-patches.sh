#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make patches: the whole change as a git format-patch series with a cover
# letter in build/patches, for `git am` onto a clean 6.12.y tree.  New
# files come first (one commit per part of the tree, nothing refers to them
# yet, so every step builds), then the hooks of patches/series in order.
# With --verify, the series is applied with git am to a clean copy and the
# result compared, file by file, with the tree make kernel builds.
#
# usage: export-patches.sh BUILD [--verify]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1 verify=${2:-}
pristine=$build/linux-pristine
repo=$build/linux-git
out=$build/patches
die() { echo "export-patches: $*" >&2; exit 1; }

version=$(cat "$pristine/.debian-version")
git_() { git -C "$repo" -c user.name=mem_sampling -c user.email=mem_sampling@localhost "$@"; }

# The base commit holds only the kernel files our hooks change: git am
# needs nothing else, the diffs (blob ids included) are the same as on the
# whole tree, and hashing 80,000 files would cost minutes.
touched=$(grep -v '^#' "$top/patches/series" || true)
touched=$(echo "$touched" | awk 'NF {print $1}' |
	  while read -r name; do grep -E '^\+\+\+ ' "$top/patches/$name"; done |
	  awk '{print $2}' | sed 's|^b/||' | sort -u |
	  while read -r f; do [ ! -e "$pristine/$f" ] || echo "$f"; done || true)
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

# Subjects of the new-file commits, by path prefix.
parts=(
	"include/linux/mem_sampling.h include/trace/events|mem_sampling: add the provider/consumer interface and trace events"
	"mm|mm: add mem_sampling core, test provider and NUMA balancing consumer"
	"kernel|sched: add NUMA balancing from memory access samples"
	"drivers|drivers/arm/spe: add the SPE mem_sampling provider and packet decoder"
	"include|include: add the remaining mem_sampling headers"
	"samples|samples/bpf: add spe-record"
	"Documentation|Documentation: document mem_sampling"
	"selftests|selftests/mem_sampling: add kselftests"
)
cd "$top"
for part in "${parts[@]}"; do
	paths=${part%%|*} subject=${part#*|}
	for p in $paths; do
		[ -e "$p" ] || continue
		if [ "$p" = selftests ]; then
			mkdir -p "$repo/tools/testing/selftests/mem_sampling"
			cp -r selftests/. "$repo/tools/testing/selftests/mem_sampling/"
		else
			mkdir -p "$repo/$(dirname "$p")"
			cp -r "$p" "$repo/$(dirname "$p")/"
		fi
	done
	git_ add -A -f
	git_ diff --cached --quiet && continue
	git_ commit -q -m "$subject" -m "Part of the mem_sampling series; see the cover letter."
done

# Hooks: a patch's leading lines up to the first diff are its message.
while read -r name _; do
	case "$name" in ''|'#'*) continue ;; esac
	p=$top/patches/$name
	git_ apply --index "$p" || die "patch $name does not apply"
	msg=$(sed -n '/^\(diff \|--- \|Index: \)/q;p' "$p" | sed 's/^Subject: //')
	[ -n "$msg" ] || msg="mem_sampling: ${name%.patch}"
	git_ commit -q -m "$msg"
done < "$top/patches/series"

rm -rf "$out"
git_ format-patch -q --cover-letter -o "$out" base..export
cover=$(ls "$out"/0000-*)
python3 - "$cover" "$top/README.md" <<'PY'
import sys
cover, readme = sys.argv[1:3]
text = open(cover).read()
blurb = ('mem_sampling lets automatic NUMA balancing learn where memory is\n'
         'accessed from hardware access samples (Arm SPE) instead of scanning\n'
         'page tables and taking NUMA hint faults.  See\n'
         'Documentation/admin-guide/mm/mem_sampling.rst in the series.\n')
text = text.replace('*** SUBJECT HERE ***',
                    'mem_sampling: NUMA balancing from hardware access samples')
text = text.replace('*** BLURB HERE ***', blurb)
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
	[ $mismatch = 0 ] || die "git am of the series does not give the tree make kernel builds"
	echo "  VERIFY  git am of the series gives the tree make kernel builds"
fi
