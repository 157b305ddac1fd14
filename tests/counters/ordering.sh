#!/bin/bash
# Only between jobs, through a real cupsd and a slow printer: a vault queue
# (vault-add-printer --pdf) prints to ippeveprinter through a slow inner
# backend that holds job A after its first byte; a Get-Printer-Attributes
# sent to vaultd meanwhile is not answered while A is held, is answered after
# A ends with A's pages (2: not 0, not 4), and job B's first byte leaves for
# the printer only after that answer.  A query held pending (the test holds
# the query gate) keeps job C from starting.  Then 1000 idle queries to the
# live vaultd give p50/p99 (ipp-harness bench).
# SPDX-License-Identifier: Apache-2.0

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/admin/lib.sh"
. "$top_srcdir/tests/backend/lib.sh"
. "$top_srcdir/tests/service/lib.sh"
bed_init "$@"
tap_plan 21

HARNESS=$top_builddir/tests/counters/ipp-harness
SLOW_LOG=$BED/slow.log
SLOW_GATE=$BED/slow.gate

# ord_slow_backend - install the backend "slow": it logs "start JOB T",
# reads the job's first byte and logs "first-byte JOB T", waits while
# $SLOW_GATE exists, hands the first byte and the rest to the stock ipp
# backend (slow://HOST/... becomes ipp://HOST/...), and logs "end JOB T
# STATUS" when that backend exits.  T: UNIX seconds with microseconds.
ord_slow_backend() {
	cat >"$BED/slow" <<EOF
#!/bin/bash
now() { printf '%s' "\${EPOCHREALTIME/,/.}"; }
[ \$# = 0 ] && exit 0
echo "start \$1 \$(now)" >>"$SLOW_LOG"
first="$BED/run/slow-first-\$1"
dd bs=1 count=1 status=none of="\$first"
echo "first-byte \$1 \$(now)" >>"$SLOW_LOG"
while [ -e "$SLOW_GATE" ]; do sleep 0.02; done
export DEVICE_URI="ipp:\${DEVICE_URI#slow:}"
{ cat "\$first"; cat; } | { exec -a "ipp:\${0#slow:}" "$BED/bin/backend/ipp" "\$@"; }
status=\${PIPESTATUS[1]}
echo "end \$1 \$(now) \$status" >>"$SLOW_LOG"
exit \$status
EOF
	bed_install_backend "$BED/slow" slow
}

# slow_at WHAT JOB - the time the slow backend logged WHAT for JOB.
slow_at() {
	awk -v w="$1" -v j="$2" '$1 == w && $2 == j { print $3; exit }' "$SLOW_LOG" 2>/dev/null
}

# slow_saw WHAT JOB - true once the slow backend logged WHAT for JOB.
slow_saw() {
	[ -n "$(slow_at "$1" "$2")" ]
}

# later A B - true when time B is after time A.
later() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && b > a) }'
}

# ms A B - milliseconds from time A to time B, two decimals.
ms() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) * 1000 }'
}

# lock_held NAME - true when a process holds the queue's gate file NAME
# (query, print) exclusively: a shared flock cannot be taken at once.
lock_held() {
	! flock -n -s "$BED/vault/spool/locks/queue-vpdf.$1" true
}

# query_running - true while the background query has not returned.
query_running() {
	[ ! -e "$BED/query.done" ]
}

# cupsd_logged JOB TEXT - when cupsd logged the first line of JOB holding
# TEXT (LogTimeFormat usecs), as UNIX seconds with microseconds.
cupsd_logged() {
	local when

	when=$(grep -F "[Job $1] " "$BED/log/error_log" | grep -F -m 1 "$2" |
		sed -n 's|^. \[\([0-9]*\)/\([A-Za-z]*\)/\([0-9]*\):\([0-9:]*\)\.\([0-9]*\) \([-+0-9]*\)\].*|\1 \2 \3 \4 \6 \5|p')
	[ -n "$when" ] || return 0
	set -- $when
	echo "$(date -d "$1 $2 $3 $4 $5" +%s).$6"
}

