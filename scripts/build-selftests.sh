#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the mem_sampling kselftests from the patched tree with the tree's
# own kselftest makefiles, static for arm64, and list them in run order.
#
# usage: build-selftests.sh KSRC KOBJ OUT
set -euo pipefail
ksrc=$1 kobj=$2 out=$3
dir=$ksrc/tools/testing/selftests/mem_sampling
args=(-C "$dir" OUTPUT="$out/obj" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
      KHDR_INCLUDES="-isystem $kobj/usr/include" LDFLAGS=-static)

mkdir -p "$out/obj"
rm -rf "$out/install"
if ! make -s "${args[@]}" INSTALL_PATH="$out/install" install >"$out/build.log" 2>&1; then
	cat "$out/build.log" >&2
	echo "build-selftests: building the kselftests in $dir failed" >&2
	exit 1
fi
make -s "${args[@]}" emit_tests | sed 's/^[^:]*://' > "$out/install/tests.list"
