#!/bin/bash
# Counters end to end through a real cupsd: a vault queue made by
# vault-add-printer (the accounting filter runs last), paper loaded with
# vaultctl, a two-page job printed; then the counters are the same in
# `vaultctl trays`, in vaultd's IPP service (Get-Printer-Attributes) and in
# cupsd's own marker levels (the backend's ATTR: marker-* line).
# SPDX-License-Identifier: Apache-2.0

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/admin/lib.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 8

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
va_start
port=$(bed_free_port)
vs_vault_conf counters-listen "127.0.0.1:$port"
va_run add "$VA_ADD" --pdf vpdf "$uri" || bed_die "vault-add-printer failed"

tap_ok "vaultctl load records 100 sheets of Letter in the main tray" \
	"$VAULTCTL" load vpdf --tray main --media na_letter_8.5x11in --sheets 100
vs_start_vaultd

bed_make_pdf "$BED/two.pdf" "two pages for the counters" 2 3000
id=$(bed_submit vpdf "$BED/two.pdf" -o InputSlot=Main -o PageSize=Letter) || bed_die "lp failed"
tap_ok "the job completes" bed_wait_job "$id" completed 60
tap_is "$(va_copies office "$BED/two.pdf")" 1 "the printer got it once, byte for byte"

trays=$("$VAULTCTL" trays vpdf 2>&1)
tap_diag "$trays"
tap_ok "vaultctl trays: main / Letter loaded 100, used 2, remaining 98" \
	grep -Eq '^main +na_letter_8\.5x11in +100 +2 +98 ' <<<"$trays"

cat >"$BED/counters.test" <<'TEST'
{
	NAME "Get-Printer-Attributes of the vault queue"
	OPERATION Get-Printer-Attributes
	GROUP operation-attributes-tag
	ATTR charset attributes-charset utf-8
	ATTR naturalLanguage attributes-natural-language en
	ATTR uri printer-uri $uri
	STATUS successful-ok
	EXPECT printer-pages-completed OF-TYPE integer WITH-VALUE 2
	EXPECT printer-media-sheets-completed OF-TYPE integer WITH-VALUE 2
	EXPECT vault-jobs-completed OF-TYPE integer WITH-VALUE 1
	EXPECT vault-sheets-remaining OF-TYPE text WITH-VALUE "/^main na_letter_8.5x11in 98$/"
	EXPECT printer-input-tray OF-TYPE octetString WITH-VALUE "/level=98;/"
}
TEST
out=$(ipptool -T 10 -t "ipp://127.0.0.1:$port/printers/vpdf" "$BED/counters.test" 2>&1)
tap_result $? "vaultd answers Get-Printer-Attributes: 2 pages, 2 sheets, 1 job, 98 sheets left" ||
	tap_diag "$out"

cat >"$BED/markers.test" <<'TEST'
{
	NAME "cupsd's marker levels of the vault queue"
	OPERATION Get-Printer-Attributes
	GROUP operation-attributes-tag
	ATTR charset attributes-charset utf-8
	ATTR naturalLanguage attributes-natural-language en
	ATTR uri printer-uri $uri
	ATTR keyword requested-attributes marker-names,marker-levels
	STATUS successful-ok
	EXPECT marker-names WITH-VALUE "/main/"
	EXPECT marker-levels OF-TYPE integer WITH-VALUE 98
}
TEST
out=$(ipptool -T 10 -t "$BED_CUPSD_URI/printers/vpdf" "$BED/markers.test" 2>&1)
tap_result $? "cupsd shows the tray level the backend reported (marker-levels 98)" || tap_diag "$out"

# A second job: the counters add up, and jobs completed is 2.
id=$(bed_submit vpdf "$BED/two.pdf" -o InputSlot=Main -o PageSize=Letter) || bed_die "lp failed"
tap_ok "a second job completes" bed_wait_job "$id" completed 60
tap_ok "after it, 96 sheets remain in the main tray" \
	grep -Eq '^main +na_letter_8\.5x11in +100 +4 +96 ' <<<"$("$VAULTCTL" trays vpdf 2>&1)"
