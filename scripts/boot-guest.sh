#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test guest: QEMU virt, 2 CPUs, the kernel and initramfs given,
# the plan on the kernel command line.  A raw disk carries the guest's
# $OUTBOX back to the host.  The memory cost model of our QEMU
# (-machine numa-cost, qemu/README.md) is on: an access to memory at SLIT
# distance d takes d/10 times as long as a local one.
#
# GUEST_TOPOLOGY (TOPOLOGY in make) picks the machine:
#
#   numa2 (default)  device tree, -kernel booted directly; 2 nodes with one
#                    CPU and half the memory each, distance 20.
#   numa3-memonly    numa2 plus a third node with memory and no CPU, at
#                    distance 30 from both others (3/8 of the memory for
#                    nodes 0 and 1 each, a quarter for node 2).
#   tiered           an Arm server with CXL memory: UEFI (EDK2 from
#                    Debian's qemu-efi-aarch64) boots the kernel through its
#                    EFI stub, and the kernel sees ACPI only (acpi=on):
#                    MADT with the SPE interrupt, SRAT, SLIT and HMAT
#                    (hmat=on).  Nodes 0 and 1 are DRAM with one CPU each,
#                    node 2 the CPU-less slow tier.  A quarter of the
#                    memory for each DRAM node, half for the slow node: as
#                    with CXL expanders, the slow tier is the larger, and
#                    a workload can outgrow the top tier and still fit.
#                    SLIT: 0-1 20, 0-2 and 1-2 30 (the cost model's factors:
#                    remote DRAM 2x, slow memory 3x).  HMAT, from either
#                    CPU node: local DRAM 100 ns and 20 GB/s, the other
#                    DRAM node 200 ns and 10 GB/s, the slow node 300 ns and
#                    5 GB/s (latency in the SLIT's ratios; the cost model
#                    charges latency only, not bandwidth).  Linux 6.12
#                    (mm/memory-tiers.c) puts node 2 in a lower memory tier
#                    from these figures alone.
#
# GUEST_NUMA_COST=off boots without the cost model (and works with a QEMU
# that has none).
#
# The console log is $BUILD/logs/PLAN.log and the outbox
# $BUILD/guest-out/PLAN on numa2, PLAN-TOPOLOGY.log and PLAN-TOPOLOGY on
# the others, so that runs on different machines do not overwrite each
# other.
#
# Exit status: 0 when the guest ran the plan and powered off; non-zero,
# with a message naming what happened, on a panic, a time-out or a plan
# that failed.
#
# usage: boot-guest.sh BUILD IMAGE INITRD PLAN TIMEOUT_SECONDS
# env:   QEMU, GUEST_MEM (e.g. 2G), GUEST_APPEND, QEMU_CPU_OPTS,
#        GUEST_TOPOLOGY (numa2, numa3-memonly, tiered),
#        GUEST_NUMA_COST (on, off), GUEST_FIRMWARE (tiered: the UEFI image)
set -uo pipefail
build=$1 image=$2 initrd=$3 plan=$4 limit=$5
qemu=${QEMU:-qemu-system-aarch64}
mem=${GUEST_MEM:-2G}
cpu_opts=${QEMU_CPU_OPTS:-max,pauth-impdef=on}
topology=${GUEST_TOPOLOGY:-numa2}
firmware=${GUEST_FIRMWARE:-/usr/share/qemu-efi-aarch64/QEMU_EFI.fd}
name=$plan
[ "$topology" = numa2 ] || name=$plan-$topology
logs=$build/logs
outdir=$build/guest-out/$name
disk=$build/guest-out/$name.disk

die() { echo "boot-guest: $*" >&2; exit 1; }
for f in "$image" "$initrd"; do
	[ -r "$f" ] || die "$f is missing (make kernel initramfs)"
done
command -v "$qemu" >/dev/null || [ -x "$qemu" ] || die "QEMU $qemu not found (make deps / make qemu)"

case $mem in
*G) mib=$(( ${mem%G} * 1024 )) ;;
*M) mib=${mem%M} ;;
*) die "GUEST_MEM=$mem: give it in M or G" ;;
esac

machine=virt,gic-version=3
boot=()
case ${GUEST_NUMA_COST:-on} in
on)
	"$qemu" -M virt,help 2>/dev/null | grep -q numa-cost ||
		die "$qemu has no memory cost model (not built from qemu/?); GUEST_NUMA_COST=off boots without it"
	machine+=,numa-cost=on ;;
off) ;;
*) die "GUEST_NUMA_COST=$GUEST_NUMA_COST: give on or off" ;;
esac

case $topology in
numa2)
	half=$(( mib / 2 ))
	numa=(-object memory-backend-ram,id=mem0,size=${half}M
	      -object memory-backend-ram,id=mem1,size=$(( mib - half ))M
	      -numa node,nodeid=0,cpus=0,memdev=mem0
	      -numa node,nodeid=1,cpus=1,memdev=mem1) ;;
