# The spool library and its unit tests (owner of this fragment: the store).
# SPDX-License-Identifier: Apache-2.0

noinst_LIBRARIES += spool/libvaultspool.a
spool_libvaultspool_a_SOURCES = \
	spool/spool.h \
	spool/spool-error.h \
	spool/spool-private.h \
	spool/spool-error.c \
	spool/spool-io.c \
	spool/spool-io-fault.c \
	spool/spool-config.c \
	spool/spool-config-get.c \
	spool/spool-store.c \
	spool/spool-store-walk.c \
	spool/spool-area.c \
	spool/spool-lock.c \
	spool/spool-meta.c \
	spool/spool-meta-file.c \
	spool/spool-entry.c \
	spool/spool-entry-receive.c \
	spool/spool-entry-state.c \
	spool/spool-entry-hold.c \
	spool/spool-entry-erase.c \
	spool/spool-entry-data.c \
	spool/spool-journal.c

VAULT_SPOOL_LIBS = spool/libvaultspool.a $(GNUTLS_LIBS) $(GLIB_LIBS)

# Unit tests of the store (GLib g_test, TAP).  Shared helpers: tests/test-spool-util.[ch].
VAULT_STORE_TESTS = \
	tests/test-config \
	tests/test-meta \
	tests/test-entry \
	tests/test-erase \
	tests/test-hold \
	tests/test-area \
	tests/test-journal \
	tests/test-crash

check_PROGRAMS += $(VAULT_STORE_TESTS)
TESTS += $(VAULT_STORE_TESTS)

VAULT_TEST_UTIL = tests/test-spool-util.c tests/test-spool-util.h
tests_test_config_SOURCES = tests/test-config.c $(VAULT_TEST_UTIL)
tests_test_config_LDADD = $(VAULT_SPOOL_LIBS)
tests_test_meta_SOURCES = tests/test-meta.c $(VAULT_TEST_UTIL)
tests_test_meta_LDADD = $(VAULT_SPOOL_LIBS)
tests_test_meta_CPPFLAGS = $(AM_CPPFLAGS) -DVAULT_GOLDEN_DIR='"$(abs_top_srcdir)/tests/golden-meta"'
tests_test_entry_SOURCES = tests/test-entry.c $(VAULT_TEST_UTIL)
tests_test_entry_LDADD = $(VAULT_SPOOL_LIBS)
tests_test_erase_SOURCES = tests/test-erase.c $(VAULT_TEST_UTIL)
tests_test_erase_LDADD = $(VAULT_SPOOL_LIBS)
tests_test_hold_SOURCES = tests/test-hold.c $(VAULT_TEST_UTIL)
tests_test_hold_LDADD = $(VAULT_SPOOL_LIBS)
tests_test_area_SOURCES = tests/test-area.c $(VAULT_TEST_UTIL)
tests_test_area_LDADD = $(VAULT_SPOOL_LIBS)
tests_test_journal_SOURCES = tests/test-journal.c $(VAULT_TEST_UTIL)
tests_test_journal_LDADD = $(VAULT_SPOOL_LIBS)
tests_test_crash_SOURCES = tests/test-crash.c $(VAULT_TEST_UTIL)
tests_test_crash_LDADD = $(VAULT_SPOOL_LIBS)

EXTRA_DIST += \
	doc/FORMAT.md \
	tests/golden-meta/stored.meta \
	tests/golden-meta/tombstone.meta \
	tests/golden-meta/README.md
