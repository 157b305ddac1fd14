#!/bin/bash
# Load: 500 jobs from 8 concurrent submitters over 4 vault queues (raw
# queues, AppSocket sinks) whose vault is sized to fill up on the way.
# Every job is printed exactly once, byte-identical, or canceled with a
# message that says the vault is full; nothing is left in the spool; the
# journal agrees with what the printers received.
# SPDX-License-Identifier: Apache-2.0
#
# Environment: LOAD_JOBS (default 500), LOAD_SUBMITTERS (8).

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 9

JOBS=${LOAD_JOBS:-500}
SUBMITTERS=${LOAD_SUBMITTERS:-8}
QUEUES=(lq1 lq2 lq3 lq4)

# Two areas of 640 KiB: one job of up to ~500 KiB fits, four at once often
# do not, and every 20th job (900 KiB) never fits.
for q in "${QUEUES[@]}"; do
	bed_sink "sink-$q" >/dev/null || bed_die "sink $q did not start"
done
bed_vault_config 640K 640K >/dev/null || bed_die "cannot write vault.conf"
BED_CUPSD_EXTRA="MaxJobs 0
PreserveJobHistory Yes
JobRetryInterval 1
DirtyCleanInterval 1"
bed_start_cupsd
for q in "${QUEUES[@]}"; do
	bed_add_queue "$q" "vault:/$(bed_printer_uri "sink-$q")" || bed_die "lpadmin refused $q"
done

# The documents: distinct PDFs of 1 KiB to 500 KiB, every 20th 900 KiB.
mkdir -p "$BED/docs"
start=$(bed_now)
for i in $(seq 1 "$JOBS"); do
	if [ $((i % 20)) = 0 ]; then pad=$((900 * 1024)); else pad=$(((i * 7919) % (500 * 1024) + 1024)); fi
	bed_make_pdf "$BED/docs/$i.pdf" "load job $i" 1 "$pad" || bed_die "cannot write a PDF"
done
bed_time "making $JOBS documents" "$start"

# submitter S - submit documents S, S+SUBMITTERS, ... round-robin over the
# queues; one line "JOBID QUEUE DOC" per job in $BED/submitted-S.
submitter() {
	local s=$1 i q id
	for ((i = s; i <= JOBS; i += SUBMITTERS)); do
		q=${QUEUES[$((i % ${#QUEUES[@]}))]}
		id=$(bed_submit "$q" "$BED/docs/$i.pdf" -t "load-$i") || { echo "lp failed for $i" >&2; continue; }
		echo "$id $q $i" >>"$BED/submitted-$s"
	done
}

start=$(bed_now)
pids=()
for s in $(seq 1 "$SUBMITTERS"); do
	submitter "$s" &
	pids+=($!)
done
wait "${pids[@]}"
cat "$BED"/submitted-* | sort -n >"$BED/submitted"
bed_time "submitting" "$start"
tap_is "$(wc -l <"$BED/submitted")" "$JOBS" "$JOBS jobs submitted by $SUBMITTERS concurrent submitters"

# all_settled - true when no job is pending, held or processing.
all_settled() {
	[ -z "$(lpstat -o 2>/dev/null)" ]
}
bed_wait_until 600 all_settled || tap_diag "jobs not settled: $(lpstat -o | head)"
bed_time "all $JOBS jobs settled" "$start"

# The printers' output by checksum.
find "$BED"/printers/sink-*/out -type f -name 'job-*.prn' -exec md5sum {} + |
	awk '{ print $1 }' | sort | uniq -c | awk '{ print $2, $1 }' >"$BED/printed.sums"

printed=0 canceled=0 bad=0 unclear=0 twice=0 jbad=0
while read -r id q i; do
	state=$(bed_job_attr "$id" job-state)
	uuid=$(bed_job_attr "$id" job-uuid)
	sum=$(md5sum <"$BED/docs/$i.pdf" | awk '{ print $1 }')
	copies=$(awk -v s="$sum" '$1 == s { print $2 }' "$BED/printed.sums")
	journal=$(vb_journal "$uuid" | tr '\n' ' ')
	case $state in
	completed)
		printed=$((printed + 1))
		[ "${copies:-0}" = 1 ] || { twice=$((twice + 1)); tap_diag "job $id (doc $i) completed, printed ${copies:-0} times"; }
		case $journal in *"sending>done "*) ;; *) jbad=$((jbad + 1)); tap_diag "job $id printed, journal: $journal" ;; esac ;;
	canceled)
		canceled=$((canceled + 1))
		msg=$(bed_job_attr "$id" job-printer-state-message)
		case $msg in *"vault is full"*) ;; *) unclear=$((unclear + 1)); tap_diag "job $id canceled: '$msg'" ;; esac
		[ -z "$copies" ] || { twice=$((twice + 1)); tap_diag "job $id (doc $i) canceled but printed $copies times"; }
		case $journal in *">discarded "*) ;; *) jbad=$((jbad + 1)); tap_diag "job $id canceled, journal: $journal" ;; esac ;;
	*)
		bad=$((bad + 1)); tap_diag "job $id (doc $i, $q) ended $state: $(bed_job_attr "$id" job-printer-state-message)" ;;
	esac
done <"$BED/submitted"

tap_diag "printed $printed, canceled (vault full) $canceled, other $bad"
tap_is "$bad" 0 "every job completed or was canceled"
tap_ok "some jobs were canceled because the vault was full" test "$canceled" -ge $((JOBS / 20))
tap_ok "most jobs printed" test "$printed" -ge $((JOBS / 2))
tap_is "$twice" 0 "each completed job printed exactly once, byte-identical; no canceled job printed"
tap_is "$unclear" 0 "each canceled job's message says the vault is full"
tap_is "$(find "$BED"/printers/sink-*/out -type f -name 'job-*.prn' | wc -l)" "$printed" \
	"the printers received exactly the completed jobs"
tap_is "$(vb_data_files) $(vb_wrapped_keys)" "0 0" "no data file and no wrapped key left in the vault"
tap_is "$jbad" 0 "the journal holds done for each printed job and a discard for each canceled one"
