/*
 * Fuzz target: the sidecar reader (_vaultMetaFromData) exactly as the store
 * calls it, under the golden MAC key.  Almost every input stops at the MAC
 * check; fuzz-meta-body reaches the parser behind it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "fuzz.h"


/*
 * 'LLVMFuzzerTestOneInput()' - Parse one sidecar; a success must round-trip.
 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  _vault_key_t	key;
  _vault_meta_t	*meta;
  GError	*error = NULL;

  fuzzGoldenKey(&key);
  if ((meta = _vaultMetaFromData((const char *)data, size, &key, &error)) != NULL)
  {
    gsize	len;
    char	*text = _vaultMetaToData(meta, &key, &len);
    _vault_meta_t *again = _vaultMetaFromData(text, len, &key, NULL);

    if (!again)				/* What we write we must read back */
      __builtin_trap();
    _vaultMetaFree(again);
    g_free(text);
    _vaultMetaFree(meta);
  }
  else if (!error)
    __builtin_trap();			/* A failure always says why */

  g_clear_error(&error);
  return (0);
}
