# The private-CUPS test bed and integration tests (owner: test bed).
# SPDX-License-Identifier: Apache-2.0

# The bed's AppSocket/JetDirect sink: one file per connection.
check_PROGRAMS += tests/bed/bed-sink
tests_bed_bed_sink_SOURCES = tests/bed/sink.c

# Integration tests: TAP shell scripts that each start their own bed.
TESTS += \
	tests/integration/stock-printers.sh \
	tests/integration/bed-power-loss.sh \
	tests/demo.sh

EXTRA_DIST += \
	tests/bed/bed.sh \
	tests/bed/bed-cupsd.sh \
	tests/bed/bed-jobs.sh \
	tests/bed/bed-pdf.sh \
	tests/bed/bed-printers.sh \
	tests/bed/tap.sh \
	tests/integration/stock-printers.sh \
	tests/integration/bed-power-loss.sh \
	tests/demo.sh \
	.ci/run

# autogen.sh copies automake's TAP driver; automake does not distribute it.
EXTRA_DIST += build-aux/tap-driver.sh
