#!/bin/bash
# Stock CUPS through the test bed: raw queues with the stock `ipp` backend
# (to ippeveprinter) and `socket` backend (to the bed's AppSocket sink) each
# print three different PDFs, and exactly those bytes come out.
# SPDX-License-Identifier: Apache-2.0

# make check runs tests with sh; the bed needs bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
bed_init "$@"
tap_plan 7

# submit_three QUEUE - print three different documents; record their sums.
submit_three() {
	local queue=$1 i ids=() status=0

	for i in 1 2 3; do
		# 1 page small, 3 pages with 64 KiB, 2 pages with 1 MiB of payload.
		case $i in
		1) bed_make_pdf "$BED/$queue-$i.pdf" "$queue document $i" 1 0 ;;
		2) bed_make_pdf "$BED/$queue-$i.pdf" "$queue document $i" 3 65536 ;;
		3) bed_make_pdf "$BED/$queue-$i.pdf" "$queue document $i" 2 1048576 ;;
		esac
		ids+=("$(bed_submit "$queue" "$BED/$queue-$i.pdf" -t "$queue-$i")") || status=1
	done
	for i in "${ids[@]}"; do
		bed_wait_job "$i" completed 60 || status=1
	done
	sha256sum "$BED/$queue"-?.pdf | cut -d' ' -f1 | sort >"$BED/$queue.sent"
	return "$status"
}

# printed_sums PRINTER - the sorted sums of what PRINTER kept.
printed_sums() {
	bed_printed_files "$1" | xargs -r sha256sum | cut -d' ' -f1 | sort
}

ipp_uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
sink_uri=$(bed_sink jetdirect) || bed_die "the AppSocket sink did not start"
bed_start_cupsd
tap_ok "raw queues for ipp:// and socket:// printers added" \
	eval 'bed_add_queue ippq "$ipp_uri" && bed_add_queue sockq "$sink_uri"'

tap_ok "three jobs on the ipp queue completed" submit_three ippq
tap_is "$(bed_printed_count office)" 3 "ippeveprinter kept exactly three documents"
tap_is "$(printed_sums office)" "$(cat "$BED/ippq.sent")" \
	"ippeveprinter's documents are byte-identical to the ones submitted"

tap_ok "three jobs on the socket queue completed" submit_three sockq
tap_is "$(bed_printed_count jetdirect)" 3 "the sink received exactly three documents"
tap_is "$(printed_sums jetdirect)" "$(cat "$BED/sockq.sent")" \
	"the sink's documents are byte-identical to the ones submitted"
