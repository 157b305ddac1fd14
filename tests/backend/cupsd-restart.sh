#!/bin/bash
# vault backend: cupsd killed alone while a job prints; the restarted cupsd
# runs the job a second time while the first backend still sends it.  The
# second run waits for the first (entry lock), finds the job printed and
# prints nothing: the printer gets the document exactly once.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 7

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vb_start
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
bed_make_pdf "$BED/a.pdf" "cupsd killed alone" 1 200000

: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_until 20 vb_state_is "$ua" sending || bed_die "the job never reached SENDING"
first=$(vb_backend_pids)
tap_ok "one vault backend runs" test -n "$first"

# Kill cupsd only; its backend keeps running (blocked at the gate).
kill -KILL "$(bed_pid cupsd)"
bed_wait_until 5 _bed_ended cupsd
rm -f "$BED/pids/cupsd"
bed_start_cupsd

# The restarted cupsd starts a second run of the same job.
second_seen() {
	local p

	for p in $(vb_backend_pids); do
		[ "$p" != "$first" ] && return 0
	done
	return 1
}
tap_ok "the restarted cupsd runs the job again" bed_wait_until 30 second_seen
tap_ok "the first backend is still running" kill -0 $first

rm -f "$BED/slow.gate"
tap_ok "the job completes" bed_wait_job "$a" completed 60
sleep 2
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "printed exactly once, byte-identical"
tap_is "$(vb_meta_state "$ua")" done "the entry is a DONE tombstone"
j=$(vb_journal "$ua" | tr '\n' ' ')
tap_is "$j" "none>receiving receiving>stored stored>sending sending>done " \
	"the journal shows one send only"
