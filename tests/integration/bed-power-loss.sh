#!/bin/bash
# The test bed's own guarantees, on which the vault's crash tests rely: a
# backend it installs runs as root with VAULT_BOOT_ID and VAULT_CONF, a
# simulated power loss kills cupsd's whole process tree and the printers,
# and a restart brings back cupsd (new boot id) and the printers.
# SPDX-License-Identifier: Apache-2.0

# make check runs tests with sh; the bed needs bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
bed_init "$@"
tap_plan 7

# A backend that records who runs it and with what, then blocks until the
# test creates $BED/probe/go: a job that is still printing at the power cut.
mkdir -p "$BED/probe"
chmod 0777 "$BED/probe"
cat >"$BED/probe/blocker" <<'EOF'
#!/bin/sh
[ $# = 0 ] && exit 0
dir=${DEVICE_URI#blocker:}
echo "$(id -u) $$ $VAULT_BOOT_ID $VAULT_CONF" >>"$dir/runs"
while [ ! -e "$dir/go" ]; do sleep 0.05; done
cat "$6" >"$dir/data-$1"
EOF
bed_install_backend "$BED/probe/blocker"
conf=$(bed_vault_config 10M 20M)
BED_CUPSD_EXTRA="DirtyCleanInterval 0"
ipp_uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
bed_start_cupsd
bed_add_queue slow "blocker:$BED/probe" || bed_die "cannot add the blocker queue"
bed_add_queue ippq "$ipp_uri" || bed_die "cannot add the ipp queue"

bed_make_pdf "$BED/doc.pdf" "interrupted document" 2 4096
id=$(bed_submit slow "$BED/doc.pdf")
bed_wait_job "$id" processing 10 && bed_wait_until 10 test -s "$BED/probe/runs"
read -r uid pid boot vconf <"$BED/probe/runs"
tap_is "$uid $boot $vconf" "0 $BED_BOOT_ID $conf" \
	"a 0700 backend runs as root with VAULT_BOOT_ID and VAULT_CONF"
tap_ok "vault.conf has two areas and a 32-byte key of mode 0600" eval \
	'[ "$(stat -c %a:%s "$BED/vault/key")" = 600:32 ] &&
	 grep -q "^capacity = 10M" "$conf" && grep -q "^capacity = 20M" "$conf"'

old_boot=$BED_BOOT_ID
cupsd_pid=$(bed_pid cupsd)
printer_pid=$(bed_pid printer-office)
bed_power_loss
tap_ok "power loss killed cupsd, the running backend and the printer" \
	bed_pids_gone "$pid" "$cupsd_pid" "$printer_pid"

touch "$BED/probe/go"
bed_restart
tap_ok "cupsd answers again after the restart" eval 'lpstat -r | grep -q "is running"'
bed_wait_job "$id" completed 30
read -r _ _ boot _ < <(tail -n 1 "$BED/probe/runs")
tap_ok "stock CUPS re-ran the interrupted job, under a new boot id" eval \
	'[ "$(wc -l <"$BED/probe/runs")" = 2 ] && [ "$boot" = "$BED_BOOT_ID" ] &&
	 [ "$boot" != "$old_boot" ] && cmp -s "$BED/doc.pdf" "$BED/probe/data-$id"'

bed_make_pdf "$BED/after.pdf" "after the restart" 1 0
id2=$(bed_submit ippq "$BED/after.pdf")
tap_ok "the restarted ippeveprinter prints on its old URI" bed_wait_job "$id2" completed 30
tap_ok "its document is kept in a new run directory" eval \
	'[ "$(bed_printed_files office)" = "$(ls "$BED"/printers/office/out/run-02/*.pdf)" ] &&
	 cmp -s "$BED/after.pdf" "$(bed_printed_files office)"'
