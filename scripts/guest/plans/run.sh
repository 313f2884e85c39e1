#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo: what the machine looks like, what the kernel found, then the
# skewed workload (on the tiered machine: tiered) in scan mode and in
# sample mode after its two references (off, ideal: see run_one in
# lib.sh), a live line a second.
. /usr/lib/mem_sampling/lib.sh
echo "== NUMA topology"
for n in /sys/devices/system/node/node[0-9]*; do
	mem=$(awk '/MemTotal/ {print $4 " " $5}' "$n/meminfo")
	echo "$(basename "$n"): cpus $(cat "$n/cpulist"), memory $mem"
done
echo
echo "== Sysctls"
for s in kernel/numa_balancing kernel/mem_sampling_enable \
	 kernel/numa_balancing_mem_sampling; do
	if [ -e "/proc/sys/$s" ]; then
		echo "$(echo "$s" | tr / .) = $(cat "/proc/sys/$s")"
	else
		echo "$(echo "$s" | tr / .): not in this kernel"
	fi
done
echo
echo "== What the kernel found"
dmesg | grep -iE 'arm_spe|statistical|mem_sampling|numa' | sed 's/^\[[^]]*\] //' | head -40
echo
echo "== Memory tiers"
for t in /sys/devices/virtual/memory_tiering/memory_tier*; do
	[ -e "$t/nodelist" ] && echo "$(basename "$t"): nodes $(cat "$t/nodelist")"
done
echo
echo "== PMUs"
ls /sys/bus/event_source/devices 2>/dev/null
echo
seconds=$(cmdline_arg msrun.seconds 30)
if slow=$(slow_node); then
	size=$(awk '/MemTotal/ { print int($4 * 5 / 4 / 1024 / 2) * 2 }' \
		/sys/devices/system/node/node0/meminfo)
	echo "== Tiered workload: $size MiB placed on the slow tier (node $slow), worked on"
	echo "   from CPU 0 (node 0); a hot fifth takes 90% of the accesses; ${seconds}s per"
	echo "   mode: balancing off, hot fifth on node 0 from the start, upstream tiering"
	echo "   (numa_balancing=2, scan and hint faults), tiering from samples"
	for mode in off ideal scan sample; do
		run_one tiered "$mode" 1 "$size" "$seconds" "$OUTBOX/bench/tiered-$mode-1"
	done
	exit 0
fi
echo "== Skewed workload: 1 GiB placed on node 1, worked on from CPU 0 (node 0)"
echo "   a hot tenth of the pages takes 90% of the accesses; ${seconds}s per mode,"
echo "   after the references: balancing off, and memory on node 0 from the start"
for mode in off ideal scan sample; do
	run_one skewed "$mode" 1 1024 "$seconds" "$OUTBOX/bench/skewed-$mode-1"
done