# printed_mtime N - modification time of the Nth document the printer kept.
printed_mtime() {
	stat -c %.6Y "$(bed_printed_files office | sed -n "${1}p")" 2>/dev/null
}

ord_slow_backend
BED_CUPSD_EXTRA="LogTimeFormat usecs"
uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
va_start
port=$(bed_free_port)
vs_vault_conf counters-listen "127.0.0.1:$port"
va_run add "$VA_ADD" --pdf vpdf "slow:${uri#ipp:}" || bed_die "vault-add-printer failed"
"$VAULTCTL" load vpdf --tray main --media na_letter_8.5x11in --sheets 100 >/dev/null ||
	bed_die "vaultctl load failed"
vs_start_vaultd
URI=ipp://127.0.0.1:$port/printers/vpdf

cat >"$BED/pages.test" <<'TEST'
{
	NAME "printer-pages-completed of the vault queue"
	OPERATION Get-Printer-Attributes
	GROUP operation-attributes-tag
	ATTR charset attributes-charset utf-8
	ATTR naturalLanguage attributes-natural-language en
	ATTR uri printer-uri $uri
	ATTR keyword requested-attributes printer-pages-completed
	STATUS successful-ok
}
TEST

# 1: before any job the service answers at once, 0 pages.
out=$(ipptool -T 10 -tv "$URI" "$BED/pages.test" 2>&1)
tap_is "$(sed -n 's/^ *printer-pages-completed (integer) = //p' <<<"$out")" 0 \
	"before any job vaultd answers printer-pages-completed = 0" || tap_diag "$out"

bed_make_pdf "$BED/a.pdf" "ordering: job A" 2 3000
bed_make_pdf "$BED/b.pdf" "ordering: job B" 2 3000
: >"$SLOW_GATE"
id_a=$(bed_submit vpdf "$BED/a.pdf" -o InputSlot=Main -o PageSize=Letter) || bed_die "lp failed (A)"
id_b=$(bed_submit vpdf "$BED/b.pdf" -o InputSlot=Main -o PageSize=Letter) || bed_die "lp failed (B)"
tap_ok "job A is held mid-send: the slow printer read its first byte and waits" \
	bed_wait_until 60 slow_saw first-byte "$id_a"
tap_ok "job A holds the queue's print gate" lock_held print

# 4-6: the query waits while A is held.
q_sent=$(bed_now)
(
	ipptool -T 120 -tv "$URI" "$BED/pages.test" >"$BED/query.out" 2>&1
	echo "$? $(bed_now)" >"$BED/query.tmp" && mv "$BED/query.tmp" "$BED/query.done"
) &
bed_track query $!
tap_ok "vaultd takes the queue's query gate: the next job cannot enter" bed_wait_until 10 lock_held query
sleep 2
tap_ok "2 s later the query is still unanswered" query_running
tap_ok "... and job A is still held, job B not started" \
	sh -c "! grep -Eq '^(end $id_a|start $id_b) ' '$SLOW_LOG'"

# 7-11: release A; the answer comes after A's end, with A's 2 pages.
released=$(bed_now)
rm -f "$SLOW_GATE"
tap_ok "the query returns once A is released" bed_wait_until 60 test -e "$BED/query.done"
read -r q_status q_done <"$BED/query.done"
q_pages=$(sed -n 's/^ *printer-pages-completed (integer) = //p' "$BED/query.out")
tap_is "$q_status" 0 "ipptool got successful-ok" || tap_diag "$(cat "$BED/query.out")"
tap_is "$q_pages" 2 "the mid-job query saw job A's 2 pages (not 0, not 4)"
tap_ok "job A completes" bed_wait_job "$id_a" completed 60
a_end=$(slow_at end "$id_a")
a_file=$(printed_mtime 1)
tap_ok "the answer came after A's printer backend ended ($a_end) and A's document was written ($a_file)" \
	sh -c "awk -v a='$a_end' -v f='$a_file' -v q='$q_done' 'BEGIN { exit !(a != \"\" && f != \"\" && q > a && q > f) }'"

