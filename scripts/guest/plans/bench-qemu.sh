#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The SPE model's cost: the same loop with SPE off and with an arm_spe perf
# session at the minimum interval, in this one boot.
/usr/lib/kselftest/mem_sampling/spe_bench | tee "$OUTBOX/spe_bench.txt"
