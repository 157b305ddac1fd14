#!/bin/bash
# vaultd: an originator who cannot be reached.  The recipient template
# vt-%u://%u gives each user a notifier scheme of their own; only
# vt-frontdesk is installed, so cupsd refuses alice's subscription
# (uri-scheme-not-supported).  A refused subscription is what vaultd can
# detect of an unreachable originator (cupsd reports no delivery failure of
# a notifier, and none can exist for ippget): vaultd then consults the
# representative frontdesk at once (not after the consult timeout); frontdesk
# receives the held event, releases the job (printed exactly once) and
# receives the completion notice.  alice is tried once only: one journal
# line, however many polls pass.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 9

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vs_install_mime
vs_install_notifier vt-frontdesk
vb_start
vs_vault_conf representative frontdesk
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
export VAULTD_NOTIFY_RECIPIENT='vt-%u://%u'
vs_start_vaultd

bed_make_pdf "$BED/a.pdf" "alice is away" 1 3000
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -U alice -t "away") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
vs_crash_backend "$a" "$ua"
held_at=$EPOCHSECONDS

rep_only() { [ "$(vs_subscribers "$a")" = "frontdesk " ]; }
tap_ok "the representative frontdesk is subscribed, alice is not" bed_wait_until 10 rep_only
tap_ok "it happened before the consult timeout (default 10 min): $((EPOCHSECONDS - held_at)) s" \
	test $((EPOCHSECONDS - held_at)) -lt 60
tap_ok "frontdesk's notifier receives the held event" \
	bed_wait_until 15 vs_has_notice vt-frontdesk://frontdesk job-state-changed "$a" pending-held
sleep 2		# several polls (every 0.3 s)
tap_is "$(vs_journal_reasons "$ua" | grep -c "originator alice could not be consulted")" 1 \
	"the journal records one failed attempt to consult alice"
tap_is "$(vs_journal_reasons "$ua" | grep -c "alice (subscription")" 0 "alice was never subscribed"
tap_is "$(vs_journal_reasons "$ua" | grep -c "consulted the representative frontdesk")" 1 \
	"the journal records that frontdesk was consulted, once"
tap_diag "journal: $(vs_journal_reasons "$ua" | tr '\n' ';')"

lp -i "$a" -H resume -U frontdesk >/dev/null || bed_die "lp -H resume failed"
tap_ok "the representative's release prints the job" bed_wait_job "$a" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "printed exactly once, byte-identical"
tap_ok "frontdesk's notifier receives the completion notice" \
	bed_wait_until 15 vs_has_notice vt-frontdesk://frontdesk job-completed "$a" completed
