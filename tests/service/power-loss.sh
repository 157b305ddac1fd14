#!/bin/bash
# vaultd: power loss while a job prints.  After the restart (boot sweep,
# cupsd, then vaultd) the job is held with a message a person understands
# and nothing prints by itself; the originator, polling with ippget, gets
# the held event; release prints it exactly once.  (cupsd 2.4 deletes a
# job subscription as soon as its job completes, so a completion notice
# cannot be pulled with ippget afterwards: it needs a push notifier.)
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 10

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vs_install_mime
vb_start
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
vs_start_vaultd

bed_make_pdf "$BED/a.pdf" "power loss while printing" 2 30000
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -U alice -t "passbook 7") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_until 20 vb_state_is "$ua" sending || bed_die "the job never reached SENDING"

# Power loss: cupsd, its backends, the printer and vaultd die at once.
vs_stop_vaultd KILL
bed_power_loss
rm -f "$BED/slow.gate"		# from now on a send would reach the printer
vs_recover >"$BED/log/recover.log" 2>&1 || bed_die "vaultd --recover failed: $(cat "$BED/log/recover.log")"
tap_is "$(vb_meta_state "$ua")" resurrected "the boot sweep marks the interrupted entry RESURRECTED"
bed_restart
vs_start_vaultd

tap_ok "the job is held in cupsd" bed_wait_job "$a" pending-held 30
bed_wait_until 15 vb_state_is "$ua" awaiting
tap_is "$(vb_meta_state "$ua")" awaiting "the entry is AWAITING"
bed_wait_until 10 vs_has_event alice "$a" job-state-changed pending-held
# The message is set just after the hold (by the backend's notice, then by
# vaultd): wait for it rather than race it.
vs_message_set() {
	case $(bed_job_attr "$a" job-printer-state-message) in *[Ii]nterrupted*) return 0 ;; esac
	return 1
}
bed_wait_until 10 vs_message_set
msg=$(bed_job_attr "$a" job-printer-state-message)
tap_diag "message: $msg" "alice's events: $(vs_notifications alice "$a" | tr '\n' ';')"
case $msg in *[Ii]nterrupted*Release*once*cancel*) r=0 ;; *) r=1 ;; esac
tap_result $r "the held job says it was interrupted and what release and cancel do"
tap_ok "alice (the originator) gets the held event with Get-Notifications" \
	vs_has_event alice "$a" job-state-changed pending-held
tap_ok "the journal records that alice was consulted" \
	grep -q "consulted the originator alice" <(vs_journal_reasons "$ua")

sleep 5
tap_is "$(vb_copies office "$BED/a.pdf")" 0 "nothing printed by itself after the restart"
tap_is "$(bed_job_attr "$a" job-state)" pending-held "the job is still held"

lp -i "$a" -H resume -U alice >/dev/null || bed_die "lp -H resume failed"
tap_ok "the released job completes" bed_wait_job "$a" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "printed exactly once, byte-identical"
