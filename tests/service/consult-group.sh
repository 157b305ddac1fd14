#!/bin/bash
# vaultd: the representative is a group (representative = @tellers).  When
# alice does not decide within consult-timeout, every member of the group
# but alice herself -- listed in the group, or with it as primary group --
# is subscribed to the held job and gets the held event; one member's
# release prints it exactly once.  The group and the user clerk live in a
# private /etc/group and /etc/passwd, bind-mounted in the test bed's own
# mount namespace.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 5

cp /etc/group "$BED/group"
echo "tellers:x:64999:frontdesk,alice,backoffice" >>"$BED/group"
cp /etc/passwd "$BED/passwd"
echo "clerk:x:64998:64999:tellers by primary group:/nonexistent:/usr/sbin/nologin" >>"$BED/passwd"
mount --bind "$BED/group" /etc/group && mount --bind "$BED/passwd" /etc/passwd ||
	bed_die "cannot bind-mount a private /etc/group and /etc/passwd"
tap_is "$(getent group tellers | cut -d: -f4) $(id -gn clerk)" "frontdesk,alice,backoffice tellers" \
	"the group tellers exists in the bed, and is clerk's primary group"

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
vs_install_mime
vb_start
vs_vault_conf representative @tellers
vs_vault_conf consult-timeout 3s
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"
vs_start_vaultd

bed_make_pdf "$BED/a.pdf" "referred to a group" 1 2000
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -U alice) || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
vs_crash_backend "$a" "$ua"

all_four() { [ "$(vs_subscribers "$a")" = "alice backoffice clerk frontdesk " ]; }
tap_ok "after the timeout the members of @tellers but alice are subscribed, clerk too, alice once" bed_wait_until 20 all_four
tap_diag "subscribers: $(vs_subscribers "$a")"
tap_ok "backoffice gets the held event" bed_wait_until 5 vs_has_event backoffice "$a" job-state-changed pending-held
lp -i "$a" -H resume -U backoffice >/dev/null || bed_die "lp -H resume failed"
tap_ok "backoffice's release completes the job" bed_wait_job "$a" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "printed exactly once, byte-identical"
