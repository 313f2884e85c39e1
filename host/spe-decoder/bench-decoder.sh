#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench-decoder: timed runs of our SPE record decoder against perf's on
# a 64 MiB synthetic buffer, then instructions per record under callgrind
# (deterministic) on 4 MiB.  Env: HOSTBIN, BENCH_MIB (64), BENCH_REPS (7).
set -eu
bench="$HOSTBIN/spe-decoder-bench"
"$bench" "${BENCH_MIB:-64}" "${BENCH_REPS:-7}"
if ! command -v valgrind > /dev/null; then
	echo "callgrind: skipped, valgrind is not installed (make deps)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A ipr
for who in ours perf; do
	valgrind --tool=callgrind --callgrind-out-file="$tmp/$who.out" \
		--collect-atstart=no --toggle-collect="${who}_decode_all" \
		"$bench" --once "$who" 4 > "$tmp/$who.txt" 2> "$tmp/$who.err"
	recs=$(sed -n 's/^records \([0-9]*\) .*/\1/p' "$tmp/$who.txt")
	ir=$(sed -n 's/^summary: *//p' "$tmp/$who.out")
	ipr[$who]=$(awk -v i="$ir" -v r="$recs" 'BEGIN { printf "%.1f", i / r }')
	echo "callgrind $who: $ir instructions for $recs records: ${ipr[$who]} instructions/record"
done
awk -v o="${ipr[ours]}" -v p="${ipr[perf]}" \
	'BEGIN { printf "callgrind ratio perf/ours instructions/record: %.2f\n", p / o }'
