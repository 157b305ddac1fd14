#!/bin/bash
# valgrind memcheck of one vault backend job, run directly as cupsd would
# run it (argv, environment, the document as argv[6]) in front of a null
# inner backend that writes what it receives to a file: the job is printed
# byte-identical, and memcheck reports 0 errors and 0 bytes definitely lost.
# No cupsd is involved (CUPS_SERVER names a socket that does not exist).
# SPDX-License-Identifier: Apache-2.0

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/_build}"
. "$top_srcdir/tests/bed/tap.sh"

command -v valgrind >/dev/null || tap_skip_all "valgrind is not installed (apt-get install valgrind)"
BACKEND=$top_builddir/backend/vault
[ -x "$BACKEND" ] || tap_skip_all "backend/vault is not built"
if nm -D "$BACKEND" 2>/dev/null | grep -q __asan_init; then
	tap_skip_all "backend/vault is built with AddressSanitizer (valgrind needs a plain build)"
fi
tap_plan 5

T=$(mktemp -d "${TMPDIR:-/tmp}/vault-valgrind.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin/backend" "$T/spool" "$T/a" "$T/b"
chmod 0700 "$T/spool" "$T/a" "$T/b"
head -c 32 /dev/urandom >"$T/key" && chmod 0600 "$T/key"
cat >"$T/vault.conf" <<CONF
[vault]
spool-root = $T/spool
key-file = $T/key
[area a]
path = $T/a
capacity = 10M
[area b]
path = $T/b
capacity = 10M
CONF
# The null inner backend: what it gets on stdin goes to a file.
printf '#!/bin/sh\ncat >"%s/printed"\n' "$T" >"$T/bin/backend/null"
chmod 0700 "$T/bin/backend/null"
# Two chunks and a bit of data, with a marker.
{ printf '%%PDF-1.4\n%% valgrind job\n'; head -c 150000 /dev/urandom; } >"$T/doc.pdf"

env -i PATH=/usr/bin:/bin HOME="$T" TMPDIR="$T" VAULT_CONF="$T/vault.conf" \
	DEVICE_URI="vault:/null://nowhere/" PRINTER=vq CONTENT_TYPE=application/pdf \
	CUPS_SERVERBIN="$T/bin" CUPS_SERVERROOT="$T" CUPS_SERVER="$T/no-cupsd.sock" \
	CUPS_REQUESTROOT="$T" CUPS_DATADIR=/usr/share/cups CUPS_STATEDIR="$T" \
	G_SLICE=always-malloc G_DEBUG=gc-friendly \
	valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite \
	--error-exitcode=42 --track-fds=no --num-callers=30 --log-file="$T/memcheck.log" \
	"$BACKEND" 7 alice "valgrind job" 1 \
	"job-uuid=urn:uuid:7a1b2c3d-0000-4000-8000-000000000007 time-at-creation=$(date +%s) job-originating-host-name=localhost" \
	"$T/doc.pdf" >"$T/stdout" 2>"$T/stderr" 3>/dev/null
status=$?

tap_is "$status" 0 "the backend exits 0 under valgrind (42 would be memcheck errors)" ||
	tap_diag "$(tail -n 20 "$T/stderr")"
tap_ok "the null inner backend received the document byte-identical" cmp -s "$T/doc.pdf" "$T/printed"
summary=$(grep -E 'ERROR SUMMARY|definitely lost|indirectly lost|All heap blocks' "$T/memcheck.log" | sed 's/^==[0-9]*== *//')
tap_diag "$summary"
tap_ok "memcheck: 0 errors" grep -qE 'ERROR SUMMARY: 0 errors' "$T/memcheck.log" ||
	tap_diag "$(grep -A25 -m3 -E 'Invalid|uninitialised|definitely lost in' "$T/memcheck.log" | head -n 80)"
tap_ok "memcheck: 0 bytes definitely lost" \
	eval 'grep -qE "definitely lost: 0 bytes|All heap blocks were freed" "$T/memcheck.log"'
tap_is "$(find "$T/a" "$T/b" -name '*.data' | wc -l)" 0 "the vault is empty after the job"
