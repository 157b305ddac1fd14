#!/bin/bash
# vaultd: a job whose printer backend failed waits in cupsd for its retry,
# its vault entry STORED.  Canceled in cupsd meanwhile (`cancel N`), it
# never runs again, so vaultd crypto-erases the stored copy (DISCARDED),
# and nothing is printed.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 5

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
# "failing": reads the job and exits 1 (CUPS_BACKEND_FAILED).
printf '#!/bin/sh\ncat >/dev/null\necho "ERROR: the printer is unreachable" >&2\nexit 1\n' >"$BED/failing"
bed_install_backend "$BED/failing" failing
bed_vault_config >/dev/null || bed_die "vault.conf could not be written"
# The retry comes only after 10 minutes: the job waits, held until then.
BED_CUPSD_EXTRA="JobRetryInterval 600
JobRetryLimit 5
DirtyCleanInterval 0"
bed_start_cupsd
bed_add_queue vq "vault:/failing:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
vs_start_vaultd

bed_make_pdf "$BED/a.pdf" "failed, then canceled" 1 2000
a=$(bed_submit vq "$BED/a.pdf") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_until 30 vb_state_is "$ua" stored
tap_ok "after the failure the job waits for its retry, its entry STORED" \
	bed_wait_until 30 eval 'case $(bed_job_attr "$a" job-state) in pending*) vb_state_is "$ua" stored ;; *) false ;; esac'

cancel "$a" || bed_die "cancel failed"
tap_ok "vaultd discards the entry of the canceled job" bed_wait_until 15 vb_state_is "$ua" discarded
tap_is "$(vb_data_files)" 0 "no data file is left"
tap_ok "the journal says cupsd canceled it" grep -q "was canceled in cupsd" <(vs_journal_reasons "$ua")
tap_is "$(bed_printed_count office)" 0 "nothing was printed"
