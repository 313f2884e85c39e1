#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest's initramfs: Debian's busybox-static for arm64, our init and
# plans, the kselftests and the static programs in GUEST_BINS.
#
# usage: build-initramfs.sh BUILD OUT.cpio.gz SELFTESTS_DIR [BIN...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1 out=$2 selftests=$3
shift 3
root=$build/initramfs-root

busybox=$(dpkg -L busybox-static:arm64 2>/dev/null | grep -m1 '/bin/busybox$') || {
	echo "build-initramfs: busybox-static:arm64 is not installed (make deps)" >&2
	exit 1
}

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,root,etc,usr/bin,usr/lib/mem_sampling}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3
cp "$top/scripts/guest/init" "$root/init"
cp "$top/scripts/guest/run-selftests" "$top/scripts/guest/lib.sh" "$root/usr/lib/mem_sampling/"
cp -r "$top/scripts/guest/plans" "$root/usr/lib/mem_sampling/"
mkdir -p "$root/usr/lib/kselftest"
cp -r "$selftests/install" "$root/usr/lib/kselftest/mem_sampling"
for b in "$@"; do
	cp "$b" "$root/usr/bin/"
done

cat > "$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:unprivileged test user:/tmp:/bin/sh
PASSWD
cat > "$root/etc/group" <<GROUP
root:x:0:
user:x:1000:
GROUP

(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$out.tmp"
mv "$out.tmp" "$out"
echo "  INITRD  $out ($(du -h "$out" | cut -f1))"
