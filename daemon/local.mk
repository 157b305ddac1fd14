# vaultd (boot sweep) and vaultctl (administration).
# SPDX-License-Identifier: Apache-2.0

sbin_PROGRAMS += daemon/vaultd daemon/vaultctl

daemon_vaultd_SOURCES = daemon/vaultd.c daemon/vaultd.h daemon/vaultd-recover.c
daemon_vaultd_LDADD = $(VAULT_SPOOL_LIBS)

daemon_vaultctl_SOURCES = daemon/vaultctl.c
daemon_vaultctl_LDADD = $(VAULT_SPOOL_LIBS)

check_PROGRAMS += tests/daemon/test-recover
TESTS += tests/daemon/test-recover
tests_daemon_test_recover_SOURCES = tests/daemon/test-recover.c daemon/vaultd-recover.c daemon/vaultd.h
tests_daemon_test_recover_LDADD = $(VAULT_SPOOL_LIBS)
