#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Task placement: how often and how soon NUMA balancing moves a task to
# its memory's node, when the memory cannot move (bench/numa_placement.c:
# 64 MiB bound to node 1, the task started on node 0), in scan mode,
# sample mode and off (the control: nothing should move it), alternated
# REPS times in this one boot with the order rotated.  One line per run
# in $OUTBOX/bench-placement.txt.
. /usr/lib/mem_sampling/lib.sh

reps=$(cmdline_arg msbench.placement_reps 20)
seconds=$(cmdline_arg msbench.placement_seconds 8)
modes=$(cmdline_arg msbench.placement_modes off,scan,sample | tr , ' ')
out=$OUTBOX/bench-placement.txt
: > "$out"

for rep in $(seq 1 "$reps"); do
	for mode in $(rotate "$rep" $modes); do
		set_mode $mode || continue
		faults=$(vmstat_get numa_hint_faults)
		used=$(vmstat_get numa_sampling_samples_used)
		result=$(numa-placement -s 64 -n 1 -t "$seconds" -k 1) ||
			result="failed=1"
		echo "placement: mode=$mode rep=$rep ${result#placement }" \
			"hint_faults=$(( $(vmstat_get numa_hint_faults) - faults ))" \
			"samples_used=$(( $(vmstat_get numa_sampling_samples_used) - used ))" |
			tee -a "$out"
	done
done
set_mode off
