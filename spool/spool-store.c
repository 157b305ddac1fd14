/*
 * Opening and closing the store, and walking every entry in it.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A store ties a parsed vault.conf to the site key (and the keys derived
 * from it), this boot's id, the I/O layer (with any test fault from
 * $VAULT_IO_FAULT) and the directories: <root>, <root>/locks, the areas.
 * Nothing about entries is cached: usage and quotas are derived from the
 * files on disk every time, so they cannot drift across restarts.
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
          _vaultKeyDerive(&store->kek, "wrap", &store->wrap_key, error) &&
          _vaultKeyDerive(&store->kek, "sidecar-mac", &store->mac_key, error));
}


/*
 * 'vaultStoreOpen()' - Open the store described by config (which must
 *                      outlive it): read the site key (KEY), the boot id,
 *                      the fault spec, and create <root>, <root>/locks and
 *                      the area directories (mode 0700) when missing (IO).
 */

vault_store_t *
vaultStoreOpen(const vault_config_t *config, GError **error)
{
  vault_store_t	*store;
  const char	*root, *fault = g_getenv("VAULT_IO_FAULT");
  bool		ok;

  g_return_val_if_fail(config != NULL, NULL);

  root                = vaultConfigGetRoot(config);
  store               = g_new0(vault_store_t, 1);
  store->config       = config;
  store->io           = _vaultIoNew();
  store->locks_dir    = g_build_filename(root, "locks", NULL);
  store->journal_path = g_build_filename(root, "journal", NULL);

  ok = (!fault || !*fault || _vaultIoSetFaultFromString(store->io, fault, error)) &&
       (store->boot_id = read_boot_id(error)) != NULL &&
       open_keys(store, error) &&
       make_dir(root, "Cannot create the spool root", error) &&
       make_dir(store->locks_dir, "Cannot create the lock directory", error);

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
  _vaultKeyWipe(&store->wrap_key, sizeof(store->wrap_key));
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
 * 'id_of()' - The entry id in a file name "<id><suffix>", or NULL.
 */

static char *
id_of(const char *name, const char *suffix)
{
  size_t len = strlen(name);

  if (len != _VAULT_ID_LEN + strlen(suffix) || !g_str_has_suffix(name, suffix))
    return (NULL);

  char *id = g_strndup(name, _VAULT_ID_LEN);

  if (!_vaultIdIsValid(id))
  {
    g_free(id);
    return (NULL);
  }

  return (id);
}


/*
 * 'visit_name()' - Visit one directory entry of area i: a sidecar is loaded
 *                  and passed on; a data file without a sidecar is passed on
 *                  as a load error.  Returns what the callback returned.
 */

static bool
visit_name(vault_store_t *store, guint i, const char *name, vault_foreach_cb_t cb, void *data)
{
  char		*id, *path = NULL;
  GError	*e = NULL;
  _vault_meta_t	*meta;
  bool		keep_going = true;

  if ((id = id_of(name, _VAULT_META_SUFFIX)) != NULL)
  {
    path = _vaultEntryPath(store, i, id, _VAULT_META_SUFFIX);
    if ((meta = _vaultMetaRead(path, &store->mac_key, &e)) != NULL && (strcmp(meta->id, id) || g_strcmp0(meta->area, vaultConfigGetAreaName(store->config, i))))
    {
      g_set_error(&e, VAULT_ERROR, VAULT_ERROR_CORRUPT, "%s: the sidecar names another entry or area (moved or copied file).", path);
      g_clear_pointer(&meta, _vaultMetaFree);
    }

    if (meta)
    {
      vault_entry_t *entry = _vaultEntryFromMeta(store, i, meta);

      keep_going = cb(store, id, entry, NULL, data);
      vaultEntryFree(entry);
    }
    else
      keep_going = cb(store, id, NULL, e, data);
  }
  else if ((id = id_of(name, _VAULT_DATA_SUFFIX)) != NULL)
  {
    path = _vaultEntryPath(store, i, id, _VAULT_META_SUFFIX);
    if (access(path, F_OK) < 0 && errno == ENOENT)
    {
      g_set_error(&e, VAULT_ERROR, VAULT_ERROR_CORRUPT, "%s/%s: data file without a sidecar.", vaultConfigGetAreaPath(store->config, i), name);
      keep_going = cb(store, id, NULL, e, data);
    }
  }
  else
    return (true);

  g_clear_error(&e);
  g_free(path);
  g_free(id);
  return (keep_going);
}


/*
 * 'vaultStoreForeach()' - Visit every entry of every area, in directory
 *                         order.  Entries passed to cb are read-only
 *                         (opened without a lock) and freed after the call.
 *                         Returns false with IO when an area cannot be read;
 *                         true when cb stopped the walk early.
 */

bool
vaultStoreForeach(vault_store_t *store, vault_foreach_cb_t cb, void *data, GError **error)
{
  g_return_val_if_fail(store != NULL && cb != NULL, false);

  for (guint i = 0; i < vaultConfigGetAreaCount(store->config); i ++)
  {
    const char	*dirpath = vaultConfigGetAreaPath(store->config, i);
    GError	*e = NULL;
    GDir	*dir = g_dir_open(dirpath, 0, &e);
    const char	*name;
    bool	keep_going = true;

    if (!dir)
    {
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "Cannot read the spool area: %s", e->message);
      g_error_free(e);
      return (false);
    }

    while (keep_going && (name = g_dir_read_name(dir)) != NULL)
      keep_going = visit_name(store, i, name, cb, data);

    g_dir_close(dir);
    if (!keep_going)
      break;
  }

  return (true);
}


/*
 * Originator usage, counted from the sidecars on disk.
 */

typedef struct usage_s
{
  const char	*user;
  guint64	bytes;
  guint		entries;
} usage_t;

static bool
count_usage(vault_store_t *store, const char *id, vault_entry_t *entry, const GError *load_error, void *data)
{
  usage_t	*usage = data;
  guint64	size;

  if (!entry || !vaultEntryGetJob(entry)->user || strcmp(vaultEntryGetJob(entry)->user, usage->user))
    return (true);

  switch (vaultEntryGetState(entry))
  {
    case VAULT_STATE_DONE :
    case VAULT_STATE_DISCARDED :
        return (true);

    case VAULT_STATE_RECEIVING :
      {
        /* Still being written (by another process): count what is on disk. */
        char		*path = _vaultEntryPath(store, (guint)_vaultAreaFind(store, vaultEntryGetArea(entry)), id, _VAULT_DATA_SUFFIX);
        struct stat	st;

        size = stat(path, &st) == 0 ? (guint64)st.st_size : 0;
        g_free(path);
      }
      break;

    default :
        size = vaultEntryGetFileSize(entry);
        break;
  }

  usage->bytes += size;
  usage->entries ++;
  return (true);
}


/*
 * '_vaultStoreOriginatorUsage()' - Data-file bytes and live (not erased)
 *                                  entries held by user in all areas.
 */

bool
_vaultStoreOriginatorUsage(vault_store_t *store, const char *user, guint64 *bytes, guint *entries, GError **error)
{
  usage_t usage = { user, 0, 0 };

  if (!vaultStoreForeach(store, count_usage, &usage, error))
    return (false);

  *bytes   = usage.bytes;
  *entries = usage.entries;
  return (true);
}
