#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print each suite's counts and failures from the result files, then the
# final line "N passed, N failed, N skipped".  Exit 1 if anything failed.
#
# usage: summarize-results.sh RESULTS_DIR
set -uo pipefail
dir=$1
pass=0 fail=0 skip=0
echo
echo "== Results"
for f in "$dir"/*.txt; do
	[ -e "$f" ] || continue
	p=$(grep -c '^ok ' "$f") n=$(grep -c '^not ok ' "$f") s=$(grep -c '^skip ' "$f")
	printf '%-28s %4d passed, %d failed, %d skipped\n' "$(basename "$f" .txt)" "$p" "$n" "$s"
	grep '^not ok ' "$f" | sed 's/^/    /'
	grep '^skip ' "$f" | sed 's/^/    /'
	pass=$((pass + p)) fail=$((fail + n)) skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
