#!/bin/bash
# The demo (./scripts/demo) as a test: it runs to the end (exit 0) and tells
# what happened -- the vault copy printed byte for byte, nothing printed after
# the power cut, the originator's held event, exactly one copy after the
# release, and the counters over IPP.
# SPDX-License-Identifier: Apache-2.0

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/bed/tap.sh"
tap_plan 6

out=$(mktemp "${TMPDIR:-/tmp}/demo-out.XXXXXX")
trap 'rm -f "$out"' EXIT
start=$(date +%s)
DEMO_BUILD_DIR=$top_builddir "$top_srcdir/scripts/demo" --no-bootstrap >"$out" 2>&1
status=$?
tap_diag "the demo took $(( $(date +%s) - start )) s"
tap_is "$status" 0 "./scripts/demo exits 0" || tap_diag "$(tail -n 60 "$out")"
tap_ok "the vault queue's job reached the printer byte for byte" grep -q "The printer received it byte for byte" "$out"
tap_ok "nothing printed after the power cut until the release" grep -q "The printer received 0 more document(s) since the cut" "$out"
tap_ok "the originator got the held event" grep -q "event: job-state-changed pending-held" "$out"
tap_ok "exactly one copy after the release" grep -q "after the release: 1$" "$out"
tap_ok "vaultd served the counters over IPP" grep -q "printer-pages-completed (integer) = 1" "$out"
