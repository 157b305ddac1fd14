#!/bin/bash
# vaultd: power loss with one job printing and two waiting behind it (queue
# vq), and one more printing on a second queue (vq2).  Everything is killed
# (cupsd, backends, printers, vaultd); boot sweep, restart, vaultd.
#
# What should happen: the two printing jobs had entered the vault and were
# interrupted: each is held with the message and nothing of them prints by
# itself.  The two waiting jobs had never reached the vault backend (it
# stores a job when cupsd runs it), so nothing of them was ever sent:
# cupsd runs them after the restart as ordinary jobs and each prints once.
# Then the printers' output stays unchanged for 10 s.  alice, polling
# Get-Notifications, receives the held event of her interrupted job,
# releases it (printed exactly once) and cancels the other held job
# (erased: no data file, DISCARDED).
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 14

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
uri2=$(bed_ippeveprinter annex) || bed_die "ippeveprinter did not start"
vb_slow_backend
vs_install_mime
vb_start
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
bed_add_queue vq2 "vault:/slow:${uri2#ipp:}" || bed_die "lpadmin refused the vault queue"
vs_start_vaultd

for n in a b c d; do
	bed_make_pdf "$BED/$n.pdf" "power loss: job $n" 1 $((5000 + RANDOM % 1000))
done
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -U alice -t "printing") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_until 20 vb_state_is "$ua" sending || bed_die "job a never reached SENDING"
b=$(bed_submit vq "$BED/b.pdf" -U bob -t "waiting 1") || bed_die "lp failed"
c=$(bed_submit vq "$BED/c.pdf" -U carol -t "waiting 2") || bed_die "lp failed"
d=$(bed_submit vq2 "$BED/d.pdf" -U alice -t "printing too") || bed_die "lp failed"
ud=$(bed_job_attr "$d" job-uuid)
bed_wait_until 20 vb_state_is "$ud" sending || bed_die "job d never reached SENDING"
tap_is "$(bed_job_attr "$b" job-state)/$(bed_job_attr "$c" job-state)/$(vb_data_files)" \
	pending/pending/2 "before the power loss: b and c wait, only a and d are in the vault"

vs_stop_vaultd KILL
bed_power_loss
rm -f "$BED/slow.gate"
vs_recover >"$BED/log/recover.log" 2>&1 || bed_die "vaultd --recover failed: $(cat "$BED/log/recover.log")"
tap_is "$(vb_meta_state "$ua")/$(vb_meta_state "$ud")" resurrected/resurrected \
	"the boot sweep marks both interrupted entries RESURRECTED"
bed_restart
vs_start_vaultd

tap_ok "the interrupted job a is held" bed_wait_job "$a" pending-held 30
tap_ok "the interrupted job d is held" bed_wait_job "$d" pending-held 30
tap_ok "the never-sent job b prints" bed_wait_job "$b" completed 60
tap_ok "the never-sent job c prints" bed_wait_job "$c" completed 60
vs_message_ok() {
	case $(bed_job_attr "$1" job-printer-state-message) in *[Ii]nterrupted*Release*once*cancel*) return 0 ;; esac
	return 1
}
bed_wait_until 15 vs_message_ok "$a"
bed_wait_until 15 vs_message_ok "$d"
tap_diag "message of a: $(bed_job_attr "$a" job-printer-state-message)"
vs_message_ok "$a" && vs_message_ok "$d"
tap_result $? "both held jobs say they were interrupted and what release and cancel do"

out=$(bed_printed_files office; bed_printed_files annex)
sleep 10
tap_is "$(bed_printed_files office; bed_printed_files annex)" "$out" "the printers' output is unchanged 10 s later"
tap_is "$(vb_copies office "$BED/a.pdf")/$(vb_copies office "$BED/b.pdf")/$(vb_copies office "$BED/c.pdf")/$(vb_copies annex "$BED/d.pdf")" \
	0/1/1/0 "nothing of a or d printed; b and c printed once each"

tap_ok "alice gets the held event of job a with Get-Notifications" \
	bed_wait_until 10 vs_has_event alice "$a" job-state-changed pending-held
lp -i "$a" -H resume -U alice >/dev/null || bed_die "lp -H resume failed"
tap_ok "the released job a completes" bed_wait_job "$a" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "a printed exactly once, byte-identical"

cancel -U alice "$d" || bed_die "cancel failed"
tap_ok "the canceled job d is discarded" bed_wait_until 15 vb_state_is "$ud" discarded
tap_is "$(vb_data_files)/$(vb_copies annex "$BED/d.pdf")" 0/0 "d is erased (no data file left) and never printed"
