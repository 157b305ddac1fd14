#!/bin/bash
# vault backend: 20 jobs of mixed sizes (0 bytes and 50 MiB among them)
# through a vault queue to ippeveprinter: each printed exactly once and
# byte-identical, the vault empty afterwards, every transition journalled,
# and no credential of the inner URI visible in `ps` while a job prints.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 9

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_start
# Credentials in the inner URI: ippeveprinter ignores them, the vault must hide them.
bed_add_queue vq "vault:/ipp://alice:S3cretPw@${uri#ipp://}" || bed_die "lpadmin refused the vault queue"

# Sizes: empty, tiny, around the 64 KiB chunk boundary, a few MiB, 50 MiB.
pads=(0 1 100 4000 65000 65536 65537 131072 200000 500000 1000000 1048576 2000000 3000000 777 12345 300000 4194304 9)
docs=()
for i in "${!pads[@]}"; do
	bed_make_pdf "$BED/doc-$((i + 1))" "job $((i + 1))" $((i % 3 + 1)) "${pads[$i]}" || bed_die "cannot write a PDF"
	docs+=("$BED/doc-$((i + 1))")
done
bed_make_pdf "$BED/doc-big" "fifty MiB" 2 $((50 * 1024 * 1024)) || bed_die "cannot write a PDF"
docs+=("$BED/doc-big")

ids=()
for d in "${docs[@]}"; do
	ids+=("$(bed_submit vq "$d" -t "${d##*/}")") || bed_die "lp failed for $d"
done
tap_is "${#ids[@]}" 20 "20 jobs submitted"

# ps while jobs print: the inner URI's password never shows.
seen=0 leaked=0 early=0
for _ in $(seq 1 100); do
	if vb_has_backend; then
		seen=1
		# (the pattern is written so this grep does not match itself).
		# cupsd execs the backend with the full URI as argv[0]; the backend
		# scrubs it first thing, so a process seen within its first
		# milliseconds is looked at again 50 ms later.
		for pid in $(ps -e -o pid=,args= | awk '/S3cret[P]w/ { print $1 }'); do
			sleep 0.05
			if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'S3cret[P]w'; then
				leaked=1
				tr '\0' ' ' <"/proc/$pid/cmdline" >>"$BED/leak.txt"
			else
				early=$((early + 1))
			fi
		done
		ps -e -o args= | grep -E '^(vault|ipp):' | head -n 2 >"$BED/ps.txt"
	fi
	[ "$seen" = 1 ] && ! vb_has_backend && break
	sleep 0.1
done
tap_ok "a vault backend was seen running" test "$seen" = 1
tap_ok "ps shows no credential of the inner URI" test "$leaked" = 0 ||
	tap_diag "$(cat "$BED/leak.txt")"
tap_diag "ps: $(cat "$BED/ps.txt" 2>/dev/null)" "backends caught before scrubbing argv[0]: $early"

bad=0
for id in "${ids[@]}"; do
	bed_wait_job "$id" completed 120 || bad=$((bad + 1))
done
tap_is "$bad" 0 "every job completed"

bad=0
for d in "${docs[@]}"; do
	n=$(vb_copies office "$d")
	[ "$n" = 1 ] || { bad=$((bad + 1)); tap_diag "${d##*/} ($(stat -c %s "$d") bytes) printed $n times"; }
done
tap_is "$bad" 0 "each document printed exactly once, byte-identical"
tap_is "$(bed_printed_count office)" 20 "the printer received 20 documents in all"

tap_is "$(vb_data_files)" 0 "no data files left in the vault"
tap_is "$(vb_wrapped_keys)" 0 "no wrapped keys left in the vault"

bad=0
for id in "${ids[@]}"; do
	u=$(bed_job_attr "$id" job-uuid)
	j=$(vb_journal "$u" | tr '\n' ' ')
	case $j in
	*"none>receiving "*"receiving>stored "*"stored>sending "*"sending>done "*) ;;
	*) bad=$((bad + 1)); tap_diag "job $id ($u): journal '$j'" ;;
	esac
done
tap_is "$bad" 0 "the journal holds every transition of every job"
