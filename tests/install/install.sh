#!/bin/bash
# make install into a DESTDIR: every file where it belongs with the right
# mode (backend 0700, filter 0755, spool and key directories 0700), units
# and scripts with the configured paths, a sample vault.conf that names
# every key and loads, man pages that render; a second install changes
# nothing and keeps an existing vault.conf; make uninstall leaves no file.
# SPDX-License-Identifier: Apache-2.0

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/tap.sh"
: "${top_builddir:=$top_srcdir}"
tap_plan 17

D=$(mktemp -d "${TMPDIR:-/tmp}/cups-vault-install.XXXXXX") || exit 1
trap 'rm -rf "$D"' EXIT
# Not the MAKEFLAGS of "make check": its -j and jobserver belong to it.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" "$@"; }

eval "$(mk vault-install-dirs)"
tap_ok "make install DESTDIR=... succeeds" eval 'mk install DESTDIR="$D" >"$D.log" 2>&1' ||
	tap_diag "$(tail -n 20 "$D.log")"

# mode_of PATH - octal mode of $D/PATH, or "missing".
mode_of() { stat -c %a "$D$1" 2>/dev/null || echo missing; }

tap_is "$(mode_of "$backenddir/vault")" 700 "backend vault: mode 0700"
tap_is "$(mode_of "$filterdir/vault-account")" 755 "filter vault-account: mode 0755"
tap_is "$(mode_of "$sbindir/vaultd") $(mode_of "$sbindir/vaultctl") $(mode_of "$pkglibexecdir/vault-ppdgen")" \
	"755 755 755" "vaultd, vaultctl and vault-ppdgen: mode 0755"
tap_ok "vault-add-printer and vault-remove-printer: 0755, with the installed paths" eval \
	'[ "$(mode_of "$sbindir/vault-add-printer") $(mode_of "$sbindir/vault-remove-printer")" = "755 755" ] &&
	 grep -qx "VAULT_PPD_DIR_DEFAULT=$vaultppddir" "$D$sbindir/vault-add-printer" &&
	 grep -qx "VAULT_HELPER_DEFAULT=$pkglibexecdir/vault-ppdgen" "$D$sbindir/vault-add-printer" &&
	 grep -qx "VAULT_SBIN_DEFAULT=$sbindir" "$D$sbindir/vault-remove-printer" &&
	 bash -n "$D$sbindir/vault-add-printer" && bash -n "$D$sbindir/vault-remove-printer"'
tap_ok "the PPDs: mode 0644, valid (cupstestppd), vault-account last" eval \
	'[ "$(mode_of "$vaultppddir/vault-pdf.ppd") $(mode_of "$vaultppddir/vault-pwg.ppd")" = "644 644" ] &&
	 cupstestppd -q -I filters "$D$vaultppddir"/vault-*.ppd &&
	 grep -q "^\*cupsFilter2: \"image/pwg-raster image/pwg-raster 0 vault-account\"" "$D$vaultppddir/vault-pwg.ppd"'
