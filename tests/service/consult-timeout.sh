#!/bin/bash
# vaultd: a held vault job is offered to its originator (a job subscription
# as alice); when no decision comes within consult-timeout the
# representative is subscribed too, gets the held event, the message names
# it, the journal says so, and its decision (cancel) works.  alice is not
# consulted twice.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 9

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vs_install_mime
vb_start
vs_vault_conf representative frontdesk
vs_vault_conf consult-timeout 8s
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
vs_start_vaultd

bed_make_pdf "$BED/a.pdf" "no decision in time" 1 2000
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -U alice) || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
vs_crash_backend "$a" "$ua"
held_at=$EPOCHSECONDS

alice_only() { [ "$(vs_subscribers "$a")" = "alice " ]; }
tap_ok "alice (the originator) is subscribed to the held job" bed_wait_until 3 alice_only
tap_ok "alice gets the held event" bed_wait_until 5 vs_has_event alice "$a" job-state-changed pending-held
tap_is "$(vs_subscribers "$a")" "alice " "before the timeout only alice is consulted ($((EPOCHSECONDS - held_at)) s)"

has_rep() { [ "$(vs_subscribers "$a")" = "alice frontdesk " ]; }
bed_wait_until 25 has_rep
waited=$((EPOCHSECONDS - held_at))
tap_is "$(vs_subscribers "$a")" "alice frontdesk " "after the timeout the representative frontdesk is subscribed, alice once"
tap_ok "it took at least the consult timeout (${waited} s)" test "$waited" -ge 7
tap_ok "frontdesk gets the held event" bed_wait_until 5 vs_has_event frontdesk "$a" job-state-changed pending-held
msg=$(bed_job_attr "$a" job-printer-state-message)
tap_diag "message: $msg"
case $msg in *alice*frontdesk*representative*) r=0 ;; *) r=1 ;; esac
tap_result $r "the message says alice did not decide and frontdesk was asked"
tap_ok "the journal records the referral" \
	grep -q "no decision from alice within 8 s; referred to the representative frontdesk" <(vs_journal_reasons "$ua")

cancel -U frontdesk "$a" || bed_die "cancel failed"
tap_ok "the representative's cancel discards the entry" bed_wait_until 10 vb_state_is "$ua" discarded
