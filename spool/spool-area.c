/*
 * Spool areas: where an entry's files live, how full each area is, which
 * area a new entry goes to, and removing a data file a crash left without
 * its sidecar.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Usage is measured, never remembered: it is the sum of the sizes of the
 * regular files in the area's directory, each rounded up to a 4 KiB block
 * (st_size based, so the figure is the same on every file system and does
 * not move with delayed allocation).  The free room of an area is its
 * capacity minus that usage, and never more than the file system's free
 * space for unprivileged users (statvfs f_bavail * f_frsize).  Areas hold
 * live entries only: tombstones live in <root>/tombstones, so the cost of
 * measuring grows with the live entries, not with the jobs printed.
 */

#include "spool-private.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define BLOCK 4096


/*
 * '_vaultEntryPath()' - "<area path>/<id><suffix>"; g_free the result.
 */

char *
_vaultEntryPath(vault_store_t *store, guint area, const char *id, const char *suffix)
{
  return (g_strdup_printf("%s/%s%s", vaultConfigGetAreaPath(store->config, area), id, suffix));
}


/*
 * '_vaultAreaFind()' - Index of the area with this name, -1 when unknown.
 */

int
_vaultAreaFind(vault_store_t *store, const char *name)
{
  for (guint i = 0; name && i < vaultConfigGetAreaCount(store->config); i ++)
    if (!strcmp(vaultConfigGetAreaName(store->config, i), name))
      return ((int)i);

  return (-1);
}


/*
 * 'dir_usage()' - Sum of the regular files' sizes in dir, in 4 KiB blocks.
 */

static bool
dir_usage(const char *path, guint64 *used, GError **error)
{
  DIR		*dir = opendir(path);
  struct dirent	*de;
  struct stat	st;

  if (!dir)
  {
    _vaultSetIoError(error, errno, "Cannot read the spool area", path);
    return (false);
  }

  *used = 0;
  while ((de = readdir(dir)) != NULL)
  {
    if (de->d_name[0] == '.')
      continue;
    if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
      *used += ((guint64)st.st_size + BLOCK - 1) / BLOCK * BLOCK;
  }

  closedir(dir);
  return (true);
}


/*
 * 'vaultStoreGetAreaUsage()' - Bytes used in area i (from the files on
 *                              disk), its capacity and the free space of its
 *                              file system.  IO when the area is unreadable.
 */

bool
vaultStoreGetAreaUsage(vault_store_t *store, guint i, guint64 *used, guint64 *capacity, guint64 *fs_free, GError **error)
{
  const char	*path;
  struct statvfs vfs;
  guint64	u;

  g_return_val_if_fail(store != NULL && i < vaultConfigGetAreaCount(store->config), false);

  path = vaultConfigGetAreaPath(store->config, i);
  if (!dir_usage(path, &u, error))
    return (false);

  if (statvfs(path, &vfs) < 0)
  {
    _vaultSetIoError(error, errno, "Cannot measure the file system of", path);
    return (false);
  }

  if (used)
    *used = u;
  if (capacity)
    *capacity = vaultConfigGetAreaCapacity(store->config, i);
  if (fs_free)
    *fs_free = (guint64)vfs.f_bavail * (guint64)vfs.f_frsize;

  return (true);
}


/*
 * '_vaultAreaHolding()' - Index of the first area holding the file
 *                         <id><suffix>, -1 when none does.
 */

int
_vaultAreaHolding(vault_store_t *store, const char *id, const char *suffix)
{
  for (guint i = 0; i < vaultConfigGetAreaCount(store->config); i ++)
  {
    char *path = _vaultEntryPath(store, i, id, suffix);
    bool found = access(path, F_OK) == 0;

    g_free(path);
    if (found)
      return ((int)i);
  }

  return (-1);
}


/*
 * '_vaultAreaChoose()' - The area with the most free room (the first one on
 *                        a tie) and that room, in *area and *free_room.
 *                        FULL when even that area has less than size bytes.
 */

