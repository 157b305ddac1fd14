#!/bin/bash
# The CUPS web UI after a power loss: the held vault job appears on the
# jobs page (http://127.0.0.1:PORT/jobs) with the vault's message, a person
# releases it there with the "Release Job" button, and it prints exactly
# once.  Debian's headless Chromium shows the page, is driven through the
# DevTools protocol (tests/webui/webui-drive.py: a real mouse click on the
# real form, cookie and all) and saves screenshots, copied to
# $top_builddir/tests/webui/ so a person can look at them.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
DRIVE=$top_srcdir/tests/webui/webui-drive.py
SHOTS=$top_builddir/tests/webui
TITLE="webui cheque no. 100003"

[ -x "$CHROMIUM" ] || tap_skip_all "Chromium is not installed ($CHROMIUM; Debian package chromium)"
command -v python3 >/dev/null || tap_skip_all "python3 is not installed"
bed_init "$@"
tap_plan 16

# wu_start_cupsd - vb_start with the web interface on: the bed writes
# "WebInterface No" and cupsd takes the last value, so the extra lines win.
# cupsd runs its CGIs from ServerBin/cgi-bin: links to Debian's, in a
# directory of the bed's own.
wu_start_cupsd() {
	local f

	bed_vault_config >/dev/null || bed_die "cannot write vault.conf"
	mkdir -p "$BED/bin/cgi-bin"
	for f in /usr/lib/cups/cgi-bin/*.cgi; do
		ln -s "$f" "$BED/bin/cgi-bin/${f##*/}"
	done
	BED_CUPSD_EXTRA="JobRetryInterval 1
JobRetryLimit 20
DirtyCleanInterval 0
WebInterface Yes"
	bed_start_cupsd
}

# wu_start_chromium - headless Chromium on about:blank with a DevTools port
# on 127.0.0.1 (chosen by Chromium, read from DevToolsActivePort); sets
# WU_PORT.  Tracked, so the bed's teardown stops it.
wu_start_chromium() {
	local dir=$BED/chromium

	mkdir -p "$dir"
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--lang=en-US --user-data-dir="$dir" --window-size=1280,900 \
		--remote-debugging-address=127.0.0.1 --remote-debugging-port=0 \
		about:blank >>"$BED/log/chromium.log" 2>&1 &
	bed_track chromium $!
	bed_wait_until 20 test -s "$dir/DevToolsActivePort" ||
		bed_die "Chromium did not start: $(tail -n 20 "$BED/log/chromium.log")"
	WU_PORT=$(head -n 1 "$dir/DevToolsActivePort")
}

# wu_drive COMMAND [ARG...] - one webui-drive.py command on the bed's Chromium.
wu_drive() {
	python3 "$DRIVE" "$WU_PORT" "$@"
}

# wu_held_message - true once job $a is held with the vault's message.
wu_held_message() {
	[ "$(bed_job_attr "$a" job-state)" = pending-held ] || return 1
	case $(bed_job_attr "$a" job-printer-state-message) in Interrupted:*) return 0 ;; esac
	return 1
}

