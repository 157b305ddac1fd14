/*
 * Spool areas: where an entry's files live, how full each area is, and which
 * area a new entry goes to.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Usage is measured, never remembered: it is the sum of the sizes of the
 * regular files in the area's directory, each rounded up to a 4 KiB block
 * (st_size based, so the figure is the same on every file system and does
 * not move with delayed allocation).  The free room of an area is its
 * capacity minus that usage, and never more than the file system's free
 * space for unprivileged users (statvfs f_bavail * f_frsize).
 */

#include "spool-private.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

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
