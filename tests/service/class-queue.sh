#!/bin/bash
# vaultd and a job sent to a class of vault printers: the vault names the
# job by the class it was sent to (cupsd's job-printer-uri), not by the
# member printer that runs it.  Power loss while it prints; after the
# restart vaultd finds the job in cupsd and holds it (no duplicate job is
# re-created), release prints it exactly once, and the paper counters
# belong to the member printer.
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
lpadmin -p vq -c vclass || bed_die "lpadmin could not make the class"
cupsenable vclass && cupsaccept vclass || bed_die "the class cannot be enabled"
vs_start_vaultd

bed_make_pdf "$BED/a.pdf" "sent to a class" 1 30000
: >"$BED/slow.gate"
a=$(bed_submit vclass "$BED/a.pdf" -U alice) || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_until 20 vb_state_is "$ua" sending || bed_die "the job never reached SENDING"
tap_is "$(sed -n 's/^queue=//p' "$(vs_entry_file "$ua")")" vclass "the entry names the class the job was sent to"

vs_stop_vaultd KILL
bed_power_loss
rm -f "$BED/slow.gate"
vs_recover >"$BED/log/recover.log" 2>&1 || bed_die "vaultd --recover failed: $(cat "$BED/log/recover.log")"
bed_restart
vs_start_vaultd

tap_ok "after the restart the class job is held in cupsd" bed_wait_job "$a" pending-held 30
tap_ok "its entry is AWAITING" bed_wait_until 15 vb_state_is "$ua" awaiting
sleep 3
jobs=$(lpstat -W not-completed -o | wc -l)
tap_is "$jobs" 1 "vaultd re-created no duplicate job (cupsd has one unfinished job)"
tap_is "$(vb_copies office "$BED/a.pdf")" 0 "nothing printed by itself"

lp -i "$a" -H resume -U alice >/dev/null || bed_die "lp -H resume failed"
tap_ok "the released job completes" bed_wait_job "$a" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "printed exactly once, byte-identical"
tap_ok "the paper counters are the member printer's" test -f "$BED/vault/spool/counters/vq.counters" -a ! -e "$BED/vault/spool/counters/vclass.counters"
