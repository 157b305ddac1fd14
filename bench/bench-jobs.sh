#!/bin/bash
# Per-job overhead and large-job time of vault queues beside the plain
# queues they wrap, side by side through one private cupsd, interleaved.
# SPDX-License-Identifier: Apache-2.0
#
# Usage: bench/bench-jobs.sh [SMALL-JOBS] [LARGE-MIB]     (defaults 200, 200)
# Run from a built tree (./scripts/check builds into _build); set
# top_builddir to use another build directory.  Needs root (the test bed's
# network namespace).  Prints a table of medians and p95 and the ratios.

set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top_srcdir/_build}"
export top_srcdir top_builddir BED_QUIET=1
small=${1:-200}
large=${2:-200}

. "$top_srcdir/tests/bed/bed.sh"
bed_init "$@"

jobtime=$top_builddir/bench/jobtime
[ -x "$jobtime" ] || bed_die "build first: $jobtime is missing"

# Printers and queues: the same sink and the same IPP printer behind each pair.
sink=$(bed_sink sink) || bed_die "sink"
ipp=$(bed_ippeveprinter printer) || bed_die "ippeveprinter"
bed_vault_config 4G 4G >/dev/null
bed_start_cupsd
queues="socket vault-socket beh-socket ipp vault-ipp"
bed_add_queue socket "$sink"
bed_add_queue vault-socket "vault:/$sink"
bed_add_queue beh-socket "beh:/1/3/5/$sink"
bed_add_queue ipp "$ipp?waitjob=false"
bed_add_queue vault-ipp "vault:/$ipp?waitjob=false"

# stats FILE - "median p95 mean" of the numbers in FILE.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1; s += $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		p = v[int(NR * 0.95 + 0.999)]
		printf "%.2f %.2f %.2f", m, p, s / NR }'
}

# run_round FILE ROUNDS - one job per queue per round, the queues' order
# rotating each round, so drift on the machine hits every queue alike.
run_round() {
	local file=$1 rounds=$2 i q order
	for ((i = 0; i < rounds; i++)); do
		order=$(tr ' ' '\n' <<<"$queues" | awk -v r="$i" '{ a[NR] = $0 } END {
			for (j = 0; j < NR; j++) print a[(j + r) % NR + 1] }')
		for q in $order; do
			"$jobtime" "$q" "$file" >>"$BED/times-$q-$(basename "$file")" ||
				bed_die "a job on $q failed"
		done
	done
}

report() {
	local file=$1 q base
	printf '%-14s %10s %10s %10s %12s %12s\n' queue "median ms" "p95 ms" "mean ms" "median ratio" "p95 ratio"
	for q in $queues; do
		read -r m p a <<<"$(stats "$BED/times-$q-$file")"
		case $q in vault-ipp) base=ipp ;; ipp) base=ipp ;; *) base=socket ;; esac
		read -r bm bp _ <<<"$(stats "$BED/times-$base-$file")"
		printf '%-14s %10s %10s %10s %12s %12s\n' "$q" "$m" "$p" "$a" \
			"$(awk -v a="$m" -v b="$bm" 'BEGIN { printf "%.3fx", a / b }')" \
			"$(awk -v a="$p" -v b="$bp" 'BEGIN { printf "%.3fx", a / b }')"
	done
}

bed_make_pdf "$BED/small.pdf" benchmark 1 3300
echo "# machine: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# small jobs: $small per queue, 4 KiB PDF, interleaved"
run_round "$BED/small.pdf" 3 >/dev/null 2>&1	# warm-up, not counted
rm -f "$BED"/times-*
run_round "$BED/small.pdf" "$small"
report small.pdf

echo
echo "# large job: $large MiB, 3 per queue, interleaved"
{
	printf '%%PDF-1.4\n%% cups-vault benchmark\n'
	head -c $((large * 1048576)) /dev/urandom
	printf '\n%%%%EOF\n'
} >"$BED/large.pdf"
run_round "$BED/large.pdf" 3
report large.pdf

echo
echo "# physical limits on this machine"
start=$(bed_now)
dd if=/dev/zero of="$BED/dd.out" bs=1M count="$large" conv=fsync status=none
echo "write + fsync of $large MiB with dd: $(bed_elapsed "$start") s"
rm -f "$BED/dd.out"
"$top_builddir/bench/aesgcm" "$((large * 4))"
