#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Shared by the guest plans: balancing modes and counters.

# cmdline_arg NAME DEFAULT: value of NAME=value on the kernel command line.
cmdline_arg() {
	v=$2
	for a in $(cat /proc/cmdline); do
		case "$a" in "$1"=*) v=${a#*=} ;; esac
	done
	echo "$v"
}

# rotate N WORD...: the words, starting at the Nth (cyclically), so that
# repetitions of alternated modes do not always run in the same order.
rotate() {
	n=$1
	shift
	n=$(( (n - 1) % $# ))
	i=0
	for w; do
		[ $i -ge $n ] && printf '%s ' "$w"
		i=$((i + 1))
	done
	i=0
	for w; do
		[ $i -lt $n ] && printf '%s ' "$w"
		i=$((i + 1))
	done
}

sysfs_set() {
	[ -e "/sys/kernel/mm/$1" ] && echo "$2" > "/sys/kernel/mm/$1"
}

sysctl_set() {
	[ -e "/proc/sys/$1" ] && echo "$2" > "/proc/sys/$1"
}

# set_mode scan|sample|off [NUMAB]: classic NUMA balancing, or driven by
# samples; NUMAB is kernel.numa_balancing for scan and sample (default 1,
# 2 for memory tiering).  Returns 1 when the kernel cannot do the mode
# asked for.
set_mode() {
	numab=${2:-1}
	case "$1" in
	scan)
		sysctl_set kernel/numa_balancing_mem_sampling 0
		sysctl_set kernel/mem_sampling_enable 0
		echo "$numab" > /proc/sys/kernel/numa_balancing
		;;
	sample)
		[ -e /proc/sys/kernel/numa_balancing_mem_sampling ] || return 1
		# The NUMA consumer queues at most 256 samples of a task
		# between two returns to user space: interrupt it with at
		# most 128 records (8 KiB of 64-byte records) rather than
		# 1024 (the 64 KiB default), spend the samples on loads and
		# stores only.  The interval adapts by itself
		# (kernel.numa_balancing_mem_sampling_adapt).
		sysfs_set mem_sampling/buffer_size 8192
		sysfs_set mem_sampling/op_filter load,store
		echo "$numab" > /proc/sys/kernel/numa_balancing
		echo 1 > /proc/sys/kernel/mem_sampling_enable 2>/dev/null || return 1
		echo 1 > /proc/sys/kernel/numa_balancing_mem_sampling || return 1
		;;
	off)
		sysctl_set kernel/numa_balancing_mem_sampling 0
		sysctl_set kernel/mem_sampling_enable 0
		echo 0 > /proc/sys/kernel/numa_balancing
		;;
	esac
}

# vmstat_get NAME: one /proc/vmstat counter, 0 when the kernel lacks it.
vmstat_get() {
	awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' /proc/vmstat
}

# The counters the demo and the benchmark follow.
COUNTERS="numa_hint_faults numa_pte_updates numa_pages_migrated
	  mem_sampling_samples numa_sampling_samples_used
	  numa_sampling_samples_dropped numa_sampling_pages_migrated
	  numa_sampling_thp_migrated numa_sampling_interval_faster
	  numa_sampling_interval_slower"

EFFECTIVE_INTERVAL=/sys/kernel/mm/mem_sampling/effective_interval

# tier_of NODE: the memory tier directory whose nodelist has NODE.
tier_of() {
	for f in /sys/devices/virtual/memory_tiering/memory_tier*/nodelist; do
		[ -r "$f" ] || continue
		if awk -v id="$1" -F, '{ for (i = 1; i <= NF; i++) {
				n = split($i, r, "-"); if (id >= r[1] && id <= r[n]) hit = 1 } }
			END { exit !hit }' "$f"; then
			echo "${f%/nodelist}"
			return 0
		fi
	done
	return 1
}

# slow_node: a node with memory and no CPU in another memory tier than
# node 0 (TOPOLOGY=tiered's node 2); fails if there is none.
slow_node() {
	top=$(tier_of 0) || return 1
	for n in /sys/devices/system/node/node[0-9]*; do
		[ -z "$(cat "$n/cpulist")" ] || continue
		t=$(tier_of "${n##*node}") && [ "$t" != "$top" ] &&
			{ echo "${n##*node}"; return 0; }
	done
	return 1
}

