#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: checkpatch.pl --strict on every patch of the exported series
# (make patches) and on every new file, kernel-doc on our headers, then
# sparse (C=2) and W=1 on every kernel object of ours.  Any warning in our
# code fails.
#
# usage: check.sh KSRC KOBJ "EXTRA_KBUILD_TARGETS"
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$1 kobj=$2 extra=$3
log=$kobj.check.log
rc=0

cd "$top"
new_files=$(find drivers mm include kernel samples selftests -type f \
		\( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
# The exported series: its changelogs and hooks (new files are checked one
# by one below, with the exceptions their kind needs).
"$top/scripts/export-patches.sh" "$(dirname "$ksrc")" >/dev/null || exit 1
patches=$(ls "$(dirname "$ksrc")"/patches/*.patch | grep -v /0000-)

echo "== checkpatch --strict"
cp_fail=0
for p in $patches; do
	# The kernel tree here is a source package without upstream history,
	# so checkpatch cannot look up a Fixes: tag's commit.
	ignore="--ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID"
	# Trace events follow the layout of include/trace/events/ (a blank
	# line after TRACE_EVENT(name, and open-ended TP_*( lines), which
	# checkpatch's C rules do not know.
	grep -q '^+++ b/include/trace/events/' "$p" &&
		ignore="$ignore,OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT"
	# User space has no <linux/compiler_attributes.h> macros.
	grep -q '^+++ b/\(tools\|samples\)/' "$p" &&
		ignore="$ignore,PREFER_DEFINED_ATTRIBUTE_MACRO"
	out=$("$ksrc/scripts/checkpatch.pl" --strict --no-summary --quiet --no-signoff \
		$ignore --no-tree "$p" 2>&1) || { echo "$out"; cp_fail=1; }
done
for f in $new_files; do
	ignore=FILE_PATH_CHANGES,SPDX_LICENSE_TAG
	# User space has no <linux/compiler_attributes.h> macros.
	case $f in selftests/*|samples/*) ignore=$ignore,PREFER_DEFINED_ATTRIBUTE_MACRO ;; esac
	out=$("$ksrc/scripts/checkpatch.pl" --strict --no-summary --quiet --no-signoff \
		--no-tree --ignore "$ignore" -f "$f" 2>&1) ||
		{ echo "$out"; cp_fail=1; }
	head -2 "$f" | grep -q 'SPDX-License-Identifier: GPL-2.0' ||
		{ echo "$f: no GPL-2.0 SPDX header"; cp_fail=1; }
done
n=$(echo $patches $new_files | wc -w)
[ $cp_fail = 0 ] && echo "   $n files clean" || rc=1

# W=1 runs kernel-doc on the .c files it compiles; the headers are ours to
# check (the API page is generated from them).
echo "== kernel-doc on our headers"
headers=$(find include -name '*.h' ! -path 'include/trace/*' | sort)
out=$("$ksrc/scripts/kernel-doc" -none -Wall $headers 2>&1 | grep -v '^Warning: Sphinx')
if [ -n "$out" ]; then
	echo "$out"
	rc=1
else
	echo "   $(echo $headers | wc -w) headers clean"
fi

echo "== sparse (C=2) and W=1"
targets=$extra
for f in $(find drivers mm kernel -name '*.c' 2>/dev/null | sort); do
	targets="$targets ${f%.c}.o"
done
if [ -z "${targets// }" ]; then
	echo "   no kernel objects of ours yet"
else
	make -C "$ksrc" O="$kobj" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		CC="ccache aarch64-linux-gnu-gcc" C=2 W=1 -j"$(nproc)" \
		$targets > "$log" 2>&1
	mrc=$?
	warnings=$(grep -E ': (warning|error):' "$log" | while IFS= read -r line; do
		path=${line%%:*}
		for f in $new_files; do
			case "$path" in "$f"|*/"$f") echo "$line" ;; esac
		done
	done | sort -u)
	if [ $mrc != 0 ]; then
		tail -30 "$log"
		echo "   build of our objects failed (log $log)"
		rc=1
	elif [ -n "$warnings" ]; then
		echo "$warnings"
		echo "   warnings in our code (log $log)"
		rc=1
	else
		echo "   $(echo $targets | wc -w) objects clean"
	fi
fi
exit $rc
