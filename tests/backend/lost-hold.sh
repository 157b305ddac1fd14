#!/bin/bash
# vault backend: a hold that cupsd loses is not a release.  cupsd keeps a
# job's new hold in memory for up to DirtyCleanInterval (30 s here, its
# default) before writing it; if cupsd alone dies in that window, it
# restarts the job as it last wrote it (processing) and runs the backend
# again.  That run finds the entry AWAITING, held by the cupsd that died:
# it must hold the job again, never print it.  A release from the new
# cupsd then prints it exactly once.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 9

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
bed_vault_config >/dev/null || bed_die "vault.conf could not be written"
BED_CUPSD_EXTRA="DirtyCleanInterval 30
JobRetryInterval 1
JobRetryLimit 20"
bed_start_cupsd
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
bed_make_pdf "$BED/a.pdf" "lost hold" 1 70000

: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_until 20 vb_state_is "$ua" sending || bed_die "the entry never became SENDING"
# Past DirtyCleanInterval: cupsd has written the job as processing.
sleep 33
kill -HUP $(vb_backend_pids)
rm -f "$BED/slow.gate"
bed_wait_until 60 vb_state_is "$ua" awaiting
tap_ok "the interrupted job is held by the backend" bed_wait_job "$a" pending-held 30
tap_is "$(vb_copies office "$BED/a.pdf")" 0 "nothing printed while held"

# cupsd dies before it writes the hold.
old=$(bed_pid cupsd)
kill -KILL "$old"
bed_wait_until 5 _bed_ended cupsd
rm -f "$BED/pids/cupsd"
bed_start_cupsd
tap_ok "the restarted cupsd lost the hold and ran the job again; the run held it again" \
	bed_wait_job "$a" pending-held 60
sleep 3
tap_is "$(vb_copies office "$BED/a.pdf")" 0 "no release was given: nothing printed"
tap_is "$(vb_meta_state "$ua")" awaiting "the entry is AWAITING"
tap_ok "the journal says the new cupsd holds it again" eval \
	'grep -F "	uuid=$ua	" "$BED/vault/spool/journal" | grep -q "from=awaiting	to=awaiting.*cupsd restarted since the job was held"'

lp -i "$a" -H resume >/dev/null || bed_die "lp -H resume failed"
tap_ok "the release from the new cupsd completes the job" bed_wait_job "$a" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "printed exactly once, byte-identical"
tap_is "$(vb_meta_state "$ua")" done "the entry is a DONE tombstone"
