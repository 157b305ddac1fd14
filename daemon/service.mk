# vaultd as a service after cupsd: holds resurrected jobs, re-creates lost
# ones as held references, consults originators and the representative
# (owner of this fragment: the vaultd service).
# SPDX-License-Identifier: Apache-2.0

# References belong to the spool library: the backend verifies them.
spool_libvaultspool_a_SOURCES += spool/spool-ref.c

daemon_vaultd_SOURCES += \
	daemon/vaultd-service.c \
	daemon/vaultd-reconcile.c \
	daemon/vaultd-consult.c \
	daemon/vaultd-cups.c \
	daemon/vaultd-cups-subscribe.c \
	daemon/vaultd-cupsd-pid.c \
	daemon/vaultd-service.h
daemon_vaultd_LDADD += $(CUPS_LIBS)

# The MIME type of references: straight to the backend, no filter.
mimedir = $(datadir)/cups/mime
dist_mime_DATA = mime/vault.types mime/vault.convs

# Unit test of references.
check_PROGRAMS += tests/service/test-ref
TESTS += tests/service/test-ref
tests_service_test_ref_SOURCES = tests/service/test-ref.c $(VAULT_TEST_UTIL)
tests_service_test_ref_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
tests_service_test_ref_LDADD = $(VAULT_SPOOL_LIBS)

# Unit test of finding the cupsd behind a local socket.
check_PROGRAMS += tests/service/test-cupsd-pid
TESTS += tests/service/test-cupsd-pid
tests_service_test_cupsd_pid_SOURCES = tests/service/test-cupsd-pid.c daemon/vaultd-cupsd-pid.c daemon/vaultd-service.h
tests_service_test_cupsd_pid_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/daemon
tests_service_test_cupsd_pid_LDADD = $(VAULT_SPOOL_LIBS) $(CUPS_LIBS)

# Integration tests of the service in the private test bed (run as root).
SERVICE_INTEGRATION_TESTS = \
	tests/service/power-loss.sh \
	tests/service/killed-backend.sh \
	tests/service/cancel-held.sh \
	tests/service/canceled-stored.sh \
	tests/service/class-queue.sh \
	tests/service/forged-reference.sh \
	tests/service/consult-timeout.sh \
	tests/service/consult-group.sh \
	tests/service/cupsd-restart.sh \
	tests/service/power-loss-queue.sh \
	tests/service/completion-notices.sh \
	tests/service/unreachable-originator.sh \
	tests/service/lost-job.sh \
	tests/service/stale-entry.sh \
	tests/service/tombstone-prune.sh \
	tests/service/replayed-reference.sh
TESTS += $(SERVICE_INTEGRATION_TESTS)
EXTRA_DIST += $(SERVICE_INTEGRATION_TESTS) tests/service/lib.sh

# The recording notifier the tests install as ServerBin/notifier/SCHEME.
check_PROGRAMS += tests/service/notifier-record
tests_service_notifier_record_SOURCES = tests/service/notifier-record.c
tests_service_notifier_record_LDADD = $(CUPS_LIBS)
