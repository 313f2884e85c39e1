#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages the build needs, with apt-get.  Quick and
# silent when everything is there.  arm64 packages come through multiarch.
#
# usage: deps.sh --host "pkg..." --arm64 "pkg..."
set -euo pipefail

host_pkgs=""
arm64_pkgs=""
while [ $# -gt 0 ]; do
	case "$1" in
	--host) host_pkgs="$2"; shift 2 ;;
	--arm64) arm64_pkgs="$2"; shift 2 ;;
	*) echo "deps.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

native=$(dpkg --print-architecture)

# installed PKG[:ARCH]: without an architecture, the native or "all" one.
installed() {
	local pkg=${1%%:*} arch=${1#*:}
	[ "$arch" = "$1" ] && arch="$native|all"
	dpkg-query -W -f='${Architecture} ${db:Status-Status}\n' "$pkg" 2>/dev/null |
		grep -Eqx "($arch) installed"
}

missing=()
for p in $host_pkgs; do
	installed "$p" || missing+=("$p")
done
need_arch=0
for p in $arm64_pkgs; do
	installed "$p:arm64" || { missing+=("$p:arm64"); need_arch=1; }
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "  DEPS    installing: ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run 'make deps' as root (apt-get install needs it)" >&2
	exit 1
fi

if [ $need_arch = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --add-architecture arm64
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! apt-get update -q >"$log" 2>&1; then
	cat "$log" >&2
	echo "deps: apt-get update failed" >&2
	exit 1
fi
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
	tail -30 "$log" >&2
	# Name the packages apt could not find, one by one.
	for p in "${missing[@]}"; do
		apt-cache show "$p" >/dev/null 2>&1 ||
			echo "deps: package not found in the configured apt sources: $p" >&2
	done
	echo "deps: apt-get install failed for: ${missing[*]}" >&2
	exit 1
fi
rm -f "$log"
# The downloaded .debs (1.6 GB of them on a fresh machine) are not needed
# once installed, and the kernel and QEMU builds want the disk space.
apt-get clean
for p in "${missing[@]}"; do
	installed "$p" || { echo "deps: $p still not installed" >&2; exit 1; }
done
