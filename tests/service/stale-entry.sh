#!/bin/bash
# vaultd: a job stored on an earlier day.  Power loss while it prints; the
# boot sweep runs with the clock one day ahead (faketime), so the entry was
# stored "yesterday" and is discarded as stale (same-day policy).  After the
# restart its CUPS job is canceled with a message saying so, the printer
# prints nothing, and the originator's notifier (vaulttest://%u) receives
# the job-completed event of the cancel.
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

bed_make_pdf "$BED/a.pdf" "stored yesterday" 1 3000
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -U alice -t "yesterday") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_until 20 vb_state_is "$ua" sending || bed_die "the job never reached SENDING"
vs_stop_vaultd KILL
bed_power_loss
rm -f "$BED/slow.gate"
VAULT_CONF="$VAULT_CONF" VAULT_BOOT_ID="$BED_BOOT_ID" faketime -f '+1d' "$VS_VAULTD" --recover \
	>"$BED/log/recover.log" 2>&1 || bed_die "vaultd --recover failed: $(cat "$BED/log/recover.log")"
tap_diag "$(cat "$BED/log/recover.log")"
tap_is "$(vb_meta_state "$ua")/$(vb_data_files)" discarded/0 "the boot sweep a day later discards the entry as stale (erased)"
bed_restart
vs_start_vaultd

tap_ok "its CUPS job is canceled" bed_wait_job "$a" "canceled|aborted" 30
msg=$(bed_job_attr "$a" job-printer-state-message)
tap_diag "message: $msg"
case $msg in *[Dd]iscarded*) r=0 ;; *) r=1 ;; esac
tap_result $r "the canceled job says it was discarded"
case $msg in *too\ old*|*stale*|*earlier\ day*) r=0 ;; *) r=1 ;; esac
tap_result $r "the message says why: it is too old (stale)"
tap_ok "alice's notifier receives the job-completed event of the cancel" \
	bed_wait_until 15 vs_has_notice vaulttest://alice job-completed "$a" canceled
tap_diag "notices: $(vs_notices | tr '\n' ';')"
sleep 3
tap_is "$(bed_printed_count office)" 0 "the printer printed nothing"
tap_ok "the journal says the entry was stale" grep -qi "stale\|earlier day" <(vs_journal_reasons "$ua")
