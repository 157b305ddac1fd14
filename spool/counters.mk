# Counters and the between-jobs gate of the spool, and their tests (owner: counters).
# SPDX-License-Identifier: Apache-2.0

spool_libvaultspool_a_SOURCES += \
	spool/spool-counters.c \
	spool/spool-counters-file.c \
	spool/spool-gate.c

check_PROGRAMS += tests/counters/test-counters tests/counters/test-gate
TESTS += tests/counters/test-counters tests/counters/test-gate

tests_counters_test_counters_SOURCES = tests/counters/test-counters.c $(VAULT_TEST_UTIL)
tests_counters_test_counters_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_counters_test_counters_LDADD = $(VAULT_SPOOL_LIBS)

tests_counters_test_gate_SOURCES = tests/counters/test-gate.c $(VAULT_TEST_UTIL)
tests_counters_test_gate_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_counters_test_gate_LDADD = $(VAULT_SPOOL_LIBS)

EXTRA_DIST += doc/COUNTERS.md
