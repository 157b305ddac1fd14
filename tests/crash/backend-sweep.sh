#!/bin/bash
# Crash sweep along one job's life through the vault backend: the backend,
# run directly as cupsd runs it on a raw queue (the document in argv[6]) in
# front of an inner backend that records what it receives, is stopped
# (stop:N, a kill) or loses every write not yet durable (drop:N, a power
# cut) at each I/O step N from the first until a run completes without
# reaching N.  After each crash, as at boot: `vaultd --recover`, then cupsd's
# re-run of the same job (same job-uuid and time-at-creation), then, if
# that run held the job, a release (a third run).  Checked in every crash
# state (DESIGN.md "Invariants the tests prove"):
#
#   1. the job is never lost: it ends printed (one whole delivery), or with
#      a journal record of its discard;
#   2. without a release it is delivered at most once over both runs, and
#      a committed entry the crash left STORED or SENDING is held by the
#      re-run, not printed; the release prints it at most once more;
#   3. no plaintext of the document in the spool, after the crash, after
#      recovery, after the re-run and at the end;
#   5. every delivery is byte-identical to the document (never torn);
#   and the journal records what the end state implies: a `to=sending`
#   record for every delivery, `to=awaiting` for every hold, `to=done`
#   for the printed job; at the end no entry is printable, the areas are
#   empty and no file holds a wrapped key -- no stale <id>.meta.tmp either
#   (a gap this sweep found, closed by the boot sweep; should it come back
#   it is reported as a TODO point: see TMP_GAP).
#
# Invariant 4 (a second run never sends while the first holds the entry
# lock) needs two live runs at once; tests/backend/cupsd-restart.sh proves
# it, this sweep does not.  The number of crash states explored per mode is
# printed and must exceed a floor, so a fault hook that stops working
# cannot pass silently.
# SPDX-License-Identifier: Apache-2.0

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/bed/tap.sh"

BACKEND=$top_builddir/backend/vault
VAULTD=$top_builddir/daemon/vaultd
FLOOR=20			# Crash states each mode must explore at least
MAX_STEPS=400			# A sweep longer than this is a runaway
JOB_UUID=urn:uuid:5eed0000-0000-4000-8000-00000000b5ee
JOB_ARGS=("9107" "alice" "backend sweep" "1" "job-uuid=$JOB_UUID time-at-creation=1700000000")
MODES="stop drop"
TMP_GAP="a kill between a sidecar's tmp write and its rename leaves <id>.meta.tmp with the wrapped data key; the re-run stores the job in the other area and nothing removes the tmp (not recovery, the erase, or the tombstone's pruning): the key outlives the crypto-erase"

tap_plan 23

W=$(mktemp -d "${TMPDIR:-/tmp}/vault-bsweep.XXXXXX")
trap 'rm -rf "$W"' EXIT
MARKER=VAULT-SWEEP-PLAINTEXT-$$-$RANDOM

# The document: 150 KiB (three 64 KiB chunks), the marker on every line.
for ((i = 0; i < 2400; i ++)); do
	printf '%s line %05d %s\n' "$MARKER" "$i" "$(head -c 18 /dev/urandom | base64)"
done | head -c 153600 >"$W/doc"

# The template: vault.conf, key, inner backend, empty spool and areas.
mkdir -p "$W/tmpl/serverbin/backend" "$W/tmpl/tmp" "$W/tmpl/spool" "$W/tmpl/a" "$W/tmpl/b" "$W/tmpl/deliveries"
# shellcheck disable=SC2016 # $(mktemp) runs in rec, not here
printf '#!/bin/sh\nexec cat >"$(mktemp %s/deliveries/d.XXXXXX)"\n' "$W/s" >"$W/tmpl/serverbin/backend/rec"
chmod 0700 "$W/tmpl/serverbin/backend/rec"
head -c 32 /dev/urandom >"$W/tmpl/key"
chmod 0600 "$W/tmpl/key"
printf '[vault]\nspool-root = %s\nkey-file = %s\n[area a]\npath = %s\ncapacity = 100M\n[area b]\npath = %s\ncapacity = 100M\n' \
	"$W/s/spool" "$W/s/key" "$W/s/a" "$W/s/b" >"$W/tmpl/vault.conf"

# backend BOOT [FAULT] - run the backend for the job; exit status in $status.
# Its deliveries stay in $W/s/deliveries; stderr is appended to $W/s/log.
backend() {
	env -i PATH="$PATH" VAULT_CONF="$W/s/vault.conf" CUPS_SERVERBIN="$W/s/serverbin" \
		DEVICE_URI="vault:/rec://printer/q" PRINTER=sweep VAULT_BOOT_ID="$1" TMPDIR="$W/s/tmp" \
		${2:+VAULT_IO_FAULT="$2"} ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
		"$BACKEND" "${JOB_ARGS[@]}" "$W/doc" </dev/null >/dev/null 2>>"$W/s/log"
	status=$?
}

