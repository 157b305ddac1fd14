# The private-CUPS test bed: a cupsd of its own, in its own network and mount
# namespace, with simulated printers that keep every document they receive.
# SPDX-License-Identifier: Apache-2.0
#
# A test sources this file, then calls bed_init "$@" first thing:
#
#   . "$top_srcdir/tests/bed/bed.sh"
#   bed_init "$@"              # re-runs the test inside unshare, makes $BED
#   bed_plan 3
#   uri=$(bed_ippeveprinter office)
#   bed_start_cupsd
#   bed_add_queue q "$uri"
#   bed_make_pdf "$BED/a.pdf" first
#   id=$(bed_submit q "$BED/a.pdf")
#   bed_wait_job "$id" completed
#
# Everything lives under $BED (a fresh directory under ${TMPDIR:-/tmp}) and
# in the namespace, which has only a loopback interface: nothing leaves the
# machine and several beds run side by side.  Teardown is a trap: it stops
# every process the bed started, dumps cupsd's error_log when the test failed
# and removes $BED (kept when BED_KEEP=1).
#
# Environment: top_srcdir, top_builddir (from make check); BED_SINK (path of
# bed-sink, default $top_builddir/tests/bed/bed-sink); BED_KEEP; BED_QUIET
# (no timing diagnostics).

