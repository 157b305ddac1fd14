#!/bin/bash
# The counters IPP service (daemon/vaultd-ipp.c) run alone by ipp-harness on
# 127.0.0.1 and a unix socket: ipptool checks the attributes after a paper
# load and simulated jobs, requested-attributes, an unknown queue, another
# operation and malformed requests; garbage bytes and a silent client do
# not stop it; a non-loopback address is refused; a query sent mid-job is
# answered after that job with its counts, before the next job; 1000 idle
# queries give p50/p99 latency.
# SPDX-License-Identifier: Apache-2.0

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/bed/tap.sh"

HARNESS=$top_builddir/tests/counters/ipp-harness
VAULTCTL=$top_builddir/daemon/vaultctl
A4=iso_a4_210x297mm
LETTER=na_letter_8.5x11in

command -v ipptool >/dev/null 2>&1 || tap_skip_all "ipptool is not installed"
command -v ss >/dev/null 2>&1 || tap_skip_all "ss is not installed"

W=$(mktemp -d "${TMPDIR:-/tmp}/vault-counters.XXXXXX") || exit 1
SERVE_PID=
cleanup() {
	local status=$?
	[ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
	[ "$status" = 0 ] && [ "$(tap_failures)" = 0 ] || { echo "==== harness log"; cat "$W/serve.err"; } >&2
	rm -rf "$W"
	exit "$status"
}
trap cleanup EXIT

# free_port - a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % 40000))
		ss -Htln | awk '{ print $4 }' | grep -q ":$port\$" || break
	done
	echo "$port"
}

# counters_ipptool URI [ARGS] - run counters.test against URI with the expected figures.
counters_ipptool() {
	local uri=$1
	shift
	ipptool -T 10 -t -d pages="$pages" -d impressions="$impressions" -d sheets="$sheets" \
		-d jobs="$jobs" -d used="$used" -d remaining="$remaining" "$@" \
		"$uri" "$top_srcdir/tests/counters/counters.test"
}

