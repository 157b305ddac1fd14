# Helpers of the admin tests (vault PPDs, vault-add-printer), on top of
# tests/bed.
# SPDX-License-Identifier: Apache-2.0
#
# Sourced by tests/admin/*.sh after tests/bed/bed.sh and bed_init.

VA_ADD="$top_srcdir/scripts/vault-add-printer"
VA_REMOVE="$top_srcdir/scripts/vault-remove-printer"
# The scripts find the PPDs in the source tree, their helper and vaultctl
# in the build tree.
export VAULT_PPD_DIR="$top_srcdir/ppd"
export VAULT_PPDGEN="$top_builddir/ppd/vault-ppdgen"
export VAULTCTL="$top_builddir/daemon/vaultctl"

# va_start - vault.conf with two areas, then cupsd (jobs written at once).
# BED_CUPSD_EXTRA may already hold directives of the test.
va_start() {
	bed_vault_config >/dev/null || bed_die "cannot write vault.conf"
	BED_CUPSD_EXTRA="DirtyCleanInterval 0
JobRetryInterval 1
${BED_CUPSD_EXTRA:-}"
	bed_start_cupsd
}

# va_run LOG COMMAND... - run COMMAND, its output into $BED/log/LOG (shown
# as TAP diagnostics); returns its status.
va_run() {
	local log=$BED/log/$1 status=0
	shift
	"$@" >"$log" 2>&1 || status=$?
	tap_diag "$(sed 's/^/  /' "$log")"
	return "$status"
}

# va_tray QUEUE TRAY MEDIA COLUMN - a counter of QUEUE for TRAY and MEDIA
# from `vaultctl trays` (COLUMN: loaded used remaining pages impressions
# sheets).  The backend applies the accounting filter's counts to these
# counters when the job has printed (and then removes the counts file).
va_tray() {
	"$VAULTCTL" trays "$1" 2>/dev/null | awk -v t="$2" -v m="$3" -v c="$4" '
		BEGIN { split("loaded used remaining pages impressions sheets", n, " "); for (i in n) col[n[i]] = i + 2 }
		$1 == t && $2 == m { print $col[c]; exit }'
}

# va_total QUEUE COLUMN - QUEUE's total pages, impressions or sheets.
va_total() {
	"$VAULTCTL" trays "$1" 2>/dev/null | awk -v c="$2" '
		BEGIN { col["pages"] = 2; col["impressions"] = 3; col["sheets"] = 4 }
		$1 == "total" { print $col[c]; exit }'
}

# va_filter_ran ID - true when cupsd's log shows vault-account as the last
# filter cupsd started for job ID.
va_filter_ran() {
	grep "\[Job $1\] Started filter " "$BED/log/error_log" | tail -n 1 |
		grep -q "/filter/vault-account "
}

# va_device NAME - the device URI of queue NAME.
va_device() {
	LC_ALL=C lpstat -v "$1" 2>/dev/null | sed -n "s/^device for $1: //p"
}

# va_copies PRINTER FILE - how many documents PRINTER received that are
# byte-identical to FILE.
va_copies() {
	local f n=0

	while IFS= read -r f; do
		cmp -s "$f" "$2" && n=$((n + 1))
	done < <(bed_printed_files "$1")
	echo "$n"
}

# va_printer_attr NAME ATTR - the value of printer attribute ATTR of queue
# NAME (Get-Printer-Attributes over cupsd's socket, as root).
va_printer_attr() {
	local test=$BED/run/get-printer-$2.test

	[ -f "$test" ] || cat >"$test" <<TEST
{
	OPERATION Get-Printer-Attributes
	GROUP operation-attributes-tag
	ATTR charset attributes-charset utf-8
	ATTR naturalLanguage attributes-natural-language en
	ATTR uri printer-uri \$uri
	ATTR name requesting-user-name root
	ATTR keyword requested-attributes $2
	STATUS successful-ok
	DISPLAY $2
}
TEST
	ipptool -c -T 5 "$BED_CUPSD_URI/printers/$1" "$test" 2>/dev/null | sed -e '1d' -e 's/^"\(.*\)"$/\1/'
}
