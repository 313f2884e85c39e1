#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The soak (make soak): mem_sampling_stress's actors for mssoak.minutes=
# minutes, with the kernel's memory totals taken before, every minute and
# after ($OUTBOX/soak.txt: minute, unreclaimable slab, vmalloc, per-CPU,
# page tables, kernel stacks, in KiB), then two kmemleak scans.  Before
# and after, the caches are dropped so that only what the kernel keeps
# counts.  The host (scripts/check-soak.py) checks the growth; a kmemleak
# finding lands in the saved dmesg, where the host fails the run on it.
. /usr/lib/mem_sampling/lib.sh

minutes=$(cmdline_arg mssoak.minutes 30)
dir=/usr/lib/kselftest/mem_sampling
out=$OUTBOX/soak.txt

# totals LABEL: one line of soak.txt.
totals() {
	awk -v label="$1" '
		$1 == "SUnreclaim:" { s = $2 } $1 == "VmallocUsed:" { v = $2 }
		$1 == "Percpu:" { p = $2 } $1 == "PageTables:" { t = $2 }
		$1 == "KernelStack:" { k = $2 }
		END { printf "%s %d %d %d %d %d\n", label, s, v, p, t, k }
	' /proc/meminfo >> "$out"
}

settle() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 5
}

echo "minute sunreclaim_kib vmalloc_kib percpu_kib pagetables_kib kernelstack_kib" > "$out"
settle
totals before
mkdir -p "$OUTBOX/mem_sampling_stress"
echo "MS-TEST-BEGIN mem_sampling_stress"
start=$(date +%s)
(cd "$dir" && STRESS_SECONDS=$((minutes * 60)) ./mem_sampling_stress < /dev/null 2>&1) &
pid=$!
m=0
while kill -0 "$pid" 2>/dev/null; do
	sleep 60
	m=$((m + 1))
	kill -0 "$pid" 2>/dev/null && totals "$m"
done
wait "$pid"
rc=$?
echo "MS-TEST-END mem_sampling_stress rc=$rc seconds=$(($(date +%s) - start))"
settle
totals after

if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 5
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$OUTBOX/kmemleak.txt"
	echo "kmemleak $(grep -c 'unreferenced object' "$OUTBOX/kmemleak.txt")" >> "$out"
	if [ -s "$OUTBOX/kmemleak.txt" ]; then
		head -40 "$OUTBOX/kmemleak.txt"
		echo "kmemleak: unreferenced objects" > /dev/kmsg
	fi
else
	echo "kmemleak: not available in this kernel" > /dev/kmsg
fi
exit $rc
