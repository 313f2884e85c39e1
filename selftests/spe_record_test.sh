#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# spe-record end to end: what it prints for a workload is exactly what the
# kernel sampled for that workload, and it refuses clearly when it cannot
# run.
#
# Deterministic part: records with known addresses go in through the test
# provider (/sys/kernel/debug/mem_sampling/inject) for the workload and
# for a decoy process, from CPUs chosen with taskset; `spe-record -p PID`
# must print exactly the workload's records, with the NUMA node of each
# physical address as move_pages(2) reports it, and a summary that agrees.
# With a real provider (Arm SPE) the workload's own loads are recorded too.

KSFT_SKIP=4
here=$(cd "$(dirname "$0")" && pwd)
workload=$here/spe_record_workload
tracefs_event=mem_sampling/mem_sampling_record
sysfs=/sys/kernel/mm/mem_sampling
debugfs=/sys/kernel/debug/mem_sampling
enable=/proc/sys/kernel/mem_sampling_enable
tmp=$(mktemp -d /tmp/spe_record_test.XXXXXX)
nr_tests=0
failed=0
pids=""

tap()	# STATUS NAME [REASON]
{
	nr_tests=$((nr_tests + 1))
	case $1 in
	ok)	echo "ok $nr_tests $2" ;;
	skip)	echo "ok $nr_tests $2 # SKIP $3" ;;
	*)	echo "not ok $nr_tests $2${3:+ # $3}"; failed=1 ;;
	esac
}

note()
{
	echo "# $*"
}

# Restore whatever the test changed.
saved_enable=""
saved_paddr=""
saved_opt_in=""
saved_active=""
cleanup()
{
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	[ -n "$saved_active" ] && echo "$saved_active" > "$debugfs/active" 2>/dev/null
	[ -n "$saved_paddr" ] && echo "$saved_paddr" > "$sysfs/paddr" 2>/dev/null
	[ -n "$saved_opt_in" ] && echo "$saved_opt_in" > "$sysfs/opt_in" 2>/dev/null
	[ -n "$saved_enable" ] && echo "$saved_enable" > "$enable" 2>/dev/null
	if [ -n "$OUTBOX" ] && [ -d "$OUTBOX" ]; then
		mkdir -p "$OUTBOX/spe_record_test.sh"
		cp "$tmp"/* "$OUTBOX/spe_record_test.sh/" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_for FILE PATTERN: until a line of FILE matches, at most 10 s.
wait_for()
{
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 100 ] || return 1
		sleep 0.1
	done
}

# Start the workload for SECONDS; sets wl_pid, wl_start, wl_end.
start_workload()
{
	"$workload" "$1" 16 > "$tmp/workload.txt" &
	wl_pid=$!
	pids="$pids $wl_pid"
	wait_for "$tmp/workload.txt" '^ready' || return 1
	# shellcheck disable=SC2046 # split into the three words
	set -- $(grep '^buffer' "$tmp/workload.txt")
	wl_start=$(($2))
	wl_end=$(($3))
}

# The node of a CPU, from sysfs.
cpu_node()
{
	for n in /sys/devices/system/cpu/cpu"$1"/node*; do
		[ -e "$n" ] && { echo "${n##*/node}"; return; }
	done
	echo 0
}

echo "TAP version 13"
echo "1..6"

if [ "$(id -u)" != 0 ]; then
	echo "# must run as root"
	exit $KSFT_SKIP
fi
if ! command -v spe-record > /dev/null; then
	echo "# spe-record is not installed"
	exit $KSFT_SKIP
fi

tracefs=/sys/kernel/tracing
[ -d $tracefs/events ] || mount -t tracefs nodev $tracefs 2>/dev/null
[ -d /sys/kernel/debug/mem_sampling ] || mount -t debugfs nodev /sys/kernel/debug 2>/dev/null

# 1: non-root users are told they must be root.
su -s /bin/sh user -c "spe-record -d 1" > "$tmp/nonroot.out" 2> "$tmp/nonroot.err"
rc=$?
if [ $rc -ne 0 ] && grep -q "must be run as root" "$tmp/nonroot.err"; then
	tap ok "non-root: refused with a message"
else
	tap fail "non-root: refused with a message" "rc=$rc: $(cat "$tmp/nonroot.err")"
fi

