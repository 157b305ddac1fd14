# Helpers of vaultd's service tests, on top of tests/bed and tests/backend.
# SPDX-License-Identifier: Apache-2.0
#
# Sourced by tests/service/*.sh after bed.sh, tests/backend/lib.sh and
# bed_init.  vaultd runs in the bed with the bed's environment and is
# tracked, so the bed's teardown stops it.

VS_VAULTD=${VS_VAULTD:-$top_builddir/daemon/vaultd}

# vs_install_mime - the reference MIME type (mime/vault.*) in the bed's
# ServerRoot, so cupsd accepts application/vnd.cups-vault-reference.
# Before the first bed_start_cupsd.
vs_install_mime() {
	mkdir -p "$BED/etc"
	cp "$top_srcdir/mime/vault.types" "$top_srcdir/mime/vault.convs" "$BED/etc/"
}

# vs_vault_conf KEY VALUE - add KEY = VALUE to the [vault] group of the
# bed's vault.conf (after vb_start).
vs_vault_conf() {
	sed -i "/^\[vault\]\$/a $1 = $2" "$VAULT_CONF"
}

# vs_start_vaultd - start "vaultd --foreground" in the bed (poll every 0.3 s),
# logging to $BED/log/vaultd.log; waits until it reached cupsd.
vs_start_vaultd() {
	VAULTD_POLL_INTERVAL=${VS_POLL:-0.3} VAULT_CONF="$VAULT_CONF" CUPS_SERVER="$CUPS_SERVER" \
		VAULT_BOOT_ID="${BED_BOOT_ID}" G_MESSAGES_DEBUG="${VS_DEBUG:-}" \
		"$VS_VAULTD" --foreground >>"$BED/log/vaultd.log" 2>&1 &
	bed_track vaultd $!
	bed_wait_until 10 grep -q "Connected to cupsd" "$BED/log/vaultd.log" ||
		bed_die "vaultd did not reach cupsd: $(cat "$BED/log/vaultd.log")"
}

# vs_stop_vaultd [SIGNAL] - stop the tracked vaultd (default TERM) and wait.
vs_stop_vaultd() {
	local pid

	pid=$(bed_pid vaultd)
	[ -n "$pid" ] || return 0
	kill "-${1:-TERM}" "$pid" 2>/dev/null
	bed_wait_until 10 _bed_ended vaultd
	rm -f "$BED/pids/vaultd"
}

# vs_recover - the boot sweep, as at boot (before cupsd starts).
vs_recover() {
	VAULT_CONF="$VAULT_CONF" VAULT_BOOT_ID="$BED_BOOT_ID" "$VS_VAULTD" --recover
}

# vs_entry_file UUID - the sidecar of the entry of job UUID: its tombstone
# (spool/tombstones/) when it has one, else its live sidecar in an area.
vs_entry_file() {
	grep -l "^uuid=$1\$" "$BED"/vault/spool/tombstones/*.meta "$BED"/vault/areas/*/*.meta 2>/dev/null | head -n 1
}

# vs_journal_reasons UUID - the reasons journalled for job UUID, one a line.
vs_journal_reasons() {
	grep -F "	uuid=$1	" "$BED/vault/spool/journal" 2>/dev/null |
		sed -n 's/.*	reason=\([^	]*\).*/\1/p'
}

# _vs_ipptool USER TEST-NAME BODY... - run one ipptool request as USER
# against cupsd (verbose, so every attribute of the answer is printed).
_vs_ipptool() {
	local user=$1 uri=$2 file=$BED/run/vs-$$.test
	shift 2
	{
		echo "{"
		echo "	OPERATION $1"
		echo "	GROUP operation-attributes-tag"
		echo "	ATTR charset attributes-charset utf-8"
		echo "	ATTR naturalLanguage attributes-natural-language en"
		echo "	ATTR uri printer-uri \$uri"
		echo "	ATTR name requesting-user-name $user"
		shift
		printf '\t%s\n' "$@"
		echo "}"
	} >"$file"
	ipptool -tv -T 5 "$uri" "$file" 2>&1
}

# vs_subscriptions USER JOB - "id user" of each subscription on JOB that USER sees as theirs.
vs_subscriptions() {
	_vs_ipptool "$1" "$BED_CUPSD_URI/" Get-Subscriptions "ATTR integer notify-job-id $2" \
		"ATTR boolean my-subscriptions true" |
		awk '/notify-subscriber-user-name \(nameWithoutLanguage\) =/ { user = $NF } /notify-subscription-id \(integer\) =/ { print $NF, user }'
}

# vs_subscribers JOB - the user names subscribed to JOB (as root sees them).
vs_subscribers() {
	_vs_ipptool root "$BED_CUPSD_URI/" Get-Subscriptions "ATTR integer notify-job-id $1" \
		"ATTR boolean my-subscriptions false" |
		sed -n 's/.*notify-subscriber-user-name (nameWithoutLanguage) = //p' | sort | tr '\n' ' '
}