tap_is "$(mode_of "$vaultspooldir") $(mode_of "$vaultkeydir")" "700 700" "spool and key directories: mode 0700"
tap_ok "the units: boot sweep before cupsd, vaultd after it, paths filled in" eval \
	'grep -qx "ExecStart=$sbindir/vaultd --recover" "$D$systemdunitdir/cups-vault-recover.service" &&
	 grep -qx "Before=cups.service" "$D$systemdunitdir/cups-vault-recover.service" &&
	 grep -qx "After=cups.service cups-vault-recover.service" "$D$systemdunitdir/vaultd.service" &&
	 ! grep -q "@[a-z]*@" "$D$systemdunitdir"/*.service'
tap_ok "the MIME rules of vault references" eval \
	'[ "$(mode_of "$mimedir/vault.types") $(mode_of "$mimedir/vault.convs")" = "644 644" ]'

# The sample names every key the parser knows, and loads once uncommented.
sample=$D$vaultconfdir/vault.conf.sample
keys=$(sed -n '/vault_keys\[\] =/,/NULL/p' "$top_srcdir/spool/spool-config.c" | grep -o '"[a-z-]*"' | tr -d '"')
missing=""
for k in $keys path capacity; do
	grep -Eq "^#?$k = " "$sample" || missing="$missing $k"
done
tap_is "${missing:-none}" none "vault.conf.sample (0644: $(mode_of "$vaultconfdir/vault.conf.sample")) names every key"
mkdir -p "$D/run"
awk '/^#\[[a-z]+ [a-z]+\]$/ { sub(/^#/, "") }
	/^#[a-z-]+ = / { k = substr($1, 2); if (seen[k]++) next; sub(/^#/, "") } { print }' "$sample" |
	sed -e "s|$vaultspooldir|$D/run/spool|g" -e "s|$vaultkeydir|$D/run|g" \
		-e "s|^counters-socket = .*|counters-socket = $D/run/counters.sock|" >"$D/run/vault.conf"
tap_ok "the sample with every setting enabled loads (vaultctl keygen, areas)" eval \
	'"$D$sbindir/vaultctl" -c "$D/run/vault.conf" keygen >/dev/null &&
	 "$D$sbindir/vaultctl" -c "$D/run/vault.conf" areas >"$D/run/areas" 2>&1' ||
	tap_diag "$(cat "$D/run/areas" 2>/dev/null)"

# vaultd.service as systemd would run it (Type=simple: the process it starts
# must be the service), with the sample's sockets in a directory that does
# not exist yet (as /run/cups-vault after a boot), no TCP listener, and a
# cupsd address where none listens.
sed -e "s|^counters-socket = .*|counters-socket = $D/run/sockets/counters.sock|" \
    -e "s|^release-socket = .*|release-socket = $D/run/sockets/release.sock|" \
    -e '/^counters-listen = /d' "$D/run/vault.conf" >"$D/run/vaultd.conf"
read -r -a unit_cmd <<<"$(sed -n 's/^ExecStart=//p' "$D$systemdunitdir/vaultd.service")"
CUPS_SERVER=$D/run/no-cupsd.sock "$D${unit_cmd[0]}" "${unit_cmd[@]:1}" -c "$D/run/vaultd.conf" \
	>"$D/run/vaultd.log" 2>&1 &
vaultd_pid=$!
for _ in $(seq 50); do
	[ -S "$D/run/sockets/release.sock" ] && [ -S "$D/run/sockets/counters.sock" ] && break
	sleep 0.1
done
tap_ok "vaultd.service's command stays in the foreground and makes its sockets' directory" eval \
	'kill -0 "$vaultd_pid" 2>/dev/null && [ -S "$D/run/sockets/release.sock" ] &&
	 [ -S "$D/run/sockets/counters.sock" ] && [ "$(mode_of "/run/sockets")" = 755 ]' ||
	tap_diag "$(cat "$D/run/vaultd.log")"
kill "$vaultd_pid" 2>/dev/null
wait "$vaultd_pid" 2>/dev/null
# A vaultd that detached (the failure above) runs with this test's own
# config path, which no other process has.
pkill -f -- "-c $D/run/vaultd.conf" 2>/dev/null

bad=""
for m in man5/vault.conf.5 man7/vault.7 man8/vaultd.8 man8/vaultctl.8 man8/vault-add-printer.8 man8/vault-remove-printer.8; do
	[ -f "$D$mandir/$m" ] || { bad="$bad $m(missing)"; continue; }
	out=$(cd "$D$mandir" && LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
	[ -z "$out" ] || bad="$bad $m($out)"
done
tap_is "${bad:-none}" none "the man pages are installed and render without warnings"

# Again: nothing changes, an administrator's vault.conf stays.
echo "# the administrator's" >"$D$vaultconfdir/vault.conf"
before=$(cd "$D" && find . -printf '%p %m %s\n' | sort)
tap_ok "a second make install succeeds" eval 'mk install DESTDIR="$D" >"$D.log" 2>&1'
after=$(cd "$D" && find . -printf '%p %m %s\n' | sort)
tap_ok "it changes no file, mode or size" test "$before" = "$after" ||
	tap_diag "$(diff <(echo "$before") <(echo "$after"))"
tap_is "$(cat "$D$vaultconfdir/vault.conf")" "# the administrator's" "an existing vault.conf is kept"

rm -f "$D$vaultconfdir/vault.conf"
rm -rf "$D/run"
mk uninstall DESTDIR="$D" >"$D.log" 2>&1
tap_is "$(cd "$D" && find . -type f | sort | tr '\n' ' ')" "" "make uninstall leaves no file"
rm -f "$D.log"
