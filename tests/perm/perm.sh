#!/bin/bash
# Permissions and secrets: the spool, the key and the journal are closed to
# other users (modes, and reads tried as `nobody`); under the <Policy vault>
# of doc/HARDENING.md one local user cannot release or cancel another's held
# job (cupsd authenticates local users by their socket's peer credentials);
# no credential, job password or job data appears in our processes' argv,
# the backend's log lines or the journal while a job prints.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 16

OWNER=daemon OTHER=nobody
PW=JobPw-4e1f CRED=UriCred-93b2 DATA=JobData-7c55

# The policy exactly as the hardening guide prints it.
BED_CUPSD_EXTRA=$(awk '/<!-- vault-policy/ { on = 1; next }
	on && /^```/ { fence++; if (fence == 2) exit; next }
	on && fence == 1' "$top_srcdir/doc/HARDENING.md")
case $BED_CUPSD_EXTRA in *"<Policy vault>"*"</Policy>"*) ;; *) bed_die "no policy block in HARDENING.md" ;; esac

sink=$(bed_sink office) || bed_die "sink did not start"
vb_slow_backend
bed_vault_config >/dev/null || bed_die "cannot write vault.conf"
bed_start_cupsd
# The slow backend hands over to the ipp backend; here to the socket one.
sed -i 's|ipp:|socket:|g; s|/backend/ipp"|/backend/socket"|' "$BED/bin/backend/slow"
bed_add_queue pq "vault:/slow://u:$CRED@${sink#socket://}" -o printer-op-policy=vault || bed_die "lpadmin refused pq"

# as USER COMMAND... - run COMMAND as a local user, groups cleared.
as() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups -- "$@"
}

# --- a job held in SENDING (the gate) while argv and files are inspected
printf '%%PDF-1.4\n%% %s\n' "$DATA" >"$BED/doc.pdf"
head -c 200000 /dev/urandom >>"$BED/doc.pdf"
chmod 0644 "$BED/doc.pdf"
: >"$BED/slow.gate"
id=$(as "$OWNER" lp -d pq -o job-password="$PW" -t "perm test" -- "$BED/doc.pdf" | sed -n 's/^request id is pq-\([0-9]*\) .*/\1/p')
tap_ok "$OWNER submits a job through the vault policy" test -n "$id"
uuid=$(bed_job_attr "$id" job-uuid)
bed_wait_until 20 vb_state_is "$uuid" sending || bed_die "the job never reached SENDING"

leaks=0 early=0
for _ in 1 2 3 4 5; do
	for pid in $(ps -e -o pid=,args= | awk -v a="$PW" -v b="$CRED" -v c="$DATA" 'index($0, a) || index($0, b) || index($0, c) { print $1 }'); do
		[ "$pid" = "$$" ] && continue
		sleep 0.05	# cupsd's exec shows them for the first milliseconds
		if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE "$PW|$CRED|$DATA"; then
			tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE '^(awk|ps|grep) ' && continue
			leaks=$((leaks + 1))
			tap_diag "pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | head -c 300)"
		else
			early=$((early + 1))
		fi
	done
	sleep 0.1
done
tap_is "$leaks" 0 "no process's argv shows the job password, the URI credential or job data"
tap_diag "processes caught before they scrubbed argv: $early"

v=$BED/vault
tap_is "$(stat -c %a "$v/spool" "$v/areas/a" "$v/areas/b" | sort -u)" 700 "spool root and areas are mode 0700"
tap_is "$(stat -c %a "$v/key")" 600 "the key file is mode 0600"
tap_ok "the journal and every entry file have no group/other bits" \
	test -z "$(find "$v/spool" "$v/areas" -type f -perm /077 -print)"
tap_diag "$(find "$v/spool" "$v/areas" -type f -printf '%m %p\n' | sed "s|$BED/||")"
data=$(find "$v/areas" -name '*.data' | head -n 1)
meta=$(find "$v/areas" -name '*.meta' | head -n 1)
tap_ok "an entry exists while the job prints" test -n "$data" -a -n "$meta"
denied=0 total=0
for f in "$v/key" "$v/spool/journal" "$data" "$meta"; do
	total=$((total + 1))
	as "$OTHER" cat "$f" >/dev/null 2>&1 || denied=$((denied + 1))
done
for d in "$v/spool" "$v/areas/a" "$v/areas/b"; do
	total=$((total + 1))
	as "$OTHER" ls "$d" >/dev/null 2>&1 || denied=$((denied + 1))
done
tap_is "$denied/$total" "$total/$total" "$OTHER can read neither the key, the journal, the entry's files, nor list the spool"
tap_ok "the stored data holds no plaintext" eval '! grep -rqa "$DATA" "$v/areas"'

rm -f "$BED/slow.gate"
tap_ok "the job completes" bed_wait_job "$id" completed 30
tap_is "$(vb_copies office "$BED/doc.pdf")" 1 "and printed once, byte-identical"
for what in PW CRED DATA; do
	eval "m=\$$what"
	hits=$(grep -c -- "$m" "$v/spool/journal")
	# cupsd's own debug log shows job-password (CUPS-NOTES): only the lines
	# our backend wrote count ("[Job N] " + the backend's stderr).
	ours=$(grep -- "$m" "$BED/log/error_log" | grep -vE 'argv\[|envp\[|device-uri to |job-password|Print-Job|Create-Job|Send-Document|copy_attrs|ipp_read|add_job|update_job_attrs' | wc -l)
	tap_is "$hits $ours" "0 0" "no $what in the journal or in the backend's log lines" ||
		tap_diag "$(grep -- "$m" "$BED/log/error_log" | head -n 5)"
done

# --- held jobs: another local user can neither release nor cancel them
hid=$(as "$OWNER" lp -d pq -H hold -t "held" -- "$BED/doc.pdf" | sed -n 's/^request id is pq-\([0-9]*\) .*/\1/p')
bed_wait_job "$hid" pending-held 10 >/dev/null
as "$OTHER" cancel "$hid" >"$BED/cancel.out" 2>&1
as "$OTHER" lp -i "$hid" -H resume >"$BED/release.out" 2>&1
tap_diag "$OTHER cancel: $(cat "$BED/cancel.out")" "$OTHER release: $(cat "$BED/release.out")"
tap_is "$(bed_job_attr "$hid" job-state)" pending-held "$OTHER's Cancel-Job and Release-Job on $OWNER's held job are refused"
# Release-Job straight over IPP, claiming to be the owner: the policy
# authenticates job operations, so the claimed name does not count.
cat >"$BED/release.test" <<EOF
{
	OPERATION Release-Job
	GROUP operation-attributes-tag
	ATTR charset attributes-charset utf-8
	ATTR naturalLanguage attributes-natural-language en
	ATTR uri job-uri \$uri
	ATTR name requesting-user-name $OWNER
}
EOF
chmod 0644 "$BED/release.test"
as "$OTHER" ipptool -tv -T 5 "$BED_CUPSD_URI/jobs/$hid" "$BED/release.test" >"$BED/release-ipp.out" 2>&1
tap_diag "$OTHER Release-Job as '$OWNER': $(grep -m1 'status-code' "$BED/release-ipp.out")"
tap_ok "$OTHER's Release-Job claiming to be $OWNER is refused (client-error-forbidden), the job still held" eval \
	'grep -q "status-code = client-error-forbidden" "$BED/release-ipp.out" && [ "$(bed_job_attr "$hid" job-state)" = pending-held ]' 
as "$OWNER" cancel "$hid" >"$BED/cancel-owner.out" 2>&1
tap_ok "$OWNER can cancel the job (the refusal was about the user)" bed_wait_job "$hid" canceled 10
