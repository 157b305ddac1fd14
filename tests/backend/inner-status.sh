#!/bin/bash
# vault backend: the inner backend's exit status goes back to cupsd.  A
# failure (exit 1) keeps the entry STORED and cupsd's retry prints it once;
# an inner "cancel" (exit 5) discards it; a queue whose inner backend is
# not installed stops with a message and nothing enters the vault.
# SPDX-License-Identifier: Apache-2.0

. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 10

uri=$(bed_ippeveprinter office) || bed_die "ippeveprinter did not start"
# "flaky": exits with the status in $BED/flaky.status once (then removes
# it), else hands the job to the stock ipp backend.
cat >"$BED/flaky" <<EOF
#!/bin/bash
if [ -e "$BED/flaky.status" ]; then
	s=\$(cat "$BED/flaky.status"); rm -f "$BED/flaky.status"
	cat >/dev/null
	echo "ERROR: flaky says \$s" >&2
	exit "\$s"
fi
export DEVICE_URI="ipp:\${DEVICE_URI#flaky:}"
exec "$BED/bin/backend/ipp" "\$@"
EOF
bed_install_backend "$BED/flaky" flaky
vb_start
bed_add_queue vq "vault:/flaky:${uri#ipp:}" || bed_die "lpadmin refused the vault queue"

# Inner failure, then cupsd's retry.
bed_make_pdf "$BED/a.pdf" "inner backend fails once" 1 1000
echo 1 >"$BED/flaky.status"
a=$(bed_submit vq "$BED/a.pdf") || bed_die "lp failed"
ua=$(bed_job_attr "$a" job-uuid)
tap_ok "the job completes after cupsd's retry" bed_wait_job "$a" completed 60
tap_is "$(vb_copies office "$BED/a.pdf")" 1 "printed exactly once, byte-identical"
tap_is "$(vb_journal "$ua" | tr '\n' ' ')" \
	"none>receiving receiving>stored stored>sending sending>stored stored>sending sending>done " \
	"the entry went back to STORED after the failure, then printed"

# Inner cancel.
bed_make_pdf "$BED/b.pdf" "inner backend cancels" 1 1000
echo 5 >"$BED/flaky.status"
b=$(bed_submit vq "$BED/b.pdf") || bed_die "lp failed"
ub=$(bed_job_attr "$b" job-uuid)
tap_ok "an inner cancel cancels the job" bed_wait_job "$b" canceled 30
tap_is "$(vb_meta_state "$ub")" discarded "the entry is discarded"
tap_is "$(vb_copies office "$BED/b.pdf")" 0 "nothing printed"
tap_is "$(vb_data_files)" 0 "no data file left"

# Inner backend missing: the queue stops with a message; nothing stored.
lpadmin -p vm -v "vault:/nosuchbackend://127.0.0.1/" -m raw -E 2>/dev/null ||
	bed_add_queue vm "vault:/nosuchbackend://127.0.0.1/" || bed_die "lpadmin refused vm"
cupsenable vm; cupsaccept vm
c=$(bed_submit vm "$BED/a.pdf") || bed_die "lp failed"
bed_wait_until 20 eval '[ -n "$(lpstat -p vm | grep -i disabled)" ]'
lpstat -l -p vm >"$BED/vm.txt" 2>&1
tap_diag "$(cat "$BED/vm.txt")"
tap_ok "the queue is stopped" grep -qi disabled "$BED/vm.txt"
tap_ok "the printer's message names the missing backend" grep -q "No backend is installed" "$BED/vm.txt"
tap_is "$(vb_data_files)" 0 "nothing entered the vault"
