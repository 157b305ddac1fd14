#!/bin/bash
# The side channel through the vault: a filter of a vault queue that asks
# the backend something while it still writes the job (as printer drivers
# do) gets an answer at once from the vault -- not a 30 s timeout -- and
# the job prints byte for byte.
# SPDX-License-Identifier: Apache-2.0

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 5

sink=$(bed_sink printer) || bed_die "the sink did not start"
mkdir -p "$BED/bin/filter"
install -m 0755 "$top_builddir/tests/backend/sc-filter" "$BED/bin/filter/sc-filter"
bed_setenv SC_FILTER_LOG "$BED/sc-filter.log"
: >"$BED/sc-filter.log"
chmod 0666 "$BED/sc-filter.log"
cat >"$BED/sc.ppd" <<'PPD'
*PPD-Adobe: "4.3"
*FormatVersion: "4.3"
*FileVersion: "1.0"
*LanguageVersion: English
*LanguageEncoding: ISOLatin1
*PCFileName: "SCTEST.PPD"
*Manufacturer: "cups-vault tests"
*Product: "(Side channel)"
*ModelName: "Side channel test"
*ShortNickName: "Side channel test"
*NickName: "Side channel test"
*PSVersion: "(3010.000) 0"
*LanguageLevel: "3"
*ColorDevice: False
*DefaultColorSpace: Gray
*FileSystem: False
*Throughput: "1"
*cupsFilter2: "application/pdf application/vnd.cups-pdf 0 sc-filter"
*OpenUI *PageSize: PickOne
*DefaultPageSize: A4
*PageSize A4: ""
*CloseUI: *PageSize
*DefaultImageableArea: A4
*ImageableArea A4: "0 0 595 842"
*DefaultPaperDimension: A4
*PaperDimension A4: "595 842"
PPD
vb_start
bed_add_queue sc "vault:/$sink" -P "$BED/sc.ppd" || bed_die "lpadmin refused the queue"

bed_make_pdf "$BED/doc.pdf" "side channel" 1 20000
id=$(bed_submit sc "$BED/doc.pdf") || bed_die "lp failed"
tap_ok "the job completes" bed_wait_job "$id" completed 30
tap_ok "the filter ran and asked over the side channel" grep -q '^status=' "$BED/sc-filter.log"
tap_diag "filter: $(cat "$BED/sc-filter.log")"
tap_ok "the vault answered 'not implemented' (the printer is not reached before the job is stored)" \
	grep -q "^status=7 " "$BED/sc-filter.log"
ms=$(sed -n 's/.* ms=\([0-9]*\)$/\1/p' "$BED/sc-filter.log" | head -n 1)
tap_ok "the answer came at once (${ms:-?} ms, not a timeout)" test "${ms:-99999}" -lt 2000
tap_is "$(vb_copies printer "$BED/doc.pdf")" 1 "the printer got the job once, byte for byte"
