/*
 * The one table of error codes of the vault spool library (domain VAULT_ERROR).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Every library function that can fail takes a GError ** last and fills it
 * with one of these codes and a sentence that names the file, key or job.
 * The backend maps these codes to CUPS_BACKEND_* in one switch; vaultd and
 * vaultctl map them to IPP status codes and exit codes.
 */

#ifndef VAULT_SPOOL_ERROR_H
#define VAULT_SPOOL_ERROR_H

#include <glib.h>

G_BEGIN_DECLS

#define VAULT_ERROR (vaultErrorQuark())

typedef enum vault_error_e
{
  VAULT_ERROR_FAILED,		/* Anything not below */
  VAULT_ERROR_IO,		/* A system call failed (message carries errno text) */
  VAULT_ERROR_CONFIG,		/* vault.conf is missing, unreadable or has a bad value */
  VAULT_ERROR_KEY,		/* Site key file missing, unreadable, wrong size or too open */
  VAULT_ERROR_AUTH,		/* Authentication failed: wrong key, tampered file or sidecar */
  VAULT_ERROR_TRUNCATED,	/* Data file ends before its authenticated final chunk */
  VAULT_ERROR_CORRUPT,		/* Sidecar or data file malformed (bad header, bad field) */
  VAULT_ERROR_VERSION,		/* Format version this build does not read */
  VAULT_ERROR_FULL,		/* No area has room for the job */
  VAULT_ERROR_QUOTA,		/* Originator over its byte or entry cap */
  VAULT_ERROR_NOT_FOUND,	/* No entry for that identity */
  VAULT_ERROR_EXISTS,		/* An entry for that identity already exists */
  VAULT_ERROR_LOCKED,		/* The entry is locked by another live process */
  VAULT_ERROR_STATE,		/* Transition not allowed from the entry's current state */
  VAULT_ERROR_INVALID,		/* Bad identity or argument (uuid alphabet, empty queue, ...) */
  VAULT_ERROR_SECRET_REQUIRED,	/* Entry is protected by an originator secret not supplied */
  VAULT_ERROR_SECRET_WRONG,	/* The supplied originator secret does not unwrap the key */
  VAULT_ERROR_CRASH		/* Test hook: the I/O layer simulated a crash at this step */
} vault_error_t;

extern GQuark		vaultErrorQuark(void);
extern const char	*vaultErrorString(vault_error_t code);

G_END_DECLS

#endif /* !VAULT_SPOOL_ERROR_H */
