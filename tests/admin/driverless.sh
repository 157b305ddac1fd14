#!/bin/bash
# vault-add-printer for a driverless IPP printer: the PPD is built from the
# printer's own IPP attributes (libcupsfilters, through vault-ppdgen) and
# the accounting filter takes the place of the final "-" filters; a job
# then goes through it; a printer that does not speak IPP is refused with
# a message.
# SPDX-License-Identifier: Apache-2.0

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/admin/lib.sh"
bed_init "$@"
tap_plan 7

uri=$(bed_ippeveprinter office -M "Vault Test" -m "Counter 3000") || bed_die "ippeveprinter did not start"
sink=$(bed_sink paper) || bed_die "the sink did not start"
va_start

va_run add "$VA_ADD" vd "$uri"
tap_ok "vault-add-printer (ipp:// means driverless) creates vd" eval \
	'[ "$(va_device vd)" = "vault:/$uri" ] && grep -q "built a PPD from $uri" "$BED/log/add"'
"$VAULT_PPDGEN" --queue vd >"$BED/vd.ppd" || bed_die "cannot fetch vd's PPD"
tap_ok "the PPD comes from the printer's attributes (its make and model)" \
	grep -q '^\*ModelName: "Vault Test Counter 3000' "$BED/vd.ppd"
tap_ok "every final filter of the PPD is vault-account" eval \
	'grep -q "^\*cupsFilter2: \"application/vnd.cups-pdf application/pdf .* vault-account\"" "$BED/vd.ppd" &&
	 ! grep -q "^\*cupsFilter2: .* -\"" "$BED/vd.ppd"'
tap_ok "its trays and sizes are the printer's" eval \
	'grep -q "^\*InputSlot " "$BED/vd.ppd" && grep -q "^\*PageSize " "$BED/vd.ppd"'

bed_make_pdf "$BED/a.pdf" "driverless" 3 1000
id=$(bed_submit vd "$BED/a.pdf") || bed_die "lp failed"
tap_ok "a PDF job completes through vault-account, last in the chain" eval \
	'bed_wait_job "$id" completed 60 && va_filter_ran "$id"'
tap_is "$(bed_printed_count office):$(va_total vd pages)" "1:3" \
	"the printer got one document; the queue's counters say 3 pages"

va_run refuse "$VA_ADD" --driverless vn "$sink" && st=0 || st=$?
tap_ok "--driverless for a printer that does not answer IPP is refused" eval \
	'[ "$st" = 1 ] && grep -q "driverless" "$BED/log/refuse" && [ -z "$(va_device vn)" ]'
