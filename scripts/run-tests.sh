#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make test: host tests, then a guest boot (KUnit at boot, kselftests,
# host checks of what the guest wrote) on the numa2 machine and one with
# the machine-dependent kselftests on the tiered machine, then one summary.  Every step runs
# even when an earlier one failed, so one run shows every failure.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-$PWD/build}
results=$build/results
mkdir -p "$results"
rm -f "$results"/*.txt
failed_steps=()

step() {
	local name=$1
	shift
	local start=$SECONDS
	echo "== $name"
	if "$@"; then
		echo "   $name: done in $(( SECONDS - start ))s"
	else
		echo "   $name: FAILED after $(( SECONDS - start ))s"
		failed_steps+=("$name")
		[ -s "$results/$name.txt" ] || echo "not ok $name" > "$results/$name.txt"
	fi
}

if ! make -s deps; then
	echo "make test: installing the packages failed (see above)"
	echo "0 passed, 1 failed"
	exit 1
fi

for t in $(make -s print-HOST_TESTS); do
	step "$t" make -s "$t"
done
step guest-boot make -s test-guest
step guest-boot-tiered make -s test-guest-tiered

scripts/summarize-results.sh "$results"
rc=$?
[ ${#failed_steps[@]} -eq 0 ] || { echo "failed steps: ${failed_steps[*]}"; rc=1; }
exit $rc
