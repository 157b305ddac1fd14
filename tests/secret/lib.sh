# Helpers of the originator-secret tests, on top of tests/bed, tests/backend
# and tests/service.
# SPDX-License-Identifier: Apache-2.0
#
# Sourced by tests/secret/*.sh after bed.sh, tests/backend/lib.sh,
# tests/service/lib.sh and bed_init.  People are real local accounts, so
# vaultd can tell them apart by the socket's peer credentials: "nobody"
# owns the protected jobs, "daemon" plays someone else.

VSEC_VAULTCTL=${VSEC_VAULTCTL:-$top_builddir/daemon/vaultctl}
VSEC_OWNER=nobody
VSEC_OTHER=daemon

# vsec_inner_backend - install the test backend "rec" (before vb_start): it
# appends its own /proc/<pid>/cmdline to $BED/inner-argv, waits while
# $BED/slow.gate exists, fails (exit 1) while $BED/inner.fail exists, then
# hands the job to the stock ipp backend
# (rec://HOST/... becomes ipp://HOST/...).
vsec_inner_backend() {
	cat >"$BED/rec" <<EOS
#!/bin/bash
tr '\0' ' ' </proc/\$\$/cmdline >>"$BED/inner-argv"
echo >>"$BED/inner-argv"
while [ -e "$BED/slow.gate" ]; do sleep 0.05; done
if [ -e "$BED/inner.fail" ]; then cat >/dev/null; exit 1; fi
export DEVICE_URI="ipp:\${DEVICE_URI#rec:}"
exec -a "ipp:\${0#rec:}" "$BED/bin/backend/ipp" "\$@"
EOS
	bed_install_backend "$BED/rec" rec
}

# vsec_start [VAULT.CONF LINES...] - printer "office", the recording inner
# backend, vault.conf with vaultd's release socket in $BED/run (a directory
# every user can search) plus the given lines, cupsd, queue vq, vaultd.
vsec_start() {
	local line

	VSEC_URI=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
	vsec_inner_backend
	vs_install_mime
	vb_start
	chmod 0755 "$BED/vault"
	chmod 0644 "$VAULT_CONF"
	vs_vault_conf release-socket "$BED/run/vaultd.sock"
	for line in "$@"; do
		printf '%s\n' "$line" >>"$VAULT_CONF"
	done
	bed_add_queue vq "vault:/rec:${VSEC_URI#ipp:}" || bed_die "lpadmin refused the vault queue"
	vs_start_vaultd
	bed_wait_until 10 test -S "$BED/run/vaultd.sock" || bed_die "vaultd did not open its release socket"
}

# vsec_release USER JOB SECRET [ARGS...] - "vaultctl release --stdin JOB" as
# USER with SECRET on stdin; prints what vaultctl said, returns its status.
vsec_release() {
	local user=$1 job=$2 secret=$3
	shift 3
	printf '%s\n' "$secret" | setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups \
		env VAULT_CONF="$VAULT_CONF" "$VSEC_VAULTCTL" release --stdin "$@" "$job" 2>&1
}

# vsec_backend_log_lines - the lines of cupsd's error_log that carry what our
# programs wrote (the backends' stderr: "[Job N] ..." lines other than
# cupsd's own dump of a child's argv and environment).
vsec_backend_log_lines() {
	grep -a '\[Job [0-9]*\]' "$BED/log/error_log" 2>/dev/null |
		grep -a -v -E '\] (argv\[[0-9]+\]|envp\[[0-9]+\])=' 
}

# vsec_leaks SECRET - print every place our side keeps SECRET: files under
# the vault (sidecars, data, journal, locks), vaultd's log, the inner
# backend's argv, our lines in error_log.  Prints nothing when clean.
vsec_leaks() {
	grep -r -a -l -F -- "$1" "$BED/vault" 2>/dev/null
	grep -a -l -F -- "$1" "$BED/log/vaultd.log" "$BED/inner-argv" 2>/dev/null
	vsec_backend_log_lines | grep -a -F -- "$1" | head -n 3
}

# vsec_held_says_release JOB - true when JOB's message tells to run "vaultctl release".
vsec_held_says_release() {
	case $(bed_job_attr "$1" job-printer-state-message) in *"vaultctl release"*) return 0 ;; esac
	return 1
}
