#!/bin/bash
# The vault PPDs in a real cupsd: vault-add-printer creates a PDF and a PWG
# raster vault queue; a PDF job and a PWG raster job go through the
# accounting filter (it runs last; the backend applies its counts, per tray
# and media, to the queue's counters) and reach the printer byte for byte
# as submitted; a PDF sent to the PWG queue arrives rasterized.
# SPDX-License-Identifier: Apache-2.0

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/admin/lib.sh"
bed_init "$@"
tap_plan 12

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
va_start
va_run add-pdf "$VA_ADD" --pdf vpdf "$uri"
tap_ok "vault-add-printer --pdf creates vpdf" test "$(va_device vpdf)" = "vault:/$uri"
va_run add-pwg "$VA_ADD" --pwg vpwg "$uri"
tap_ok "vault-add-printer --pwg creates vpwg" test "$(va_device vpwg)" = "vault:/$uri"

# A PDF to the PDF queue, from the main tray on Letter (trays and sizes
# ippeveprinter has).
bed_make_pdf "$BED/two.pdf" "two pages from the main tray" 2 3000
id=$(bed_submit vpdf "$BED/two.pdf" -o InputSlot=Main -o PageSize=Letter) || bed_die "lp failed"
tap_ok "the PDF job completes" bed_wait_job "$id" completed 60
tap_ok "vault-account ran for it (cupsd's log)" va_filter_ran "$id"
tap_is "$(va_tray vpdf main na_letter_8.5x11in pages)/$(va_tray vpdf main na_letter_8.5x11in sheets)" "2/2" \
	"the queue's counters: 2 pages, 2 sheets of Letter from the main tray"
tap_is "$(va_copies office "$BED/two.pdf")" 1 "the printer got the PDF byte for byte, once"

# The same PDF to the PWG raster queue: rasterized by CUPS, counted from the raster.
n_before=$(bed_printed_count office)
id=$(bed_submit vpwg "$BED/two.pdf" -o InputSlot=Main) || bed_die "lp failed"
tap_ok "the PDF job on the PWG queue completes" bed_wait_job "$id" completed 90
raster=$(bed_printed_files office | tail -n 1)
tap_is "$(bed_printed_count office):$(head -c 4 "$raster" 2>/dev/null)" "$((n_before + 1)):RaS2" \
	"the printer got PWG raster"
# (the tray comes from the raster's MediaPosition, the size from its header)
tap_is "$(va_total vpwg pages)/$(va_tray vpwg main iso_a4_210x297mm pages)" \
	"2/2" "the queue's counters: 2 raster pages of A4 from the main tray"

# That raster submitted as it is: it passes the accounting filter unchanged.
cp "$raster" "$BED/doc.pwg"
id=$(bed_submit vpwg "$BED/doc.pwg") || bed_die "lp failed"
tap_ok "the PWG raster job completes" bed_wait_job "$id" completed 60
tap_ok "vault-account ran for it" va_filter_ran "$id"
tap_is "$(va_copies office "$BED/doc.pwg")" 2 "the printer got the raster byte for byte (twice in all)"
