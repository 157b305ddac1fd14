#!/bin/bash
# Time of the boot sweep ("vaultd --recover") over 1,000, 10,000 and
# 100,000 interrupted entries, each on a fresh spool.
# SPDX-License-Identifier: Apache-2.0
#
# Usage: bench/bench-recover.sh [COUNT...]     (default: 1000 10000 100000)
# Uses the build in _build (or $top_builddir).  The spool is filled under
# eatmydata (fsync skipped: only the filled spool matters, not how long
# filling takes); the sweep itself runs normally, every fsync included.
# Spools live under ${TMPDIR:-/tmp} and are removed afterwards.

set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top_srcdir/_build}"
counts=${*:-1000 10000 100000}

command -v eatmydata >/dev/null || {
	echo "bench-recover: installing eatmydata (for filling the spool quickly)"
	${SUDO:-$([ "$(id -u)" = 0 ] || echo sudo)} apt-get install -y -q eatmydata >/dev/null
}

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-recover.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-10s %12s %14s %s\n' entries "sweep s" "per entry ms" "summary"
for n in $counts; do
	rm -rf "$work/s"
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
	eatmydata "$top_builddir/bench/spool-fill" "$work/s/vault.conf" "$n"
	sync
	start=$(date +%s.%N)
	summary=$(VAULT_BOOT_ID=bench-recover-boot "$top_builddir/daemon/vaultd" --recover -c "$work/s/vault.conf")
	end=$(date +%s.%N)
	awk -v n="$n" -v a="$start" -v b="$end" -v s="${summary#vaultd: }" \
		'BEGIN { printf "%-10d %12.3f %14.4f %s\n", n, b - a, (b - a) * 1000 / n, s }'
done
