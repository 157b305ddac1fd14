/*
 * Walking every entry in the store: vaultStoreWalk reads each sidecar
 * without its lock (tombstones, then live entries, each once, or one of
 * the two kinds), and
 * vaultStoreForeachLocked visits each entry under its lock (also entries
 * with only a data file, whose sidecar a crash left out); an originator's
 * usage is counted from the live sidecars.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "spool-private.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


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
 * 'visit_meta()' - Read the sidecar at path of entry id and pass it on, or
 *                  its load error.  area is the area index of a live
 *                  sidecar, or -1 for a tombstone (which must be one: an
 *                  erased DONE/DISCARDED sidecar without a key).  Returns
 *                  what the callback returned.
 */

static bool
visit_meta(vault_store_t *store, int area, const char *id, const char *path, vault_foreach_cb_t cb, void *data)
{
  GError	*e = NULL;
  _vault_meta_t	*meta = _vaultMetaRead(path, &store->mac_key, &e);
  bool		keep_going;

  if (meta && (strcmp(meta->id, id) || (area >= 0 && g_strcmp0(meta->area, vaultConfigGetAreaName(store->config, (guint)area)))))
  {
    g_set_error(&e, VAULT_ERROR, VAULT_ERROR_CORRUPT, "%s: the sidecar names another entry or area (moved or copied file).", path);
    g_clear_pointer(&meta, _vaultMetaFree);
  }
  else if (meta && area < 0 && (meta->valid || meta->wrapped_key || (meta->state != VAULT_STATE_DONE && meta->state != VAULT_STATE_DISCARDED)))
  {
    g_set_error(&e, VAULT_ERROR, VAULT_ERROR_CORRUPT, "%s: a live sidecar among the tombstones (moved or copied file).", path);
    g_clear_pointer(&meta, _vaultMetaFree);
  }

  if (meta)
  {
    int			found = area >= 0 ? area : _vaultAreaFind(store, meta->area);
    vault_entry_t	*entry = _vaultEntryFromMeta(store, found >= 0 ? (guint)found : 0, meta);

    keep_going = cb(store, id, entry, NULL, data);
    vaultEntryFree(entry);
  }
  else
    keep_going = cb(store, id, NULL, e, data);

  g_clear_error(&e);
  return (keep_going);
}


/*
 * 'visit_name()' - Visit one directory entry of area i, unless its id is in
 *                  skip (tombstoned ids): a sidecar is loaded and passed
 *                  on; a data file without a sidecar is passed on as a load
 *                  error.  Returns what the callback returned.
 */

static bool
visit_name(vault_store_t *store, guint i, const char *name, GHashTable *skip, vault_foreach_cb_t cb, void *data)
{
  char		*id, *path = NULL;
  GError	*e = NULL;
  bool		keep_going = true;

  if ((id = id_of(name, _VAULT_META_SUFFIX)) != NULL)
  {
    path = _vaultEntryPath(store, i, id, _VAULT_META_SUFFIX);
    if (!skip || !g_hash_table_contains(skip, id))
      keep_going = visit_meta(store, (int)i, id, path, cb, data);
  }
  else if ((id = id_of(name, _VAULT_DATA_SUFFIX)) != NULL)
  {
    path = _vaultEntryPath(store, i, id, _VAULT_META_SUFFIX);
    if ((!skip || !g_hash_table_contains(skip, id)) && access(path, F_OK) < 0 && errno == ENOENT)
    {
      g_set_error(&e, VAULT_ERROR, VAULT_ERROR_CORRUPT, "%s/%s: data file without a sidecar.", vaultConfigGetAreaPath(store->config, i), name);
      keep_going = cb(store, id, NULL, e, data);
    }
  }

  g_clear_error(&e);
  g_free(path);
  g_free(id);
  return (keep_going);
}


/*
 * 'walk_areas()' - Visit the live entries of every area (ids in skip
 *                  excepted).  *stopped tells whether cb stopped the walk.
 *                  IO when an area cannot be read.
 */

