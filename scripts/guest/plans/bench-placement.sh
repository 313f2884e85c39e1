#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Task placement: how often and how soon NUMA balancing moves a task to
# its memory's node, when the memory cannot move (bench/numa_placement.c:
# 64 MiB bound to node 1 with MPOL_F_NUMA_BALANCING, so that balancing
# sees it, the task started on node 0), in scan mode,
# sample mode and off (the control: nothing should move it), alternated
# REPS times in this one boot with the order rotated, each run given
# 12 s to get there.  One line per run
# in $OUTBOX/bench-placement.txt.
. /usr/lib/mem_sampling/lib.sh

reps=$(cmdline_arg msbench.placement_reps 20)
# The control, off, in the first few repetitions only: it runs out the
# clock every time.
off_reps=$(cmdline_arg msbench.placement_off_reps 5)
seconds=$(cmdline_arg msbench.placement_seconds 12)
modes=$(cmdline_arg msbench.placement_modes off,scan,sample | tr , ' ')
out=$OUTBOX/bench-placement.txt
: > "$out"

for rep in $(seq 1 "$reps"); do
	for mode in $(rotate "$rep" $modes); do
		[ "$mode" = off ] && [ "$rep" -gt "$off_reps" ] && continue
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