# wait_for FILE PATTERN - wait up to 10 s until FILE holds a line matching PATTERN.
wait_for() {
	local i
	for i in $(seq 1 200); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

mkdir -p "$W/root" "$W/a" "$W/b"
(umask 077 && head -c 32 /dev/urandom >"$W/key")
cat >"$W/vault.conf" <<EOF
[vault]
spool-root = $W/root
key-file = $W/key
[area a]
path = $W/a
capacity = 10M
[area b]
path = $W/b
capacity = 10M
EOF
export VAULT_CONF=$W/vault.conf
PORT=$(free_port)
URI=ipp://127.0.0.1:$PORT/printers/office
SOCK_URI="ipp://$(printf '%s' "$W/ipp.sock" | sed 's|/|%2F|g')/printers/office"

tap_plan 17

# 1-3: a paper load, two jobs, and what vaultctl shows.
tap_ok "vaultctl load records 500 sheets of A4 in tray-1" \
	"$VAULTCTL" load office --tray tray-1 --media $A4 --sheets 500
tap_ok "two simulated jobs are applied at the gate" sh -c \
	"'$HARNESS' job office $A4 tray-1 3 6 3 >/dev/null && '$HARNESS' job office $A4 auto 2 2 2 $LETTER tray-2 1 1 1 >/dev/null"
pages=6 impressions=9 sheets=6 jobs=2 used=5 remaining=495
tap_is "$("$VAULTCTL" trays office | awk '$1 == "tray-1" { print $3, $4, $5, $6, $7, $8 }')" \
	"500 5 495 5 8 5" "vaultctl trays: tray-1 loaded, used, remaining, pages, impressions, sheets"

# 4-7: the service over TCP and the unix socket.
"$HARNESS" serve --listen "127.0.0.1:$PORT" --socket "$W/ipp.sock" >"$W/serve.out" 2>"$W/serve.err" &
SERVE_PID=$!
tap_ok "the service starts on 127.0.0.1:$PORT and $W/ipp.sock" wait_for "$W/serve.out" '^ready$'
tap_ok "ipptool: attributes, requested-attributes, unknown queue, other operation, bad requests (TCP)" \
	counters_ipptool "$URI"
tap_ok "ipptool: the same attributes over the unix socket" sh -c \
	"ipptool -T 10 -tv '$SOCK_URI' get-printer-attributes.test | grep -q 'printer-pages-completed (integer) = $pages'"
tray=$(ipptool -T 10 -tv "$URI" get-printer-attributes.test | sed -n 's/^ *printer-input-tray (1setOf octetString) = //p')
tap_is "${tray%%,*}" \
	"type=sheetFeedAutoRemovableTray;dimunit=micrometers;mediafeed=0;mediaxfeed=0;unit=sheets;maxcapacity=500;level=495;status=0;name=tray-1;medianame=$A4;" \
	"printer-input-tray in the PWG 5100.13 form, level = remaining sheets"

# 8-11: garbage, a malformed IPP body, a silent client; the service lives on.
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GARBAGE \001\002\377 nonsense\r\n\r\n' >&3
reply=$(timeout 5 head -n 1 <&3 | tr -d '\r')
exec 3>&-
tap_is "$reply" "HTTP/1.1 400 Bad Request" "garbage bytes get HTTP 400"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /printers/office HTTP/1.1\r\nHost: x\r\nContent-Type: application/ipp\r\nContent-Length: 12\r\n\r\n\002\000\000\013\000\000\000\001\377\377\377\377' >&3
reply=$(timeout 5 head -n 1 <&3 | tr -d '\r')
exec 3>&-
tap_is "$reply" "HTTP/1.1 400 Bad Request" "a malformed IPP message gets HTTP 400"
exec 4<>"/dev/tcp/127.0.0.1/$PORT"		# Connected and silent
tap_ok "a query is answered while another client sits silent" \
	sh -c "ipptool -T 5 -tv '$URI' get-printer-attributes.test | grep -q 'printer-pages-completed (integer) = $pages'"
exec 4>&-
tap_ok "the service still runs" kill -0 "$SERVE_PID"

# 12: loopback only.
out=$("$HARNESS" serve --listen "0.0.0.0:$PORT" 2>&1 </dev/null; "$HARNESS" serve --listen "192.0.2.1:$PORT" 2>&1 </dev/null)
tap_is "$(grep -c 'is not a loopback address' <<<"$out")" 2 "0.0.0.0 and 192.0.2.1 are refused with a clear error"

# 13-15: a query sent mid-job is answered after the job, with its counts,
# and before the next job starts.
"$HARNESS" job office --hold 1.5 $A4 tray-1 10 10 10 >"$W/job-a" 2>&1 &
job_a=$!
wait_for "$W/job-a" '^entered' || tap_diag "job A did not enter"
"$HARNESS" bench "$URI" 1 >"$W/query" 2>&1 &
query=$!
sleep 0.3
"$HARNESS" job office $A4 tray-1 100 100 100 >"$W/job-b" 2>&1 &
job_b=$!
wait "$job_a" "$query" "$job_b"
a_left=$(awk '/^left/ { print $2 }' "$W/job-a")
b_in=$(awk '/^entered/ { print $2 }' "$W/job-b")
q_at=$(awk '/^answered/ { print $2 }' "$W/query")
q_pages=$(sed -n 's/^answered .* pages=//p' "$W/query")
tap_is "$q_pages" $((pages + 10)) "the mid-job query saw job A's pages and not job B's"
tap_ok "the query was answered after job A left" awk -v a="$a_left" -v q="$q_at" 'BEGIN { exit !(q >= a) }'
tap_ok "job B entered after job A left and the query was served" \
	awk -v a="$a_left" -v b="$b_in" -v q="$q_at" 'BEGIN { exit !(b >= a && b - q < 0.5) }'
tap_diag "mid-job query answered $(awk -v a="$a_left" -v q="$q_at" 'BEGIN { printf "%.2f", (q - a) * 1000 }') ms after job A ended (client side)" \
	"job B entered $(awk -v b="$b_in" -v q="$q_at" 'BEGIN { printf "%.2f", (b - q) * 1000 }') ms after the answer reached the client (negative: within the same instant)"

# 16: idle latency over 1000 queries.
bench=$("$HARNESS" bench "$URI" 1000 | grep '^queries=')
tap_ok "1000 idle queries, none failed" grep -q 'failures=0' <<<"$bench"
tap_diag "idle latency (TCP, one connection): $bench"

# 17: a clean stop removes the socket.
kill "$SERVE_PID"
wait "$SERVE_PID"
status=$?
SERVE_PID=
tap_ok "SIGTERM stops the service and removes its socket" test "$status" = 0 -a ! -e "$W/ipp.sock"
