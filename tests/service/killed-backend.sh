#!/bin/bash
# vaultd: the backend alone is SIGKILLed while it sends, so cupsd calls the
# job completed and will never run it again.  vaultd re-creates a held job
# for the same user, title and priority whose document is a reference to
# the vault entry; released, it prints the stored original exactly once,
# byte-identical.  (The release part needs the backend to read references.)
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 12

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vs_install_mime
vb_start
vs_install_backend
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
vs_start_vaultd

bed_make_pdf "$BED/a.pdf" "backend killed alone" 3 100000
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -U alice -t "certificate 42" -q 70) || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
vs_kill_backend_alone "$a" "$ua"
eid=$(vs_entry_id "$ua")

tap_ok "vaultd re-creates a job for the entry" bed_wait_until 15 vs_has_recreated "$eid"
n=$(vs_recreated_job "$eid")
tap_diag "original job $a, re-created job $n, entry $eid"
tap_ok "the re-created job is held" bed_wait_job "$n" pending-held 10
tap_is "$(bed_job_attr "$n" job-originating-user-name)/$(bed_job_attr "$n" job-name)/$(bed_job_attr "$n" job-priority)" \
	"alice/certificate 42/70" "same user, title and priority"
tap_is "$(bed_job_attr "$n" document-format-supplied)" application/vnd.cups-vault-reference \
	"its document is a vault reference"
tap_is "$(vb_meta_state "$ua")" awaiting "the entry is AWAITING"
msg=$(bed_job_attr "$n" job-printer-state-message)
tap_diag "message: $msg"
case $msg in *interrupted*lost*Release*once*cancel*) r=0 ;; *) r=1 ;; esac
tap_result $r "the held job says what happened and what release and cancel do"
tap_ok "the journal records the re-creation and the new job id" \
	grep -q "re-created as a held reference job (CUPS job $n)" <(vs_journal_reasons "$ua")
sleep 3
tap_is "$(bed_printed_count office)" 0 "nothing printed by itself"
tap_is "$(vs_recreated_job "$eid")" "$n" "vaultd re-created it once"

lp -i "$n" -H resume -U alice >/dev/null || bed_die "lp -H resume failed"
tap_ok "the released job completes" bed_wait_job "$n" completed 60
sleep 1
tap_is "$(vb_copies office "$BED/a.pdf")/$(bed_printed_count office)" 1/1 \
	"the stored original printed exactly once, byte-identical, and nothing else"
tap_is "$(vb_meta_state "$ua")" done "the entry is a DONE tombstone"