# vs_notifications USER JOB - the events USER receives for JOB with ippget,
# one "event job-state" a line (Get-Notifications on USER's subscriptions).
vs_notifications() {
	local ids

	ids=$(vs_subscriptions "$1" "$2" | awk -v u="$1" '$2 == u { print $1 }' | paste -sd, -)
	[ -n "$ids" ] || return 0
	_vs_ipptool "$1" "$BED_CUPSD_URI/" Get-Notifications "ATTR integer notify-subscription-ids $ids" \
		"ATTR boolean notify-wait false" |
		awk '/notify-subscribed-event \(keyword\) =/ { ev = $NF } /job-state \(enum\) =/ { if (ev != "") print ev, $NF; ev = "" }'
}

# vs_has_event USER JOB EVENT STATE - true when USER got EVENT with job-state STATE for JOB.
vs_has_event() {
	vs_notifications "$1" "$2" | grep -qx "$3 $4"
}

# vs_newest_job - the highest job id cupsd knows.
vs_newest_job() {
	lpstat -W all -o 2>/dev/null | sed -n 's/^[^ ]*-\([0-9]*\) .*/\1/p' | sort -n | tail -n 1
}

# vs_entry_id UUID - the entry id (sidecar name) of job UUID.
vs_entry_id() {
	local f

	f=$(vs_entry_file "$1")
	[ -n "$f" ] && basename "$f" .meta
}

# vs_kill_backend_alone JOB UUID - with the slow gate closed, SIGKILL the
# vault backend of JOB while it sends; cupsd then calls the job completed
# and the entry stays SENDING (its pid dead).
vs_kill_backend_alone() {
	bed_wait_until 20 vb_state_is "$2" sending || bed_die "job $1 never reached SENDING"
	kill -KILL $(vb_backend_pids)
	rm -f "$BED/slow.gate"
	bed_wait_job "$1" completed 30 || bed_die "cupsd did not complete job $1"
}

# vs_crash_backend JOB UUID - SIGHUP the vault backend of JOB while it
# sends: cupsd runs it again and the backend holds the job (AWAITING).
vs_crash_backend() {
	bed_wait_until 20 vb_state_is "$2" sending || bed_die "job $1 never reached SENDING"
	kill -HUP $(vb_backend_pids)
	rm -f "$BED/slow.gate"
	bed_wait_until 60 vb_state_is "$2" awaiting || bed_die "job $1 was not held by the backend"
	bed_wait_job "$1" pending-held 30 || bed_die "job $1 was not held in cupsd"
}

# vs_recreated_job ENTRY-ID - the id of the job vaultd re-created for
# ENTRY-ID (its vault-entry-id attribute), or nothing.
vs_recreated_job() {
	local id

	for id in $(lpstat -W all -o 2>/dev/null | sed -n 's/^[^ ]*-\([0-9]*\) .*/\1/p'); do
		[ "$(bed_job_attr "$id" vault-entry-id)" = "$1" ] && echo "$id"
	done | sort -n | tail -n 1
}

# vs_has_recreated ENTRY-ID - true once vaultd re-created a job for ENTRY-ID.
vs_has_recreated() {
	[ -n "$(vs_recreated_job "$1")" ]
}

# vs_install_backend - replace the bed's vault backend by $VS_VAULT_BACKEND
# when set (to try a backend change before it is in the tree).
vs_install_backend() {
	[ -n "${VS_VAULT_BACKEND:-}" ] && install -m 0700 "$VS_VAULT_BACKEND" "$BED/bin/backend/vault"
	return 0
}

# vs_install_notifier [SCHEME] - install the recording notifier
# (tests/service/notifier-record) as ServerBin/notifier/SCHEME (default
# vaulttest) and have it append to $VS_NOTICES (mode 0666: it runs as lp).
# Before vb_start (the log's path reaches it through cupsd's SetEnv).
VS_NOTICES=${BED:-/tmp}/notices.log
vs_install_notifier() {
	VS_NOTICES=$BED/notices.log
	mkdir -p "$BED/bin/notifier"
	install -m 0755 "${VS_NOTIFIER:-$top_builddir/tests/service/notifier-record}" \
		"$BED/bin/notifier/${1:-vaulttest}"
	: >"$VS_NOTICES"
	chmod 0666 "$VS_NOTICES"
	bed_setenv VAULT_NOTICE_LOG "$VS_NOTICES"
}

# vs_notices - the events the recording notifier received, one
# "recipient event job-id job-state" a line.
vs_notices() {
	tr '\t' ' ' <"$VS_NOTICES" 2>/dev/null
}

# vs_has_notice RECIPIENT EVENT JOB STATE - true once the recording
# notifier delivered EVENT for JOB in STATE to RECIPIENT.
vs_has_notice() {
	vs_notices | grep -qxF "$1 $2 $3 $4"
}
