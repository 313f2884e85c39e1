#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What mem_sampling costs context-switch-heavy work: a two-task pipe
# ping-pong on one CPU (the time per switch), hackbench-like groups over
# pipes and over UNIX sockets, and a tbench-like TCP request/response on
# 127.0.0.1 (both far more tasks than CPUs), in five modes alternated
# REPS times in this one boot: off (NUMA balancing and mem_sampling off),
# unsampled (mem_sampling on, the workload not sampled: the hooks alone),
# sampling (mem_sampling on, no consumer acting on the samples), sample
# mode and scan mode.  One line per run in $OUTBOX/bench-sched.txt: the
# workload's result, then what sampling cost (mem_sampling_cost_ns,
# samples) and the switches the run made.
. /usr/lib/mem_sampling/lib.sh

reps=$(cmdline_arg msbench.sched_reps 5)
workloads=$(cmdline_arg msbench.sched_workloads \
	pingpong,hackbench-pipe,hackbench-socket,tbench | tr , ' ')
rounds=$(cmdline_arg msbench.pingpong_rounds 30000)
modes=$(cmdline_arg msbench.sched_modes off,unsampled,sampling,sample,scan |
	tr , ' ')
out=$OUTBOX/bench-sched.txt
: > "$out"

ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up

# set_sched_mode MODE: as set_mode, plus sampling without a consumer and
# unsampled: sampling on (the context switch hooks live) but only for
# processes that opt in, which the workload does not.
set_sched_mode() {
	echo 0 > /sys/kernel/mm/mem_sampling/opt_in
	case "$1" in
	sampling|unsampled)
		set_mode off
		[ "$1" = unsampled ] && echo 1 > /sys/kernel/mm/mem_sampling/opt_in
		echo 1 > /proc/sys/kernel/mem_sampling_enable
		;;
	*)
		set_mode "$1"
		;;
	esac
}

switches() {
	awk '/^ctxt/ { print $2 }' /proc/stat
}

for rep in $(seq 1 "$reps"); do
	for w in $workloads; do
		case $w in
		pingpong) args="pingpong -c 0 -n $rounds" ;;
		hackbench-pipe) args="hackbench -g 4 -l 300 -s pipe" ;;
		hackbench-socket) args="hackbench -g 4 -l 300 -s socket" ;;
		tbench) args="tbench -c 8 -t 5" ;;
		esac
		# Each repetition starts one mode later: no mode always
		# follows the same one.
		for mode in $(rotate "$rep" $modes); do
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
