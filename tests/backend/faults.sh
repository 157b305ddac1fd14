#!/bin/bash
# Bad input and faults, the backend run directly as cupsd would run it (a
# raw queue: the document in argv[6]), with an inner backend that records
# what it receives: an empty job, a missing key, an unusable spool area, a
# malformed or unknown inner URI, unreadable job data, credentials in the
# inner URI, a damaged copy before a retry, a journal that cannot be
# written when a retry would send, a job stopped while it is stored.  Each gets a clear ERROR: line and the
# right exit code, and never leaves a valid entry that is not whole.
# SPDX-License-Identifier: Apache-2.0

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/bed/tap.sh"
tap_plan 25

W=$(mktemp -d "${TMPDIR:-/tmp}/vault-faults.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/serverbin/backend" "$W/spool" "$W/a" "$W/b"
printf '#!/bin/sh\nexec cat >"%s/received"\n' "$W" >"$W/serverbin/backend/rec"
printf '#!/bin/sh\ncat >/dev/null\nexit 1\n' >"$W/serverbin/backend/fail"
chmod 0700 "$W/serverbin/backend/rec" "$W/serverbin/backend/fail"
head -c 32 /dev/urandom >"$W/key"
chmod 0600 "$W/key"

# vault_conf FILE KEY AREA_A AREA_B - write a vault.conf.
vault_conf() {
	printf '[vault]\nspool-root = %s\nkey-file = %s\n[area a]\npath = %s\ncapacity = 100M\n[area b]\npath = %s\ncapacity = 100M\n' \
		"$W/spool" "$2" "$3" "$4" >"$1"
}
vault_conf "$W/vault.conf" "$W/key" "$W/a" "$W/b"

# run CONF DEVICE_URI [FILE] - run the backend (stdin from $STDIN, default
# /dev/null); exit status in $status, stderr in $W/err.
run() {
	local uuid=${UUID:-}
	[ -n "$uuid" ] || uuid=$(cat /proc/sys/kernel/random/uuid)
	rm -f "$W/received"
	env -i PATH="$PATH" VAULT_CONF="$1" CUPS_SERVERBIN="$W/serverbin" DEVICE_URI="$2" \
		PRINTER=faults VAULT_BOOT_ID=faults-boot \
		"$top_builddir/backend/vault" 7 alice "fault test" 1 \
		"job-uuid=urn:uuid:$uuid time-at-creation=${CREATED:-$(date +%s)}" ${3:+"$3"} \
		<"${STDIN:-/dev/null}" >/dev/null 2>"$W/err"
	status=$?
}

# live_files - how many files the areas hold.
live_files() {
	find "$W/a" "$W/b" -type f | wc -l
}

: >"$W/empty"
run "$W/vault.conf" "vault:/rec://printer/q" "$W/empty"
tap_is "$status" 0 "an empty job prints (exit 0)"
tap_is "$(wc -c <"$W/received" 2>/dev/null)" 0 "the printer received 0 bytes"
tap_is "$(grep -c 'to=done' "$W/spool/journal")" 1 "its entry went to DONE, in the journal"

head -c 70000 /dev/urandom >"$W/doc"
vault_conf "$W/nokey.conf" "$W/missing.key" "$W/a" "$W/b"
run "$W/nokey.conf" "vault:/rec://printer/q" "$W/doc"
tap_is "$status" 4 "a missing site key stops the queue (CUPS_BACKEND_STOP)"
tap_ok "the message names the key file and what to do" grep -q "^ERROR: .*missing.key.*vaultctl keygen" "$W/err"
tap_ok "nothing was sent" test ! -e "$W/received"

: >"$W/not-a-dir"
vault_conf "$W/badarea.conf" "$W/key" "$W/not-a-dir" "$W/b"
run "$W/badarea.conf" "vault:/rec://printer/q" "$W/doc"
tap_is "$status" 4 "an unusable spool area stops the queue"
tap_ok "the message names the area" grep -q "^ERROR: The vault cannot store jobs: .*not-a-dir" "$W/err"

run "$W/vault.conf" "vault:/" "$W/doc"
tap_is "$status" 4 "a vault: URI without an inner URI stops the queue"
tap_ok "the message says how the URI must look" grep -q "^ERROR: .*vault:/<scheme>://<printer>" "$W/err"

run "$W/vault.conf" "vault:/nosuch://printer/q" "$W/doc"
tap_ok "an inner scheme without a backend stops the queue, naming it" \
	test "$status" = 4 -a -n "$(grep '^ERROR: .*nosuch' "$W/err")"

before=$(live_files)
STDIN=$W run "$W/vault.conf" "vault:/rec://printer/q"
tap_is "$status" 1 "unreadable job data fails the job (CUPS_BACKEND_FAILED)"
tap_ok "the message says nothing was printed" grep -q "^ERROR: The job could not be stored: .*\. Nothing was printed" "$W/err"
tap_is "$(live_files)" "$before" "no entry is left behind"

run "$W/vault.conf" "vault:/rec://alice:s3cr3t-pw@printer/q" "$W/doc"
tap_ok "credentials in the inner URI: the job prints, byte for byte" cmp -s "$W/doc" "$W/received"
tap_ok "the password is in none of our files (sidecars, journal) and none of our messages" \
	bash -c "! grep -rqs 's3cr3t-pw' '$W/spool' '$W/a' '$W/b' '$W/err'"

# A job the printer's backend failed (STORED, for cupsd's retry) whose data
# file is damaged before the retry: the retry sends nothing and leaves the
# entry STORED (not SENDING: it was never being sent).
export UUID CREATED
UUID=$(cat /proc/sys/kernel/random/uuid) CREATED=$(date +%s)
run "$W/vault.conf" "vault:/fail://printer/q" "$W/doc"
meta=$(grep -l "^uuid=urn:uuid:$UUID\$" "$W"/a/*.meta "$W"/b/*.meta)
tap_is "$status/$(sed -n 's/^state=//p' "$meta")" 1/stored "the inner backend failed: exit 1, the entry STORED"
truncate -s 1000 "${meta%.meta}.data"
run "$W/vault.conf" "vault:/rec://printer/q" "$W/doc"
tap_ok "the retry of the damaged copy fails with a clear error" \
	test "$status" != 0 -a -n "$(grep '^ERROR: ' "$W/err")"
tap_ok "nothing was sent" test ! -e "$W/received"
tap_is "$(sed -n 's/^state=//p' "$meta")" stored "the entry is still STORED, never SENDING"

# The journal cannot be written when the retry would send: the queue stops
# with a message naming the journal, nothing is sent, and the entry stays
# STORED (not SENDING, which a later run would hold as interrupted); once
# the journal works the job prints.
UUID=$(cat /proc/sys/kernel/random/uuid)
run "$W/vault.conf" "vault:/fail://printer/q" "$W/doc"
meta=$(grep -l "^uuid=urn:uuid:$UUID\$" "$W"/a/*.meta "$W"/b/*.meta)
mv "$W/spool/journal" "$W/journal.saved" && mkdir "$W/spool/journal"
run "$W/vault.conf" "vault:/rec://printer/q" "$W/doc"
tap_ok "an unwritable journal stops the queue, naming the journal" \
	test "$status" = 4 -a -n "$(grep '^ERROR: .*journal' "$W/err")"
tap_is "$(sed -n 's/^state=//p' "$meta")/$(test -e "$W/received" && echo sent)" stored/ "nothing was sent; the entry is STORED again"
rmdir "$W/spool/journal" && mv "$W/journal.saved" "$W/spool/journal"
run "$W/vault.conf" "vault:/rec://printer/q" "$W/doc"
tap_is "$status/$(cmp -s "$W/doc" "$W/received" && echo same)" 0/same "with the journal back, the job prints, byte for byte"
unset UUID CREATED

# cupsd stops a job while its filters still feed the backend (cancel,
# cupsdisable, cupsd restart): SIGTERM goes to the filters and the backend
# together, so the end of the data is no end of the job.  Nothing is
# stored and nothing is sent; the next run stores the job whole.
before=$(live_files)
rm -f "$W/received"
mkfifo "$W/feed"
env -i PATH="$PATH" VAULT_CONF="$W/vault.conf" CUPS_SERVERBIN="$W/serverbin" DEVICE_URI="vault:/rec://printer/q" \
	PRINTER=faults VAULT_BOOT_ID=faults-boot "$top_builddir/backend/vault" 8 alice "stopped" 1 \
	"job-uuid=urn:uuid:$(cat /proc/sys/kernel/random/uuid) time-at-creation=$(date +%s)" \
	<"$W/feed" >/dev/null 2>"$W/err" &
backend=$!
exec 9>"$W/feed"
head -c 40000 "$W/doc" >&9
for i in $(seq 200); do		# until it stores: its RECEIVING entry is there
	[ "$(live_files)" -gt "$before" ] && break
	sleep 0.05
done
sleep 0.2
kill -TERM "$backend"
sleep 0.2
exec 9>&-
wait "$backend"
tap_ok "a job stopped while it is stored is not stored: it says so" grep -q "^ERROR: .*stopped while it was being stored" "$W/err"
tap_is "$(live_files)/$(test -e "$W/received" && echo sent)" "$before/" "no entry is left, nothing was sent"
