#!/bin/bash
# Time of the boot sweep ("vaultd --recover") over 1,000, 10,000 and
# 100,000 interrupted entries, each on a fresh spool.
# SPDX-License-Identifier: Apache-2.0
#
# Usage: bench/bench-recover.sh [COUNT...]     (default: 1000 10000 100000)
# Uses the build in _build (or $top_builddir); with compare_builddir=DIR
# each filled spool is also copied and swept by that build (rows "this" and
# "compare"), for a side-by-side figure.  The spool is filled under
# eatmydata (fsync skipped: only the filled spool matters, not how long
# filling takes); the sweep itself runs normally, every fsync included.
# Spools live under ${TMPDIR:-/tmp} and are removed afterwards.
#
# Filling: every new entry measures its area's usage from the files on disk,
# so filling one area with N entries costs N^2/2 stats (hours for 100,000).
# The spool is therefore filled in chunks of $chunk entries, each into fresh
# directories standing in for areas "a" and "b" (same spool root, key and
# area names), whose files are then moved into the real areas.  The sweep
# sees the same spool as if it had been filled in one go.

set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top_srcdir/_build}"
counts=${*:-1000 10000 100000}
chunk=${BENCH_FILL_CHUNK:-250}
: "${compare_builddir:=}"

command -v eatmydata >/dev/null || {
	echo "bench-recover: installing eatmydata (for filling the spool quickly)"
	${SUDO:-$([ "$(id -u)" = 0 ] || echo sudo)} apt-get install -y -q eatmydata >/dev/null
}

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-recover.XXXXXX")
trap 'rm -rf "$work"' EXIT

# fill N: N SENDING entries into $work/s, $chunk at a time (see above).
fill() {
	local n=$1 first=1 k
	while [ "$first" -le "$n" ]; do
		k=$((n - first + 1))
		[ "$k" -le "$chunk" ] || k=$chunk
		mkdir -p "$work/s/chunk-a" "$work/s/chunk-b"
		sed -e "s|^path = $work/s/a\$|path = $work/s/chunk-a|" \
		    -e "s|^path = $work/s/b\$|path = $work/s/chunk-b|" \
		    "$work/s/vault.conf" >"$work/s/chunk.conf"
		eatmydata "$top_builddir/bench/spool-fill" "$work/s/chunk.conf" "$k" "$first"
		find "$work/s/chunk-a" -maxdepth 1 -type f -exec mv -t "$work/s/a" {} +
		find "$work/s/chunk-b" -maxdepth 1 -type f -exec mv -t "$work/s/b" {} +
		rmdir "$work/s/chunk-a" "$work/s/chunk-b"
		first=$((first + k))
	done
	rm -f "$work/s/chunk.conf"
	[ "$(find "$work/s/a" "$work/s/b" -name '*.meta' | wc -l)" = "$n" ] ||
		{ echo "bench-recover: the spool does not hold $n entries" >&2; exit 1; }
}

echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
# sweep LABEL BUILDDIR: time one boot sweep of $work/s with that build.
sweep() {
	local start end summary
	start=$(date +%s.%N)
	summary=$(VAULT_BOOT_ID=bench-recover-boot "$2/daemon/vaultd" --recover -c "$work/s/vault.conf")
	end=$(date +%s.%N)
	awk -v n="$n" -v a="$start" -v b="$end" -v l="$1" -v s="${summary#vaultd: }" \
		'BEGIN { printf "%-10d %-8s %12.3f %14.4f %s\n", n, l, b - a, (b - a) * 1000 / n, s }'
}

printf '%-10s %-8s %12s %14s %s\n' entries build "sweep s" "per entry ms" "summary"
for n in $counts; do
	rm -rf "$work/s" "$work/filled"
	mkdir -p "$work/s/spool" "$work/s/a" "$work/s/b"
	head -c 32 /dev/urandom >"$work/s/key"
	chmod 600 "$work/s/key"
	cat >"$work/s/vault.conf" <<CONF
[vault]
spool-root = $work/s/spool
key-file = $work/s/key
[area a]
path = $work/s/a
capacity = 100G
[area b]
path = $work/s/b
capacity = 100G
CONF
	fill "$n"
	[ -z "$compare_builddir" ] || cp -a "$work/s" "$work/filled"
	sync
	sweep this "$top_builddir"
	if [ -n "$compare_builddir" ]; then
		# The same filled spool, swept by the other build.
		rm -rf "$work/s"
		cp -a "$work/filled" "$work/s"
		sync
		sweep compare "$compare_builddir"
	fi
done
