#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The memory cost model's calibration: a dependent-load chase and a
# streaming sum over 32 MiB on each memory node, from CPU 0.
. /usr/lib/mem_sampling/lib.sh
numa-cost "$(cmdline_arg msbench.reps 5)" | tee "$OUTBOX/numa_cost.txt"
