#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print a guest plan's output as it comes: only what the plan prints (not
# the kernel's boot messages), MS-LIVE lines as readable rows.
exec awk '
/^MS-GUEST-START/ { on = 1; next }
/^MS-PLAN-EXIT/ { on = 0; next }
!on { next }
/^MS-LIVE/ {
	if ($3 == "skipped:") { print "  " $2 " skipped: " $4 " " $5 " " $6; fflush(); next }
	split($2, id, "-"); row = sprintf("  %-7s", id[2])
	delete v
	for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	row = row sprintf("%6.1fs  ops/s %8d  weighted local %5.1f%%  pages local %5.1f%%", v["elapsed"], v["ops_per_s"], v["weighted_local"], v["page_local"])
	row = row sprintf("  migrated %7d  hint faults %7d  samples %7d", v["numa_pages_migrated"], v["numa_hint_faults"], v["mem_sampling_samples"])
	if ("interval" in v) row = row sprintf("  interval %5d", v["interval"])
	print row; fflush(); next
}
{ print; fflush() }
'
