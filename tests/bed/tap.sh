# TAP output for shell tests run by automake's tap-driver.sh.
# SPDX-License-Identifier: Apache-2.0
#
# Sourced by bed.sh.  Each check prints "ok N - what" or "not ok N - what";
# tap_failures tells the teardown whether to dump the logs.

TAP_COUNT=0
TAP_FAILED=0

# tap_plan N - announce N test points.
tap_plan() {
	echo "1..$1"
}

# tap_diag MESSAGE... - diagnostic lines (one or more per argument).
tap_diag() {
	local arg line

	for arg in "$@"; do
		while IFS= read -r line; do
			echo "# $line"
		done <<<"$arg"
	done
}

# tap_result STATUS DESCRIPTION - print one test point; STATUS 0 is ok.
# Returns STATUS, so a test can stop when a step it depends on failed.
tap_result() {
	TAP_COUNT=$((TAP_COUNT + 1))
	if [ "$1" = 0 ]; then
		echo "ok $TAP_COUNT - $2"
	else
		TAP_FAILED=$((TAP_FAILED + 1))
		echo "not ok $TAP_COUNT - $2"
	fi
	return "$1"
}

# tap_ok DESCRIPTION COMMAND... - a test point that passes when COMMAND does.
tap_ok() {
	local desc=$1 status=0
	shift
	"$@" || status=$?
	tap_result "$status" "$desc"
}

# tap_is GOT EXPECTED DESCRIPTION - a test point comparing two strings.
tap_is() {
	if [ "$1" = "$2" ]; then
		tap_result 0 "$3"
	else
		tap_diag "expected: '$2'" "got:      '$1'"
		tap_result 1 "$3"
	fi
}

# tap_failures - print how many test points failed so far.
tap_failures() {
	echo "$TAP_FAILED"
}

# tap_skip_all REASON - skip the whole test (exit 0 with a "1..0" plan).
# Under CI nothing may skip: the plan then carries a failing point instead.
tap_skip_all() {
	if [ "${CI:-}" = true ]; then
		echo "1..1"
		echo "not ok 1 - cannot run under CI: $1"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}
