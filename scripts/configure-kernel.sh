#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Merge the config fragments onto allnoconfig with the tree's own
# merge_config.sh.  Every option a fragment asks for must end up in the
# .config as asked: a dependency we missed is an error, not a surprise at
# run time.  The .config is replaced only when it changes.
#
# With --allow-missing, options the tree does not define are left out
# (make check-series: a prefix of the series defines fewer).
#
# usage: configure-kernel.sh [--allow-missing] KSRC KOBJ ARCH FRAGMENT...
set -euo pipefail
allow_missing=
if [ "${1:-}" = --allow-missing ]; then
	allow_missing=1
	shift
fi

ksrc=$(realpath -m "$1") kobj=$(realpath -m "$2") arch=$3
shift 3
top=$(cd "$(dirname "$0")/.." && pwd)
scratch=$kobj.kconfig
frags=()
for f in "$@"; do frags+=("$top/$f"); done

case $arch in
arm64) cross=aarch64-linux-gnu- ;;
*) cross= ;;
esac

mkdir -p "$kobj" "$scratch"
log=$scratch/merge.log
if ! (cd "$ksrc" && ARCH=$arch CROSS_COMPILE=$cross \
	scripts/kconfig/merge_config.sh -n -O "$scratch" "${frags[@]}") >"$log" 2>&1; then
	cat "$log" >&2
	echo "configure-kernel: merge_config.sh failed for: $*" >&2
	exit 1
fi
if [ -z "$allow_missing" ] && grep -q 'Value requested for' "$log"; then
	grep -A2 'Value requested for' "$log" >&2
	echo "configure-kernel: options above did not take (missing dependency?) in: $*" >&2
	exit 1
fi
# kbuild rewrites its .config; compare with what we merged last time.
if ! cmp -s "$scratch/.config" "$scratch/merged.config" || [ ! -f "$kobj/.config" ]; then
	cp "$scratch/.config" "$scratch/merged.config"
	cp "$scratch/.config" "$kobj/.config"
	echo "  CONFIG  $kobj/.config from $*"
fi
