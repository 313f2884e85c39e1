#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# spe-record on the build host: a native build with the standalone
# Makefile, argument checking, and the refusals that need no mem_sampling
# kernel (not root; the feature not built, when the host kernel lacks it).
# The guest's kselftest (spe_record_test.sh) covers the rest.
#
# usage: test-spe-record.sh SRC_DIR OUT_DIR    (results on stdout)
set -u
src=$1 out=$2
bin=$out/spe-record

result() {	# NAME CONDITION-STATUS [DETAIL]
	if [ "$2" = 0 ]; then echo "ok spe-record: $1"; else echo "not ok spe-record: $1${3:+ ($3)}"; fi
}

# refuses NAME EXPECTED-RC PATTERN CMD...: CMD exits EXPECTED-RC, stderr matches.
refuses() {
	local name=$1 want=$2 pattern=$3 err rc
	shift 3
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc -eq "$want" ] && grep -q -- "$pattern" <<<"$err"
	result "$name" $? "rc=$rc: $err"
}

if make -s -C "$src" OUTPUT="$out" >"$out/build.log" 2>&1 && [ -x "$bin" ]; then
	result "native build with samples/bpf/spe/Makefile" 0
else
	result "native build with samples/bpf/spe/Makefile" 1 "$(tail -3 "$out/build.log")"
	exit 1
fi
! grep -qi warning "$out/build.log"
result "native build has no warnings" $? "$(grep -i -m1 warning "$out/build.log")"

"$bin" --help | grep -q -- '-p, --pid PID'
result "--help documents the options" $?
refuses "rejects a bad pid" 1 "invalid PID 'abc'" "$bin" -p abc
refuses "rejects pid 0" 1 "invalid PID '0'" "$bin" -p 0
refuses "rejects a zero duration" 1 "invalid duration" "$bin" -d 0
refuses "rejects a zero count" 1 "invalid count" "$bin" -c 0
refuses "rejects a negative count" 1 "invalid count" "$bin" -c -3
refuses "rejects an unknown option" 2 "Usage:" "$bin" --bogus
refuses "rejects a stray argument" 2 "unexpected argument" "$bin" extra

if [ "$(id -u)" = 0 ]; then
	refuses "non-root is refused" 1 "must be run as root" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" -d 1
	if [ -e /proc/sys/kernel/mem_sampling_enable ]; then
		echo "skip spe-record: feature not built is refused (the host kernel has mem_sampling)"
	else
		refuses "feature not built is refused" 1 \
			"mem_sampling is not built into this kernel" "$bin" -d 1
	fi
else
	refuses "non-root is refused" 1 "must be run as root" "$bin" -d 1
	echo "skip spe-record: feature not built is refused (needs root)"
fi
