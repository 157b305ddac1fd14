# The bed's simulated printers: ippeveprinter (real IPP) and bed-sink
# (AppSocket/JetDirect); both keep every document they receive.
# SPDX-License-Identifier: Apache-2.0
#
# Sourced by bed.sh.  A printer NAME lives in $BED/printers/NAME: kind, port,
# uri, extra arguments, and out/run-N/ with what run N of it received (a
# restart after a power loss starts a new run, so nothing is overwritten).

# bed_ippeveprinter NAME [IPPEVEPRINTER ARGS...] - start an IPP printer on a
# free loopback port that prints at once (-c /bin/true) and keeps every job
# (-k).  Prints its URI, ipp://127.0.0.1:PORT/ipp/print.
bed_ippeveprinter() {
	local name=$1 dir=$BED/printers/$1
	shift
	mkdir -p "$dir/out"
	echo ippeveprinter >"$dir/kind"
	bed_free_port >"$dir/port"
	: >"$dir/args"
	[ $# = 0 ] || printf '%s\n' "$@" >"$dir/args"
	echo "ipp://127.0.0.1:$(cat "$dir/port")/ipp/print" >"$dir/uri"
	_bed_printer_start "$name" || return 1
	cat "$dir/uri"
}

# bed_sink NAME - start an AppSocket sink on a free loopback port; one file
# per connection.  Prints its URI, socket://127.0.0.1:PORT.
bed_sink() {
	local name=$1 dir=$BED/printers/$1
	mkdir -p "$dir/out"
	echo sink >"$dir/kind"
	: >"$dir/args"
	_bed_printer_start "$name" || return 1
	echo "socket://127.0.0.1:$(cat "$dir/port")" >"$dir/uri"
	cat "$dir/uri"
}

# bed_lpd_sink NAME - start an RFC 1179 sink (bed-sink --lpd) on a free
# loopback port: DIR/job-NNNN.prn and .ctl per job; it holds new
# connections while DIR/hold exists (DIR: bed_printer_dir NAME).  Prints
# its URI, lpd://127.0.0.1:PORT/NAME.
bed_lpd_sink() {
	local name=$1 dir=$BED/printers/$1
	mkdir -p "$dir/out"
	echo lpd-sink >"$dir/kind"
	: >"$dir/args"
	_bed_printer_start "$name" || return 1
	echo "lpd://127.0.0.1:$(cat "$dir/port")/$name" >"$dir/uri"
	cat "$dir/uri"
}

# bed_printer_dir NAME - the directory printer NAME's current run writes to.
bed_printer_dir() {
	ls -d "$BED/printers/$1"/out/run-* | tail -n 1
}

# bed_printer_uri NAME - print the device URI of printer NAME.
bed_printer_uri() {
	cat "$BED/printers/$1/uri"
}

# _bed_printer_start NAME - start (or restart) printer NAME in a new run
# directory and wait until it accepts work.  Returns 1 if it does not.
_bed_printer_start() {
	local name=$1 dir=$BED/printers/$1 run start kind
	local -a args=()

	start=$(bed_now)
	run=$(($(ls -d "$dir"/out/run-* 2>/dev/null | wc -l) + 1))
	run=$dir/out/run-$(printf '%02d' "$run")
	mkdir -p "$run"
	kind=$(cat "$dir/kind")
	mapfile -t args <"$dir/args"
	case $kind in
	ippeveprinter)
		ippeveprinter -p "$(cat "$dir/port")" -d "$run" -k -c /bin/true \
			-f application/pdf,image/pwg-raster,image/urf,image/jpeg \
			"${args[@]}" "$name" >>"$BED/log/printer-$name.log" 2>&1 &
		bed_track "printer-$name" $!
		bed_wait_until 15 _bed_ipp_ready "$name" ;;
	sink|lpd-sink)
		"${BED_SINK:-$top_builddir/tests/bed/bed-sink}" $([ "$kind" = lpd-sink ] && echo --lpd) "$run" "$run/.port" \
			$(cat "$dir/port" 2>/dev/null) >>"$BED/log/printer-$name.log" 2>&1 &
		bed_track "printer-$name" $!
		bed_wait_until 10 test -s "$run/.port" && cp "$run/.port" "$dir/port" ;;
	esac || {
		echo "bed: printer $name did not start: $(tail -n 20 "$BED/log/printer-$name.log")" >&2
		return 1
	}
	bed_time "printer $name ($kind) start" "$start" >&2
}

# _bed_ipp_ready NAME - true once ippeveprinter NAME answers over IPP.
_bed_ipp_ready() {
	bed_alive "printer-$1" || return 1
	ipptool -q -T 2 "$(cat "$BED/printers/$1/uri")" get-printer-attributes.test \
		>/dev/null 2>&1
}

# bed_printed_files NAME - print the paths of the documents printer NAME
# received, oldest first (by run, then by job number).
bed_printed_files() {
	local run
	local -a match=(-name 'job-*.prn')

	# ippeveprinter keeps JOB-NAME.EXT and writes the -c command's output to
	# JOB-NAME.prn; the sinks write job-NNNN.prn (and the LPD sink .ctl).
	[ "$(cat "$BED/printers/$1/kind")" = ippeveprinter ] && match=(! -name '*.prn')
	for run in "$BED/printers/$1"/out/run-*; do
		find "$run" -type f ! -name '.*' "${match[@]}" -printf '%f\t%p\n' |
			sort -n | cut -f2
	done
}

# bed_printed_count NAME - print how many documents printer NAME received.
bed_printed_count() {
	bed_printed_files "$1" | wc -l
}