if [ ! -d "$tracefs/events/$tracefs_event" ] || [ ! -e $enable ]; then
	# The feature is not built: spe-record must say so.
	spe-record -d 1 > /dev/null 2> "$tmp/notbuilt.err"
	rc=$?
	if [ $rc -ne 0 ] && grep -q "not built" "$tmp/notbuilt.err"; then
		tap ok "feature not built: refused with a message"
	else
		tap fail "feature not built: refused with a message" "rc=$rc"
	fi
	for t in "disabled" "pid filter" "json and count" "hardware provider"; do
		tap skip "$t" "mem_sampling is not built"
	done
	exit $failed
fi

saved_enable=$(cat $enable)
[ -e $sysfs/paddr ] && saved_paddr=$(cat $sysfs/paddr)
[ -e $sysfs/opt_in ] && saved_opt_in=$(cat $sysfs/opt_in)
provider=$(cat $sysfs/provider 2>/dev/null || echo unknown)
note "provider at start: $provider"

# 2: sampling off: refused, naming the sysctl.
echo 0 > $enable
spe-record -d 1 > /dev/null 2> "$tmp/disabled.err"
rc=$?
if [ $rc -ne 0 ] && grep -q "sysctl kernel.mem_sampling_enable=1" "$tmp/disabled.err"; then
	tap ok "disabled: refused, naming the sysctl"
else
	tap fail "disabled: refused, naming the sysctl" "rc=$rc: $(cat "$tmp/disabled.err")"
fi

[ -n "$saved_paddr" ] && echo 1 > $sysfs/paddr
[ -n "$saved_opt_in" ] && echo 0 > $sysfs/opt_in
if ! echo 1 > $enable; then
	for t in "pid filter" "json and count" "hardware provider"; do
		tap fail "$t" "cannot enable sampling"
	done
	exit 1
fi

