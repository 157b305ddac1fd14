/*
 * Fuzz target: vault references (vaultRefIs, vaultRefVerify).  Each input
 * is tried twice: as it is (nearly always forged: must be refused), and as
 * a body signed with the store's reference key (the four lines before
 * "mac:"), so the parser and the owner check behind the MAC are reached.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "fuzz.h"
#include <string.h>


/*
 * 'verify()' - vaultRefVerify for user "alice"; checks the result's promises.
 */

static bool
verify(vault_store_t *store, const char *data, size_t len)
{
  GError	*error = NULL;
  char		*id = NULL;
  bool		ok = vaultRefVerify(store, data, len, "alice", &id, &error);

  if (ok != (id != NULL) || ok == (error != NULL))
    __builtin_trap();
  if (ok && (!_vaultIdIsValid(id) || !vaultRefIs(data, len)))
    __builtin_trap();
  g_free(id);
  g_clear_error(&error);
  return (ok);
}


/*
 * 'LLVMFuzzerTestOneInput()' - Raw, then signed.
 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  vault_store_t	*store = fuzzStore();
  _vault_key_t	key;
  char		hex[65];
  GString	*doc;

  (void)vaultRefIs(data, size);
  verify(store, (const char *)data, size);

  if (!_vaultKeyDerive(&store->kek, "reference-mac", &key, NULL))
    __builtin_trap();
  doc = g_string_new_len((const char *)data, (gssize)size);
  _vaultMacHex(&key, doc->str, doc->len, hex);
  g_string_append_printf(doc, "mac: %s\n", hex);
  if (verify(store, doc->str, doc->len) && !strstr(doc->str, "\nowner: alice\n"))
    __builtin_trap();				/* Verified for someone else */
  g_string_free(doc, TRUE);
  return (0);
}
