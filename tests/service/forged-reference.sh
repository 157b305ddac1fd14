#!/bin/bash
# vault references: a document that starts like a vault reference but does
# not verify (forged MAC, altered entry, or a genuine reference submitted
# by another user) prints nothing, and the refusal is journalled.  The
# printer is the AppSocket sink, which keeps whatever bytes reach it.
# Needs the backend to read references (see daemon/vaultd-reconcile.c).
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 7

uri=$(bed_sink desk) || bed_die "the sink did not start"
vs_install_mime
vb_start
vs_install_backend
bed_add_queue vq "vault:/$uri" || bed_die "lpadmin refused the vault queue"

# A reference in the right format for a made-up entry, with a made-up MAC.
forge() {
	printf '%%cups-vault-reference 1\nentry: %s\nowner: %s\nissued: %s\nmac: %s\n' \
		"$1" "$2" "$EPOCHSECONDS" "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
}
forge 0123456789abcdef0123456789abcdef mallory >"$BED/forged.ref"

ids=()
ids+=("$(bed_submit vq "$BED/forged.ref" -U mallory)") || bed_die "lp failed"
ids+=("$(bed_submit vq "$BED/forged.ref" -U mallory -o raw)") || bed_die "lp -o raw failed"
tap_is "$(bed_job_attr "${ids[0]}" document-format-detected)" application/vnd.cups-vault-reference \
	"cupsd types the forged document as a vault reference (mime/vault.types)"

# A genuine-looking reference: a real entry id taken from a job stored
# here, its owner changed to mallory, the MAC kept.
bed_make_pdf "$BED/real.pdf" "a real job" 1 100
r=$(bed_submit vq "$BED/real.pdf" -U alice) || bed_die "lp failed"
bed_wait_job "$r" completed 30 || bed_die "the real job did not print"
eid=$(vs_entry_id "$(bed_job_attr "$r" job-uuid)")
forge "$eid" alice | sed "s/^owner: alice/owner: mallory/" >"$BED/altered.ref"
ids+=("$(bed_submit vq "$BED/altered.ref" -U mallory)") || bed_die "lp failed"

done_=0
for id in "${ids[@]}"; do
	bed_wait_job "$id" "completed|canceled|aborted" 30 2>/dev/null && done_=$((done_ + 1))
done
tap_is "$done_" 3 "the three forged jobs ended"
sleep 1
tap_is "$(bed_printed_count desk)" 1 "the printer received one document: the real job only"
tap_ok "the real job printed byte-identical" test "$(vb_copies desk "$BED/real.pdf")" = 1
tap_ok "no reference reached the printer" \
	bash -c "! grep -rl 'cups-vault-reference' '$BED/printers/desk/out' >/dev/null"
tap_is "$(vb_data_files)" 0 "no forged document was stored in the vault"
n=0
for id in "${ids[@]}"; do
	u=$(bed_job_attr "$id" job-uuid)
	grep -F "	uuid=$u	" "$BED/vault/spool/journal" | grep -qi "reference" && n=$((n + 1))
done
tap_is "$n" 3 "each refusal is journalled"
