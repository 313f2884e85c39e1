#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo: what the machine looks like and what the kernel found.
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
dmesg | grep -iE 'spe|mem_sampling|numa' | sed 's/^\[[^]]*\] //' | head -40
echo
echo "== PMUs"
ls /sys/bus/event_source/devices 2>/dev/null
