#!/bin/bash
# vault backend: a job that does not fit in the vault is canceled with a
# message the client sees (lpstat -l, job-printer-state-message), nothing is
# printed, a journal record says why, and the other entries stay intact.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 9

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vb_start 1M 1M
# Two queues on the same vault: q1 holds a job in SENDING (gated), q2 gets
# the job that does not fit.
bed_add_queue q1 "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused q1"
bed_add_queue q2 "vault:/${uri}" || bed_die "lpadmin refused q2"

bed_make_pdf "$BED/small.pdf" "stored while the vault fills" 1 300000
bed_make_pdf "$BED/big.pdf" "too big for the vault" 1 3000000

: >"$BED/slow.gate"
x=$(bed_submit q1 "$BED/small.pdf") || bed_die "lp failed"
ux=$(bed_job_attr "$x" job-uuid)
bed_wait_until 20 vb_state_is "$ux" sending || bed_die "job X never reached SENDING"
before=$(md5sum "$BED"/vault/areas/*/*.data "$BED"/vault/areas/*/*.meta | sort)

y=$(bed_submit q2 "$BED/big.pdf") || bed_die "lp failed"
uy=$(bed_job_attr "$y" job-uuid)
tap_ok "the job that does not fit is canceled" bed_wait_job "$y" canceled 30
sleep 1
msg=$(bed_job_attr "$y" job-printer-state-message)
tap_diag "message: $msg"
case $msg in *"vault is full"*) r=0 ;; *) r=1 ;; esac
tap_result $r "job-printer-state-message says the vault is full"
lpstat -l -W all -o q2 >"$BED/lpstat.txt" 2>&1
tap_diag "$(cat "$BED/lpstat.txt")"
tap_ok "lpstat -l shows the message" grep -q "vault is full" "$BED/lpstat.txt"
tap_ok "the journal records the refusal" test -n "$(vb_journal "$uy")"
tap_diag "journal: $(vb_journal "$uy" | tr '\n' ' ')"
tap_is "$(md5sum "$BED"/vault/areas/*/*.data "$BED"/vault/areas/*/*.meta | sort)" "$before" \
	"the entry already stored is untouched"

rm -f "$BED/slow.gate"
tap_ok "the stored job completes" bed_wait_job "$x" completed 60
tap_is "$(vb_copies office "$BED/small.pdf")" 1 "the stored job printed once, byte-identical"
tap_is "$(vb_copies office "$BED/big.pdf")" 0 "the refused job was never printed"
tap_is "$(vb_data_files)" 0 "the vault is empty afterwards"
