# Originator secrets: the spool's raw-key API, vaultd's release socket,
# "vaultctl release", the backend's side, and their tests (owner: secrets).
# SPDX-License-Identifier: Apache-2.0

spool_libvaultspool_a_SOURCES += spool/spool-secret.c

daemon_vaultd_SOURCES += \
	daemon/vaultd-secret.c \
	daemon/vaultd-secret-release.c \
	daemon/vaultd-secret.h

daemon_vaultctl_SOURCES += daemon/vaultctl-release.c

# Unit tests: the raw-key API of the spool, and the release protocol's
# framing and the backend's job-password handling.
check_PROGRAMS += tests/secret/test-secret
TESTS += tests/secret/test-secret
tests_secret_test_secret_SOURCES = \
	tests/secret/test-secret.c \
	backend/vault-secret.c \
	backend/vault-log.c \
	backend/backend.h \
	$(VAULT_TEST_UTIL)
tests_secret_test_secret_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests -I$(top_srcdir)/backend
tests_secret_test_secret_LDADD = $(VAULT_SPOOL_LIBS) $(CUPS_LIBS)

# Integration tests in the private test bed (run as root).
SECRET_INTEGRATION_TESTS = \
	tests/secret/protected.sh \
	tests/secret/require-secret.sh \
	tests/secret/attempts.sh
TESTS += $(SECRET_INTEGRATION_TESTS)
EXTRA_DIST += $(SECRET_INTEGRATION_TESTS) tests/secret/lib.sh doc/SECRETS.md
