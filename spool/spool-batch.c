/*
 * Batches of state changes: many entries moved to a new state with a few
 * syncs for all of them instead of three for each (the boot sweep).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * vaultBatchSetState writes the entry's new sidecar to <id>.meta.tmp (not
 * fsynced; the descriptor stays open) and keeps a duplicate of the entry's
 * lock descriptor, so no other process can change the entry before the
 * commit.  vaultBatchCommit then, in this order (doc/FORMAT.md):
 *
 *   1. syncfs(2) once per file system holding a tmp file; when every one
 *      succeeded, each tmp file's own write-back errors are collected with
 *      sync_file_range(2) (an fsync per file after syncfs would only add
 *      a device cache flush each); when one failed, each tmp file is
 *      fsynced as a single change would be;
 *   2. rename of every tmp file over its sidecar;
 *   3. one fsync of each area directory that got a rename;
 *   4. the journal records of all of them in one write and one fsync.
 *
 * A crash before 3 leaves each entry in its old state (at most a stale
 * tmp file, which the next write of that sidecar truncates); a crash
 * during 3 leaves each one old or new, never a renamed sidecar without
 * its data (1 made the data durable before any rename); a crash between
 * 3 and 4 leaves new states without their records, as a crash between
 * the sidecar and the record of a single change does.
 */

#ifndef _GNU_SOURCE
#  define _GNU_SOURCE			/* syncfs(2) */
#endif

#include "spool-private.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define BATCH_MAX	4096		/* Changes per commit at most */
#define BATCH_MIN	16		/* ... and at least, whatever the fd limit */
#define FD_RESERVE	64		/* Descriptors left for everything else */


/*
 * One queued change.
 */

typedef struct batch_item_s
{
  char		*path;			/* The sidecar (tmp is path + ".tmp") */
  guint		area;			/* Its area */
  int		tmp_fd;			/* Open tmp file until step 1 */
  int		lock_fd;		/* Duplicate of the entry's lock */
  GString	*record;		/* Its journal line */
  bool		renamed;		/* Step 2 done */
  bool		failed;			/* Dropped during the commit */
} batch_item_t;

struct _vault_batch_s
{
  vault_store_t	*store;
  GArray	*items;			/* batch_item_t */
  guint		limit;			/* vaultBatchIsFull from here */
};


/*
 * 'batch_limit()' - Changes a batch may hold: two descriptors each (tmp
 *                   file and lock), within the soft RLIMIT_NOFILE.
 */

static guint
batch_limit(void)
{
  struct rlimit	rl;
  rlim_t	n;

  if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
    return (BATCH_MAX);

  n = rl.rlim_cur > 2 * BATCH_MIN + FD_RESERVE ? (rl.rlim_cur - FD_RESERVE) / 2 : BATCH_MIN;
  return (n > BATCH_MAX ? BATCH_MAX : (guint)n);
}


/*
 * 'vaultBatchNew()' - An empty batch on store.
 */

vault_batch_t *
vaultBatchNew(vault_store_t *store)
{
  vault_batch_t *batch;

  g_return_val_if_fail(store != NULL, NULL);

  batch        = g_new0(vault_batch_t, 1);
  batch->store = store;
  batch->items = g_array_new(FALSE, TRUE, sizeof(batch_item_t));
  batch->limit = batch_limit();
  return (batch);
}


/*
 * 'item_drop()' - Undo what an item left: its tmp file (closed, unlinked
 *                 unless already renamed) and its lock; frees it.
 */

static void
item_drop(vault_batch_t *batch, batch_item_t *item, bool unlink_tmp)
{
  if (item->tmp_fd >= 0)
    _vaultIoClose(batch->store->io, item->tmp_fd);

  if (unlink_tmp)
  {
    char *tmp = g_strconcat(item->path, _VAULT_TMP_SUFFIX, NULL);

    _vaultIoUnlink(batch->store->io, tmp);
    g_free(tmp);
  }

  close(item->lock_fd);
  g_string_free(item->record, TRUE);
  g_free(item->path);
}


/*
 * 'vaultBatchSetState()' - Queue the move of entry (opened under its lock)
 *                          to state: the entry shows the new state, whose
 *                          sidecar is written to <id>.meta.tmp without
 *                          fsync; the batch holds the entry's lock until
 *                          it commits or is freed.  INVALID for DONE or
 *                          DISCARDED (vaultEntryErase) or an entry without
 *                          its lock, STATE, IO (the entry is unchanged).
 *                          Nothing is durable yet.
 */

