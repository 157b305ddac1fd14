/*
 * Opening and closing the store (walking its entries: spool-store-walk.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A store ties a parsed vault.conf to the site key (and the keys derived
 * from it), this boot's id, the I/O layer (with any test fault from
 * $VAULT_IO_FAULT) and the directories: <root>, <root>/locks,
 * <root>/tombstones, the areas.  Nothing about entries is cached: usage and
 * quotas are derived from the files on disk every time, so they cannot
 * drift across restarts.  Tombstones (erased entries) live apart from the
 * areas, so that cost grows with the live entries only.
 */

#include "spool-private.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"


/*
 * 'read_boot_id()' - $VAULT_BOOT_ID when set (tests simulate reboots with
 *                    it), else the kernel's boot id.  IO when unreadable.
 */

static char *
read_boot_id(GError **error)
{
  const char	*env = g_getenv("VAULT_BOOT_ID");
  char		*text = NULL;
  GError	*e = NULL;

  if (env && *env)
    return (g_strdup(env));

  if (!g_file_get_contents(BOOT_ID_PATH, &text, NULL, &e))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "Cannot read the boot id: %s", e->message);
    g_error_free(e);
    return (NULL);
  }

  return (g_strstrip(text));
}


/*
 * 'make_dir()' - Create a directory (and parents) mode 0700 if missing, and
 *                check that it is a directory this process can write.
 */

static bool
make_dir(const char *path, const char *what, GError **error)
{
  struct stat st;

  if (g_mkdir_with_parents(path, 0700) < 0)
  {
    _vaultSetIoError(error, errno, what, path);
    return (false);
  }

  errno = 0;
  if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode) || access(path, W_OK | X_OK) < 0)
  {
    _vaultSetIoError(error, errno ? errno : ENOTDIR, what, path);
    return (false);
  }

  return (true);
}


/*
 * 'open_keys()' - Load the site key and derive the store's keys.
 */

static bool
open_keys(vault_store_t *store, GError **error)
{
  return (_vaultKeyLoad(vaultConfigGetKeyFile(store->config), &store->kek, error) &&
          _vaultKeyDerive(&store->kek, "sidecar-mac", &store->mac_key, error));
}


/*
 * 'vaultStoreOpen()' - Open the store described by config (which must
 *                      outlive it): read the site key (KEY), the boot id,
 *                      the fault spec, and create <root>, <root>/locks,
 *                      <root>/tombstones and the area directories (mode
 *                      0700) when missing (IO).
 */

vault_store_t *
vaultStoreOpen(const vault_config_t *config, GError **error)
{
  vault_store_t	*store;
  const char	*root, *fault = g_getenv("VAULT_IO_FAULT");
  char		*tombstones;
  bool		ok;

  g_return_val_if_fail(config != NULL, NULL);

  root                = vaultConfigGetRoot(config);
  store               = g_new0(vault_store_t, 1);
  store->config       = config;
  store->io           = _vaultIoNew();
  store->locks_dir    = g_build_filename(root, "locks", NULL);
  store->journal_path = g_build_filename(root, "journal", NULL);
  tombstones          = g_build_filename(root, _VAULT_TOMBSTONES_DIR, NULL);

  ok = (!fault || !*fault || _vaultIoSetFaultFromString(store->io, fault, error)) &&
       (store->boot_id = read_boot_id(error)) != NULL &&
       open_keys(store, error) &&
       make_dir(root, "Cannot create the spool root", error) &&
       make_dir(store->locks_dir, "Cannot create the lock directory", error) &&
       make_dir(tombstones, "Cannot create the tombstone directory", error);
  g_free(tombstones);

  for (guint i = 0; ok && i < vaultConfigGetAreaCount(config); i ++)
    ok = make_dir(vaultConfigGetAreaPath(config, i), "Cannot use the spool area", error);

  if (!ok)
  {
    vaultStoreClose(store);
    return (NULL);
  }

  return (store);
}


/*
 * 'vaultStoreClose()' - Wipe the keys and free the store (NULL allowed).
 */

void
vaultStoreClose(vault_store_t *store)
{
  if (!store)
    return;

  _vaultKeyWipe(&store->kek, sizeof(store->kek));
  _vaultKeyWipe(&store->mac_key, sizeof(store->mac_key));
  _vaultIoFree(store->io);
  g_free(store->boot_id);
  g_free(store->locks_dir);
  g_free(store->journal_path);
  g_free(store);
}


/*
 * 'vaultStoreGetConfig()' - The configuration the store was opened with.
 */

const vault_config_t *
vaultStoreGetConfig(vault_store_t *store)
{
  return (store->config);
}


/*
 * 'vaultStoreGetBootId()' - This boot's id, read when the store opened.
 */

const char *
vaultStoreGetBootId(vault_store_t *store)
{
  return (store->boot_id);
}


/*
 * '_vaultTombstonePath()' - "<root>/tombstones/<id>.meta"; g_free it.
 */

char *
_vaultTombstonePath(vault_store_t *store, const char *id)
{
  return (g_strdup_printf("%s/" _VAULT_TOMBSTONES_DIR "/%s" _VAULT_META_SUFFIX, vaultConfigGetRoot(store->config), id));
}


/*
 * '_vaultTombstoneExists()' - Whether entry id has a tombstone in
 *                             <root>/tombstones.
 */

bool
_vaultTombstoneExists(vault_store_t *store, const char *id)
{
  char	*path = _vaultTombstonePath(store, id);
  bool	found = access(path, F_OK) == 0;

  g_free(path);
  return (found);
}
