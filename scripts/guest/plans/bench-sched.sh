#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What mem_sampling costs context-switch-heavy work: a two-task pipe
# ping-pong on one CPU (the time per switch), hackbench-like groups over
# pipes and over UNIX sockets, and a tbench-like TCP request/response on
# 127.0.0.1 (both far more tasks than CPUs), in four modes alternated
# REPS times in this one boot: off (NUMA balancing and mem_sampling off),
# sampling (mem_sampling on, no consumer acting on the samples), sample
# mode and scan mode.  One line per run in $OUTBOX/bench-sched.txt: the
# workload's result, then what sampling cost (mem_sampling_cost_ns,
# samples) and the switches the run made.
. /usr/lib/mem_sampling/lib.sh

reps=$(cmdline_arg msbench.sched_reps 5)
out=$OUTBOX/bench-sched.txt
: > "$out"

ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up

# set_sched_mode MODE: as set_mode, plus sampling without a consumer.
set_sched_mode() {
	if [ "$1" = sampling ]; then
		set_mode off
		echo 1 > /proc/sys/kernel/mem_sampling_enable
		return
	fi
	set_mode "$1"
}

switches() {
	awk '/^ctxt/ { print $2 }' /proc/stat
}

for rep in $(seq 1 "$reps"); do
	for w in pingpong hackbench-pipe hackbench-socket tbench; do
		case $w in
		pingpong) args="pingpong -c 0 -n 50000" ;;
		hackbench-pipe) args="hackbench -g 4 -l 50 -s pipe" ;;
		hackbench-socket) args="hackbench -g 4 -l 50 -s socket" ;;
		tbench) args="tbench -c 8 -t 5" ;;
		esac
		for mode in off sampling sample scan; do
			set_sched_mode $mode || continue
			cost=$(vmstat_get mem_sampling_cost_ns)
			samples=$(vmstat_get mem_sampling_samples)
			ctxt=$(switches)
			result=$(sched-workload $args) || result="failed=1"
			echo "sched: mode=$mode rep=$rep $result" \
				"cost_ns=$(( $(vmstat_get mem_sampling_cost_ns) - cost ))" \
				"samples=$(( $(vmstat_get mem_sampling_samples) - samples ))" \
				"ctxt=$(( $(switches) - ctxt ))" \
				"interval=$(cat /sys/kernel/mm/mem_sampling/effective_interval)" |
				tee -a "$out"
		done
	done
done
set_mode off