# recover - vaultd --recover on the next boot; exit status in $status.
recover() {
	env -i PATH="$PATH" VAULT_BOOT_ID=boot-2 ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
		"$VAULTD" --recover -c "$W/s/vault.conf" >>"$W/s/log" 2>&1
	status=$?
}

# take_deliveries RUN - move the deliveries so far to $W/s/RUN; echo how many.
take_deliveries() {
	mkdir -p "$W/s/$1"
	find "$W/s/deliveries" -type f -exec mv {} "$W/s/$1/" \;
	find "$W/s/$1" -type f | wc -l
}

# states - the states of every sidecar (live or tombstone), sorted, one line.
states() {
	find "$W/s/spool" "$W/s/a" "$W/s/b" -name '*.meta' -type f -exec sed -n 's/^state=//p' {} + |
		sort | tr '\n' ' ' | sed 's/ $//'
}

# plaintext - true when the marker is in any file of the spool tree.
plaintext() {
	grep -rqaF "$MARKER" "$W/s/spool" "$W/s/a" "$W/s/b"
}

# journal_count TO - journal records with to=TO.
journal_count() {
	grep -c "	to=$1	" "$W/s/spool/journal" 2>/dev/null
}

# fail WHAT MESSAGE - record a violation of check WHAT (a key of bad[]).
fail() {
	local what=$1
	shift
	bad[$what]+="$*"$'\n'
}

