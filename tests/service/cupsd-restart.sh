#!/bin/bash
# vaultd survives cupsd restarts: it waits while cupsd is down, reads every
# job again when it is back, and goes on working (here: a job whose
# backend was killed alone is re-created held after cupsd restarted, and
# the subscription of a held job is made again when cupsd lost it).
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 7

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vs_install_mime
vb_start
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
vs_start_vaultd

bed_stop_cupsd
tap_ok "vaultd notices cupsd is gone and waits" bed_wait_until 10 grep -q "Waiting for cupsd" "$BED/log/vaultd.log"
sleep 1
tap_ok "vaultd is still running" bed_alive vaultd
bed_start_cupsd
# connected N - true once vaultd has connected to cupsd N times.
connected() { [ "$(grep -c 'reading every job again' "$BED/log/vaultd.log")" -ge "$1" ]; }
tap_ok "vaultd reconnects and reads the jobs again" bed_wait_until 10 connected 2

bed_make_pdf "$BED/a.pdf" "after a cupsd restart" 1 3000
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -U alice) || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
vs_kill_backend_alone "$a" "$ua"
ea=$(vs_entry_id "$ua")
tap_ok "vaultd re-creates the held job" bed_wait_until 15 vs_has_recreated "$ea"
n=$(vs_recreated_job "$ea")
tap_ok "alice is consulted on it" bed_wait_until 10 vs_has_event alice "$n" job-state-changed pending-held

# cupsd killed (its unflushed subscriptions may be lost) and restarted:
# vaultd makes sure alice is subscribed again, and holds nothing twice.
kill -KILL "$(bed_pid cupsd)"
rm -f "$BED/pids/cupsd"
sleep 1
bed_start_cupsd
bed_wait_until 10 connected 3 || bed_die "vaultd did not reconnect"
bed_wait_until 10 grep -q "alice" <(vs_subscribers "$n")
tap_is "$(vs_subscribers "$n")" "alice " "alice has exactly one subscription after the restart"
sleep 2
tap_is "$(bed_printed_count office)/$(vs_recreated_job "$ea")" "0/$n" "nothing printed and nothing re-created twice"
