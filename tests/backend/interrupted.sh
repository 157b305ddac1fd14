#!/bin/bash
# vault backend: the backend dies while it sends -> cupsd runs it again ->
# the job is held with a message a person understands and is not printed;
# `lp -i N -H resume` prints it exactly once; a second interrupted job
# canceled with `cancel N` is never printed.
#
# cupsd 2.4.2 treats a backend ended by SIGKILL or SIGTERM as "terminated
# normally" and marks the job completed without running it again (job C
# below pins that: nothing printed, the entry left SENDING for vaultd).  A
# backend that dies by any other signal (a crash) is run again per
# ErrorPolicy, so jobs A and B use SIGHUP (no core file).
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 15

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vb_start
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"

bed_make_pdf "$BED/a.pdf" "interrupted then released" 2 70000
bed_make_pdf "$BED/b.pdf" "interrupted then canceled" 1 1000

# Job A: killed while sending.
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_until 20 vb_state_is "$ua" sending
tap_is "$(vb_meta_state "$ua")" sending "the entry is SENDING while the inner backend runs"
kill -HUP $(vb_backend_pids)
rm -f "$BED/slow.gate"

# The crash first holds the job for JobRetryInterval (retry-job); the re-run
# finds the interrupted entry and holds the job indefinitely.
bed_wait_until 60 vb_state_is "$ua" awaiting
tap_ok "cupsd runs the job again and it ends held" bed_wait_job "$a" pending-held 30
# cupsd clears the message when the backend exits HOLD; the backend's notice
# sets it again within a poll (100 ms) of the job showing held.
vb_message_is_interrupted() {
	case $(bed_job_attr "$a" job-printer-state-message) in *Interrupted*) return 0 ;; esac
	return 1
}
bed_wait_until 10 vb_message_is_interrupted
msg=$(bed_job_attr "$a" job-printer-state-message)
tap_diag "message: $msg" "reasons: $(bed_job_attr "$a" job-state-reasons)" "$(lpstat -l -o vq)"
case $msg in *Interrupted*stored*Release*cancel*) r=0 ;; *) r=1 ;; esac
tap_result $r "the held job says it was interrupted, when it was stored, what release and cancel do"
tap_is "$(vb_meta_state "$ua")" awaiting "the entry is AWAITING"
sleep 2
tap_is "$(vb_copies office "$BED/a.pdf")" 0 "the interrupted job was not printed again"
tap_is "$(bed_job_attr "$a" job-state)" pending-held "it stays held"

lp -i "$a" -H resume >/dev/null || bed_die "lp -H resume failed"
tap_ok "released job completes" bed_wait_job "$a" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "the released job printed exactly once, byte-identical"
tap_is "$(vb_journal "$ua" | tr '\n' ' ')" \
	"none>receiving receiving>stored stored>sending sending>awaiting awaiting>sending sending>done " \
	"the journal holds the whole story"

# Job B: killed while sending, then canceled.
: >"$BED/slow.gate"
b=$(bed_submit vq "$BED/b.pdf") || bed_die "lp failed"
ub=$(bed_job_attr "$b" job-uuid)
bed_wait_until 20 vb_state_is "$ub" sending || bed_die "job B never reached SENDING"
kill -HUP $(vb_backend_pids)
rm -f "$BED/slow.gate"
bed_wait_until 60 vb_state_is "$ub" awaiting || bed_die "job B was not held"
bed_wait_job "$b" pending-held 30 || bed_die "job B was not held"
cancel "$b" || bed_die "cancel failed"
tap_ok "canceled job ends canceled" bed_wait_job "$b" canceled 30
sleep 2
tap_is "$(vb_copies office "$BED/b.pdf")" 0 "the canceled job was never printed"
tap_is "$(bed_printed_count office)" 1 "the printer received one document in all"

# Job C: SIGKILL.  cupsd calls the job completed; the vault keeps it SENDING
# (its pid dead: interrupted), so no run of it prints without a release.
bed_make_pdf "$BED/c.pdf" "killed by SIGKILL" 1 500
: >"$BED/slow.gate"
c=$(bed_submit vq "$BED/c.pdf") || bed_die "lp failed"
uc=$(bed_job_attr "$c" job-uuid)
bed_wait_until 20 vb_state_is "$uc" sending || bed_die "job C never reached SENDING"
kill -KILL $(vb_backend_pids)
rm -f "$BED/slow.gate"
bed_wait_job "$c" completed 30
sleep 2
tap_is "$(vb_copies office "$BED/c.pdf")" 0 "a job whose backend was SIGKILLed was not printed"
tap_is "$(vb_meta_state "$uc")" sending "its entry stays SENDING (interrupted) for the boot sweep and vaultd"
tap_is "$(vb_data_files)" 2 "the vault still holds the two interrupted, undecided entries (B, C)"
