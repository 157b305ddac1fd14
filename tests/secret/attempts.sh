#!/bin/bash
# Originator secrets: wrong secrets are counted per job and journalled; after
# five the job can no longer be released, even with the right secret and
# after vaultd restarts (the journal is the count), only canceled.  The
# release socket refuses grants to anyone but root and anything that is not
# a documented request.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
. "$top_srcdir/tests/secret/lib.sh"
[ -x "${VSEC_PYTHON:=/usr/bin/python3}" ] || tap_skip_all "python3 is not installed (raw requests on the release socket)"
bed_init "$@"
tap_plan 16

SECRET="attempts-Secret-91d3"
vsec_start

bed_make_pdf "$BED/c.pdf" "protected, interrupted, guessed at" 1 20000
: >"$BED/slow.gate"
c=$(bed_submit vq "$BED/c.pdf" -U "$VSEC_OWNER" -o "job-password=$SECRET") || bed_die "lp failed"
uc=$(bed_job_attr "$c" job-uuid)
vs_crash_backend "$c" "$uc"
tap_is "$(bed_job_attr "$c" job-state)" pending-held "the interrupted protected job is held"

statuses=""
for i in 1 2 3 4 5; do
	out=$(vsec_release "$VSEC_OWNER" "$c" "guess-$i"); statuses="$statuses$?"
done
tap_diag "fifth answer: $out"
tap_is "$statuses" 11111 "five wrong secrets are refused"
case $out in *"last of 5"*) r=0 ;; *) r=1 ;; esac
tap_result $r "the fifth refusal says it was the last attempt"
tap_is "$(vs_journal_reasons "$uc" | grep -c '^release refused: wrong secret')" 5 "each wrong secret is journalled"

out=$(vsec_release "$VSEC_OWNER" "$c" "$SECRET"); st=$?
tap_diag "sixth answer: $out"
case $st:$out in *"no longer be released"*) r=0 ;; *) r=1 ;; esac
tap_result $r "then even the right secret is refused"
tap_is "$(bed_job_attr "$c" job-state)" pending-held "the job stays held"

vs_stop_vaultd
vs_start_vaultd
bed_wait_until 10 test -S "$BED/run/vaultd.sock" || bed_die "vaultd did not reopen its release socket"
out=$(vsec_release "$VSEC_OWNER" "$c" "$SECRET"); st=$?
case $st:$out in 1:*"no longer be released"*) r=0 ;; *) r=1 ;; esac
tap_result $r "after vaultd restarts the count still holds (read from the journal)"

# The socket: grants only for root; nothing but the documented requests.
vsec_raw() {	# USER PAYLOAD - send one frame as USER, print the answer
	setpriv --reuid="$1" --regid="$(id -g "$1")" --clear-groups "$VSEC_PYTHON" -c '
import socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
p = sys.argv[2].encode(); s.sendall(struct.pack(">I", len(p)) + p)
h = s.recv(4); n = struct.unpack(">I", h)[0] if len(h) == 4 else 0
d = b""
while len(d) < n:
    c = s.recv(n - len(d))
    if not c: break
    d += c
print(d.decode("latin-1"))' "$BED/run/vaultd.sock" "$2"
}
eid=$(vs_entry_id "$uc")
out=$(vsec_raw "$VSEC_OWNER" "grant $eid")
tap_diag "grant as $VSEC_OWNER: $out"
case $out in refused*) r=0 ;; *) r=1 ;; esac
tap_result $r "a grant request from a user other than root is refused"
out=$(vsec_raw "$VSEC_OWNER" "show-me everything")
case $out in refused*) r=0 ;; *) r=1 ;; esac
tap_result $r "an undocumented request is refused"
out=$(vsec_raw root "grant $eid")
case $out in none*) r=0 ;; *) r=1 ;; esac
tap_result $r "root gets no grant for the job: none was given"

cancel "$c" || bed_die "cancel failed"
tap_ok "canceling is what is left: the job ends canceled" bed_wait_job "$c" canceled 30
sleep 2
tap_is "$(vb_copies office "$BED/c.pdf")" 0 "it never printed"

# A release whose printer fails: held again (AWAITING), not retried from argv.
bed_make_pdf "$BED/d.pdf" "released, the printer fails once" 1 20000
: >"$BED/slow.gate"
d=$(bed_submit vq "$BED/d.pdf" -U "$VSEC_OWNER" -o "job-password=$SECRET") || bed_die "lp failed"
ud=$(bed_job_attr "$d" job-uuid)
vs_crash_backend "$d" "$ud"
: >"$BED/inner.fail"
out=$(vsec_release "$VSEC_OWNER" "$d" "$SECRET"); st=$?
tap_is "$st" 0 "job D released with its secret"
moves() {	# the state changes of job D's entry (notes, from = to, left out)
	vb_journal "$ud" | awk -F'>' '$1 != $2'
}
held_again() {
	[ "$(moves | tail -n 2 | tr '\n' ' ')" = "awaiting>sending sending>awaiting " ]
}
bed_wait_until 30 held_again
tap_is "$(moves | tail -n 3 | tr '\n' ' ')" "sending>awaiting awaiting>sending sending>awaiting " \
	"the printer failed: the entry went back to AWAITING"
tap_ok "and the job is held again" bed_wait_job "$d" pending-held 30
rm -f "$BED/inner.fail"
vsec_release "$VSEC_OWNER" "$d" "$SECRET" >/dev/null
bed_wait_job "$d" completed 60
tap_is "$(vb_copies office "$BED/d.pdf")" 1 "released again, it printed once"