# 3: the workload's records, and only those, through the test provider.
test_pid_filter()
{
	name="pid filter: exactly the workload's injected records"
	if [ ! -e $debugfs/inject ]; then
		tap skip "$name" "no test provider ($debugfs/inject)"
		return
	fi
	saved_active=$(cat $debugfs/active)
	if ! echo 1 > $debugfs/active; then
		tap fail "$name" "cannot activate the test provider"
		return
	fi
	start_workload 30 || { tap fail "$name" "workload did not start"; return; }
	sleep 30 &
	decoy=$!
	pids="$pids $decoy"

	# One record per page, every other one from each CPU; the decoy gets
	# records too, which the filter must drop.
	: > "$tmp/expected"
	: > "$tmp/inject.0"
	: > "$tmp/inject.1"
	i=0
	local=0
	remote=0
	grep '^page' "$tmp/workload.txt" > "$tmp/pages"
	while read -r _ va pa node; do
		cpu=$((i % 2))
		op=load
		[ $((i % 3)) -eq 2 ] && op=store
		vaddr=$((va + 64 * i + 8))
		paddr=$((pa + 64 * i + 8))
		latency=$((10 + 7 * i))
		echo "pid=$wl_pid vaddr=$vaddr paddr=$paddr op=$op latency=$latency" \
			>> "$tmp/inject.$cpu"
		echo "pid=$decoy vaddr=$vaddr paddr=$paddr op=$op latency=$latency" \
			>> "$tmp/inject.$cpu"
		[ "$node" -ge 0 ] 2>/dev/null || node=-
		printf "%d %d %d %s %d 0x%016x 0x%016x %s\n" "$wl_pid" "$wl_pid" \
			"$cpu" "$op" "$latency" "$vaddr" "$paddr" "$node" >> "$tmp/expected"
		if [ "$node" = "$(cpu_node $cpu)" ]; then
			local=$((local + 1))
		else
			remote=$((remote + 1))
		fi
		i=$((i + 1))
	done < "$tmp/pages"
	injected=$i

	# Stopped by SIGINT once everything is injected, not by -d: how long
	# the injection takes (a debug kernel is slow) must not matter.
	spe-record -p "$wl_pid" > "$tmp/record.out" 2> "$tmp/record.err" &
	rec=$!
	if ! wait_for "$tmp/record.err" "recording"; then
		tap fail "$name" "spe-record did not start: $(cat "$tmp/record.err")"
		return
	fi
	for cpu in 0 1; do
		if ! taskset -c $cpu sh -c "cat '$tmp/inject.$cpu' > $debugfs/inject"; then
			tap fail "$name" "injecting on CPU $cpu failed"
			kill -INT $rec
			return
		fi
	done
	kill -INT $rec
	wait $rec
	rc=$?

	# Sample lines begin with the time; the summary follows a blank line.
	grep -E '^[0-9]+\.[0-9]+ ' "$tmp/record.out" > "$tmp/lines"
	while read -r _ _ pid tid cpu op latency vaddr paddr node; do
		echo "$pid $tid $cpu $op $latency $vaddr $paddr $node"
	done < "$tmp/lines" | sort > "$tmp/got"
	sort "$tmp/expected" > "$tmp/expected.sorted"
	lines=$(grep -c . "$tmp/lines")
	outside=0
	while read -r _ _ _ _ _ vaddr _; do
		v=$((vaddr))
		[ "$v" -ge "$wl_start" ] && [ "$v" -lt "$wl_end" ] || outside=$((outside + 1))
	done < "$tmp/got"
	summary=$(sed -n 's/^Summary: \([0-9]*\) samples.*/\1/p' "$tmp/record.out")
	pid_row=$(awk -v p="$wl_pid" '$1 == p && NF == 3 { print $3 }' "$tmp/record.out")
	other_rows=$(awk -v p="$wl_pid" '/^PID / { f = 1; next } /^NODE/ { f = 0 } f && $1 != p' \
		"$tmp/record.out" | grep -c .)
	seen=$(sed -n 's/^Summary: .*(\([0-9]*\) tracepoint hits.*/\1/p' "$tmp/record.out")
	node_sum=$(awk '/^NODE/ { f = 1; next } /^Local/ { f = 0 }
			f { s += $2 } END { print s + 0 }' "$tmp/record.out")
	locality=$(sed -n 's/^Local \([0-9]*\) .*remote \([0-9]*\) .*/\1 \2/p' "$tmp/record.out")
	note "injected $injected for pid $wl_pid and $injected for decoy $decoy;" \
	     "tracepoint hits $seen, printed $lines, summary $summary," \
	     "local/remote $locality (expected $local $remote), rc $rc"

	if [ $rc -ne 0 ]; then
		tap fail "$name" "spe-record exited $rc: $(cat "$tmp/record.err")"
	elif [ "$seen" != $((2 * injected)) ]; then
		tap fail "$name" "the tracepoint fired $seen times for $((2 * injected)) records"
	elif ! diff "$tmp/expected.sorted" "$tmp/got" > "$tmp/diff"; then
		sed 's/^/# /' "$tmp/diff"
		tap fail "$name" "printed records differ from the injected ones"
	elif [ "$outside" -ne 0 ]; then
		tap fail "$name" "$outside VADDRs outside the workload's buffer"
	elif [ "$summary" != "$lines" ] || [ "$pid_row" != "$lines" ] ||
	     [ "$other_rows" -ne 0 ] || [ "$node_sum" != "$lines" ]; then
		why="total $summary, pid $pid_row, nodes $node_sum, lines $lines"
		tap fail "$name" "summary disagrees: $why"
	elif [ "$locality" != "$local $remote" ]; then
		tap fail "$name" "local/remote $locality, expected $local $remote"
	else
		tap ok "$name"
	fi
}
test_pid_filter

# 4: --json and -c: stops by itself after COUNT samples.
test_json_count()
{
	name="json and count: stops after -c samples"
	if [ ! -e $debugfs/inject ] || [ -z "$wl_pid" ]; then
		tap skip "$name" "no test provider"
		return
	fi
	spe-record -p "$wl_pid" --json -c 5 > "$tmp/json.out" 2> "$tmp/json.err" &
	rec=$!
	if ! wait_for "$tmp/json.err" "recording"; then
		tap fail "$name" "spe-record did not start"
		return
	fi
	i=0
	: > "$tmp/inject.json"
	while [ $i -lt 12 ]; do
		echo "pid=$wl_pid vaddr=$((wl_start + 128 * i)) op=load" >> "$tmp/inject.json"
		i=$((i + 1))
	done
	cat "$tmp/inject.json" > $debugfs/inject
	# It must end by itself; the workload outlives this wait.
	i=0
	while kill -0 $rec 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 $rec 2>/dev/null; then
		kill $rec
		tap fail "$name" "still running after 5 s"
		return
	fi
	wait $rec
	rc=$?
	samples=$(grep -c "^{\"time\":.*\"pid\":$wl_pid," "$tmp/json.out")
	all=$(grep -c '^{"time"' "$tmp/json.out")
	if [ $rc -eq 0 ] && [ "$samples" -eq 5 ] && [ "$all" -eq 5 ] &&
	   grep -q '^{"summary":{"samples":5,' "$tmp/json.out"; then
		tap ok "$name"
	else
		tap fail "$name" "rc=$rc, $samples/$all sample lines: $(tail -1 "$tmp/json.out")"
	fi
}
test_json_count

# Give the hardware provider back before using it.
for p in $pids; do
	kill "$p" 2>/dev/null
done
wait 2>/dev/null
pids=""
if [ -n "$saved_active" ]; then
	echo "$saved_active" > $debugfs/active
	saved_active=""
fi

# 5: a real provider samples the workload's own loads.
test_hardware()
{
	name="hardware provider: workload's loads, pid filtered"
	provider=$(cat $sysfs/provider 2>/dev/null)
	case "$provider" in
	""|none|test)
		tap skip "$name" "no hardware provider (provider: ${provider:-unknown})"
		return
		;;
	esac
	start_workload 10 || { tap fail "$name" "workload did not start"; return; }
	spe-record -p "$wl_pid" -d 2 > "$tmp/hw.out" 2> "$tmp/hw.err"
	rc=$?
	grep -E '^[0-9]+\.[0-9]+ ' "$tmp/hw.out" > "$tmp/hw.lines"
	lines=$(grep -c . "$tmp/hw.lines")
	others=$(awk -v p="$wl_pid" '$3 != p' "$tmp/hw.lines" | grep -c .)
	# Branches and other operations have no data address: count those
	# with one, and require most of them in the buffer the loop reads.
	# One awk pass: a shell loop reads tens of thousands of lines a byte
	# per system call, minutes on a debug kernel under emulation.
	set -- $(awk -v lo="$wl_start" -v hi="$wl_end" '
		function hex(s,  i, v) {
			v = 0
			s = tolower(substr(s, 3))
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		$8 != "-" { n++; v = hex($8); if (v >= lo && v < hi) in_buf++ }
		END { print n + 0, in_buf + 0 }' "$tmp/hw.lines")
	with_vaddr=$1 inside=$2
	summary=$(sed -n 's/^Summary: \([0-9]*\) samples.*/\1/p' "$tmp/hw.out")
	window=$(sed -n 's/^Summary: .* samples in \([0-9.]*\) s .*/\1/p' "$tmp/hw.out")
	lost=$(sed -n 's/^Summary: .*, \([0-9]*\) lost .*/\1/p' "$tmp/hw.out")
	# A flood of samples must not keep it past -d: none after 2 s.
	late=$(awk '$1 > 2.0' "$tmp/hw.lines" | grep -c .)
	note "$provider: $lines samples of pid $wl_pid, $with_vaddr with a VADDR," \
	     "$inside in its buffer, summary $summary in $window s," \
	     "$lost lost to a full ring buffer"
	if [ $rc -ne 0 ]; then
		tap fail "$name" "spe-record exited $rc: $(cat "$tmp/hw.err")"
	elif [ "$with_vaddr" -eq 0 ]; then
		tap fail "$name" "no samples with a VADDR ($lines in all)"
	elif [ "$others" -ne 0 ]; then
		tap fail "$name" "$others lines of other processes"
	elif [ "$summary" != "$lines" ]; then
		tap fail "$name" "summary $summary, lines $lines"
	elif [ "$late" -ne 0 ] || [ "$window" != "2.00" ]; then
		tap fail "$name" "-d 2 ran $window s, $late samples after 2 s"
	elif [ $((inside * 2)) -lt "$with_vaddr" ]; then
		tap fail "$name" "only $inside of $with_vaddr VADDRs in the workload's buffer"
	else
		tap ok "$name"
	fi
}
test_hardware

# 6: Ctrl-C ends it cleanly, with the summary.
spe-record -d 60 > "$tmp/int.out" 2> "$tmp/int.err" &
rec=$!
if wait_for "$tmp/int.err" "recording"; then
	kill -INT $rec
	wait $rec
	rc=$?
	if [ $rc -eq 0 ] && grep -q '^Summary: ' "$tmp/int.out"; then
		tap ok "SIGINT: exits 0 with the summary"
	else
		tap fail "SIGINT: exits 0 with the summary" "rc=$rc"
	fi
else
	kill $rec 2>/dev/null
	tap fail "SIGINT: exits 0 with the summary" "did not start: $(cat "$tmp/int.err")"
fi

exit $failed