numa3-memonly)
	near=$(( mib * 3 / 8 ))
	numa=(-object memory-backend-ram,id=mem0,size=${near}M
	      -object memory-backend-ram,id=mem1,size=${near}M
	      -object memory-backend-ram,id=mem2,size=$(( mib - 2 * near ))M
	      -numa node,nodeid=0,cpus=0,memdev=mem0
	      -numa node,nodeid=1,cpus=1,memdev=mem1
	      -numa node,nodeid=2,memdev=mem2
	      -numa dist,src=0,dst=1,val=20
	      -numa dist,src=0,dst=2,val=30
	      -numa dist,src=1,dst=2,val=30) ;;
tiered)
	[ -r "$firmware" ] ||
		die "UEFI firmware $firmware missing: install qemu-efi-aarch64 (make deps)"
	machine+=,acpi=on,hmat=on
	boot=(-bios "$firmware")
	near=$(( mib / 4 ))
	numa=(-object memory-backend-ram,id=mem0,size=${near}M
	      -object memory-backend-ram,id=mem1,size=${near}M
	      -object memory-backend-ram,id=mem2,size=$(( mib - 2 * near ))M
	      -numa node,nodeid=0,cpus=0,memdev=mem0,initiator=0
	      -numa node,nodeid=1,cpus=1,memdev=mem1,initiator=1
	      -numa node,nodeid=2,memdev=mem2,initiator=0
	      -numa dist,src=0,dst=1,val=20
	      -numa dist,src=0,dst=2,val=30
	      -numa dist,src=1,dst=2,val=30)
	# HMAT: latency (ns) and bandwidth of every initiator->target pair.
	for lb in 0:0:100:20G 0:1:200:10G 0:2:300:5G \
		  1:0:200:10G 1:1:100:20G 1:2:300:5G; do
		IFS=: read -r i t lat bw <<<"$lb"
		numa+=(-numa hmat-lb,initiator=$i,target=$t,hierarchy=memory,data-type=access-latency,latency=$lat
		       -numa hmat-lb,initiator=$i,target=$t,hierarchy=memory,data-type=access-bandwidth,bandwidth=$bw)
	done ;;
*) die "GUEST_TOPOLOGY=$topology: give numa2, numa3-memonly or tiered" ;;
esac

mkdir -p "$logs" "$build/guest-out"
rm -rf "$outdir" "$disk"
truncate -s 256M "$disk"

args=(-M "$machine" -cpu "$cpu_opts" -smp 2 -m "${mib}M" "${numa[@]}"
      "${boot[@]}" -kernel "$image" -initrd "$initrd"
      -append "console=ttyAMA0 panic=-1 msplan=$plan $GUEST_APPEND"
      -drive if=none,file="$disk",format=raw,id=outbox
      -device virtio-blk-device,drive=outbox
      -nographic -no-reboot)

if [ "$plan" = shell ]; then
	exec "$qemu" "${args[@]}"
fi

log=$logs/$name.log
echo "  BOOT    plan=$plan ($topology), log in $log (limit ${limit}s)"
start=$(date +%s)
if [ "$plan" = test ]; then
	timeout --foreground -k 10 "$limit" "$qemu" "${args[@]}" < /dev/null > "$log" 2>&1
	rc=$?
else
	# Show the plan's output as it runs; MS-LIVE lines become a table row.
	timeout --foreground -k 10 "$limit" "$qemu" "${args[@]}" < /dev/null 2>&1 |
		tee "$log" | tr -d '\r' | "$(dirname "$0")/guest-live-filter.sh"
	rc=${PIPESTATUS[0]}
fi
took=$(( $(date +%s) - start ))

mkdir -p "$outdir"
tar -xf "$disk" -C "$outdir" 2>/dev/null
rm -f "$disk"

if grep -q 'Kernel panic - not syncing' "$log"; then
	grep -m1 -B2 -A20 'Kernel panic - not syncing' "$log" >&2
	die "the guest kernel panicked (plan $plan, after ${took}s; log $log)"
fi
if [ $rc = 124 ] || [ $rc = 137 ]; then
	tail -20 "$log" >&2
	die "the guest did not finish within ${limit}s (plan $plan; log $log)"
fi
if [ $rc != 0 ]; then
	tail -20 "$log" >&2
	die "QEMU exited with status $rc (plan $plan; log $log)"
fi
if ! grep -q '^MS-GUEST-DONE' "$log"; then
	tail -20 "$log" >&2
	die "the guest stopped before its init finished (plan $plan; log $log)"
fi
echo "  GUEST   plan=$plan finished in ${took}s"
status=$(sed -n 's/^MS-PLAN-EXIT \([0-9]*\).*/\1/p' "$log" | tr -d '\r' | tail -1)
[ "$status" = 0 ] || die "plan $plan exited with status ${status:-?} (log $log)"
