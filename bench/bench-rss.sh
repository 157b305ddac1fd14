#!/bin/bash
# Peak RSS of the vault backend for jobs of 1 MiB to 1 GiB: it must stay
# flat (the job streams through one 64 KiB chunk at a time).
# SPDX-License-Identifier: Apache-2.0
#
# Usage: bench/bench-rss.sh [MIB...]     (default: 1 16 256 1024)
# Runs backend/vault directly, as cupsd would on a raw queue (the file in
# argv[6]), with an inner backend that reads the job and throws it away, so
# the figure is the vault's own.  Uses the build in _build (or
# $top_builddir); files live under ${TMPDIR:-/tmp} and are removed.

set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top_srcdir/_build}"
sizes=${*:-1 16 256 1024}

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-rss.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/serverbin/backend" "$work/spool" "$work/a" "$work/b"
printf '#!/bin/sh\nexec cat >/dev/null\n' >"$work/serverbin/backend/discard"
chmod 0700 "$work/serverbin/backend/discard"
head -c 32 /dev/urandom >"$work/key"
chmod 600 "$work/key"
cat >"$work/vault.conf" <<CONF
[vault]
spool-root = $work/spool
key-file = $work/key
[area a]
path = $work/a
capacity = 8G
[area b]
path = $work/b
capacity = 8G
CONF

echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-10s %14s %10s %6s\n' "job MiB" "peak RSS KiB" "wall s" exit
for mib in $sizes; do
	head -c $((mib * 1048576)) /dev/urandom >"$work/job"
	uuid=$(cat /proc/sys/kernel/random/uuid)
	out=$(env -i PATH="$PATH" VAULT_CONF="$work/vault.conf" CUPS_SERVERBIN="$work/serverbin" \
		DEVICE_URI="vault:/discard://sink" PRINTER=bench \
		/usr/bin/time -f '%M %e %x' "$top_builddir/backend/vault" 1 bench "rss $mib MiB" 1 \
		"job-uuid=urn:uuid:$uuid time-at-creation=$(date +%s)" "$work/job" 2>&1 >/dev/null | tail -n 1)
	printf '%-10s %14s %10s %6s\n' "$mib" ${out}
	rm -f "$work/job"
done
