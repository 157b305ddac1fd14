# The vault backend (owner: backend).
# SPDX-License-Identifier: Apache-2.0

backend_PROGRAMS += backend/vault
backend_vault_SOURCES = \
	backend/backend.h \
	backend/vault.c \
	backend/vault-exit.c \
	backend/vault-run.h \
	backend/vault-input.c \
	backend/vault-ref.c \
	backend/vault-job.c \
	backend/vault-inner.c \
	backend/vault-inner-relay.c \
	backend/vault-inner-find.c \
	backend/vault-log.c \
	backend/vault-notice.c \
	backend/vault-counts.c \
	backend/vault-sidechannel.c \
	backend/vault-secret.c \
	filter/account-record.c \
	filter/account-record.h
backend_vault_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/filter -DVAULT_SERVERBIN='"$(CUPS_SERVERBIN)"'
backend_vault_LDADD = $(VAULT_SPOOL_LIBS) $(CUPS_LIBS)

# cupsd runs a backend as root only when its file has no group/other write
# or other execute bit: the vault must be root to read the site key and to
# start each inner backend as cupsd would.  backenddir's name has no
# "exec", so automake installs the backend during install-data.
install_data_hooks += install-backend-hook
install-backend-hook:
	chmod 0700 $(DESTDIR)$(backenddir)/vault$(EXEEXT)

# Unit test of argv/URI parsing (no spool, no cupsd).
check_PROGRAMS += tests/test-backend-args
tests_test_backend_args_SOURCES = \
	tests/test-backend-args.c \
	backend/backend.h \
	backend/vault-job.c \
	backend/vault-log.c
tests_test_backend_args_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/backend
tests_test_backend_args_LDADD = $(GLIB_LIBS) $(CUPS_LIBS)
TESTS += tests/test-backend-args

# Unit test of relaying the inner backend's messages without PAGE: lines.
check_PROGRAMS += tests/test-relay
tests_test_relay_SOURCES = tests/test-relay.c backend/vault-inner-relay.c
tests_test_relay_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/backend
tests_test_relay_LDADD = $(GLIB_LIBS)
TESTS += tests/test-relay

# Integration tests in the private test bed (run as root).
BACKEND_INTEGRATION_TESTS = \
	tests/backend/print-once.sh \
	tests/backend/lost-hold.sh \
	tests/backend/release-waits.sh \
	tests/backend/inner-status.sh \
	tests/backend/interrupted.sh \
	tests/backend/cupsd-restart.sh \
	tests/backend/vault-full.sh \
	tests/backend/sidechannel.sh \
	tests/backend/copies.sh \
	tests/backend/lpd.sh \
	tests/backend/faults.sh
TESTS += $(BACKEND_INTEGRATION_TESTS)

# A filter that asks the backend over the side channel (sidechannel.sh).
check_PROGRAMS += tests/backend/sc-filter
tests_backend_sc_filter_SOURCES = tests/backend/sc-filter.c
tests_backend_sc_filter_LDADD = $(CUPS_LIBS) $(GLIB_LIBS)
EXTRA_DIST += $(BACKEND_INTEGRATION_TESTS) tests/backend/lib.sh
