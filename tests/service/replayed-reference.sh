#!/bin/bash
# vault references: a genuine reference replayed.  vaultd re-creates a job
# cupsd ended without printing (its backend killed alone) as a held job
# whose document is a reference to the entry; the test keeps a copy of that
# document (cupsd's RequestRoot d-file), releases the job (printed once),
# then submits the copy again as its owner: nothing more prints and the
# refusal is journalled.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 8

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vs_install_mime
vb_start
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
vs_start_vaultd

bed_make_pdf "$BED/a.pdf" "replay me" 1 3000
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -U alice -t "replay") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
eid=$(vs_entry_id "$ua")
vs_kill_backend_alone "$a" "$ua"
bed_wait_until 20 vs_has_recreated "$eid" || bed_die "vaultd did not re-create the job"
r=$(vs_recreated_job "$eid")
bed_wait_job "$r" pending-held 10 || bed_die "the re-created job is not held"

doc=$(printf '%s/spool/d%05d-001' "$BED" "$r")
tap_ok "the re-created job's document is a vault reference" grep -q '^%cups-vault-reference' "$doc"
cp "$doc" "$BED/replay.ref"

lp -i "$r" -H resume -U alice >/dev/null || bed_die "lp -H resume failed"
tap_ok "the released job completes" bed_wait_job "$r" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "printed exactly once, byte-identical"
tap_is "$(vb_meta_state "$ua")" done "the entry is DONE"
before=$(bed_printed_count office)

x=$(bed_submit vq "$BED/replay.ref" -U alice -t "replay again") || bed_die "lp failed"
tap_ok "the replayed reference job ends" bed_wait_job "$x" "completed|canceled|aborted" 30
tap_diag "replay: job $x $(bed_job_attr "$x" job-state): $(bed_job_attr "$x" job-printer-state-message)"
sleep 2
tap_is "$(bed_printed_count office)" "$before" "the replay printed nothing"
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "still exactly one copy"
ux=$(bed_job_attr "$x" job-uuid)
tap_diag "journal of the replay: $(vs_journal_reasons "$ux" | tr '\n' ';')"
tap_ok "the replay is journalled" grep -qi "reference" <(vs_journal_reasons "$ux")