bool
vaultBatchSetState(vault_batch_t *batch, vault_entry_t *entry, vault_state_t state, const char *actor, const char *reason, GError **error)
{
  batch_item_t		item = { 0 };
  _vault_state_undo_t	undo;

  g_return_val_if_fail(batch != NULL && entry != NULL, false);

  if (state == VAULT_STATE_DONE || state == VAULT_STATE_DISCARDED)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "Entry %s: %s is an erase, not a batched change.", entry->meta->id, vaultStateString(state));
    return (false);
  }

  if (!_vaultEntryApplyState(entry, state, &undo, error))
    return (false);

  item.path = _vaultEntryPath(entry->store, entry->area, entry->meta->id, _VAULT_META_SUFFIX);
  item.area = entry->area;
  if ((item.lock_fd = fcntl(entry->lock->fd, F_DUPFD_CLOEXEC, 0)) < 0)
  {
    _vaultSetIoError(error, errno, "Cannot keep the lock of entry", entry->meta->id);
    goto fail;
  }

  if (!_vaultMetaPutTmp(batch->store->io, item.path, entry->meta, &batch->store->mac_key, &item.tmp_fd, error))
  {
    close(item.lock_fd);
    goto fail;
  }

  item.record = g_string_new(NULL);
  _vaultJournalFormatTransition(item.record, entry->meta, vaultStateString(undo.state), actor, reason);
  _vaultEntryKeepState(entry, &undo);
  g_array_append_val(batch->items, item);
  return (true);

  fail:

  _vaultEntryUndoState(entry, &undo);
  g_free(item.path);
  return (false);
}


/*
 * 'vaultBatchGetPending()' - Changes queued since the last commit.
 */

guint
vaultBatchGetPending(const vault_batch_t *batch)
{
  return (batch->items->len);
}


/*
 * 'vaultBatchIsFull()' - True when the batch should be committed before
 *                        more changes are queued.
 */

bool
vaultBatchIsFull(const vault_batch_t *batch)
{
  return (batch->items->len >= batch->limit);
}


/*
 * 'item_fail()' - Mark item failed, keeping the first error.
 */

static void
item_fail(batch_item_t *item, GError **first, int err, const char *what, const char *path)
{
  item->failed = true;
  if (first && !*first)
    _vaultSetIoError(first, err, what, path);
}


/*
 * 'sync_file_systems()' - syncfs once per file system of the areas; false
 *                         when one could not be synced.
 */

