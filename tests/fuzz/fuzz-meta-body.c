/*
 * Fuzz target: the sidecar parser behind the MAC.  The input is a sidecar
 * BODY; the target appends a valid [mac] group (HMAC under the golden key)
 * as the writer does, so every input reaches the key-file parser and the
 * field checks of _vaultMetaFromData.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "fuzz.h"
#include <stdlib.h>
#include <string.h>


/*
 * 'LLVMFuzzerTestOneInput()' - Sign the body, parse it; a success must
 *                              round-trip through _vaultMetaToData.
 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  _vault_key_t	key;
  _vault_meta_t	*meta;
  GError	*error = NULL;
  GString	*text;
  char		hex[65];

  fuzzGoldenKey(&key);
  text = g_string_new_len((const char *)data, (gssize)size);
  _vaultMacHex(&key, text->str, text->len, hex);
  g_string_append_printf(text, "[mac]\nhmac-sha256=%s\n", hex);

  if ((meta = _vaultMetaFromData(text->str, text->len, &key, &error)) != NULL)
  {
    gsize	len;
    char	*out = _vaultMetaToData(meta, &key, &len);
    _vault_meta_t *again = _vaultMetaFromData(out, len, &key, &error);

    if (!again)			/* What we write we must read back */
    {
      fprintf(stderr, "round trip failed: %s\n--- written:\n%s\n", error ? error->message : "?", out);
      __builtin_trap();
    }
    if (again && (again->state != meta->state || again->valid != meta->valid ||
        strcmp(again->id, meta->id) || again->data_size != meta->data_size ||
        again->file_size != meta->file_size || g_strcmp0(again->wrapped_key, meta->wrapped_key) ||
        g_strcmp0(again->user, meta->user) || g_strcmp0(again->title, meta->title)))
      __builtin_trap();
    _vaultMetaFree(again);
    g_free(out);
    _vaultMetaFree(meta);
  }
  else if (!error)
    __builtin_trap();

  g_clear_error(&error);
  g_string_free(text, TRUE);
  return (0);
}
