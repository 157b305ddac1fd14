# Queues and jobs in the bed's cupsd: add a queue, submit, wait for a job
# state, read job attributes over IPP.
# SPDX-License-Identifier: Apache-2.0
#
# Sourced by bed.sh; needs bed_start_cupsd first (it sets CUPS_SERVER).

# bed_add_queue NAME URI [LPADMIN ARGS...] - add an enabled, accepting
# queue.  Without -m/-P/-i in the arguments the queue is raw (-m raw):
# documents reach the backend unchanged.
bed_add_queue() {
	local name=$1 uri=$2 model=(-m raw) arg
	shift 2
	for arg in "$@"; do
		case $arg in -m | -P | -i | --ppd) model=() ;; esac
	done
	lpadmin -p "$name" -v "$uri" "${model[@]}" "$@" -E 2>"$BED/log/lpadmin.tmp" || {
		cat "$BED/log/lpadmin.tmp" >&2
		return 1
	}
	grep -v -i "deprecated" "$BED/log/lpadmin.tmp" >&2
	cupsenable "$name" && cupsaccept "$name"
}

# bed_submit QUEUE FILE [LP ARGS...] - submit FILE with lp; print the job id.
bed_submit() {
	local queue=$1 file=$2 out
	shift 2
	out=$(lp -d "$queue" "$@" -- "$file") || return 1
	# "request id is QUEUE-N (1 file(s))"
	out=${out#request id is "$queue"-}
	echo "${out%% *}"
}

# bed_job_attr ID ATTR - print the value(s) of job attribute ATTR of job ID
# (Get-Job-Attributes over cupsd's socket; enums as keywords, e.g.
# job-state "completed"; several values comma-separated).  Prints nothing
# when the job has no such value or does not exist.
bed_job_attr() {
	_bed_ipptool_job "$1" "$2" | sed -e '1d' -e 's/^"\(.*\)"$/\1/'
}

# _bed_ipptool_job ID ATTR - ipptool's answer for one attribute, as CSV:
# a header line, then the value.  ipptool does not expand variables in DISPLAY, so each
# attribute gets its own small test file.
_bed_ipptool_job() {
	local test=$BED/run/get-job-$2.test

	[ -f "$test" ] || cat >"$test" <<EOF
{
	NAME "Get-Job-Attributes $2"
	OPERATION Get-Job-Attributes
	GROUP operation-attributes-tag
	ATTR charset attributes-charset utf-8
	ATTR naturalLanguage attributes-natural-language en
	ATTR uri job-uri \$uri
	ATTR name requesting-user-name root
	ATTR keyword requested-attributes $2
	STATUS successful-ok
	DISPLAY $2
}
EOF
	ipptool -c -T 5 "$BED_CUPSD_URI/jobs/$1" "$test" 2>/dev/null
}

# bed_wait_job ID STATE [TIMEOUT] - wait (polling, default 30 s) until job
# ID is in STATE (pending, held, processing, stopped, canceled, aborted,
# completed; several as "completed|aborted").  Returns 0 then; returns 1 and
# prints the job's state to stderr on timeout or when the job ended in
# another final state.
bed_wait_job() {
	local id=$1 want=$2 timeout=${3:-30}

	bed_wait_until "$timeout" _bed_job_settled "$id" "$want" &&
		[ "$BED_JOB_SETTLE" = 0 ] && return 0
	echo "bed: job $id is '$BED_JOB_STATE' ($(bed_job_attr "$id" job-state-reasons)," \
		"'$(bed_job_attr "$id" job-printer-state-message)'), wanted '$want'" >&2
	return 1
}

# _bed_job_settled ID WANT - wait condition: job ID is in a WANT state
# (BED_JOB_SETTLE=0) or in another final state (2); returns 1 to go on
# polling.  Leaves the state in BED_JOB_STATE.
_bed_job_settled() {
	BED_JOB_STATE=$(bed_job_attr "$1" job-state)
	BED_JOB_SETTLE=1
	case "|$2|" in *"|$BED_JOB_STATE|"*) BED_JOB_SETTLE=0 ;; esac
	case $BED_JOB_SETTLE:$BED_JOB_STATE in
	1:canceled | 1:aborted | 1:completed) BED_JOB_SETTLE=2 ;;
	esac
	[ "$BED_JOB_SETTLE" != 1 ]
}
