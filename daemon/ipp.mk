# The counters IPP service of vaultd, vaultctl's trays/load, and their tests (owner: counters).
# SPDX-License-Identifier: Apache-2.0

daemon_vaultd_SOURCES += daemon/vaultd-ipp.c daemon/vaultd-ipp-listen.c daemon/vaultd-ipp-attrs.c daemon/vaultd-ipp.h
daemon_vaultd_LDADD += $(CUPS_LIBS)

daemon_vaultctl_SOURCES += daemon/vaultctl-trays.c daemon/vaultctl.h

# The IPP service alone on a GMainLoop (and a small latency client), for tests.
check_PROGRAMS += tests/counters/ipp-harness
tests_counters_ipp_harness_SOURCES = tests/counters/ipp-harness.c daemon/vaultd-ipp.c daemon/vaultd-ipp-listen.c daemon/vaultd-ipp-attrs.c daemon/vaultd-ipp.h daemon/vaultd.h
tests_counters_ipp_harness_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/daemon
tests_counters_ipp_harness_LDADD = $(VAULT_SPOOL_LIBS) $(CUPS_LIBS)

COUNTERS_IPP_TESTS = tests/counters/ipp.sh tests/counters/e2e.sh tests/counters/ordering.sh
TESTS += $(COUNTERS_IPP_TESTS)
EXTRA_DIST += $(COUNTERS_IPP_TESTS) tests/counters/counters.test
