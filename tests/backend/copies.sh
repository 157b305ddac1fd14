#!/bin/bash
# vault backend: copies.  On a raw queue cupsd gives the backend the job as
# a file (argv[6]) and the copies (argv[4]), and the backend makes them; the
# vault must hand its inner backend the same, so `lp -n 3` prints what the
# plain queue prints -- through socket to an AppSocket sink and through ipp
# to ippeveprinter -- while the job never lands on disk in plaintext (the
# inner backend's argv[6] is a memfd).  A 1-copy job and a job through a
# PPD's filter chain (cupsd: stdin, the filters make copies) stay streamed.
# SPDX-License-Identifier: Apache-2.0

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/bed/bed.sh"
. "$top_srcdir/tests/backend/lib.sh"
bed_init "$@"
tap_plan 18

# argvlog: a backend that notes its argc, argv[4], what argv[6] is and its
# uid, then hands the job to the stock socket backend (argvlog://HOST:PORT).
cat >"$BED/argvlog" <<EOF
#!/bin/bash
f=none
[ \$# -ge 6 ] && f=\$(readlink "\$6" 2>/dev/null || echo "\$6")
echo "\$PRINTER argc=\$((\$# + 1)) copies=\$4 file=\$f" >>"$BED/argv.log"
export DEVICE_URI="socket:\${DEVICE_URI#argvlog:}"
exec -a "socket:\${0#argvlog:}" "$BED/bin/backend/socket" "\$@"
EOF
bed_install_backend "$BED/argvlog" argvlog
: >"$BED/argv.log"

vb_passthru_ppd

# ippeveprinter runs this per job: the copies it was asked for.
# (ippeveprinter -d: $BED/printers/NAME/out/run-NN/FILE)
printf '#!/bin/sh\necho "copies=${IPP_COPIES:-1}" >>"%s/ipp-$(basename "$(dirname "$(dirname "$(dirname "$1")")")").log"\n' "$BED" >"$BED/ipp-cmd"
chmod 0755 "$BED/ipp-cmd"

plain=$(bed_sink plain) || bed_die "a sink did not start"
vault=$(bed_sink vault) || bed_die "a sink did not start"
logged=$(bed_sink logged) || bed_die "a sink did not start"
ppdplain=$(bed_sink ppdplain) || bed_die "a sink did not start"
ppdvault=$(bed_sink ppdvault) || bed_die "a sink did not start"
ippplain=$(bed_ippeveprinter ippplain -c "$BED/ipp-cmd") || bed_die "ippeveprinter did not start"
ippvault=$(bed_ippeveprinter ippvault -c "$BED/ipp-cmd") || bed_die "ippeveprinter did not start"
vb_start
bed_add_queue plain "$plain" && bed_add_queue vq "vault:/$vault" &&
	bed_add_queue vlog "vault:/argvlog:${logged#socket:}" &&
	bed_add_queue ppdplain "argvlog:${ppdplain#socket:}" -P "$BED/passthru.ppd" &&
	bed_add_queue ppdvault "vault:/argvlog:${ppdvault#socket:}" -P "$BED/passthru.ppd" &&
	bed_add_queue ippplain "$ippplain" && bed_add_queue ippvault "vault:/$ippvault" ||
	bed_die "lpadmin refused a queue"

bed_make_pdf "$BED/doc.pdf" "three copies" 2 300000 || bed_die "cannot write a PDF"
cat "$BED/doc.pdf" "$BED/doc.pdf" "$BED/doc.pdf" >"$BED/doc-x3.pdf"

# cp_last PRINTER NAME - keep the last document PRINTER received as $BED/NAME.
cp_last() {
	local f

	f=$(bed_printed_files "$1" | tail -n 1)
	[ -n "$f" ] && cp "$f" "$BED/$2"
}

# submit_wait QUEUE ARGS... - lp, then wait until the job completed.
submit_wait() {
	local id

	id=$(bed_submit "$@") && bed_wait_job "$id" completed 60
}

# 1. lp -n 3 on raw socket queues: the vault queue's printer gets what the plain one gets.
submit_wait plain "$BED/doc.pdf" -n 3 && submit_wait vq "$BED/doc.pdf" -n 3
tap_is "$?" 0 "lp -n 3 completes on the plain and the vault queue"
cp_last plain plain-3; cp_last vault vault-3
tap_ok "the plain socket queue printed 3 copies in one connection (cupsd: argv[6], copies 3)" cmp -s "$BED/plain-3" "$BED/doc-x3.pdf"
tap_ok "the vault queue printed byte for byte the same" cmp -s "$BED/vault-3" "$BED/plain-3" ||
	tap_diag "plain $(stat -c %s "$BED/plain-3" 2>/dev/null) bytes, vault $(stat -c %s "$BED/vault-3" 2>/dev/null) bytes"

# 2. copies as an IPP attribute (Print-Job, copies=2) rather than lp -n.
cat >"$BED/print-job.test" <<EOF
{
	OPERATION Print-Job
	GROUP operation-attributes-tag
	ATTR charset attributes-charset utf-8
	ATTR naturalLanguage attributes-natural-language en
	ATTR uri printer-uri \$uri
	ATTR name requesting-user-name root
	ATTR mimeMediaType document-format application/pdf
	GROUP job-attributes-tag
	ATTR integer copies 2
	FILE $BED/doc.pdf
	STATUS successful-ok
	EXPECT job-id OF-TYPE integer
}
EOF
for q in plain vq; do
	ipptool -T 10 "$BED_CUPSD_URI/printers/$q" "$BED/print-job.test" >/dev/null || tap_diag "ipptool failed for $q"
done
bed_wait_until 60 vb_printed_at_least plain 2 && bed_wait_until 60 vb_printed_at_least vault 2
cp_last plain plain-ipp; cp_last vault vault-ipp
tap_ok "Print-Job copies=2: the plain queue printed 2 copies" cmp -s "$BED/plain-ipp" <(cat "$BED/doc.pdf" "$BED/doc.pdf")
tap_ok "Print-Job copies=2: the vault queue printed the same" cmp -s "$BED/vault-ipp" "$BED/plain-ipp"

# 3. What the inner backend is given; a 1-copy job is streamed as before.
submit_wait vlog "$BED/doc.pdf" -n 3 && submit_wait vlog "$BED/doc.pdf"
tap_is "$?" 0 "jobs of 3 copies and of 1 copy complete through vault:/argvlog"
tap_diag "inner backends' argv: $(cat "$BED/argv.log")"
tap_ok "3 copies: argc 7, copies 3, argv[6] a memfd (never a file on disk)" \
	grep -q '^vlog argc=7 copies=3 file=/memfd:cups-vault-job (deleted)$' "$BED/argv.log"
tap_ok "1 copy: argc 6, the job on stdin (unchanged)" grep -q '^vlog argc=6 copies=1 file=none$' "$BED/argv.log"
tap_is "$(bed_printed_files logged | while read -r f; do cmp -s "$f" "$BED/doc-x3.pdf" && echo 3; cmp -s "$f" "$BED/doc.pdf" && echo 1; done | tr '\n' ' ')" \
	"3 1 " "the printer got 3 copies, then 1"

# 4. A PPD queue (filter chain): cupsd gives stdin and copies in argv[4];
#    the vault stays streamed and prints what the plain PPD queue prints.
submit_wait ppdplain "$BED/doc.pdf" -n 3 && submit_wait ppdvault "$BED/doc.pdf" -n 3
tap_is "$?" 0 "lp -n 3 completes on the plain and the vault PPD queue"
tap_ok "cupsd runs a PPD queue's backend with argc 6, copies 3 (measured)" \
	grep -q '^ppdplain argc=6 copies=3 file=none$' "$BED/argv.log"
tap_ok "the vault runs its inner backend the same way" grep -q '^ppdvault argc=6 copies=3 file=none$' "$BED/argv.log"
cp_last ppdplain ppdplain-3; cp_last ppdvault ppdvault-3
tap_ok "the vault PPD queue printed byte for byte what the plain one did" cmp -s "$BED/ppdvault-3" "$BED/ppdplain-3"

# 5. ipp to ippeveprinter: the same jobs, copies and documents as the plain
#    queue.  (A PDF on stdin gets its copies from the ipp backend as well;
#    a raw job -- not PDF nor image/* -- gets them only from a file.)
submit_wait ippplain "$BED/doc.pdf" -n 3 && submit_wait ippvault "$BED/doc.pdf" -n 3
tap_is "$?" 0 "lp -n 3 completes on the plain and the vault ipp queue"
tap_is "$(cat "$BED/ipp-ippvault.log" 2>/dev/null)" "$(cat "$BED/ipp-ippplain.log" 2>/dev/null)" \
	"ippeveprinter got the same jobs and copies from the vault queue as from the plain one"
tap_diag "ippeveprinter logs: $(grep -H . "$BED"/ipp-*.log 2>/dev/null)"
n=0
for f in $(bed_printed_files ippvault); do cmp -s "$f" "$BED/doc.pdf" && n=$((n + 1)); done
tap_is "$n $(bed_printed_count ippvault)" "$(bed_printed_count ippplain) $(bed_printed_count ippplain)" \
	"the vault ipp queue sent as many documents as the plain one, each byte for byte"

: >"$BED/ipp-ippplain.log"; : >"$BED/ipp-ippvault.log"
submit_wait ippplain "$BED/doc.pdf" -n 3 -o raw && submit_wait ippvault "$BED/doc.pdf" -n 3 -o raw
tap_is "$?" 0 "lp -n 3 -o raw completes on the plain and the vault ipp queue"
tap_is "$(cat "$BED/ipp-ippvault.log")" "$(cat "$BED/ipp-ippplain.log")" \
	"a raw job: ippeveprinter got the same jobs and copies from the vault queue as from the plain one"
tap_diag "ippeveprinter logs (raw job): $(grep -H . "$BED"/ipp-*.log 2>/dev/null)"
