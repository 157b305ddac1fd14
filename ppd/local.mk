# The vault PPDs and vault-add-printer's PPD helper (owner: admin).
# SPDX-License-Identifier: Apache-2.0
#
# Included from install.mk.  The PPDs go to $(datadir)/ppd/cups-vault:
# with --prefix=/usr that is /usr/share/ppd/cups-vault, which Debian's
# cups-driverd lists (lpinfo -m); vault-add-printer uses the files directly.

vaultppddir = $(datadir)/ppd/cups-vault
dist_vaultppd_DATA = ppd/vault-pdf.ppd ppd/vault-pwg.ppd

# vault-ppdgen links libcupsfilters 1.28 alone: its pkg-config Cflags point
# inside cupsfilters/ (whose headers include <config.h>: ours) and it
# exports generic names, so no GLib and no spool library here.
pkglibexec_PROGRAMS = ppd/vault-ppdgen
ppd_vault_ppdgen_SOURCES = ppd/vault-ppdgen.c
ppd_vault_ppdgen_CPPFLAGS = -I$(top_builddir) $(CUPSFILTERS_CFLAGS)
ppd_vault_ppdgen_CFLAGS = $(WARN_CFLAGS) $(SAN_CFLAGS) $(CUPS_CFLAGS) -Wno-deprecated-declarations
ppd_vault_ppdgen_LDADD = $(CUPSFILTERS_LIBS) $(CUPS_LIBS)