# crash_state MODE N - one crash state: crash at step N, recover, re-run,
# release if held; records violations in bad[], one line per state in
# $tally.  Returns 1 when the first run did not crash (the sweep is over;
# its exit status and deliveries in $end_status and $end_deliveries).
crash_state() {
	local mode=$1 n=$2 s="$1:$2" first second third=- after crashed_state total d1 d2 d3 f

	rm -rf "$W/s"
	cp -a "$W/tmpl" "$W/s"
	: >"$W/s/log"

	backend boot-1 "$mode:$n"
	first=$status
	d1=$(take_deliveries run1)
	if [ "$first" != 99 ]; then
		end_status=$first end_deliveries=$d1
		cmp -s "$W/doc" "$W/s/run1/"* 2>/dev/null || fail torn "$s: the crash-free run delivered a changed document"
		residue "$s"
		return 1
	fi

	crashed_state=$(states)
	plaintext && fail plain "$s: plaintext in the spool after the crash"

	recover
	[ "$status" = 0 ] || fail recover "$s: vaultd --recover exited $status"
	after=$(states)
	plaintext && fail plain "$s: plaintext in the spool after recovery"

	backend boot-2
	second=$status
	d2=$(take_deliveries run2)
	plaintext && fail plain "$s: plaintext in the spool after the re-run"
	d3=0
	if [ "$second" = 3 ]; then
		held=$((held + 1))
		[ "$(journal_count awaiting)" -ge 1 ] || fail journal "$s: held (exit 3) without a to=awaiting record"
		backend boot-2
		third=$status
		d3=$(take_deliveries run3)
	fi

	tally+="$s: after crash [$crashed_state], after recovery [$after], runs $first/$second/$third, deliveries $d1+$d2+$d3"$'\n'

	# Invariant 1: printed (a whole delivery) or discarded with a record.
	total=$((d1 + d2 + d3))
	if [ "$total" = 0 ] && [ "$(journal_count discarded)" = 0 ] && [ "$(journal_count refused)" = 0 ]; then
		fail lost "$s: never printed and no discard record (runs $first/$second/$third, states [$(states)])"
	fi
	[ "${third:-}" = - ] || [ "$third" = 0 ] || fail lost "$s: the release run exited $third"
	[ "$second" = 0 ] || [ "$second" = 3 ] || fail lost "$s: the re-run after recovery exited $second"

	# Invariant 2: at most once without a release, at most once more with it;
	# a committed entry the crash left STORED or SENDING (no DONE tombstone
	# yet: erasing writes the tombstone before it drops the live sidecar) is
	# held by the re-run, not printed.
	[ $((d1 + d2)) -le 1 ] || fail twice "$s: delivered $((d1 + d2)) times without a release"
	[ "$d3" -le 1 ] || fail twice "$s: the release delivered $d3 times"
	case " $crashed_state " in
	*" done "* | *" discarded "*) ;;
	*" stored "* | *" sending "*)
		if [ "$d2" != 0 ] || [ "$second" != 3 ]; then
			fail twice "$s: left [$crashed_state] by the crash, the re-run exited $second and delivered $d2 times"
		fi
		;;
	esac

	# Invariant 3 at the end.
	plaintext && fail plain "$s: plaintext in the spool at the end"

	# Invariant 5: every delivery whole and byte-identical.
	for f in "$W/s"/run[123]/*; do
		[ -e "$f" ] || continue
		cmp -s "$W/doc" "$f" || fail torn "$s: delivery ${f#"$W/s/"} differs from the document ($(wc -c <"$f") bytes)"
	done

	# Journal: a to=sending record for each delivery, to=done for the
	# printed job; nothing printable left.
	[ "$(journal_count sending)" -ge "$total" ] ||
		fail journal "$s: $total deliveries but $(journal_count sending) to=sending records"
	if [ "$total" -ge 1 ]; then
		[ "$(journal_count 'done')" -ge 1 ] || fail journal "$s: printed, but no to=done record"
	fi
	case " $(states) " in
	*" receiving "* | *" stored "* | *" sending "* | *" awaiting "* | *" resurrected "*)
		fail left "$s: an entry is left printable at the end: [$(states)]"
		;;
	esac
	residue "$s"

	return 0
}

# residue STATE - after the job was printed and erased the areas must be
# empty and no file of the spool may hold a wrapped data key (the erase is
# a crypto-erase: the unlinked ciphertext may linger on the disk).  A
# leftover <id>.meta.tmp is recorded apart (bad[tmp]: a known gap, TODO).
residue() {
	local f

	while IFS= read -r f; do
		case $f in
		*.meta.tmp) fail tmp "$1: ${f#"$W/s/"} left at the end ($(grep -c '^wrapped-key=' "$f") wrapped key, state $(sed -n 's/^state=//p' "$f"))" ;;
		*) fail left "$1: ${f#"$W/s/"} left in an area at the end" ;;
		esac
	done < <(find "$W/s/a" "$W/s/b" -type f)
	while IFS= read -r f; do
		fail left "$1: ${f#"$W/s/"} holds a wrapped key at the end"
	done < <(grep -rl --exclude='*.meta.tmp' '^wrapped-key=' "$W/s/spool" "$W/s/a" "$W/s/b")
}

declare -A bad
for mode in $MODES; do
	bad=()
	tally=""
	held=0
	end_status=- end_deliveries=-
	for ((n = 1; n <= MAX_STEPS; n ++)); do
		crash_state "$mode" "$n" || break
	done
	explored=$((n - 1))

	tap_diag "$mode: $explored crash states explored, $held needed a release; the run at step $n completed"
	[ -n "${VERBOSE:-}" ] && tap_diag "$tally"
	tap_ok "$mode: more than $FLOOR crash states explored ($explored)" test "$explored" -gt "$FLOOR"
	tap_ok "$mode: the sweep ends with a run that completes (exit 0, one delivery)" \
		test "$end_status" = 0 -a "$end_deliveries" = 1
	tap_ok "$mode: some crash states hold the job for a release, some print it on the re-run" \
		test "$held" -gt 0 -a "$held" -lt "$explored"
	for what in recover lost twice plain torn journal left tmp; do
		case $what in
		recover) desc="vaultd --recover succeeds after every crash" ;;
		lost) desc="invariant 1: the job is never lost (printed, or discarded with a record)" ;;
		twice) desc="invariant 2: at most one delivery without a release, at most one more with it; an entry left STORED or SENDING is held" ;;
		plain) desc="invariant 3: no plaintext in the spool after the crash, after recovery, after the re-run, at the end" ;;
		torn) desc="invariant 5: every delivery is the whole document, byte for byte" ;;
		journal) desc="the journal records each send, each hold and the printed job's to=done" ;;
		left) desc="at the end nothing is left: no entry printable, the areas empty, no wrapped key in the spool" ;;
		tmp) desc="at the end no stale <id>.meta.tmp (a sidecar with a wrapped key) is left in an area" ;;
		esac
		if [ -n "${bad[$what]:-}" ] && [ "$what" = tmp ]; then
			tap_diag "${bad[$what]%$'\n'}"
			tap_result 1 "$mode: $desc # TODO $TMP_GAP"
		elif [ -n "${bad[$what]:-}" ]; then
			tap_diag "${bad[$what]%$'\n'}"
			tap_result 1 "$mode: $desc"
		else
			tap_result 0 "$mode: $desc"
		fi
	done
	if [ "$mode" = stop ]; then
		stop_explored=$explored
	else
		drop_explored=$explored
	fi
done

tap_diag "crash states explored: $((stop_explored + drop_explored)) ($stop_explored stop + $drop_explored drop)"
tap_ok "stop and drop explore the same steps" test "$stop_explored" = "$drop_explored"
