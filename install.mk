# Installation on a CUPS host (owner: admin): the vault PPDs and their
# helper, vault-add-printer and vault-remove-printer, the systemd units, a
# sample vault.conf, the man pages, the spool and key directories; and the
# tests of all that.
# SPDX-License-Identifier: Apache-2.0
#
# Everything goes under the configured prefix, sysconfdir and localstatedir
# (a host install: ./configure --prefix=/usr --sysconfdir=/etc
# --localstatedir=/var); the backend and the filter go to CUPS's ServerBin
# (backend/local.mk, filter/local.mk), the MIME rules to $(datadir)/cups/mime
# (daemon/service.mk).  DESTDIR is honoured; "make install" may run again.

include ppd/local.mk

vaultspooldir = $(localstatedir)/spool/cups-vault
vaultkeydir = $(sysconfdir)/cups-vault
vaultconfdir = $(sysconfdir)/cups
systemdunitdir = $(prefix)/lib/systemd/system

VAULT_ADMIN_TOOLS = scripts/vault-add-printer scripts/vault-remove-printer
VAULT_UNITS = scripts/systemd/cups-vault-recover.service scripts/systemd/vaultd.service
VAULT_CONF_SAMPLE = conf/vault.conf.sample

dist_man_MANS = \
	doc/man/vault.7 \
	doc/man/vaultd.8 \
	doc/man/vaultctl.8 \
	doc/man/vault.conf.5 \
	doc/man/vault-add-printer.8 \
	doc/man/vault-remove-printer.8

EXTRA_DIST += $(VAULT_ADMIN_TOOLS) $(VAULT_UNITS) $(VAULT_CONF_SAMPLE) \
	doc/HARDENING.md

# The installed copies carry the configured paths.
VAULT_SUBST = sed \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@vaultspooldir[@]|$(vaultspooldir)|g' \
	-e 's|/var/spool/cups-vault|$(vaultspooldir)|g' \
	-e 's|/etc/cups-vault|$(vaultkeydir)|g' \
	-e 's|^VAULT_PPD_DIR_DEFAULT=$$|VAULT_PPD_DIR_DEFAULT=$(vaultppddir)|' \
	-e 's|^VAULT_HELPER_DEFAULT=$$|VAULT_HELPER_DEFAULT=$(pkglibexecdir)/vault-ppdgen|' \
	-e 's|^VAULT_SERVERBIN_DEFAULT=$$|VAULT_SERVERBIN_DEFAULT=$(CUPS_SERVERBIN)|' \
	-e 's|^VAULT_SBIN_DEFAULT=$$|VAULT_SBIN_DEFAULT=$(sbindir)|'

# vault_install_subst SRC DST MODE - install SRC with the paths filled in.
vault_install_subst = \
	$(VAULT_SUBST) "$(srcdir)/$$src" >"$$dst.tmp" && chmod "$$mode" "$$dst.tmp" && mv -f "$$dst.tmp" "$$dst"

install-exec-local:
	$(MKDIR_P) "$(DESTDIR)$(sbindir)"
	@for f in $(VAULT_ADMIN_TOOLS); do \
	  src=$$f dst="$(DESTDIR)$(sbindir)/$${f##*/}" mode=0755; \
	  echo " SUBST $$dst"; $(vault_install_subst) || exit 1; \
	done

# The spool and key directories: mode 0700; owned by root when root
# installs for real (not into a DESTDIR), else only the mode is set.
install-data-local:
	$(MKDIR_P) "$(DESTDIR)$(systemdunitdir)" "$(DESTDIR)$(vaultconfdir)" \
	  "$(DESTDIR)$(vaultspooldir)" "$(DESTDIR)$(vaultkeydir)"
	@for f in $(VAULT_UNITS); do \
	  src=$$f dst="$(DESTDIR)$(systemdunitdir)/$${f##*/}" mode=0644; \
	  echo " SUBST $$dst"; $(vault_install_subst) || exit 1; \
	done
	@src=$(VAULT_CONF_SAMPLE) dst="$(DESTDIR)$(vaultconfdir)/vault.conf.sample" mode=0644; \
	  echo " SUBST $$dst"; $(vault_install_subst)
	chmod 0700 "$(DESTDIR)$(vaultspooldir)" "$(DESTDIR)$(vaultkeydir)"
	@if test -z "$(DESTDIR)" && test "`id -u`" = 0; then \
	  echo " chown root:root $(vaultspooldir) $(vaultkeydir)"; \
	  chown root:root "$(vaultspooldir)" "$(vaultkeydir)"; \
	fi

# Removes what install put there; the spool and key directories only when
# empty (a spool that holds jobs, or a key, is never removed).
uninstall-local:
	@for f in $(VAULT_ADMIN_TOOLS); do rm -f "$(DESTDIR)$(sbindir)/$${f##*/}"; done
	@for f in $(VAULT_UNITS); do rm -f "$(DESTDIR)$(systemdunitdir)/$${f##*/}"; done
	rm -f "$(DESTDIR)$(vaultconfdir)/vault.conf.sample"
	-rmdir "$(DESTDIR)$(vaultspooldir)" "$(DESTDIR)$(vaultkeydir)" 2>/dev/null

# The installation directories, for tests/install (one NAME=VALUE a line).
vault-install-dirs:
	@echo "sbindir=$(sbindir)"
	@echo "backenddir=$(backenddir)"
	@echo "filterdir=$(filterdir)"
	@echo "pkglibexecdir=$(pkglibexecdir)"
	@echo "vaultppddir=$(vaultppddir)"
	@echo "vaultspooldir=$(vaultspooldir)"
	@echo "vaultkeydir=$(vaultkeydir)"
	@echo "vaultconfdir=$(vaultconfdir)"
	@echo "systemdunitdir=$(systemdunitdir)"
	@echo "mandir=$(mandir)"
	@echo "mimedir=$(mimedir)"
.PHONY: vault-install-dirs

# Tests: the install into a DESTDIR, and the admin scripts in the bed.
VAULT_ADMIN_TESTS = \
	tests/install/install.sh \
	tests/admin/ppd-filter.sh \
	tests/admin/add-remove.sh \
	tests/admin/driverless.sh
TESTS += $(VAULT_ADMIN_TESTS)
EXTRA_DIST += $(VAULT_ADMIN_TESTS) tests/admin/lib.sh
