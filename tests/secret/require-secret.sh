#!/bin/bash
# Originator secrets, per-queue policy: a queue with require-secret cancels
# a job without a job password with a clear message, stores and prints
# nothing and journals it, and prints a protected job; the representative
# may release a protected job (with its secret) only on a queue whose
# policy says so.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
. "$top_srcdir/tests/secret/lib.sh"
bed_init "$@"
tap_plan 9

SECRET="policy-Secret-5e0f"
vsec_start "[queue vq]" "require-secret = true" "[queue VR]" "representative-may-release-protected = true"
vs_vault_conf representative "$VSEC_OTHER"
bed_add_queue vr "vault:/rec:${VSEC_URI#ipp:}" || bed_die "lpadmin refused queue vr"
vs_stop_vaultd
vs_start_vaultd		# reads the representative

# require-secret: a job without a password is canceled, nothing stored.
bed_make_pdf "$BED/u.pdf" "unprotected on a protected queue" 1 1000
u=$(bed_submit vq "$BED/u.pdf" -U "$VSEC_OWNER") || bed_die "lp failed"
uu=$(bed_job_attr "$u" job-uuid)
tap_ok "a job without a secret on a require-secret queue is canceled" bed_wait_job "$u" canceled 30
msg=$(bed_job_attr "$u" job-printer-state-message)
tap_diag "message: $msg"
case $msg in *"accepts only jobs protected by a secret"*job-password*) r=0 ;; *) r=1 ;; esac
tap_result $r "its message says why and what to do"
tap_is "$(vb_journal "$uu" | tr '\n' ' ')" "none>refused " "the refusal is journalled, nothing was stored"
tap_is "$(vb_data_files)" 0 "the vault holds no data for it"

p=$(bed_submit vq "$BED/u.pdf" -U "$VSEC_OWNER" -o "job-password=$SECRET") || bed_die "lp failed"
tap_ok "the same document with a secret completes" bed_wait_job "$p" completed 60
tap_is "$(vb_copies office "$BED/u.pdf")" 1 "and printed once"

# The representative releases a protected job on vr (policy yes), not on vq (no).
bed_make_pdf "$BED/r.pdf" "released by the representative" 1 20000
bed_make_pdf "$BED/q.pdf" "not releasable by the representative" 1 20000
: >"$BED/slow.gate"
rj=$(bed_submit vr "$BED/r.pdf" -U "$VSEC_OWNER" -o "job-password=$SECRET") || bed_die "lp failed"
vs_crash_backend "$rj" "$(bed_job_attr "$rj" job-uuid)"
: >"$BED/slow.gate"
q=$(bed_submit vq "$BED/q.pdf" -U "$VSEC_OWNER" -o "job-password=$SECRET") || bed_die "lp failed"
vs_crash_backend "$q" "$(bed_job_attr "$q" job-uuid)"
out=$(vsec_release "$VSEC_OTHER" "$q" "$SECRET"); st=$?
tap_diag "representative on vq: $out"
case $st:$(bed_job_attr "$q" job-state):$out in 1:pending-held:*"Only $VSEC_OWNER"*) r=0 ;; *) r=1 ;; esac
tap_result $r "the representative is refused on a queue without the policy; the job stays held"
out=$(vsec_release "$VSEC_OTHER" "$rj" "$SECRET"); st=$?
tap_diag "representative on vr: $out"
tap_is "$st" 0 "the representative releases it with the secret where the policy allows"
bed_wait_job "$rj" completed 60
tap_is "$(vb_copies office "$BED/r.pdf"):$(vb_copies office "$BED/q.pdf")" "1:0" \
	"that job printed once; the other did not"
