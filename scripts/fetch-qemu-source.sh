#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's qemu source package without touching the system's apt
# state: derive deb-src entries from the system's configured (deb) sources,
# put them in a private apt directory and run apt-get there.
#
# usage: fetch-qemu-source.sh APTDIR DESTDIR
#   APTDIR   private apt configuration/state/cache (created)
#   DESTDIR  where the unpacked source ends up (DESTDIR/qemu-<version>);
#            DESTDIR/src is a symlink to it.
#
# Only the URIs, suites and components of the system's own sources are used;
# no host name is written here.
set -eu

aptdir=${1:?usage: $0 APTDIR DESTDIR}
dest=${2:?usage: $0 APTDIR DESTDIR}
package=${QEMU_SOURCE_PACKAGE:-qemu}

mkdir -p "$aptdir/sources.list.d" "$aptdir/lists/partial" \
	"$aptdir/cache/archives/partial" "$dest"
aptdir=$(cd "$aptdir" && pwd)
dest=$(cd "$dest" && pwd)
out="$aptdir/sources.list.d/deb-src.sources"
: >"$out.tmp"

# deb822 files: keep each stanza that has Types: deb, rewrite to deb-src.
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	awk '
	function flush() {
		if (isdeb && enabled && uris != "" && suites != "") {
			print "Types: deb-src"
			print "URIs: " uris
			print "Suites: " suites
			if (comps != "")
				print "Components: " comps
			if (signed != "")
				print "Signed-By: " signed
			print ""
		}
		isdeb = 0; enabled = 1; uris = suites = comps = signed = ""
	}
	BEGIN { isdeb = 0; enabled = 1 }
	/^[ \t]*#/ { next }
	/^[ \t]*$/ { flush(); next }
	{
		key = $1; sub(/:$/, "", key); val = $0
		sub(/^[^:]*:[ \t]*/, "", val)
		k = tolower(key)
		if (k == "types") {
			n = split(val, t, /[ \t]+/)
			for (i = 1; i <= n; i++)
				if (t[i] == "deb" || t[i] == "deb-src")
					isdeb = 1
		} else if (k == "uris") uris = val
		else if (k == "suites") suites = val
		else if (k == "components") comps = val
		else if (k == "signed-by") signed = val
		else if (k == "enabled" && tolower(val) == "no") enabled = 0
	}
	END { flush() }
	' "$f" >>"$out.tmp"
done

# one-line format: "deb [opts] URI SUITE COMP..." -> deb822 deb-src stanza.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	awk '
	/^[ \t]*deb[ \t]/ {
		i = 2; signed = ""
		if ($2 ~ /^\[/) {
			while (i <= NF) {
				if ($i ~ /^\[?signed-by=/) {
					s = $i; sub(/^\[?signed-by=/, "", s)
					sub(/\]$/, "", s); signed = s
				}
				if ($i ~ /\]$/) { i++; break }
				i++
			}
		}
		uri = $i; suite = $(i + 1); comps = ""
		for (j = i + 2; j <= NF; j++)
			comps = comps (comps == "" ? "" : " ") $j
		print "Types: deb-src"
		print "URIs: " uri
		print "Suites: " suite
		if (comps != "")
			print "Components: " comps
		if (signed != "")
			print "Signed-By: " signed
		print ""
	}
	' "$f" >>"$out.tmp"
done
mv "$out.tmp" "$out"

if ! grep -q '^Types: deb-src' "$out"; then
	echo "fetch-qemu-source: no deb sources configured in /etc/apt" >&2
	exit 1
fi

set -- -o Dir::Etc::SourceList="$aptdir/sources.list" \
	-o Dir::Etc::SourceParts="$aptdir/sources.list.d" \
	-o Dir::State::Lists="$aptdir/lists" \
	-o Dir::Cache="$aptdir/cache" \
	-o Dir::Cache::pkgcache="" -o Dir::Cache::srcpkgcache="" \
	-o APT::Sandbox::User=root -o Debug::NoLocking=1
: >"$aptdir/sources.list"

apt-get "$@" -q update
cd "$dest"
rm -rf "$dest"/"$package"-[0-9]*/
apt-get "$@" -q --only-source --download-only source "$package"
dsc=$(ls -t "$dest"/"$package"_*.dsc | head -n 1)
# dpkg-source applies Debian's own debian/patches while unpacking.
dpkg-source --no-check -x "$dsc"
srcdir=$(ls -d "$dest"/"$package"-[0-9]*/ | head -n 1)
ln -sfn "$(basename "$srcdir")" "$dest/src"
echo "fetch-qemu-source: unpacked $(basename "$dsc") into $srcdir"
