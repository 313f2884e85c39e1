#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark: every workload in scan mode and in sample mode (tiered:
# upstream's tiering and tiering from samples), and the two
# references it is measured against (off: NUMA balancing off, memory left
# on the other node; ideal: memory on the worker's node from the start),
# REPS times, in one boot; each run's data in $OUTBOX/bench/WORKLOAD-MODE-REP/.
. /usr/lib/mem_sampling/lib.sh

reps=$(cmdline_arg msbench.reps 3)
workloads=$(cmdline_arg msbench.workloads uniform,skewed,shared,thp,numa01,numa02 |
	    tr , ' ')
seconds=$(cmdline_arg msbench.seconds 20)
# Modes in the order run; sample@B is sample mode with a budget of B bp.
modes=$(cmdline_arg msbench.modes off,ideal,scan,sample | tr , ' ')

# Sizes for a 4 GiB guest (2 GiB a node): skewed is the large footprint;
# tiered's is a quarter larger than node 0 (the top tier the worker is on),
# in whole 2 MiB.
size_of() {
	case "$1" in
	skewed) echo 1024 ;;
	tiered) awk '/MemTotal/ { print int($4 * 5 / 4 / 1024 / 2) * 2 }' \
		/sys/devices/system/node/node0/meminfo ;;
	*) echo 256 ;;
	esac
}

echo always > /sys/kernel/mm/transparent_hugepage/enabled
region=/proc/sys/kernel/numa_balancing_mem_sampling_region_order
echo "bench: reps=$reps workloads=$workloads modes=$modes seconds=$seconds" \
	"region_order=$(cat $region 2>/dev/null || echo none)"
for rep in $(seq 1 "$reps"); do
	for w in $workloads; do
		for mode in $modes; do
			run_one "$w" "$mode" "$rep" "$(size_of "$w")" "$seconds" \
				"$OUTBOX/bench/$w-$mode-$rep"
		done
	done
done
