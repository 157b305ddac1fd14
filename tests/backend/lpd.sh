#!/bin/bash
# vault backend behind the stock lpd backend.  lpd must send a job's size
# before its bytes, so a job it reads from stdin it first copies to a
# temporary file in TempDir, in plaintext.  The vault hands lpd every job
# as a file in memory (a sealed memfd, argv[6]) instead: while lpd sends,
# the plain lpd queue's TempDir holds the document (the control) and the
# vault queue's holds nothing of it; the LPD server gets the same job
# either way, copies too, and a PPD queue's job (whose filters made the
# copies) is not multiplied.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 13

vb_passthru_ppd
plain=$(bed_lpd_sink plain) && vault=$(bed_lpd_sink vault) &&
	ppdplain=$(bed_lpd_sink ppdplain) && ppdvault=$(bed_lpd_sink ppdvault) ||
	bed_die "an LPD sink did not start"
vb_start
bed_add_queue plain "$plain" && bed_add_queue vq "vault:/$vault" &&
	bed_add_queue ppdplain "$ppdplain" -P "$BED/passthru.ppd" &&
	bed_add_queue ppdvq "vault:/$ppdvault" -P "$BED/passthru.ppd" || bed_die "lpadmin refused a queue"

# in_tempdir FILE - how many files in cupsd's TempDir hold FILE's page text.
in_tempdir() {
	grep -rl --binary-files=text -F "$(grep -a -m 1 -o 'LPD-[a-z]*-[0-9]*' "$1")" "$BED/spool/temp" 2>/dev/null | wc -l
}

# send_held QUEUE SINK FILE [LP ARGS] - print FILE on QUEUE while SINK holds
# new connections; once lpd has connected, print how many files in TempDir
# hold FILE's text, then let the job go and wait until it completed.  The
# job id is left in $BED/job-QUEUE.
send_held() {
	local queue=$1 sink=$2 file=$3 dir id n
	shift 3

	dir=$(bed_printer_dir "$sink")
	n=$(($(find "$dir" -name 'connected-*' | wc -l) + 1))
	: >"$dir/hold"
	id=$(bed_submit "$queue" "$file" "$@") || { rm -f "$dir/hold"; return 1; }
	echo "$id" >"$BED/job-$queue"
	if ! bed_wait_until 30 test -e "$dir/connected-$(printf %04d "$n")"; then
		tap_diag "lpd never connected to $sink"
		echo '?'
		rm -f "$dir/hold"
		return 1
	fi
	in_tempdir "$file"
	rm -f "$dir/hold"
	bed_wait_job "$id" completed 60 >/dev/null
}

# last_job SINK - the data file SINK got last.
last_job() {
	bed_printed_files "$1" | tail -n 1
}

bed_make_pdf "$BED/a.pdf" "LPD-control-1" 1 50000 && bed_make_pdf "$BED/b.pdf" "LPD-vault-1" 1 50000 &&
	bed_make_pdf "$BED/c.pdf" "LPD-copies-2" 1 20000 && bed_make_pdf "$BED/d.pdf" "LPD-ppd-2" 1 20000 ||
	bed_die "cannot write a PDF"

# The control: a PPD queue gives the stock lpd backend the job on stdin.
held=$(send_held ppdplain ppdplain "$BED/a.pdf")
tap_is "$?" 0 "the plain lpd PPD queue's job completes"
tap_ok "while lpd sends a job it read from stdin, TempDir holds it in plaintext (control: ${held:-?} file)" test "${held:-0}" -ge 1

held=$(send_held vq vault "$BED/b.pdf")
tap_is "$?" 0 "the vault lpd queue's job completes"
tap_is "${held:-?}" 0 "while lpd sends, TempDir holds nothing of the vault queue's document"
tap_is "$(vb_copies vault "$BED/b.pdf")" 1 "the LPD server got the vault job once, byte for byte"

# A PPD queue: cupsd gives the vault stdin, and copies 2 for the filters to
# make; lpd is given the job from memory and asked for one copy.
held=$(send_held ppdplain ppdplain "$BED/d.pdf" -n 2) && held=$(send_held ppdvq ppdvault "$BED/d.pdf" -n 2)
tap_is "$?" 0 "lp -n 2 completes on the plain and the vault lpd PPD queue"
tap_is "${held:-?}" 0 "while lpd sends, TempDir holds nothing of the vault PPD queue's document"
tap_ok "the LPD server got from the vault PPD queue byte for byte what the plain one sent" cmp -s "$(last_job ppdvault)" "$(last_job ppdplain)"
# accounting QUEUE - the last job's sheets completed and page_log lines.
accounting() {
	local id

	id=$(cat "$BED/job-$1")
	echo "$(bed_job_attr "$id" job-media-sheets-completed) sheets, $(awk -v q="$1" -v j="$id" '$1 == q && $3 == j' "$BED/log/page_log" | wc -l) page_log lines"
}
tap_is "$(accounting ppdvq)" "$(accounting ppdplain)" "cupsd counted the vault PPD queue's job as the plain one's (lpd reports no page of its own)"

# Copies on a raw queue: lpd makes them from the file, as on the plain queue.
send_held plain plain "$BED/c.pdf" -n 2 >/dev/null && send_held vq vault "$BED/c.pdf" -n 2 >/dev/null
tap_is "$?" 0 "lp -n 2 completes on the plain and the vault raw lpd queue"
tap_ok "the plain queue sent 2 copies" cmp -s "$(last_job plain)" <(cat "$BED/c.pdf" "$BED/c.pdf")
tap_ok "the vault queue sent byte for byte the same" cmp -s "$(last_job vault)" "$(last_job plain)"
tap_is "$(ls -A "$BED/spool/temp" | grep -c -v '^vault-account')" 0 "lpd's temporary files are gone"