static bool
sync_file_systems(const vault_config_t *config)
{
  GArray	*devs = g_array_new(FALSE, FALSE, sizeof(dev_t));
  bool		ok = true;
  guint		i, j;

  for (i = 0; i < vaultConfigGetAreaCount(config); i ++)
  {
    int		fd = open(vaultConfigGetAreaPath(config, i), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat	st;

    if (fd < 0 || fstat(fd, &st))
      ok = false;
    else
    {
      for (j = 0; j < devs->len && g_array_index(devs, dev_t, j) != st.st_dev; j ++);

      if (j == devs->len)
      {
        if (syncfs(fd))
          ok = false;
        g_array_append_val(devs, st.st_dev);
      }
    }

    if (fd >= 0)
      close(fd);
  }

  g_array_free(devs, TRUE);
  return (ok);
}


/*
 * 'sync_tmp_files()' - Step 1: syncfs once per file system of the areas
 *                      in use, then collect each tmp file's write-back
 *                      errors (or fsync each one when a syncfs failed) and
 *                      close it.  A tmp file that cannot be synced is
 *                      dropped.
 */

static void
sync_tmp_files(vault_batch_t *batch, GError **first)
{
  bool	synced = sync_file_systems(batch->store->config);

  for (guint i = 0; i < batch->items->len; i ++)
  {
    batch_item_t	*item = &g_array_index(batch->items, batch_item_t, i);
    int			rc = synced ? _vaultIoFsyncAfterSyncfs(batch->store->io, item->tmp_fd) : _vaultIoFsync(batch->store->io, item->tmp_fd);

    if (rc < 0)
      item_fail(item, first, errno, "Cannot sync", item->path);

    _vaultIoClose(batch->store->io, item->tmp_fd);
    item->tmp_fd = -1;
  }
}


/*
 * 'rename_tmp_files()' - Step 2: rename every synced tmp file over its
 *                        sidecar; dirty[area] is set for each area changed.
 */

static void
rename_tmp_files(vault_batch_t *batch, bool *dirty, GError **first)
{
  for (guint i = 0; i < batch->items->len; i ++)
  {
    batch_item_t	*item = &g_array_index(batch->items, batch_item_t, i);
    char		*tmp;

    if (item->failed)
      continue;

    tmp = g_strconcat(item->path, _VAULT_TMP_SUFFIX, NULL);
    if (_vaultIoRename(batch->store->io, tmp, item->path) < 0)
      item_fail(item, first, errno, "Cannot rename", tmp);
    else
      item->renamed = dirty[item->area] = true;
    g_free(tmp);
  }
}


/*
 * 'sync_areas()' - Step 3: fsync each area directory that got a rename;
 *                  the changes in an area that cannot be synced fail.
 */

static void
sync_areas(vault_batch_t *batch, const bool *dirty, GError **first)
{
  const vault_config_t *config = batch->store->config;

  for (guint a = 0; a < vaultConfigGetAreaCount(config); a ++)
  {
    if (!dirty[a] || _vaultIoFsyncDir(batch->store->io, vaultConfigGetAreaPath(config, a)) == 0)
      continue;

    int err = errno;

    for (guint i = 0; i < batch->items->len; i ++)
    {
      batch_item_t *item = &g_array_index(batch->items, batch_item_t, i);

      if (!item->failed && item->area == a)
        item_fail(item, first, err, "Cannot sync the spool area", vaultConfigGetAreaPath(config, a));
    }
  }
}


/*
 * 'vaultBatchCommit()' - Make every queued change durable: tmp files
 *                        synced (syncfs, then each file's write-back
 *                        checked), renamed, each area directory fsynced
 *                        once, then all journal records
 *                        appended in one write and one fsync; then the
 *                        locks are released.  *committed (may be NULL)
 *                        counts the changes that are durable.  A change
 *                        that fails is dropped (its sidecar keeps the old
 *                        state unless its rename was done); IO names the
 *                        first failure.  The batch is empty afterwards.
 */

bool
vaultBatchCommit(vault_batch_t *batch, guint *committed, GError **error)
{
  GError	*first = NULL;
  GString	*journal = g_string_new(NULL);
  bool		*dirty = g_new0(bool, vaultConfigGetAreaCount(batch->store->config));
  guint		done = 0, i;

  g_return_val_if_fail(batch != NULL, false);

  if (batch->items->len > 0)
  {
    sync_tmp_files(batch, &first);
    rename_tmp_files(batch, dirty, &first);
    sync_areas(batch, dirty, &first);
  }

  for (i = 0; i < batch->items->len; i ++)
  {
    batch_item_t *item = &g_array_index(batch->items, batch_item_t, i);

    if (!item->failed)
    {
      g_string_append_len(journal, item->record->str, (gssize)item->record->len);
      done ++;
    }
  }

  // The changes are made even when their records cannot be written (as
  // for a single change): the error says so.
  if (journal->len > 0)
    (void)_vaultJournalAppendText(batch->store, journal->str, journal->len, first ? NULL : &first);

  for (i = 0; i < batch->items->len; i ++)
  {
    batch_item_t *item = &g_array_index(batch->items, batch_item_t, i);

    item_drop(batch, item, item->failed && !item->renamed);
  }

  g_array_set_size(batch->items, 0);
  g_string_free(journal, TRUE);
  g_free(dirty);

  if (committed)
    *committed = done;

  if (first)
  {
    g_propagate_error(error, first);
    return (false);
  }

  return (true);
}


/*
 * 'vaultBatchFree()' - Drop the changes not committed (their tmp files are
 *                      unlinked, their locks released: the sidecars on
 *                      disk keep the old state) and free the batch (NULL
 *                      allowed).
 */

void
vaultBatchFree(vault_batch_t *batch)
{
  if (!batch)
    return;

  for (guint i = 0; i < batch->items->len; i ++)
    item_drop(batch, &g_array_index(batch->items, batch_item_t, i), true);

  g_array_free(batch->items, TRUE);
  g_free(batch);
}
