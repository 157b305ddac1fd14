# Keys and STREAM encryption of the spool, and their tests (owner: crypto).
# SPDX-License-Identifier: Apache-2.0

spool_libvaultspool_a_SOURCES += \
	spool/spool-key.c \
	spool/spool-crypt.c
