#!/bin/bash
# Originator secrets: a job printed with a job password prints normally
# once; after a power loss it stays held until its owner hands the secret
# to vaultd with "vaultctl release"; a release from lp alone holds it again
# with a message saying how; a wrong secret and another user are refused
# and journalled; the right secret prints it exactly once.  The secrets'
# bytes appear nowhere in the vault, the journal, vaultd's log, our lines in
# error_log or the inner backend's argv.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
. "$top_srcdir/tests/secret/lib.sh"
bed_init "$@"
tap_plan 24

S1="first-Secret-7c1e9"
S2="second-Secret-4b2aa"
vsec_start

# Job A: protected, prints normally, once.
bed_make_pdf "$BED/a.pdf" "protected, printed at once" 1 2000
a=$(bed_submit vq "$BED/a.pdf" -U "$VSEC_OWNER" -o "job-password=$S1") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
tap_ok "a protected job completes" bed_wait_job "$a" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "it printed exactly once, byte-identical"
tap_is "$(vb_journal "$ua" | tr '\n' ' ')" "none>receiving receiving>stored stored>sending sending>done " \
	"it went the normal way through the vault"
tap_ok "the inner backend ran with job A's options" grep -q "job-uuid=$ua" "$BED/inner-argv"

# Job B: protected, cut off by a power loss while it prints.
bed_make_pdf "$BED/b.pdf" "protected, interrupted by a power loss" 2 30000
: >"$BED/slow.gate"
b=$(bed_submit vq "$BED/b.pdf" -U "$VSEC_OWNER" -o "job-password=$S2" -t "passbook 9") || bed_die "lp failed"
ub=$(bed_job_attr "$b" job-uuid)
bed_wait_until 20 vb_state_is "$ub" sending || bed_die "job B never reached SENDING"
tap_is "$(grep -c '^secret-salt=' "$(vs_entry_file "$ub")")" 1 \
	"job B's sidecar records a secret-protected key"
vs_stop_vaultd KILL
bed_power_loss
rm -f "$BED/slow.gate"
vs_recover >"$BED/log/recover.log" 2>&1 || bed_die "vaultd --recover failed: $(cat "$BED/log/recover.log")"
bed_restart
vs_start_vaultd
tap_ok "after the power loss job B is held" bed_wait_job "$b" pending-held 30
bed_wait_until 15 vb_state_is "$ub" awaiting
tap_is "$(vb_meta_state "$ub")" awaiting "its entry is AWAITING"
bed_wait_until 10 vsec_held_says_release "$b"
tap_diag "message: $(bed_job_attr "$b" job-printer-state-message)"
tap_ok "the held job says to run vaultctl release" vsec_held_says_release "$b"

# A release without the secret: the backend runs, gets no grant, holds it again.
lp -i "$b" -H resume -U "$VSEC_OWNER" >/dev/null || bed_die "lp -H resume failed"
released_without() {
	vs_journal_reasons "$ub" | grep -q "released without the originator's secret"
}
bed_wait_until 20 released_without
tap_ok "lp -H resume alone: held again" bed_wait_job "$b" pending-held 30
bed_wait_until 10 vsec_held_says_release "$b"
msg=$(bed_job_attr "$b" job-printer-state-message)
tap_diag "message: $msg"
case $msg in *"vaultctl release $b"*) r=0 ;; *) r=1 ;; esac
tap_result $r "the message names \"vaultctl release $b\""
tap_ok "the journal records the release without the secret" \
	grep -q "released without the originator's secret" <(vs_journal_reasons "$ub")

# A wrong secret, then the right one from someone else: refused, journalled.
out=$(vsec_release "$VSEC_OWNER" "$b" "not-the-secret"); st=$?
tap_diag "vaultctl: $out"
tap_is "$st" 1 "a wrong secret: vaultctl exits 1"
case $out in *"Wrong secret"*) r=0 ;; *) r=1 ;; esac
tap_result $r "it says the secret is wrong"
tap_ok "the wrong secret is journalled as attempt 1 of 5, by $VSEC_OWNER" \
	grep -q "release refused: wrong secret from $VSEC_OWNER (attempt 1 of 5)" <(vs_journal_reasons "$ub")
out=$(vsec_release "$VSEC_OTHER" "$b" "$S2"); st=$?
tap_diag "vaultctl as $VSEC_OTHER: $out"
tap_is "$st:$(bed_job_attr "$b" job-state)" "1:pending-held" "another user with the right secret is refused; the job stays held"

sleep 2
tap_is "$(vb_copies office "$BED/b.pdf")" 0 "nothing of job B printed so far"

# The right secret from the owner: printed exactly once.
out=$(vsec_release "$VSEC_OWNER" "$b" "$S2"); st=$?
tap_diag "vaultctl: $out"
tap_is "$st" 0 "the right secret from the owner: vaultctl exits 0"
tap_ok "the released job completes" bed_wait_job "$b" completed 60
tap_is "$(vb_copies office "$BED/b.pdf")" 1 "job B printed exactly once, byte-identical"
tap_is "$(vb_meta_state "$ub")" done "its entry is DONE (crypto-erased)"

# Hygiene.
tap_is "$(vsec_leaks "$S1")" "" "job A's secret is nowhere in the vault, journal, logs or the inner argv"
tap_is "$(vsec_leaks "$S2")" "" "job B's secret is nowhere in the vault, journal, logs or the inner argv"
tap_ok "cupsd itself logs it in its argv dump at LogLevel debug (so the search above can find it; HARDENING.md)" \
	grep -a -q -F "argv[5]=\"job-password=$S2" "$BED/log/error_log"
tap_ok "the inner backend's argv never held a job-password" bash -c "! grep -q 'job-password' '$BED/inner-argv'"