BED_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_srcdir:=$(cd "$BED_LIB_DIR/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir

. "$BED_LIB_DIR/tap.sh"
. "$BED_LIB_DIR/bed-pdf.sh"
. "$BED_LIB_DIR/bed-cupsd.sh"
. "$BED_LIB_DIR/bed-printers.sh"
. "$BED_LIB_DIR/bed-jobs.sh"

# The tools the bed runs; a missing one is a skip (a failure under CI).
BED_TOOLS="unshare ip ss mount dbus-daemon avahi-daemon ippeveprinter ipptool
	cupsd lpadmin lp lpstat cupsenable cupsaccept od stat timeout"

# bed_now - seconds since the epoch with microseconds (for timings).
bed_now() {
	printf '%s\n' "${EPOCHREALTIME/,/.}"
}

# bed_elapsed START - seconds since START, with two decimals.
bed_elapsed() {
	awk -v a="$1" -v b="$(bed_now)" 'BEGIN { printf "%.2f", b - a }'
}

# bed_time LABEL START - a TAP diagnostic saying how long LABEL took.
bed_time() {
	[ -n "${BED_QUIET:-}" ] || tap_diag "bed: $1 took $(bed_elapsed "$2") s"
}

# bed_die MESSAGE - report a bed failure (TAP "Bail out!") and exit 1.
bed_die() {
	BED_FAILED=1
	echo "Bail out! bed: $*"
	exit 1
}

# _bed_enter_namespace ARGS... - re-exec the test inside its own namespaces.
# Root runs unshare directly; a normal user needs password-less sudo.
_bed_enter_namespace() {
	local tool sudo=()

	for tool in $BED_TOOLS; do
		command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
		command -v "$tool" >/dev/null 2>&1 || tap_skip_all "$tool is not installed"
	done
	if [ "$(id -u)" != 0 ]; then
		sudo -n true 2>/dev/null || tap_skip_all "the bed needs root or password-less sudo"
		sudo=(sudo -n)
	fi
	exec "${sudo[@]}" env BED_INSIDE=1 PATH="$PATH:/usr/sbin:/sbin" \
		top_srcdir="$top_srcdir" top_builddir="$top_builddir" \
		TMPDIR="${TMPDIR:-/tmp}" BED_KEEP="${BED_KEEP:-}" BED_QUIET="${BED_QUIET:-}" \
		BED_SINK="${BED_SINK:-}" CI="${CI:-}" \
		unshare --net --mount --propagation private -- "$BASH" "$0" "$@"
	tap_skip_all "cannot run unshare"
}

# bed_init ARGS... - set up the bed; pass the test's own arguments.
# Returns only inside the namespace, with $BED created and D-Bus and avahi
# (needed by ippeveprinter's DNS-SD) running.
bed_init() {
	local start

	[ -n "${BED_INSIDE:-}" ] || _bed_enter_namespace "$@"
	start=$(bed_now)
	BED_FAILED=0
	BED=$(mktemp -d "${TMPDIR:-/tmp}/cups-vault-bed.XXXXXX") || bed_die "mktemp failed"
	# cupsd runs filters and some backends as lp: they must reach the spool.
	chmod 0755 "$BED"
	mkdir -p "$BED/pids" "$BED/printers" "$BED/run" "$BED/log" "$BED/home"
	export BED HOME="$BED/home"
	trap _bed_teardown EXIT
	trap 'exit 130' INT TERM HUP
	ip link set lo up || bed_die "cannot bring up lo in the namespace"
	# A private /run: avahi's pid file and socket, and no way to reach the
	# system's cupsd or D-Bus by accident.
	mount -t tmpfs -o mode=0755 bed-run /run || bed_die "cannot mount a tmpfs on /run"
	mkdir -p /run/avahi-daemon /run/dbus /run/cups
	_bed_start_dbus
	_bed_start_avahi
	bed_time "namespace, D-Bus and avahi" "$start"
}

# _bed_start_time PID - when process PID started (clock ticks after boot,
# field 22 of /proc/PID/stat), or nothing when there is no such process.
_bed_start_time() {
	local stat

	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	set -- ${stat##*) }
	echo "${20}"
}

# bed_track NAME PID - remember a process the bed started (for teardown),
# with its start time; disowned, so bash does not report its death by
# SIGKILL.
bed_track() {
	echo "$2 $(_bed_start_time "$2")" >"$BED/pids/$1"
	disown "$2" 2>/dev/null
	return 0
}

# bed_pid NAME - the pid of tracked process NAME while it is the process
# the bed started, or nothing: once it has ended, the kernel may give its
# pid to a process of another test, which the bed must never signal.
bed_pid() {
	local pid start

	read -r pid start 2>/dev/null <"$BED/pids/$1" || return 0
	[ -n "$start" ] && [ "$(_bed_start_time "$pid")" = "$start" ] && echo "$pid"
	return 0
}

# bed_alive NAME - true when the tracked process NAME is running.
bed_alive() {
	local pid

	pid=$(bed_pid "$1")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# bed_wait_until TIMEOUT COMMAND... - poll COMMAND every 50 ms until it
# succeeds (returns 0) or TIMEOUT seconds pass (returns 1).
bed_wait_until() {
	local timeout=$1 deadline
	shift
	deadline=$(awk -v n="$(bed_now)" -v t="$timeout" 'BEGIN { printf "%.3f", n + t }')
	until "$@"; do
		awk -v n="$(bed_now)" -v d="$deadline" 'BEGIN { exit !(n > d) }' && return 1
		sleep 0.05
	done
}

# bed_free_port - print a TCP port on 127.0.0.1 that nothing listens on.
bed_free_port() {
	local port used

	used=$(ss -Htln 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }')
	while :; do
		port=$((20000 + RANDOM % 40000))
		grep -qx "$port" <<<"$used" || [ -e "$BED/run/port-$port" ] || break
	done
	: >"$BED/run/port-$port"
	echo "$port"
}

# _bed_start_dbus - a private system-type bus on a socket in $BED.
_bed_start_dbus() {
	mkdir -p "$BED/dbus"
	cat >"$BED/dbus/system.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$BED/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
	dbus-daemon --config-file="$BED/dbus/system.conf" --nofork --nopidfile \
		>"$BED/log/dbus.log" 2>&1 &
	bed_track dbus $!
	export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$BED/dbus/system_bus_socket"
	bed_wait_until 10 test -S "$BED/dbus/system_bus_socket" ||
		bed_die "dbus-daemon did not start: $(cat "$BED/log/dbus.log")"
}

# _bed_start_avahi - avahi-daemon on lo only, on the private bus.
_bed_start_avahi() {
	mkdir -p "$BED/avahi"
	cat >"$BED/avahi/avahi-daemon.conf" <<EOF
[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=lo
ratelimit-interval-usec=0
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
EOF
	avahi-daemon --no-drop-root --no-chroot --no-rlimits --no-proc-title \
		-f "$BED/avahi/avahi-daemon.conf" >"$BED/log/avahi.log" 2>&1 &
	bed_track avahi $!
	bed_wait_until 10 _bed_avahi_ready ||
		bed_die "avahi-daemon did not start: $(cat "$BED/log/avahi.log")"
}

# _bed_avahi_ready - true once avahi-daemon has registered on the bus.
_bed_avahi_ready() {
	bed_alive avahi || return 1
	grep -q "Server startup complete" "$BED/log/avahi.log"
}

# _bed_kill_tracked SIGNAL - signal every tracked process except cupsd.
_bed_kill_tracked() {
	local f pid

	for f in "$BED"/pids/*; do
		[ -e "$f" ] && [ "${f##*/}" != cupsd ] || continue
		pid=$(bed_pid "${f##*/}")
		[ -n "$pid" ] && kill "-$1" "$pid" 2>/dev/null
	done
}

# _bed_teardown - the EXIT trap: stop everything, report, clean up.
_bed_teardown() {
	local status=$?

	[ -n "${BED:-}" ] && [ -d "$BED" ] || return
	trap - EXIT
	[ "$status" = 0 ] && [ "$(tap_failures)" = 0 ] && [ "$BED_FAILED" = 0 ] || BED_FAILED=1
	bed_stop_cupsd
	_bed_kill_tracked TERM
	sleep 0.1
	_bed_kill_tracked KILL
	if [ "$BED_FAILED" = 1 ]; then
		bed_dump_logs >&2
	fi
	if [ -n "${BED_KEEP:-}" ]; then
		tap_diag "bed: kept $BED"
	else
		rm -rf "$BED"
	fi
	exit "$status"
}

# bed_dump_logs - print cupsd's error_log and the printers' logs.
bed_dump_logs() {
	local f

	for f in "$BED"/log/*; do
		[ -s "$f" ] || continue
		echo "==== $f"
		tail -n 400 "$f"
	done
}
