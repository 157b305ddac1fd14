#!/bin/bash
# vaultd: `cancel N` on a held vault job never runs the backend, so vaultd
# erases the entry: no data file, a DISCARDED tombstone without its key,
# and a journal record naming cupsd and the job.  Both kinds of held job:
# one the backend held after a crash, one vaultd re-created.
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
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
vs_start_vaultd

# Job A: the backend crashed, cupsd ran it again, the backend held it.
bed_make_pdf "$BED/a.pdf" "held by the backend, canceled" 1 5000
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -U alice) || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
vs_crash_backend "$a" "$ua"
fa=$(vs_entry_file "$ua")
tap_ok "the held entry has its data file" test -f "${fa%.meta}.data"

cancel -U alice "$a" || bed_die "cancel failed"
tap_ok "the job ends canceled" bed_wait_job "$a" canceled 10
tap_ok "vaultd erases the entry as DISCARDED" bed_wait_until 10 vb_state_is "$ua" discarded
tap_ok "no data file is left" test ! -e "${fa%.meta}.data"
ta=$(vs_entry_file "$ua")
tap_ok "the tombstone (spool/tombstones/) holds no wrapped key" \
	bash -c "case '$ta' in */tombstones/*.meta) ! grep -q '^wrapped-key=' '$ta' ;; *) false ;; esac"
tap_ok "the journal says cupsd canceled job $a" \
	grep -q "awaiting	to=discarded	actor=cupsd	reason=CUPS job $a was canceled" "$BED/vault/spool/journal"

# Job B: the backend was killed alone; vaultd re-created it held; cancel that.
bed_make_pdf "$BED/b.pdf" "re-created, canceled" 1 5000
: >"$BED/slow.gate"
b=$(bed_submit vq "$BED/b.pdf" -U bob) || bed_die "lp failed"
ub=$(bed_job_attr "$b" job-uuid)
vs_kill_backend_alone "$b" "$ub"
eb=$(vs_entry_id "$ub")
bed_wait_until 15 vs_has_recreated "$eb" || bed_die "vaultd did not re-create job $b"
n=$(vs_recreated_job "$eb")
bed_wait_job "$n" pending-held 10 || bed_die "the re-created job $n is not held"
cancel -U bob "$n" || bed_die "cancel failed"
tap_ok "vaultd erases the re-created job's entry as DISCARDED" bed_wait_until 10 vb_state_is "$ub" discarded
tap_is "$(vb_data_files)" 0 "the vault holds no data file"
sleep 2
tap_is "$(bed_printed_count office)" 0 "nothing was printed"
