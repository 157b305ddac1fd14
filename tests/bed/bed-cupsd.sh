# The bed's private cupsd: configuration, start, stop, simulated power loss
# and restart, and the vault's configuration handed to cupsd's children.
# SPDX-License-Identifier: Apache-2.0
#
# Sourced by bed.sh.  Layout under $BED: etc/ (ServerRoot), bin/ (ServerBin),
# spool/ (RequestRoot), cache/, state/, log/, run/cups.sock.

# bed_setenv NAME VALUE - make cupsd pass NAME=VALUE to its children
# (SetEnv in cups-files.conf); takes effect at the next cupsd start.
bed_setenv() {
	mkdir -p "$BED/env"
	printf '%s\n' "$2" >"$BED/env/$1"
}

# _bed_link_dir SRC DST - symlink every program of SRC into DST.
_bed_link_dir() {
	local f

	[ -d "$1" ] || return 0
	for f in "$1"/*; do
		[ -e "$f" ] && [ ! -e "$2/${f##*/}" ] && ln -s "$f" "$2/${f##*/}"
	done
	return 0
}

# _bed_install_project - copy the project's built backends and filters into
# ServerBin.  Backends get mode 0700: cupsd runs a backend as root only when
# the file (a symlink's target) has no group/other write or other-execute
# bit, so a copy with its own mode is used rather than a link to the build.
_bed_install_project() {
	local f

	if [ -f "$top_builddir/backend/vault" ]; then
		install -m 0700 "$top_builddir/backend/vault" "$BED/bin/backend/vault"
	fi
	for f in "$top_builddir"/filter/*; do
		[ -f "$f" ] && [ -x "$f" ] && [ "${f%.o}" = "$f" ] || continue
		install -m 0755 "$f" "$BED/bin/filter/${f##*/}"
	done
	return 0
}

# bed_install_backend FILE [NAME] - add a backend of the test's own to
# ServerBin (mode 0700: cupsd runs it as root).  Before bed_start_cupsd.
bed_install_backend() {
	mkdir -p "$BED/bin/backend"
	install -m 0700 "$1" "$BED/bin/backend/${2:-${1##*/}}"
}

# _bed_make_dirs - create ServerRoot, ServerBin and the state directories.
_bed_make_dirs() {
	local d

	for d in etc/ppd etc/ssl bin/backend bin/filter bin/notifier bin/daemon \
		bin/driver spool/temp cache state; do
		mkdir -p "$BED/$d"
	done
	chmod 0755 "$BED/bin" "$BED/bin"/*
	_bed_install_project
	_bed_link_dir /usr/lib/cups/backend "$BED/bin/backend"
	_bed_link_dir /usr/lib/cups/filter "$BED/bin/filter"
	_bed_link_dir /usr/lib/cups/notifier "$BED/bin/notifier"
	_bed_link_dir /usr/lib/cups/daemon "$BED/bin/daemon"
	_bed_link_dir /usr/lib/cups/driver "$BED/bin/driver"
}

# _bed_write_cupsd_conf - cupsd.conf: loopback port, socket, no auth,
# Debian's ErrorPolicy; a test adds directives with BED_CUPSD_EXTRA.
_bed_write_cupsd_conf() {
	cat >"$BED/etc/cupsd.conf" <<EOF
# Private test-bed cupsd (cups-vault tests/bed).
LogLevel debug
MaxLogSize 0
Listen 127.0.0.1:$BED_CUPSD_PORT
Listen $BED/run/cups.sock
Browsing Off
BrowseLocalProtocols none
DefaultShared No
WebInterface No
ErrorPolicy retry-job
${BED_CUPSD_EXTRA:-}
<Location />
  Order Allow,Deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order Deny,Allow
  </Limit>
</Policy>
EOF
}

# _bed_write_cups_files_conf - cups-files.conf: every path inside $BED,
# FileDevice, and the environment for cupsd's children (VAULT_BOOT_ID,
# VAULT_CONF and whatever bed_setenv added).
_bed_write_cups_files_conf() {
	local f

	cat >"$BED/etc/cups-files.conf" <<EOF
ServerRoot $BED/etc
ServerBin $BED/bin
DataDir /usr/share/cups
RequestRoot $BED/spool
TempDir $BED/spool/temp
CacheDir $BED/cache
StateDir $BED/state
ServerKeychain $BED/etc/ssl
AccessLog $BED/log/access_log
ErrorLog $BED/log/error_log
PageLog $BED/log/page_log
Printcap $BED/state/printcap
FileDevice Yes
Sandboxing Relaxed
User lp
Group lp
SetEnv VAULT_BOOT_ID $BED_BOOT_ID
EOF
	for f in "$BED"/env/*; do
		[ -e "$f" ] && echo "SetEnv ${f##*/} $(cat "$f")"
	done >>"$BED/etc/cups-files.conf"
}

# _bed_client_env - point lp, lpadmin, lpstat and ipptool at the bed's cupsd.
_bed_client_env() {
	export CUPS_SERVER="$BED/run/cups.sock"
	export CUPS_SERVERROOT="$BED/etc"
	export CUPS_DATADIR=/usr/share/cups
	BED_CUPSD_URI="ipp://$(printf '%s' "$BED/run/cups.sock" | sed 's|/|%2F|g')"
}

