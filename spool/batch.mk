# Batched state changes of the spool (the boot sweep) and their test
# (owner of this fragment: the sweep).
# SPDX-License-Identifier: Apache-2.0

spool_libvaultspool_a_SOURCES += spool/spool-batch.c

check_PROGRAMS += tests/test-batch
TESTS += tests/test-batch

tests_test_batch_SOURCES = tests/test-batch.c $(VAULT_TEST_UTIL)
tests_test_batch_LDADD = $(VAULT_SPOOL_LIBS)
