/*
 * The VAULT_ERROR domain and the names of its codes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "spool-error.h"


/*
 * 'vaultErrorQuark()' - The GError domain of the vault spool library.
 */

GQuark
vaultErrorQuark(void)
{
  return (g_quark_from_static_string("vault-error-quark"));
}


/*
 * 'vaultErrorString()' - Short English name of an error code, for logs and
 *                        exit-code tables.  Never NULL.
 */

const char *
vaultErrorString(vault_error_t code)
{
  static const char * const names[] =
  {
    "failed", "i/o error", "bad configuration", "site key unusable",
    "authentication failed", "truncated", "corrupt", "unsupported version",
    "vault full", "originator over quota", "not found", "already exists",
    "locked", "wrong state", "invalid argument", "secret required",
    "wrong secret", "simulated crash"
  };

  if ((guint)code < G_N_ELEMENTS(names))
    return (names[code]);

  return ("unknown error");
}
