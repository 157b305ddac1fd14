#!/bin/bash
# vaultd: a job cupsd lost entirely.  With cupsd's default
# DirtyCleanInterval (30 s) a job killed a few seconds after submission is
# not in cupsd's files; the vault stored it before sending.  After the
# power loss, the boot sweep and the restart, cupsd has no such job and
# vaultd re-creates it held from the vault (same user and title, a
# reference document); released, it prints exactly once, byte-identical.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 9

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vs_install_mime
# vb_start without DirtyCleanInterval 0: cupsd's default 30 s write window.
bed_vault_config >/dev/null || bed_die "cannot write vault.conf"
BED_CUPSD_EXTRA="JobRetryInterval 1
JobRetryLimit 20"
bed_start_cupsd
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
# printers.conf is written in the same window: a clean restart keeps the queue.
bed_stop_cupsd
bed_start_cupsd
vs_start_vaultd

bed_make_pdf "$BED/a.pdf" "lost by cupsd" 2 20000
: >"$BED/slow.gate"
submitted=$EPOCHSECONDS
a=$(bed_submit vq "$BED/a.pdf" -U alice -t "payslips march") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_until 20 vb_state_is "$ua" sending || bed_die "the job never reached SENDING"
eid=$(vs_entry_id "$ua")
vs_stop_vaultd KILL
bed_power_loss
tap_diag "killed $((EPOCHSECONDS - submitted)) s after submission"
rm -f "$BED/slow.gate"
vs_recover >"$BED/log/recover.log" 2>&1 || bed_die "vaultd --recover failed: $(cat "$BED/log/recover.log")"
tap_is "$(vb_meta_state "$ua")" resurrected "the boot sweep marks the entry RESURRECTED"
bed_restart

# Get-Jobs: no job of cupsd carries the lost job's uuid.
has_uuid() {
	local id
	for id in $(lpstat -W all -o 2>/dev/null | sed -n 's/^[^ ]*-\([0-9]*\) .*/\1/p'); do
		[ "$(bed_job_attr "$id" job-uuid)" = "$ua" ] && return 0
	done
	return 1
}
has_uuid && r=1 || r=0
tap_result $r "cupsd lost the job (Get-Jobs: no job with its uuid after the restart)"
vs_start_vaultd

tap_ok "vaultd re-creates a job for the entry" bed_wait_until 20 vs_has_recreated "$eid"
r=$(vs_recreated_job "$eid")
tap_ok "the re-created job $r is held" bed_wait_job "$r" pending-held 10
tap_is "$(bed_job_attr "$r" job-originating-user-name)/$(bed_job_attr "$r" job-name)" \
	"alice/payslips march" "it has the same user and title"
bed_wait_until 10 vb_state_is "$ua" awaiting
tap_is "$(vb_meta_state "$ua")" awaiting "the entry is AWAITING"
sleep 3
tap_is "$(bed_printed_count office)" 0 "nothing printed by itself"

lp -i "$r" -H resume -U alice >/dev/null || bed_die "lp -H resume failed"
tap_ok "the released job completes" bed_wait_job "$r" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")/$(bed_printed_count office)" 1/1 \
	"printed exactly once, byte-identical"
