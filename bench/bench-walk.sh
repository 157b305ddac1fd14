#!/bin/bash
# What the tombstones of printed jobs cost a walk of the vault: vaultd reads
# only the live entries at most polls and the tombstones too every tenth
# (vaultStoreWalk).  Timed through vaultctl, whose "list" walks the live
# entries and "list --all" every entry, alternately in one run.
# SPDX-License-Identifier: Apache-2.0
#
# Usage: bench/bench-walk.sh [TOMBSTONES [LIVE [ROUNDS]]]   (default 7000 20 15)
# 7,000 tombstones: a week of 1,000 jobs a day under the default
# tombstone-age.  Uses the build in _build (or $top_builddir); the spool
# lives under ${TMPDIR:-/tmp} and is removed.  Filling runs under
# eatmydata when it is installed (only the filled spool matters).

set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top_srcdir/_build}"
tombstones=${1:-7000} live=${2:-20} rounds=${3:-15}

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-walk.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/spool" "$work/a" "$work/b"
head -c 32 /dev/urandom >"$work/key"
chmod 600 "$work/key"
printf '[vault]\nspool-root = %s\nkey-file = %s\n[area a]\npath = %s\ncapacity = 8G\n[area b]\npath = %s\ncapacity = 8G\n' \
	"$work/spool" "$work/key" "$work/a" "$work/b" >"$work/vault.conf"

fast=()
command -v eatmydata >/dev/null && fast=(eatmydata)
${fast[@]+"${fast[@]}"} "$top_builddir/bench/spool-fill" "$work/vault.conf" "$tombstones" 1 done
${fast[@]+"${fast[@]}"} "$top_builddir/bench/spool-fill" "$work/vault.conf" "$live" $((tombstones + 1)) sending

# ms COMMAND... - wall milliseconds of one run.
ms() {
	local start end

	start=$(date +%s%N)
	"$@" >/dev/null
	end=$(date +%s%N)
	echo $(((end - start) / 1000000))
}

# median - the median of the numbers on stdin.
median() {
	sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

vaultctl=("$top_builddir/daemon/vaultctl" -c "$work/vault.conf")
: >"$work/live.ms"
: >"$work/all.ms"
for round in $(seq "$rounds"); do
	ms "${vaultctl[@]}" list >>"$work/live.ms"
	ms "${vaultctl[@]}" list --all >>"$work/all.ms"
done

echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ); $tombstones tombstones, $live live entries, $rounds rounds"
live_ms=$(median <"$work/live.ms") all_ms=$(median <"$work/all.ms")
printf '%-36s %10s\n' "walk" "median ms" \
	"live entries (most polls)" "$live_ms" \
	"live entries and tombstones" "$all_ms"
echo "ratio all/live: $(awk -v a="$all_ms" -v l="$live_ms" 'BEGIN { printf "%.1f", l ? a / l : 0 }')"