bool
_vaultAreaChoose(vault_store_t *store, guint64 size, guint *area, guint64 *free_room, GError **error)
{
  guint64	best_room = 0;
  guint		best = 0;

  for (guint i = 0; i < vaultConfigGetAreaCount(store->config); i ++)
  {
    guint64 used, capacity, fs_free, room;

    if (!vaultStoreGetAreaUsage(store, i, &used, &capacity, &fs_free, error))
      return (false);

    room = used >= capacity ? 0 : capacity - used;
    room = MIN(room, fs_free);
    if (i == 0 || room > best_room)
    {
      best      = i;
      best_room = room;
    }
  }

  if (best_room < size)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_FULL, "The vault is full: the job needs %" G_GUINT64_FORMAT " bytes and the area with the most room (%s) has %" G_GUINT64_FORMAT " bytes free.", size, vaultConfigGetAreaName(store->config, best), best_room);
    return (false);
  }

  *area      = best;
  *free_room = best_room;
  return (true);
}


/*
 * 'orphan_data()' - The area holding id's data file when no sidecar of id
 *                   exists anywhere (EXISTS otherwise), with its stat;
 *                   NOT_FOUND when there is no data file.
 */

static bool
orphan_data(vault_store_t *store, const char *id, guint *area, struct stat *st, GError **error)
{
  bool	found = false;

  if (_vaultTombstoneExists(store, id))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_EXISTS, "Entry %s has a tombstone: its files are not orphans.", id);
    return (false);
  }

  for (guint i = 0; i < vaultConfigGetAreaCount(store->config); i ++)
  {
    char *meta = _vaultEntryPath(store, i, id, _VAULT_META_SUFFIX);
    char *data = _vaultEntryPath(store, i, id, _VAULT_DATA_SUFFIX);
    bool has_meta = access(meta, F_OK) == 0;

    if (!has_meta && !found && lstat(data, st) == 0 && S_ISREG(st->st_mode))
    {
      found = true;
      *area = i;
    }

    g_free(meta);
    g_free(data);
    if (has_meta)
    {
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_EXISTS, "Entry %s has a sidecar in area %s: its data file is no orphan.", id, vaultConfigGetAreaName(store->config, i));
      return (false);
    }
  }

  if (!found)
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND, "Entry %s has no data file without a sidecar.", id);

  return (found);
}


/*
 * '_vaultEntryRemoveOrphan()' - Remove entry id's data file that has no
 *                               sidecar and no tombstone (a crash lost the
 *                               RECEIVING sidecar, and the data key with
 *                               it: the file can never be decrypted), and
 *                               a leftover <id>.meta.tmp, once the file is
 *                               older than min_age seconds; fsync the area
 *                               and journal receiving -> discarded.  Under
 *                               lock.  INVALID, NOT_FOUND, EXISTS, STATE
 *                               (too recent), IO.
 */

bool
_vaultEntryRemoveOrphan(vault_store_t *store, vault_lock_t *lock, const char *id, gint64 min_age, const char *actor, GError **error)
{
  vault_record_t	r = { 0, id, NULL, 0, 0, NULL, NULL, "receiving", "discarded", actor, "the job's data file had lost its sidecar (and key) in a crash while the job arrived; removed" };
  struct stat		st;
  guint			area;
  char			*data, *tmp;
  bool			ok;

  g_return_val_if_fail(store != NULL && lock != NULL && id != NULL, false);

  if (!_vaultLockCheck(lock, id, error) || !orphan_data(store, id, &area, &st, error))
    return (false);

  data = _vaultEntryPath(store, area, id, _VAULT_DATA_SUFFIX);
  if (g_get_real_time() / G_USEC_PER_SEC - (gint64)st.st_mtime < min_age)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_STATE, "%s: data file without a sidecar, changed less than %" G_GINT64_FORMAT " s ago; left for now.", data, min_age);
    g_free(data);
    return (false);
  }

  tmp = _vaultEntryPath(store, area, id, _VAULT_META_SUFFIX _VAULT_TMP_SUFFIX);
  ok  = false;
  if (_vaultIoUnlink(store->io, data) < 0 && errno != ENOENT)
    _vaultSetIoError(error, errno, "Cannot remove", data);
  else if (access(tmp, F_OK) == 0 && _vaultIoUnlink(store->io, tmp) < 0 && errno != ENOENT)
    _vaultSetIoError(error, errno, "Cannot remove", tmp);
  else if (_vaultIoFsyncDir(store->io, vaultConfigGetAreaPath(store->config, area)) < 0)
    _vaultSetIoError(error, errno, "Cannot sync the spool area", vaultConfigGetAreaPath(store->config, area));
  else
    ok = true;

  g_free(data);
  g_free(tmp);
  return (ok && vaultJournalAppend(store, &r, error));
}
