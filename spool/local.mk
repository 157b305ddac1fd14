# The spool library and its unit tests (owner of this fragment: the store).
# SPDX-License-Identifier: Apache-2.0

noinst_LIBRARIES += spool/libvaultspool.a
spool_libvaultspool_a_SOURCES = \
	spool/spool.h \
	spool/spool-error.h \
	spool/spool-private.h \
	spool/spool-error.c \
	spool/spool-io.c \
	spool/spool-config.c \
	spool/spool-store.c \
	spool/spool-area.c \
	spool/spool-lock.c \
	spool/spool-meta.c \
	spool/spool-entry.c \
	spool/spool-journal.c

VAULT_SPOOL_LIBS = spool/libvaultspool.a $(GNUTLS_LIBS) $(GLIB_LIBS)
