# SPDX-License-Identifier: GPL-2.0
#
# The series, read once for every script that needs it (sourced, not run).
#
# patches/series lists the commits of the exported series in build order,
# one directory of patches/ per line.  A commit's directory holds:
#   message    its changelog: a "Subject: " line, a blank line, the body
#   files      the overlay paths it adds (files or directories, one a line;
#              selftests/... lands in tools/testing/selftests/mem_sampling/)
#   *.patch    its hooks into existing kernel files, applied in name order;
#              or an overlay patch: its change to files an earlier commit
#              adds (a later feature's hooks into the core, say)
# Every overlay file belongs to exactly one commit.  The repository holds
# overlay files as they are at the end of the series: the commit that adds
# one adds it with the overlay patches of later commits taken back out.
#
# Expects $top (the repository) to be set.

series_dir=$top/patches

series_die() { echo "series: $*" >&2; exit 1; }

# The commits, in order.
series_commits() {
	grep -v '^#' "$series_dir/series" | awk 'NF {print $1}'
}

# The hook patches of commit $1, in order (full paths).
series_hooks() {
	local p
	for p in "$series_dir/$1"/*.patch; do
		[ -e "$p" ] && echo "$p"
	done
	return 0
}

# Every hook patch of the series, in order, overlay patches included.
series_all_hooks() {
	local c
	for c in $(series_commits); do
		series_hooks "$c"
	done
}

# The files of the kernel tree a patch changes.
series_patch_targets() {
	grep -E '^\+\+\+ ' "$1" | awk '{print $2}' | sed 's|^b/||'
}

# The repository path of kernel path $1.
series_repo_path() {
	case $1 in
	tools/testing/selftests/mem_sampling/*)
		echo "selftests/${1#tools/testing/selftests/mem_sampling/}" ;;
	*) echo "$1" ;;
	esac
}

# Does hook patch $1 change files the series adds (an overlay patch)?
series_is_overlay_patch() {
	local f
	f=$(series_patch_targets "$1" | head -1)
	[ -e "$top/$(series_repo_path "$f")" ]
}

# The hook patches of the series that change kernel files, in order.
series_kernel_hooks() {
	local p
	for p in $(series_all_hooks); do
		series_is_overlay_patch "$p" || echo "$p"
	done
}

# The kernel path of repository path $1.
series_kernel_path() {
	case $1 in
	selftests/*) echo "tools/testing/selftests/mem_sampling/${1#selftests/}" ;;
	*) echo "$1" ;;
	esac
}

# Every overlay file of the repository (repository paths, sorted).
series_overlay_files() {
	(cd "$top" && find drivers mm include kernel samples Documentation \
		selftests -type f ! -name '*.o' ! -name '*~' 2>/dev/null) | sort
}

# The overlay files commit $1 adds (repository paths, sorted).
series_files() {
	local list=$series_dir/$1/files entries entry
	[ -f "$list" ] || return 0
	entries=$(grep -v '^#' "$list")
	for entry in $entries; do
		[ -e "$top/$entry" ] || series_die "patches/$1/files: $entry does not exist"
	done
	(cd "$top" && find $entries -type f ! -name '*.o' ! -name '*~') | sort
}

# Write the overlay files commit $1 adds into tree $2 (kernel paths) as
# they are at that commit: the repository's version with the overlay
# patches of later commits taken back out, the last first.
series_lay_files() {
	local c=$1 dir=$2 f k p ours
	ours=$(for f in $(series_files "$c"); do
		k=$(series_kernel_path "$f")
		mkdir -p "$dir/$(dirname "$k")"
		cp "$top/$f" "$dir/$k"
		echo "$k"
	done)
	for p in $(series_commits | sed "1,/^$c\$/d" |
		   while read -r l; do series_hooks "$l"; done | tac); do
		series_is_overlay_patch "$p" || continue
		series_patch_targets "$p" | grep -qxF "$ours" || continue
		patch -R -s -p1 -d "$dir" --batch --no-backup-if-mismatch -r - < "$p" ||
			series_die "${p#$top/} does not come back out of the files of $c: fix it by hand"
	done
}

# Check the series: every commit has a message, every overlay file is in
# exactly one commit, no hook patch changes kernel and overlay files both.
# Prints what is wrong and fails.
series_check() {
	local c claimed missing dup p f kind
	for c in $(series_commits); do
		[ -d "$series_dir/$c" ] || series_die "patches/series: no directory patches/$c"
		grep -q '^Subject: ' "$series_dir/$c/message" 2>/dev/null ||
			series_die "patches/$c/message: missing or no Subject: line"
	done
	claimed=$(for c in $(series_commits); do
		series_files "$c" || exit 1
	done | sort) || exit 1
	dup=$(echo "$claimed" | uniq -d)
	[ -z "$dup" ] || series_die "in more than one commit's files: $dup"
	missing=$(comm -23 <(series_overlay_files) <(echo "$claimed"))
	[ -z "$missing" ] || series_die "in no commit's files (add them to one): $missing"
	for p in $(series_all_hooks); do
		kind=
		for f in $(series_patch_targets "$p"); do
			if [ -e "$top/$(series_repo_path "$f")" ]; then
				[ "$kind" != kernel ] || kind=mixed
				[ "$kind" = mixed ] || kind=overlay
			else
				[ "$kind" != overlay ] || kind=mixed
				[ "$kind" = mixed ] || kind=kernel
			fi
		done
		[ "$kind" != mixed ] ||
			series_die "${p#$top/} changes kernel and overlay files: split it"
	done
}

# The subject of commit $1.
series_subject() {
	sed -n 's/^Subject: //p;q' "$series_dir/$1/message"
}

# The changelog of commit $1 as git commit -F wants it.
series_message() {
	sed '1s/^Subject: //' "$series_dir/$1/message"
}

# Make tree $2 the copy of staging tree $1 (a hard-linked copy of pristine
# tree $3 with our files written as new files), then remove $1.  Unchanged
# kernel files in $2 are hard links to $3.  The files listed in $4 (kernel
# paths: ours, patched or laid) keep the time stamp they have in $2 while
# their content is the same and get "now" when it changed, so kbuild and
# the kselftest makefiles rebuild exactly what changed, even when a file
# was edited while an earlier build was running.
series_sync_tree() {
	local stage=$1 tree=$2 pristine=$3 ours=$4 f
	sort -u "$ours" | while read -r f; do
		[ -f "$stage/$f" ] || continue
		if cmp -s "$stage/$f" "$tree/$f"; then
			touch -r "$tree/$f" "$stage/$f"
		else
			touch "$stage/$f"
		fi
	done
	mkdir -p "$tree"
	rsync -a --delete --link-dest="$pristine" --exclude=/.debian-version \
		"$stage/" "$tree/"
	rm -rf "$stage"
}
