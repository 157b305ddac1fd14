#!/bin/bash
# vault backend: a release that has to wait for the entry's lock is still a
# release.  vaultd locks each held entry for a moment at every poll (to
# consult, to record its cupsd); a release run that finds the lock taken
# waits, and then prints the job once, since nothing held the entry again
# while it waited.  (A run that waited for an earlier run of the same job
# which then held it is not a release: tests/backend/cupsd-restart.sh.)
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 4

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vb_start
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
bed_make_pdf "$BED/a.pdf" "released while locked" 1 70000

: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_until 20 vb_state_is "$ua" sending || bed_die "the entry never became SENDING"
kill -HUP $(vb_backend_pids)
rm -f "$BED/slow.gate"
bed_wait_until 60 vb_state_is "$ua" awaiting
tap_ok "the interrupted job is held" bed_wait_job "$a" pending-held 30

# Hold the entry's lock for 3 s, as vaultd does for a moment, and release.
id=$(basename "$(grep -l "^uuid=$ua\$" "$BED"/vault/areas/*/*.meta | head -n 1)" .meta)
lock=$(find "$BED/vault" -name "$id.lock" | head -n 1)
[ -n "$lock" ] || bed_die "no lock file for entry $id"
flock -x "$lock" sleep 3 &
locker=$!
sleep 0.5
lp -i "$a" -H resume >/dev/null || bed_die "lp -H resume failed"
wait "$locker"
tap_ok "the release completes the job" bed_wait_job "$a" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "printed exactly once, byte-identical"
tap_ok "the run waited for the lock" grep -q "Waiting for an earlier run of this job" "$BED/log/error_log"
