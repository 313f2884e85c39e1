#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The test plan on a debug kernel, then a kmemleak scan: its findings land
# in the saved dmesg, where the host fails the run on them.
# KASAN, lockdep and kmemleak make fork, exec and page faults several
# times slower under TCG: four times the plain kernel's time per test.
SELFTEST_TIMEOUT=1800 /usr/lib/mem_sampling/run-selftests
rc=$?
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	sleep 5
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$OUTBOX/kmemleak.txt"
	if [ -s "$OUTBOX/kmemleak.txt" ]; then
		echo "kmemleak: unreferenced objects found:"
		head -40 "$OUTBOX/kmemleak.txt"
		echo "kmemleak: unreferenced objects" > /dev/kmsg
	fi
else
	echo "kmemleak: not available in this kernel" > /dev/kmsg
fi
exit $rc