# _bed_cupsd_ready - true once cupsd answers on its socket.
_bed_cupsd_ready() {
	bed_alive cupsd || return 1
	lpstat -r 2>/dev/null | grep -q "is running"
}

# bed_start_cupsd - configure (first time) and start cupsd; wait until it
# answers.  Dies (Bail out!) when it does not start within 15 s.
bed_start_cupsd() {
	local start

	start=$(bed_now)
	if [ ! -f "$BED/etc/cupsd.conf" ]; then
		BED_CUPSD_PORT=$(bed_free_port)
		_bed_make_dirs
		_bed_write_cupsd_conf
	fi
	: "${BED_BOOT_ID:=$(cat /proc/sys/kernel/random/uuid)}"
	_bed_write_cups_files_conf
	_bed_client_env
	cupsd -f -c "$BED/etc/cupsd.conf" -s "$BED/etc/cups-files.conf" \
		>>"$BED/log/cupsd.stderr" 2>&1 &
	bed_track cupsd $!
	bed_wait_until 15 _bed_cupsd_ready || bed_die "cupsd did not start"
	bed_time "cupsd start" "$start"
}

# bed_stop_cupsd - stop cupsd gracefully (SIGTERM) and wait for it.
bed_stop_cupsd() {
	local pid

	pid=$(bed_pid cupsd)
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	bed_wait_until 10 _bed_ended cupsd || kill -KILL "$(bed_pid cupsd)" 2>/dev/null
	rm -f "$BED/pids/cupsd"
}

# _bed_ended NAME - true when tracked process NAME no longer runs (a zombie
# has ended; a process that took over its pid is not it).
_bed_ended() {
	local pid

	pid=$(bed_pid "$1")
	[ -z "$pid" ] || bed_pids_gone "$pid"
}

# _bed_descendants PID - print PID's descendants, from the process tree.
_bed_descendants() {
	local all pid pids=" $1 " before=""

	all=$(ps -e -o pid=,ppid=)
	while [ "$pids" != "$before" ]; do
		before=$pids
		pids=$(awk -v set="$pids" 'BEGIN { n = split(set, a, " "); for (i = 1; i <= n; i++) s[a[i]] = 1 }
			{ if ($2 in s) s[$1] = 1 }
			END { printf " "; for (p in s) printf "%s ", p }' <<<"$all")
	done
	for pid in $pids; do
		[ "$pid" != "$1" ] && echo "$pid"
	done
}

# bed_power_loss - simulate a power cut: SIGKILL cupsd, every backend and
# filter it started, and the printers.  Only processes the bed started are
# touched: cupsd is stopped first (no new children), then its process tree
# is frozen and killed.  D-Bus and avahi stay (they are the network).
bed_power_loss() {
	local pid kids victims=""

	pid=$(bed_pid cupsd)
	if [ -n "$pid" ]; then
		kill -STOP "$pid" 2>/dev/null
		kids=$(_bed_descendants "$pid")
		[ -n "$kids" ] && kill -STOP $kids 2>/dev/null
		victims="$pid $kids $(_bed_descendants "$pid")"
		rm -f "$BED/pids/cupsd"
	fi
	for pid in "$BED"/pids/printer-*; do
		[ -e "$pid" ] && victims="$victims $(bed_pid "${pid##*/}")" && rm -f "$pid"
	done
	kill -KILL $victims 2>/dev/null
	bed_wait_until 5 bed_pids_gone $victims || echo "bed: survivors of the power loss: $victims" >&2
	BED_BOOT_ID=$(cat /proc/sys/kernel/random/uuid)
	export VAULT_BOOT_ID=$BED_BOOT_ID
}

# bed_pids_gone PID... - true when none of the PIDs runs any more (a
# zombie counts as gone: it no longer runs).
bed_pids_gone() {
	local pid

	for pid in "$@"; do
		[ -e "/proc/$pid/stat" ] || continue
		[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ] || return 1
	done
}

# bed_restart - after bed_power_loss: start the printers again on their old
# ports (new output directories, old ones kept) and cupsd on the same
# directories, with the new boot id.
bed_restart() {
	local dir

	for dir in "$BED"/printers/*; do
		[ -d "$dir" ] && _bed_printer_start "${dir##*/}"
	done
	bed_start_cupsd
}

# bed_vault_config [CAPACITY_A] [CAPACITY_B] - write $BED/vault/vault.conf
# with two areas (default 100M each) and a fresh 32-byte key (mode 0600),
# and make cupsd pass VAULT_CONF to its children.  Prints the file's path.
bed_vault_config() {
	local v="$BED/vault"

	mkdir -p "$v/spool" "$v/areas/a" "$v/areas/b"
	chmod 0700 "$v/spool" "$v/areas/a" "$v/areas/b"
	(umask 077 && head -c 32 /dev/urandom >"$v/key") || return 1
	chmod 0600 "$v/key"
	cat >"$v/vault.conf" <<EOF
[vault]
spool-root = $v/spool
key-file = $v/key
[area a]
path = $v/areas/a
capacity = ${1:-100M}
[area b]
path = $v/areas/b
capacity = ${2:-100M}
EOF
	bed_setenv VAULT_CONF "$v/vault.conf"
	export VAULT_CONF="$v/vault.conf"
	echo "$v/vault.conf"
}
