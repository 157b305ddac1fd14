# Helpers of the vault backend's integration tests, on top of tests/bed.
# SPDX-License-Identifier: Apache-2.0
#
# Sourced by tests/backend/*.sh after tests/bed/bed.sh and bed_init.

# vb_start [CAPACITY_A] [CAPACITY_B] - write vault.conf (two areas), start
# cupsd with a short retry interval so ErrorPolicy retry-job re-runs soon.
vb_start() {
	bed_vault_config "$@" >/dev/null || bed_die "cannot write vault.conf"
	# DirtyCleanInterval 0: cupsd writes job files at once, so a job survives
	# a cupsd crash right after submission.
	BED_CUPSD_EXTRA="JobRetryInterval 1
JobRetryLimit 20
DirtyCleanInterval 0"
	bed_start_cupsd
}

# vb_copies PRINTER FILE - how many documents PRINTER received that are
# byte-identical to FILE.
vb_copies() {
	local f n=0

	while IFS= read -r f; do
		cmp -s "$f" "$2" && n=$((n + 1))
	done < <(bed_printed_files "$1")
	echo "$n"
}

# vb_passthru_ppd - $BED/passthru.ppd: a PPD queue whose one filter,
# passthru, copies the job unchanged (and makes no copies).
vb_passthru_ppd() {
	mkdir -p "$BED/bin/filter"
	printf '#!/bin/sh\nif [ -n "$6" ]; then exec cat "$6"; else exec cat; fi\n' >"$BED/bin/filter/passthru"
	chmod 0755 "$BED/bin/filter/passthru"
	sed -e 's/^\*cupsFilter2: .*/*cupsFilter2: "application\/pdf application\/vnd.cups-pdf 0 passthru"/' \
		-e '/^\*%/d' "$top_srcdir/ppd/vault-pdf.ppd" >"$BED/passthru.ppd"
}

# vb_data_files - how many encrypted data files the vault holds.
vb_data_files() {
	find "$BED/vault/areas" -name '*.data' | wc -l
}

# vb_wrapped_keys - how many sidecars still hold a wrapped data key.
vb_wrapped_keys() {
	find "$BED/vault/areas" -name '*.meta' -exec grep -l '^wrapped-key=' {} + 2>/dev/null | wc -l
}

# vb_meta_state UUID - the state in the sidecar of the entry of job UUID
# (its tombstone wins over a live sidecar).
vb_meta_state() {
	local f

	f=$(grep -l "^uuid=$1\$" "$BED"/vault/spool/tombstones/*.meta "$BED"/vault/areas/*/*.meta 2>/dev/null | head -n 1)
	[ -n "$f" ] && sed -n 's/^state=//p' "$f"
}

# vb_journal UUID - the transitions journalled for job UUID, "from>to" per line.
vb_journal() {
	grep -F "	uuid=$1	" "$BED/vault/spool/journal" 2>/dev/null |
		sed -n 's/.*	from=\([^	]*\)	to=\([^	]*\).*/\1>\2/p'
}

# vb_backend_pids - pids of running vault backends (children of cupsd whose
# argv[0] is a vault: URI).
vb_backend_pids() {
	local pid

	for pid in $(_bed_descendants "$(bed_pid cupsd)"); do
		tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1 | grep -q '^vault:' && echo "$pid"
	done
}

# vb_has_backend - true while a vault backend runs.
vb_has_backend() {
	[ -n "$(vb_backend_pids)" ]
}

# vb_printed_at_least PRINTER N - true once PRINTER received N documents.
vb_printed_at_least() {
	[ "$(bed_printed_count "$1")" -ge "$2" ]
}

# vb_state_is UUID STATE - true when the entry of job UUID is in STATE.
vb_state_is() {
	[ "$(vb_meta_state "$1")" = "$2" ]
}

# vb_slow_backend - install the test backend "slow": it waits while
# $BED/slow.gate exists, then hands the job to the stock ipp backend
# (slow://HOST/... becomes ipp://HOST/...).  Before vb_start.
vb_slow_backend() {
	cat >"$BED/slow" <<EOF
#!/bin/bash
while [ -e "$BED/slow.gate" ]; do sleep 0.05; done
export DEVICE_URI="ipp:\${DEVICE_URI#slow:}"
exec -a "ipp:\${0#slow:}" "$BED/bin/backend/ipp" "\$@"
EOF
	bed_install_backend "$BED/slow" slow
}
