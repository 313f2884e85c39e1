#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the SPE decoder's libFuzzer target for SECONDS_RUN seconds from the
# committed seed corpus SEED (new inputs go to WORK/fuzz-corpus, crashes to
# WORK/fuzz-artifacts).  Prints one result line for test NAME.
set -u
mkdir -p "$WORK/fuzz-corpus" "$WORK/fuzz-artifacts"
log="$WORK/$NAME.log"
"$FUZZER" -max_total_time="$SECONDS_RUN" -max_len=32768 -timeout=10 \
	-rss_limit_mb=1024 -print_final_stats=1 \
	-artifact_prefix="$WORK/fuzz-artifacts/" \
	"$WORK/fuzz-corpus" "$SEED" > "$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
if [ $rc -eq 0 ] && [ -n "$runs" ]; then
	echo "ok $NAME libFuzzer ${SECONDS_RUN}s: ${runs} execs (${rate}/s), ${cov}, no crash"
else
	echo "not ok $NAME libFuzzer exited $rc; see $log"
	grep -m5 -E 'ERROR|check failed|SUMMARY' "$log" | sed 's/^/# /'
	exit 1
fi
