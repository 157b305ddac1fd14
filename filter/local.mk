# The accounting filter and its tests (owner of this fragment: accounting).
# SPDX-License-Identifier: Apache-2.0

filter_PROGRAMS += filter/vault-account

VAULT_ACCOUNT_SOURCES = \
	filter/account.h \
	filter/account-record.h \
	filter/account-record.c \
	filter/account-io.c \
	filter/account-options.c \
	filter/account-tally.c \
	filter/account-raster.c \
	filter/account-pdf.c \
	filter/account-ps.c \
	spool/spool-error.c

filter_vault_account_SOURCES = filter/vault-account.c $(VAULT_ACCOUNT_SOURCES)
filter_vault_account_CFLAGS = $(AM_CFLAGS) -Wno-deprecated-declarations
filter_vault_account_LDADD = $(CUPS_LIBS) $(GLIB_LIBS)

check_PROGRAMS += tests/filter/test-account
TESTS += tests/filter/test-account
tests_filter_test_account_SOURCES = \
	tests/filter/test-account.c \
	tests/filter/test-run.c \
	tests/filter/test-run.h \
	tests/filter/test-docs.c \
	tests/filter/test-docs.h \
	filter/account-record.h \
	filter/account-record.c \
	spool/spool-error.c
tests_filter_test_account_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/filter
tests_filter_test_account_LDADD = $(CUPS_LIBS) $(GLIB_LIBS)
if ENABLE_SANITIZERS
# AddressSanitizer's shadow memory inflates RSS: the 200 MiB test keeps a
# looser bound (still far below the document's size).
tests_filter_test_account_CPPFLAGS += -DVAULT_TEST_SANITIZED
endif
EXTRA_DIST += tests/filter/lsan.supp

# test-account runs filter/vault-account, which "make check" builds first
# (check depends on all).