static bool
walk_areas(vault_store_t *store, GHashTable *skip, vault_foreach_cb_t cb, void *data, bool *stopped, GError **error)
{
  *stopped = false;
  for (guint i = 0; !*stopped && i < vaultConfigGetAreaCount(store->config); i ++)
  {
    const char	*dirpath = vaultConfigGetAreaPath(store->config, i);
    GError	*e = NULL;
    GDir	*dir = g_dir_open(dirpath, 0, &e);
    const char	*name;

    if (!dir)
    {
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "Cannot read the spool area: %s", e->message);
      g_error_free(e);
      return (false);
    }

    while (!*stopped && (name = g_dir_read_name(dir)) != NULL)
      *stopped = !visit_name(store, i, name, skip, cb, data);

    g_dir_close(dir);
  }

  return (true);
}


/*
 * 'collect_ids()' - Append to order the ids named in dirpath (sidecars,
 *                   and with data_too data files) not yet in seen.  IO
 *                   when the directory cannot be read.
 */

static bool
collect_ids(const char *dirpath, bool data_too, GPtrArray *order, GHashTable *seen, GError **error)
{
  GError	*e = NULL;
  GDir		*dir = g_dir_open(dirpath, 0, &e);
  const char	*name;
  char		*id;

  if (!dir)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "Cannot read the spool: %s", e->message);
    g_error_free(e);
    return (false);
  }

  while ((name = g_dir_read_name(dir)) != NULL)
  {
    if ((id = id_of(name, _VAULT_META_SUFFIX)) == NULL && (!data_too || (id = id_of(name, _VAULT_DATA_SUFFIX)) == NULL))
      continue;

    if (g_hash_table_contains(seen, id))
      g_free(id);
    else
    {
      g_hash_table_add(seen, id);
      g_ptr_array_add(order, id);
    }
  }

  g_dir_close(dir);
  return (true);
}


/*
 * 'visit_tombstones()' - Visit the tombstones of ids; false when cb
 *                        stopped the walk.
 */

static bool
visit_tombstones(vault_store_t *store, GPtrArray *ids, vault_foreach_cb_t cb, void *data)
{
  for (guint i = 0; i < ids->len; i ++)
  {
    const char	*id = g_ptr_array_index(ids, i);
    char	*path = _vaultTombstonePath(store, id);
    bool	keep_going = visit_meta(store, -1, id, path, cb, data);

    g_free(path);
    if (!keep_going)
      return (false);
  }

  return (true);
}


/*
 * 'vaultStoreWalk()' - Visit every entry of the kinds in what once: the
 *                      tombstones, then the live entries of every area, in
 *                      directory order.  A tombstone wins: live files of a
 *                      tombstoned id (an erase interrupted by a crash,
 *                      finished by the next vaultEntryOpen) are not
 *                      visited, also when tombstones are not.  Entries
 *                      passed to cb are read-only (opened without a lock)
 *                      and freed after the call.  Returns false with IO
 *                      when a directory cannot be read; true when cb
 *                      stopped the walk early.
 */

bool
vaultStoreWalk(vault_store_t *store, vault_walk_t what, vault_foreach_cb_t cb, void *data, GError **error)
{
  GHashTable	*tombstoned;
  GPtrArray	*ids;			/* Tombstones, in directory order (owned by tombstoned) */
  char		*dirpath;
  bool		stopped = false, ok;

  g_return_val_if_fail(store != NULL && cb != NULL, false);

  tombstoned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  ids        = g_ptr_array_new();
  dirpath    = g_build_filename(vaultConfigGetRoot(store->config), _VAULT_TOMBSTONES_DIR, NULL);
  ok      = collect_ids(dirpath, false, ids, tombstoned, error);
  g_free(dirpath);

  if (ok && (what & VAULT_WALK_TOMBSTONES))
    stopped = !visit_tombstones(store, ids, cb, data);

  if (ok && !stopped && (what & VAULT_WALK_LIVE))
    ok = walk_areas(store, tombstoned, cb, data, &stopped, error);

  g_ptr_array_free(ids, TRUE);
  g_hash_table_unref(tombstoned);
  return (ok);
}


/*
 * 'vaultStoreForeach()' - vaultStoreWalk of every entry, tombstones too.
 */

bool
vaultStoreForeach(vault_store_t *store, vault_foreach_cb_t cb, void *data, GError **error)
{
  return (vaultStoreWalk(store, VAULT_WALK_ALL, cb, data, error));
}



/*
 * 'data_file_exists()' - Whether id has a data file in some area.
 */

