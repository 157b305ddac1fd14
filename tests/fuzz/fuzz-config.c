/*
 * Fuzz target: the vault.conf parser (vaultConfigLoad) on a temporary file.
 * A file it accepts must satisfy what the format promises: at least two
 * areas, each with a path and a capacity above 0.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "fuzz.h"


/*
 * 'LLVMFuzzerTestOneInput()' - Load one vault.conf and check its promises.
 */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char		*path;
  vault_config_t	*config;
  GError		*error = NULL;

  if (!path)
    path = g_build_filename(fuzzStoreDir(), "fuzz.conf", NULL);

  fuzzWriteFile(path, data, size);
  if ((config = vaultConfigLoad(path, &error)) != NULL)
  {
    if (vaultConfigGetAreaCount(config) < 2 || !vaultConfigGetRoot(config) || !vaultConfigGetKeyFile(config))
      __builtin_trap();
    for (guint i = 0; i < vaultConfigGetAreaCount(config); i ++)
      if (!vaultConfigGetAreaPath(config, i) || !vaultConfigGetAreaName(config, i) || vaultConfigGetAreaCapacity(config, i) == 0)
        __builtin_trap();
    (void)vaultConfigGetStalePolicy(config, NULL);
    vaultConfigFree(config);
  }
  else if (!error || error->code != VAULT_ERROR_CONFIG)
    __builtin_trap();

  g_clear_error(&error);
  return (0);
}
