#!/bin/bash
# vaultd prunes a tombstone after tombstone-age only when cupsd has no
# unfinished job for it.  Job A printed: its tombstone goes.  Job B's
# tombstone is made while cupsd still has B pending on a stopped queue (as
# when cupsd did not write B's completion before a power loss and runs it
# again later): it stays however old, and when the queue starts again the
# backend finds it and B is not printed a second time.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 8

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_start
vs_vault_conf tombstone-age 2s
bed_add_queue vq "vault:/ipp:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
bed_make_pdf "$BED/a.pdf" "printed, then forgotten" 1 2000
bed_make_pdf "$BED/b.pdf" "printed, still pending in cupsd" 1 2000

a=$(bed_submit vq "$BED/a.pdf") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_job "$a" completed 60 || bed_die "job A did not complete"

# B: pending in cupsd on a stopped queue, printed by a backend run as
# cupsd would run it, with B's identity.
cupsdisable vq
b=$(bed_submit vq "$BED/b.pdf") || bed_die "lp failed"
ub=$(bed_job_attr "$b" job-uuid)
created=$(bed_job_attr "$b" time-at-creation)
env -i PATH="$PATH" VAULT_CONF="$VAULT_CONF" CUPS_SERVERBIN="$BED/bin" DEVICE_URI="vault:/ipp:${uri#ipp:}" \
	PRINTER=vq VAULT_BOOT_ID="$BED_BOOT_ID" "$top_builddir/backend/vault" "$b" "$(bed_job_attr "$b" job-originating-user-name)" b 1 \
	"job-uuid=$ub time-at-creation=$created" "$BED/b.pdf" >/dev/null 2>"$BED/log/direct-run.log" ||
	bed_die "the direct backend run failed: $(cat "$BED/log/direct-run.log")"
tap_is "$(vb_meta_state "$ua")/$(vb_meta_state "$ub")" done/done "both jobs printed and left DONE tombstones"
tap_is "$(bed_job_attr "$b" job-state)" pending "cupsd still has job B pending"

sleep 3				# both tombstones are older than tombstone-age
vs_start_vaultd
tap_ok "vaultd removes A's tombstone" bed_wait_until 15 eval '[ -z "$(vs_entry_file "$ua")" ]'
sleep 7				# two more polls that read the tombstones (every tenth of 0.3 s)
tap_is "$(vb_meta_state "$ub")" done "B's tombstone stays while cupsd has B unfinished"
tap_ok "vaultd's log names the removal" grep -q "Tombstone .* removed" "$BED/log/vaultd.log"

cupsenable vq
tap_ok "the started queue runs B; it completes" bed_wait_job "$b" completed 60
tap_is "$(vb_copies office "$BED/b.pdf")" 1 "B printed exactly once"
tap_ok "the backend said B had already printed" \
	grep -q "already printed" "$BED/log/error_log"
