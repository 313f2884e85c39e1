#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-series: build the arm64 kernel at every commit of the exported
# series (make patches), in order, incrementally, with the config make
# kernel uses, and say which commit broke the build.  Options a commit's
# prefix does not define yet are left out.  The tree and objects are
# build/series-linux and build/series-kernel-arm64, so make kernel's own
# are not disturbed.
#
# usage: check-series.sh BUILD FRAGMENT...
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
shift
pristine=$build/linux-pristine
repo=$build/linux-git
tree=$build/series-linux
kobj=$build/series-kernel-arm64
log=$build/check-series.log
. "$top/scripts/series.sh"
die() { echo "check-series: $*" >&2; exit 1; }

"$top/scripts/export-patches.sh" "$build" >/dev/null
commits=$(git -C "$repo" rev-list --reverse base..export)
total=$(echo "$commits" | wc -l)
: > "$log"
n=0
for sha in $commits; do
	n=$((n + 1))
	subject=$(git -C "$repo" log -1 --format=%s "$sha")
	start=$SECONDS
	git -C "$repo" checkout -q -f "$sha"
	stage=$tree.stage
	rm -rf "$stage"
	cp -al "$pristine" "$stage"
	git -C "$repo" ls-files > "$stage.ours"
	while read -r f; do
		# A new file, never written into the hard-linked pristine one.
		rm -f "$stage/$f"
		mkdir -p "$stage/$(dirname "$f")"
		cp "$repo/$f" "$stage/$f"
	done < "$stage.ours"
	series_sync_tree "$stage" "$tree" "$pristine" "$stage.ours"
	rm -f "$stage.ours"
	{
		echo "== $n/$total $subject"
		"$top/scripts/configure-kernel.sh" --allow-missing "$tree" "$kobj" arm64 "$@" &&
		make -C "$tree" O="$kobj" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
			CC="ccache aarch64-linux-gnu-gcc" -j"$(nproc)" Image
	} >> "$log" 2>&1 || {
		grep -E ': (error|undefined reference)|^make.*Error' "$log" | head -20 >&2
		git -C "$repo" checkout -q -f export
		die "commit $n/$total \"$subject\" does not build (log $log)"
	}
	echo "  BUILT   $n/$total $subject ($((SECONDS - start))s)"
done
git -C "$repo" checkout -q -f export
echo "  SERIES  all $total commits build"