# 12-15: B starts only after the answer; both documents arrive intact.
tap_ok "job B completes" bed_wait_job "$id_b" completed 60
b_first=$(slow_at first-byte "$id_b")
b_file=$(printed_mtime 2)
tap_ok "job B's first byte left for the printer ($b_first) after the answer ($q_done)" later "$q_done" "$b_first"
tap_ok "job B's document reached the printer ($b_file) after the answer" later "$q_done" "$b_file"
tap_is "$(va_copies office "$BED/a.pdf") $(va_copies office "$BED/b.pdf")" "1 1" \
	"the printer got A and B once each, byte for byte"

a_marker=$(cupsd_logged "$id_a" "ATTR: marker-names=")
tap_diag "query sent $(ms "$q_sent" "$released") ms before A was released" \
	"A's printer backend ended $(ms "$released" "$a_end") ms after the release" \
	"the mid-job query returned $(ms "$a_end" "$q_done") ms after A's printer backend ended (ipptool exit, client side)" \
	"  of which: A's backend finished, applied the counts and reported them (cupsd logged its ATTR: marker line) $(ms "$a_end" "$a_marker") ms after, the query returned $(ms "$a_marker" "$q_done") ms after that" \
	"job B's first byte left $(ms "$q_done" "$b_first") ms after the answer"

# 16-18: a pending query (the test holds the query gate as vaultd does)
# keeps job C from starting to send; C starts once the query is over.
bed_make_pdf "$BED/c.pdf" "ordering: job C" 2 3000
flock -x "$BED/vault/spool/locks/queue-vpdf.query" \
	bash -c 'sleep 8; printf "%s\n" "${EPOCHREALTIME/,/.}" >"$BED/pending.end"' &
bed_track pending $!
bed_wait_until 5 lock_held query || bed_die "the test could not take the query gate"
id_c=$(bed_submit vpdf "$BED/c.pdf" -o InputSlot=Main -o PageSize=Letter) || bed_die "lp failed (C)"
bed_wait_until 6 vb_has_backend || tap_diag "job C's vault backend did not start within 6 s"
sleep 1				# time enough to pass the gate, were it open
tap_ok "while a query is pending, job C's vault backend runs but does not start its printer backend" \
	sh -c "[ -n '$(vb_backend_pids)' ] && [ ! -e '$BED/pending.end' ] && ! grep -q '^start $id_c ' '$SLOW_LOG'"
tap_ok "job C completes once the query is over" bed_wait_job "$id_c" completed 60
c_start=$(slow_at start "$id_c")
tap_ok "job C's printer backend started ($c_start) after the pending query ended ($(cat "$BED/pending.end" 2>/dev/null))" \
	later "$(cat "$BED/pending.end" 2>/dev/null)" "$c_start"

# 19-21: idle latency against the live vaultd, and the final counts.
bench=$("$HARNESS" bench "$URI" 1000 2>&1)
tap_ok "1000 idle queries to vaultd, none failed" grep -q '^queries=1000 failures=0 ' <<<"$bench"
tap_ok "the idle queries see the three jobs: 6 pages" grep -q '^answered .* pages=6$' <<<"$bench"
tap_diag "idle latency (ipp-harness bench, one keep-alive TCP connection, live vaultd): $(grep '^queries=' <<<"$bench")"
tap_ok "vaultctl trays: main / Letter used 6, remaining 94" \
	grep -Eq '^main +na_letter_8\.5x11in +100 +6 +94 ' <<<"$("$VAULTCTL" trays vpdf 2>&1)"