static bool
data_file_exists(vault_store_t *store, const char *id)
{
  bool found = false;

  for (guint i = 0; !found && i < vaultConfigGetAreaCount(store->config); i ++)
  {
    char *path = _vaultEntryPath(store, i, id, _VAULT_DATA_SUFFIX);

    found = access(path, F_OK) == 0;
    g_free(path);
  }

  return (found);
}


/*
 * 'visit_locked()' - Lock id without waiting, open it and pass both on (or
 *                    the error).  An id that is gone by then (no sidecar,
 *                    no data file) is skipped.  Returns what cb returned.
 */

static bool
visit_locked(vault_store_t *store, const char *id, vault_locked_cb_t cb, void *data)
{
  GError	*e = NULL;
  vault_lock_t	*lock = vaultLockAcquire(store, id, false, &e);
  vault_entry_t	*entry = NULL;
  bool		keep_going = true;

  if (lock && (entry = vaultEntryOpen(store, lock, id, &e)) == NULL && g_error_matches(e, VAULT_ERROR, VAULT_ERROR_NOT_FOUND))
  {
    g_clear_error(&e);
    if (data_file_exists(store, id))
      g_set_error(&e, VAULT_ERROR, VAULT_ERROR_CORRUPT, "Entry %s: data file without a sidecar.", id);
  }

  if (entry || e)
    keep_going = cb(store, id, lock, entry, e, data);

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_clear_error(&e);
  return (keep_going);
}


/*
 * 'vaultStoreForeachLocked()' - Visit every id once, tombstones first,
 *                               then the areas: lock it (without waiting:
 *                               lock NULL and LOCKED when another process
 *                               holds it), open it under the lock (a
 *                               tombstone wins; an interrupted erase is
 *                               finished) and pass the writable entry, or
 *                               the error (CORRUPT for a data file without
 *                               a sidecar).  The ids are listed first, so
 *                               changes made by cb never disturb the walk.
 *                               IO when a directory cannot be read.
 */

bool
vaultStoreForeachLocked(vault_store_t *store, vault_locked_cb_t cb, void *data, GError **error)
{
  GPtrArray	*order = g_ptr_array_new();
  GHashTable	*seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  char		*tombstones = g_build_filename(vaultConfigGetRoot(store->config), _VAULT_TOMBSTONES_DIR, NULL);
  bool		ok;

  g_return_val_if_fail(store != NULL && cb != NULL, false);

  ok = collect_ids(tombstones, false, order, seen, error);
  for (guint i = 0; ok && i < vaultConfigGetAreaCount(store->config); i ++)
    ok = collect_ids(vaultConfigGetAreaPath(store->config, i), true, order, seen, error);

  for (guint i = 0; ok && i < order->len; i ++)
    if (!visit_locked(store, g_ptr_array_index(order, i), cb, data))
      break;

  g_ptr_array_free(order, TRUE);
  g_hash_table_unref(seen);
  g_free(tombstones);
  return (ok);
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
        return (true);			/* Erased: never counted */

    case VAULT_STATE_RECEIVING :
      {
        /* Still being written (by another process): count what is on disk. */
        char		*path = _vaultEntryFilePath(entry, _VAULT_DATA_SUFFIX);
        struct stat	st;

        size = stat(path, &st) == 0 ? (guint64)st.st_size : 0;
        g_free(path);
      }
      break;

    default :
        size = vaultEntryGetFileSize(entry);
        break;
  }

  /* A live sidecar of a tombstoned id is an interrupted erase: not live. */
  if (!_vaultTombstoneExists(store, id))
  {
    usage->bytes += size;
    usage->entries ++;
  }

  return (true);
}


/*
 * '_vaultStoreOriginatorUsage()' - Data-file bytes and live (not erased)
 *                                  entries held by user in all areas.
 *                                  Reads the live sidecars only, never
 *                                  the tombstones.  IO.
 */

bool
_vaultStoreOriginatorUsage(vault_store_t *store, const char *user, guint64 *bytes, guint *entries, GError **error)
{
  usage_t	usage = { user, 0, 0 };
  bool		stopped;

  if (!walk_areas(store, NULL, count_usage, &usage, &stopped, error))
    return (false);

  *bytes   = usage.bytes;
  *entries = usage.entries;
  return (true);
}
