#!/bin/bash
# vaultd: notices pushed through cupsd's notifier machinery.  With
# VAULTD_NOTIFY_RECIPIENT=vaulttest://%u and a recording notifier installed
# for the vaulttest scheme, the originator of a held vault job receives the
# held event (job-state-changed, pending-held) and, once she releases it
# and it prints, the completion notice (job-completed, completed).
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 7

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vs_install_mime
vs_install_notifier vaulttest
vb_start
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
export VAULTD_NOTIFY_RECIPIENT='vaulttest://%u'
vs_start_vaultd

bed_make_pdf "$BED/a.pdf" "completion notice" 1 4000
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -U alice -t "notice me") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
vs_crash_backend "$a" "$ua"

alice_sub() { [ "$(vs_subscribers "$a")" = "alice " ]; }
tap_ok "vaultd subscribes alice to the held job" bed_wait_until 10 alice_sub
tap_ok "the journal says alice was consulted through vaulttest://alice" \
	bed_wait_until 5 grep -q "consulted the originator alice (subscription [0-9]*, vaulttest://alice)" \
	<(vs_journal_reasons "$ua")
tap_ok "alice's notifier receives the held event" \
	bed_wait_until 15 vs_has_notice vaulttest://alice job-state-changed "$a" pending-held
tap_is "$(vb_copies office "$BED/a.pdf")" 0 "nothing printed while held"

lp -i "$a" -H resume -U alice >/dev/null || bed_die "lp -H resume failed"
tap_ok "the released job completes" bed_wait_job "$a" completed 60
tap_ok "alice's notifier receives the completion notice" \
	bed_wait_until 15 vs_has_notice vaulttest://alice job-completed "$a" completed
tap_diag "notices: $(vs_notices | tr '\n' ';')"
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "printed exactly once, byte-identical"
