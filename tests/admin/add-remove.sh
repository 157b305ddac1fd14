#!/bin/bash
# vault-add-printer and vault-remove-printer against a private cupsd that
# runs the <Policy vault> of doc/HARDENING.md: passwords in inner URIs and
# unknown inner backends are refused; a new vault queue gets the policy, so
# an unauthenticated Print-Job is refused; --convert keeps a queue's PPD
# defaults and puts the accounting filter last; vault-remove-printer
# refuses while the vault holds a job of the queue, then restores the
# queue (URI, policy, PPD) or deletes it.
# SPDX-License-Identifier: Apache-2.0

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/admin/lib.sh"
bed_init "$@"
VA_PPDGEN_CMD=$VAULT_PPDGEN
tap_plan 15

# The policy exactly as the hardening guide prints it.
BED_CUPSD_EXTRA=$(awk '/<!-- vault-policy/ { on = 1; next }
	on && /^```/ { if (++fence == 2) exit; next }
	on && fence == 1' "$top_srcdir/doc/HARDENING.md")
case $BED_CUPSD_EXTRA in *"<Policy vault>"*"</Policy>"*) ;; *) bed_die "no policy block in HARDENING.md" ;; esac
uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
sink=$(bed_sink paper) || bed_die "the sink did not start"
vb_slow_backend
va_start

# Refusals: nothing is created.
va_run refuse-pw "$VA_ADD" --pdf vx "ipp://alice:S3cret@${uri#ipp://}" && st=0 || st=$?
tap_ok "a password in the inner URI is refused, pointing to auth-info" eval \
	'[ "$st" = 1 ] && grep -q "auth-info-required" "$BED/log/refuse-pw" && [ -z "$(va_device vx)" ]'
va_run refuse-be "$VA_ADD" --pdf vy "nosuch://127.0.0.1/x" && st=0 || st=$?
tap_ok "an inner scheme with no backend is refused" eval \
	'[ "$st" = 1 ] && grep -q "no backend \"nosuch\"" "$BED/log/refuse-be" && [ -z "$(va_device vy)" ]'

# A new vault queue under the vault policy.
va_run add "$VA_ADD" --pdf -D "Cheques" vq "$uri"
tap_ok "vq is created with device vault:/$uri and says it applied the policy" eval \
	'[ "$(va_device vq)" = "vault:/$uri" ] && grep -q "operation policy \"vault\"" "$BED/log/add"'
tap_is "$(va_printer_attr vq printer-op-policy)" vault "cupsd reports printer-op-policy vault for vq"
bed_make_pdf "$BED/a.pdf" "unauthenticated" 1 100
ipptool -T 5 -t "ipp://127.0.0.1:$BED_CUPSD_PORT/printers/vq" -f "$BED/a.pdf" \
	-d user=mallory print-job.test >"$BED/log/unauth" 2>&1
tap_ok "an unauthenticated Print-Job over TCP is refused" \
	grep -q "status-code = client-error-not-authenticated" "$BED/log/unauth"
id=$(bed_submit vq "$BED/a.pdf") || bed_die "lp over the socket failed"
tap_ok "root over cupsd's socket prints on vq, once" eval \
	'bed_wait_job "$id" completed 60 && [ "$(va_copies office "$BED/a.pdf")" = 1 ]'

# --convert: a queue with its own PPD (a driverless-style PDF printer) and
# a default chosen by the administrator.
sed 's/ vault-account"$/ -"/' "$top_srcdir/ppd/vault-pdf.ppd" >"$BED/plain.ppd"
lpadmin -p plain -v "$sink" -P "$BED/plain.ppd" -o PageSize=Legal -E 2>/dev/null ||
	bed_die "cannot add the plain queue"
"$VA_PPDGEN_CMD" --queue plain >"$BED/plain-before.ppd" || bed_die "cannot fetch plain's PPD"
va_run convert "$VA_ADD" --convert plain
tap_is "$(va_device plain)" "vault:/$sink" "--convert gives plain the device vault:/<its URI>"
tap_ok "plain keeps its PPD default (PageSize Legal)" eval \
	'lpoptions -p plain -l | grep -q "^PageSize.*\*Legal"'
bed_make_pdf "$BED/b.pdf" "through the converted queue" 2 5000
id=$(bed_submit plain "$BED/b.pdf") || bed_die "lp failed"
tap_ok "a job on plain runs vault-account last and reaches the printer byte for byte" eval \
	'bed_wait_job "$id" completed 60 && va_filter_ran "$id" && [ "$(va_copies paper "$BED/b.pdf")" = 1 ]'

va_run remove-plain "$VA_REMOVE" plain
tap_ok "vault-remove-printer restores plain's device and default policy" eval \
	'[ "$(va_device plain)" = "$sink" ] && [ "$(va_printer_attr plain printer-op-policy)" = default ]'
"$VA_PPDGEN_CMD" --queue plain >"$BED/plain-after.ppd"
tap_ok "and its PPD's filter lines as they were" eval \
	'diff <(grep "^\*cupsFilter" "$BED/plain-before.ppd") <(grep "^\*cupsFilter" "$BED/plain-after.ppd") &&
	 ! grep -q "^\*%cups-vault:" "$BED/plain-after.ppd"'
va_run remove-again "$VA_REMOVE" plain && st=0 || st=$?
tap_ok "vault-remove-printer refuses a queue that is not a vault queue" eval \
	'[ "$st" = 1 ] && grep -q "not a vault queue" "$BED/log/remove-again"'

# A job the vault holds: vault-remove-printer refuses until --force.
va_run add-slow "$VA_ADD" --pdf vs "slow:${uri#ipp:}"
: >"$BED/slow.gate"
bed_make_pdf "$BED/c.pdf" "held in the vault" 1 100
id=$(bed_submit vs "$BED/c.pdf") || bed_die "lp failed"
bed_wait_until 30 eval '"$VAULTCTL" list | grep -q " vs "' || tap_diag "no vault entry of vs appeared"
va_run remove-held "$VA_REMOVE" vs && st=0 || st=$?
tap_ok "vault-remove-printer refuses while the vault holds a job of vs" eval \
	'[ "$st" = 1 ] && grep -q "the vault holds 1 job(s) of vs" "$BED/log/remove-held" &&
	 [ "$(va_device vs)" = "vault:/slow:${uri#ipp:}" ]'
va_run remove-force "$VA_REMOVE" --force vs && st=0 || st=$?
tap_ok "--force restores it anyway and warns" eval \
	'[ "$st" = 0 ] && [ "$(va_device vs)" = "slow:${uri#ipp:}" ] && grep -q WARNING "$BED/log/remove-force"'
rm -f "$BED/slow.gate"
bed_wait_job "$id" completed 60 >/dev/null 2>&1

va_run remove-delete "$VA_REMOVE" --delete vq
tap_ok "--delete deletes vq" eval '[ -z "$(va_device vq)" ] && ! lpstat -p vq >/dev/null 2>&1'
