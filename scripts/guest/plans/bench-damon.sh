#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DAMON with page table Accessed bits (vaddr) against DAMON from samples
# (vaddr-sampled) on one workload in this one boot: damon_bench's child
# works on 16 MiB of its 256 MiB only; each run gives a fresh kdamond
# 20 s to find that hot range, the two sets alternated REPS times with the
# order rotated.  One line per run in $OUTBOX/bench-damon.txt.
. /usr/lib/mem_sampling/lib.sh

reps=$(cmdline_arg msbench.damon_reps 5)
seconds=$(cmdline_arg msbench.damon_seconds 20)
# DAMON's default sampling interval, 5 ms, unless told otherwise.
sample_us=$(cmdline_arg msbench.damon_sample_us 5000)
/usr/lib/kselftest/mem_sampling/damon_bench -o vaddr,vaddr-sampled \
	-r "$reps" -t "$seconds" -S "$sample_us" | tee "$OUTBOX/bench-damon.txt"
