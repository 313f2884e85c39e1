#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Differential test of our SPE decoder against perf's: the in-process
# comparison (spe-decoder-diff), then the JSON lines of
# `spe-decode --packets` and `perf-spe-dump` on the same files, byte for
# byte.  Env: HOSTBIN (the tools), WORK (scratch directory).
set -u
rc=0
"$HOSTBIN/spe-decoder-diff" || rc=1
"$HOSTBIN/spe-decoder-diff" --emit "$WORK" || { echo "not ok emit streams"; exit 1; }
for f in crafted synth valid perf-sample; do
	"$HOSTBIN/spe-decode" --packets "$WORK/$f.bin" > "$WORK/$f.ours.json" &&
	"$HOSTBIN/perf-spe-dump" "$WORK/$f.bin" > "$WORK/$f.perf.json"
	n=$(wc -l < "$WORK/$f.ours.json")
	if [ "$n" -gt 0 ] && cmp -s "$WORK/$f.ours.json" "$WORK/$f.perf.json"; then
		echo "ok json spe-decode --packets equals perf-spe-dump on $f.bin ($n lines)"
	else
		echo "not ok json spe-decode --packets equals perf-spe-dump on $f.bin"
		diff "$WORK/$f.ours.json" "$WORK/$f.perf.json" | head -5 | sed 's/^/# /'
		rc=1
	fi
done
exit $rc
