# Keys and STREAM encryption of the spool, and their tests (owner: crypto).
# SPDX-License-Identifier: Apache-2.0
#
# spool/spool-io.c is listed once, in spool/local.mk.

spool_libvaultspool_a_SOURCES += \
	spool/spool-key.c \
	spool/spool-key-wrap.c \
	spool/spool-crypt.c \
	spool/spool-crypt-open.c

check_PROGRAMS += tests/test-crypt tests/test-key tests/test-io
TESTS += tests/test-crypt tests/test-key tests/test-io

tests_test_crypt_SOURCES = tests/test-crypt.c
tests_test_crypt_CPPFLAGS = $(AM_CPPFLAGS) -DVAULT_GOLDEN_DIR='"$(abs_top_srcdir)/tests/golden"'
tests_test_crypt_LDADD = $(VAULT_SPOOL_LIBS)
tests_test_key_SOURCES = tests/test-key.c
tests_test_key_CPPFLAGS = $(tests_test_crypt_CPPFLAGS)
tests_test_key_LDADD = $(VAULT_SPOOL_LIBS)

tests_test_io_SOURCES = tests/test-io.c
tests_test_io_LDADD = $(VAULT_SPOOL_LIBS)

EXTRA_DIST += \
	tests/golden/data-v1.bin \
	tests/golden/data-v1-short.bin \
	tests/golden/keys-v1.txt