# wu_entry_state UUID - the state of job UUID's entry, in the area (sidecar)
# or among the tombstones, wherever the vault keeps it.
wu_entry_state() {
	local f

	f=$(grep -l "^uuid=$1\$" "$BED"/vault/areas/*/*.meta \
		"$BED"/vault/spool/tombstones/*.meta 2>/dev/null | head -n 1)
	[ -n "$f" ] && sed -n 's/^state=//p' "$f"
}

# wu_entry_done UUID - true once job UUID's entry is DONE.
wu_entry_done() {
	[ "$(wu_entry_state "$1")" = "done" ]
}

# wu_shot NAME - screenshot of the page to $BED/NAME.png, copied to $SHOTS.
wu_shot() {
	wu_drive screenshot "$BED/$1.png" || return 1
	mkdir -p "$SHOTS" && cp "$BED/$1.png" "$SHOTS/$1.png" &&
		tap_diag "screenshot: $SHOTS/$1.png"
}

# wu_is_png FILE - true when FILE is a PNG image of at least 1000x400.
wu_is_png() {
	local w h

	[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || return 1
	w=$((16#$(od -An -j16 -N4 -tx1 "$1" | tr -d ' \n')))
	h=$((16#$(od -An -j20 -N4 -tx1 "$1" | tr -d ' \n')))
	tap_diag "$1: ${w}x$h"
	[ "$w" -ge 1000 ] && [ "$h" -ge 400 ]
}

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
vb_slow_backend
wu_start_cupsd
bed_add_queue vq "vault:/slow:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"

# A job is being sent when the power goes.
bed_make_pdf "$BED/a.pdf" "cheque no. 100003" 1 20000
: >"$BED/slow.gate"
a=$(bed_submit vq "$BED/a.pdf" -t "$TITLE") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
bed_wait_until 20 vb_state_is "$ua" sending || bed_die "the job never reached SENDING"
bed_power_loss
rm -f "$BED/slow.gate"		# from now on a send would reach the printer
vs_recover >"$BED/log/recover.log" 2>&1 || bed_die "vaultd --recover failed: $(cat "$BED/log/recover.log")"
tap_is "$(vb_meta_state "$ua")" resurrected "the boot sweep marks the interrupted entry RESURRECTED"
bed_restart

bed_wait_until 30 wu_held_message
tap_ok "the job is held in cupsd with the vault's message" wu_held_message
msg=$(bed_job_attr "$a" job-printer-state-message)
tap_diag "message (IPP): $msg"

# The jobs page, as a person opens it.
wu_start_chromium
url="http://127.0.0.1:$BED_CUPSD_PORT/jobs"
tap_ok "Chromium loads the web UI's jobs page $url" wu_drive goto "$url"
row_sel="tr:has(input[name=job_id][value=\"$a\"])"
row=$(wu_drive text "$row_sel")
tap_diag "the job's row:" "$row"
case $row in "vq-$a"*"held since"*) r=0 ;; *) r=1 ;; esac
tap_result $r "the page has a row for job vq-$a, held"
# The bed's policy lets anyone release without logging in, but CUPS's
# default JobPrivateValues still hide a job's title and owner from a
# visitor who is neither: the vault job's row leaks no more than any other.
case $row in *"$TITLE"* | *root*) r=1 ;; *Unknown*Withheld*) r=0 ;; *) r=1 ;; esac
tap_result $r "the row withholds the title and the owner from an anonymous visitor"
tap_ok "the row shows the vault's message, as cupsd has it" grep -qF "\"$msg\"" <<<"$row"
case $row in *"Interrupted: stored "*"printing was cut off"*"Release the job to print it once"*) r=0 ;; *) r=1 ;; esac
tap_result $r "the message says it was interrupted, when it was stored, what release does"
release_sel="$row_sel input[type=submit][value=\"Release Job\"]"
tap_is "$(wu_drive count "$release_sel")" 1 "the row has a Release Job button"
wu_shot webui-held-job
tap_ok "a screenshot of the jobs page was saved" wu_is_png "$BED/webui-held-job.png"
tap_is "$(vb_copies office "$BED/a.pdf")" 0 "nothing printed by itself after the restart"

# Release it: a mouse click on the button, the form posted by the browser.
wu_drive click "$release_sel" || tap_diag "the click failed"
page=$(wu_drive text)
tap_diag "after the click:" "$page"
wu_shot webui-released
case $page in *"Job $a has been released"*) r=0 ;; *) r=1 ;; esac
tap_result $r "the web UI says job $a has been released"
tap_ok "the released job completes" bed_wait_job "$a" completed 30
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "printed exactly once after the cut, byte-identical"
tap_is "$(bed_printed_count office)" 1 "the printer received one document in all"
bed_wait_until 10 wu_entry_done "$ua"
tap_is "$(wu_entry_state "$ua")" "done" "the entry is a DONE tombstone"
tap_is "$(vb_data_files)" 0 "no encrypted data file is left"

kill -TERM "$(bed_pid chromium)" 2>/dev/null