# run_one WORKLOAD MODE REP SIZE_MIB SECONDS DIR: one workload run in one
# mode, with a live line a second (MS-LIVE ...) and its data left in DIR:
# MODE scan or sample (memory starts on node 1, the worker runs on CPU 0 of
# node 0), a variant of sample mode: sample+EVENT (mem_sampling
# event_filter EVENT), sample~N (min_latency N cycles), sample@B (a CPU
# budget of B basis points), in that order (sample+l1d_miss@300), or one
# of the two references with NUMA balancing off: off (the
# same placement, left where it is) and ideal (memory on the worker's own
# node from the start).  The CPUs are the same in all four.  Workload
# tiered: the memory starts on the slow tier (slow_node), scan and sample
# are kernel.numa_balancing=2 (tiering), demotion is on, and ideal starts
# with the hot pages on the worker's node; damon and damon-sampled run
# NUMA balancing off and DAMON's migrate_hot instead (damon_tier_start).  numa01 and numa02 run
# numa-threads: threads the scheduler places, pinned only in ideal.  DIR
# gets the workload's report lines, /proc/vmstat before and after, and the
# sched_numa_balance_start/end trace when the kernel has those events.
run_one() {
	w=$1 mode=$2 rep=$3 size=$4 seconds=$5 dir=$6
	tr=/sys/kernel/tracing
	events="$tr/events/sched/sched_numa_balance_start $tr/events/sched/sched_numa_balance_end"
	mkdir -p "$dir"
	balancing=$mode node=1 numab=1 local=
	variant=
	case $mode in
	sample?*) balancing=sample variant=$(variant_settings "${mode#sample}") ;;
	esac
	if [ "$w" = tiered ]; then
		if ! node=$(slow_node); then
			echo "unavailable: no slower memory tier (TOPOLOGY=tiered)" > "$dir/skipped"
			echo "MS-LIVE $w-$mode-$rep skipped: no slower memory tier"
			return 0
		fi
		numab=2
		echo 1 > /sys/kernel/mm/numa/demotion_enabled
		[ "$mode" = ideal ] && balancing=off local=-L
		case $mode in damon*) balancing=off ;; esac
	elif [ "$mode" = ideal ]; then
		balancing=off node=local
	fi
	if ! set_mode "$balancing" "$numab"; then
		echo "unavailable: this kernel cannot run $mode mode" > "$dir/skipped"
		echo "MS-LIVE $w-$mode-$rep skipped: $mode mode unavailable"
		return 0
	fi
	saved=
	for s in $variant; do
		f=/sys/kernel/mm/mem_sampling/${s%%=*}
		saved="$saved ${s%%=*}=$(cat "$f")"
		if ! echo "${s#*=}" > "$f"; then
			echo "unavailable: $s refused" > "$dir/skipped"
			echo "MS-LIVE $w-$mode-$rep skipped: $s refused"
			variant_restore "$saved"
			set_mode off
			return 0
		fi
	done
	case $mode in
	damon*)
		if ! damon_tier_start "$mode" "$node"; then
			echo "unavailable: DAMON ($mode) cannot start" > "$dir/skipped"
			echo "MS-LIVE $w-$mode-$rep skipped: DAMON unavailable"
			damon_tier_stop
			set_mode off
			return 0
		fi ;;
	esac
	have_trace=1
	for e in $events; do [ -d "$e" ] || have_trace=0; done
	if [ $have_trace = 1 ]; then
		echo > "$tr/trace"
		echo 16384 > "$tr/buffer_size_kb"
		for e in $events; do echo 1 > "$e/enable"; done
	fi
	cp /proc/vmstat "$dir/vmstat.before"
	prog=numa-workload
	case $w in numa01|numa02) prog=numa-threads ;; esac
	$prog -m "$w" -s "$size" -c 0 -n "$node" $local -t "$seconds" \
		-l "$w-$mode-$rep" > "$dir/workload.log" &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		sleep 1
		last=$(grep -v partner "$dir/workload.log" | tail -1)
		[ -n "$last" ] || continue
		set -- $last
		line="MS-LIVE $1 $2 $3 $4 $5"
		for c in numa_pages_migrated numa_hint_faults mem_sampling_samples; do
			b=$(awk -v k=$c '$1 == k { print $2 }' "$dir/vmstat.before")
			line="$line $c=$(( $(vmstat_get $c) - ${b:-0} ))"
		done
		# The sampling interval in effect (adaptive in sample mode).
		if [ "$balancing" = sample ] && [ -r $EFFECTIVE_INTERVAL ]; then
			line="$line interval=$(cat $EFFECTIVE_INTERVAL)"
		fi
		echo "$line"
	done
	wait $pid
	cp /proc/vmstat "$dir/vmstat.after"
	if [ $have_trace = 1 ]; then
		for e in $events; do echo 0 > "$e/enable"; done
		cat "$tr/trace" > "$dir/trace.txt"
	fi
	case $mode in damon*) damon_tier_stop ;; esac
	set_mode off
	variant_restore "$saved"
}

DAMON_KDAMONDS=/sys/kernel/mm/damon/admin/kdamonds

# node_phys_range NODE: the first and the last byte + 1 of NODE's memory
# blocks, in decimal.
node_phys_range() {
	bs=$(( 0x$(cat /sys/devices/system/memory/block_size_bytes) ))
	ls -d /sys/devices/system/node/node"$1"/memory[0-9]* 2>/dev/null |
		sed 's/.*memory//' | sort -n |
		awk -v bs="$bs" 'NR == 1 { lo = $1 } { hi = $1 }
			END { if (NR) printf "%.0f %.0f\n", lo * bs, (hi + 1) * bs;
			      else exit 1 }'
}

# damon_split_target TARGET_DIR START END: the target's regions, START to
# END in up to 500 regions of a multiple of 2 MiB each.  A physical target
# given as one region is split only as aggregations pass, and the first
# ones would migrate all of it.
damon_split_target() {
	ds_two=2097152
	ds_n=$(( ($3 - $2) / ds_two ))
	[ "$ds_n" -gt 500 ] && ds_n=500
	[ "$ds_n" -ge 1 ] || return 1
	ds_step=$(( ($3 - $2) / ds_n / ds_two * ds_two ))
	echo "$ds_n" > "$1/regions/nr_regions" || return 1
	ds_i=0
	while [ $ds_i -lt "$ds_n" ]; do
		ds_end=$(( $2 + (ds_i + 1) * ds_step ))
		[ $ds_i -eq $(( ds_n - 1 )) ] && ds_end=$3
		echo $(( $2 + ds_i * ds_step )) > "$1/regions/$ds_i/start" &&
		echo "$ds_end" > "$1/regions/$ds_i/end" || return 1
		ds_i=$(( ds_i + 1 ))
	done
}

# damon_tier_start MODE NODE: DAMON tiering over NODE's physical memory in
# 2 MiB-multiple regions at DAMON's default intervals (5 ms, 100 ms): a
# migrate_hot scheme to node 0 for regions seen accessed in at least N of
# an aggregation's 20 sampling intervals.  MODE: damon~N (paddr, page
# table Accessed bits) or damon-sampled~N (paddr-sampled, mem_sampling
# on); N is 10 if not given.
damon_tier_start() {
	dt_ops=paddr dt_min=10
	case $1 in damon-sampled*) dt_ops=paddr-sampled ;; esac
	case $1 in *~*) dt_min=${1##*~} ;; esac
	[ -d $DAMON_KDAMONDS ] || return 1
	set -- $(node_phys_range "$2") || return 1
	[ "$dt_ops" = paddr-sampled ] &&
		{ echo 1 > /proc/sys/kernel/mem_sampling_enable || return 1; }
	dt_ctx=$DAMON_KDAMONDS/0/contexts/0
	dt_pattern=$dt_ctx/schemes/0/access_pattern
	echo 1 > $DAMON_KDAMONDS/nr_kdamonds &&
	echo 1 > $DAMON_KDAMONDS/0/contexts/nr_contexts &&
	echo "$dt_ops" > $dt_ctx/operations &&
	echo 1 > $dt_ctx/targets/nr_targets &&
	damon_split_target $dt_ctx/targets/0 "$1" "$2" &&
	echo 1 > $dt_ctx/schemes/nr_schemes &&
	echo migrate_hot > $dt_ctx/schemes/0/action &&
	echo 0 > $dt_ctx/schemes/0/target_nid &&
	echo 18446744073709551615 > $dt_pattern/sz/max &&
	echo "$dt_min" > $dt_pattern/nr_accesses/min &&
	echo 4294967295 > $dt_pattern/nr_accesses/max &&
	echo 4294967295 > $dt_pattern/age/max &&
	echo on > $DAMON_KDAMONDS/0/state
}

damon_tier_stop() {
	echo off > $DAMON_KDAMONDS/0/state 2>/dev/null
	echo 0 > $DAMON_KDAMONDS/nr_kdamonds 2>/dev/null
	return 0
}

# variant_settings SUFFIX: the mem_sampling sysfs settings (FILE=VALUE) of
# sample mode's variant SUFFIX (+EVENT, ~N, @B, in that order).
variant_settings() {
	v=$1
	case $v in *@*) echo "budget=${v##*@}"; v=${v%@*} ;; esac
	case $v in *~*) echo "min_latency=${v##*~}"; v=${v%~*} ;; esac
	case $v in +*) echo "event_filter=${v#+}" ;; esac
}

# variant_restore "FILE=VALUE...": put back what a variant changed.
variant_restore() {
	for s in $1; do
		echo "${s#*=}" > "/sys/kernel/mm/mem_sampling/${s%%=*}"
	done
}
