/*
 * Erasing a stored entry (crypto-erase: DONE after its print, DISCARDED)
 * and removing tombstones and unfinished entries.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Erasing journals first, then makes the tombstone (the sidecar without the
 * wrapped key) durable in <root>/tombstones before the live sidecar (the
 * key's only holder) and the data file are unlinked from the area; a
 * tombstone wins over live files an interrupted erase left, and opening the
 * entry finishes that erase.
 */

#include "spool-private.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>


/*
 * 'unlink_present()' - Unlink path through the I/O layer when it exists;
 *                      *changed is set when it did.  IO.
 */

static bool
unlink_present(vault_store_t *store, const char *path, bool *changed, GError **error)
{
  if (access(path, F_OK) < 0 && errno == ENOENT)
    return (true);

  if (_vaultIoUnlink(store->io, path) < 0 && errno != ENOENT)
  {
    _vaultSetIoError(error, errno, "Cannot remove", path);
    return (false);
  }

  *changed = true;
  return (true);
}


/*
 * '_vaultEntryFinishErase()' - Unlink the live sidecar (the wrapped key's
 *                              only holder), then the data file, of a
 *                              tombstoned entry from every area where they
 *                              are, and fsync each area directory changed:
 *                              the data is crypto-erased when it returns
 *                              true.  Does nothing unless the tombstone is
 *                              in <root>/tombstones.  IO.
 */

bool
_vaultEntryFinishErase(vault_entry_t *entry, GError **error)
{
  vault_store_t	*store = entry->store;
  bool		ok = true;

  if (!_vaultTombstoneExists(store, entry->meta->id))
    return (true);

  for (guint i = 0; ok && i < vaultConfigGetAreaCount(store->config); i ++)
  {
    char	*meta = _vaultEntryPath(store, i, entry->meta->id, _VAULT_META_SUFFIX);
    char	*data = _vaultEntryPath(store, i, entry->meta->id, _VAULT_DATA_SUFFIX);
    const char	*dir = vaultConfigGetAreaPath(store->config, i);
    bool	changed = false;

    ok = unlink_present(store, meta, &changed, error) && unlink_present(store, data, &changed, error);
    if (ok && changed && _vaultIoFsyncDir(store->io, dir) < 0)
    {
      _vaultSetIoError(error, errno, "Cannot sync the spool area", dir);
      ok = false;
    }

    g_free(meta);
    g_free(data);
  }

  return (ok);
}


/*
 * 'tombstone_in_area()' - When <root>/tombstones cannot take the tombstone
 *                         (unwritable, broken, on a failing disk): put it
 *                         over the live sidecar in the entry's area instead
 *                         (the earlier layout, which every reader and the
 *                         sweep still know), then remove the data file.
 *                         The wrapped key is gone either way: an erase
 *                         after a print must not leave a sidecar that says
 *                         SENDING, which a later run would hold as
 *                         interrupted and offer to print again.  False
 *                         (nothing changed) when that fails too.
 */

static bool
tombstone_in_area(vault_entry_t *entry)
{
  char	*path = _vaultEntryFilePath(entry, _VAULT_META_SUFFIX);
  bool	ok = _vaultMetaWrite(entry->store->io, path, entry->meta, &entry->store->mac_key, NULL);

  g_free(path);
  if (ok)
    _vaultEntryRemoveFiles(entry, true, NULL);	/* The key is gone: the rest is cleanup */

  return (ok);
}


/*
 * 'vaultEntryErase()' - Crypto-erase the entry; final is DONE (from SENDING)
 *                       or DISCARDED (from any other live state).  It is
 *                       journalled first; then the tombstone without the
 *                       wrapped key is made durable in <root>/tombstones;
 *                       then the live sidecar and the data file are
 *                       unlinked and the area directory fsynced once.
 *                       Erasing a tombstone again to the same state only
 *                       finishes an interrupted erase.  STATE, IO.
 */

bool
vaultEntryErase(vault_entry_t *entry, vault_state_t final, const char *actor, const char *reason, GError **error)
{
  _vault_meta_t	*meta, saved;
  char		*path;
  bool		ok, journal_ok;
  GError	*journal_error = NULL;

  g_return_val_if_fail(entry != NULL, false);
  g_return_val_if_fail(final == VAULT_STATE_DONE || final == VAULT_STATE_DISCARDED, false);

  meta = entry->meta;
  if (entry->lock && meta->state == final && !meta->valid)
    return (_vaultEntryFinishErase(entry, error));

  if (!_vaultEntryCheckChange(entry, final, error))
    return (false);

  _vaultEntryCloseReceiving(entry);

  saved                   = *meta;
  meta->wrapped_key       = NULL;
  meta->secret_salt       = NULL;
  meta->secret_iterations = 0;
  meta->valid             = false;
  meta->state             = final;
  meta->changed_utc       = g_get_real_time() / G_USEC_PER_SEC;

  // The record goes first: a crash between it and the tombstone leaves the
  // entry as it was (the next sweep erases it again, journalling twice),
  // never an erased entry without its record.  As for every transition, a
  // journal that cannot be written is reported and the erase goes on.
  journal_ok = _vaultJournalTransition(entry->store, meta, vaultStateString(saved.state), actor, reason, &journal_error);

  path = _vaultTombstonePath(entry->store, meta->id);
  ok   = _vaultMetaWrite(entry->store->io, path, meta, &entry->store->mac_key, error);
  g_free(path);

  if (!ok && tombstone_in_area(entry))
  {
    g_clear_error(error);
    ok = true;
  }

  if (!ok)
  {
    g_clear_error(&journal_error);
    /* The live sidecar, key included, is still the entry. */
    meta->wrapped_key       = saved.wrapped_key;
    meta->secret_salt       = saved.secret_salt;
    meta->secret_iterations = saved.secret_iterations;
    meta->valid             = saved.valid;
    meta->state             = saved.state;
    meta->changed_utc       = saved.changed_utc;
    return (false);
  }

  if (saved.wrapped_key)
    _vaultKeyWipe(saved.wrapped_key, strlen(saved.wrapped_key));
  g_free(saved.wrapped_key);
  g_free(saved.secret_salt);

  if (!_vaultEntryFinishErase(entry, error))
  {
    g_clear_error(&journal_error);
    return (false);
  }

  if (!journal_ok)
    g_propagate_error(error, journal_error);

  return (journal_ok);
}


/*
 * 'remove_tombstone()' - Finish the erase, then unlink the tombstone and
 *                        fsync <root>/tombstones.  A tombstone of the
 *                        earlier layout (in the area) goes with its area's
 *                        files.  IO.
 */

static bool
remove_tombstone(vault_entry_t *entry, GError **error)
{
  vault_store_t	*store = entry->store;
  char		*path, *dir;
  bool		ok;

  if (!_vaultTombstoneExists(store, entry->meta->id))
    return (_vaultEntryRemoveFiles(entry, false, error));

  if (!_vaultEntryFinishErase(entry, error))
    return (false);

  path = _vaultTombstonePath(store, entry->meta->id);
  dir  = g_path_get_dirname(path);
  ok   = true;
  if (_vaultIoUnlink(store->io, path) < 0 && errno != ENOENT)
  {
    _vaultSetIoError(error, errno, "Cannot remove", path);
    ok = false;
  }
  else if (_vaultIoFsyncDir(store->io, dir) < 0)
  {
    _vaultSetIoError(error, errno, "Cannot sync", dir);
    ok = false;
  }

  g_free(path);
  g_free(dir);
  return (ok);
}


/*
 * 'vaultEntryRemove()' - Delete a tombstone (DONE/DISCARDED) or a RECEIVING
 *                        leftover entirely: for a RECEIVING entry the data
 *                        file, then the sidecar, then a directory fsync;
 *                        for a tombstone, whatever an interrupted erase
 *                        left in the areas, then the tombstone.  Not
 *                        journalled (the erase or the discard before it
 *                        was).  STATE, IO.
 */

bool
vaultEntryRemove(vault_entry_t *entry, GError **error)
{
  vault_state_t state;

  g_return_val_if_fail(entry != NULL, false);

  state = entry->meta->state;
  if (!entry->lock || !(state == VAULT_STATE_RECEIVING || ((state == VAULT_STATE_DONE || state == VAULT_STATE_DISCARDED) && !entry->meta->valid)))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_STATE, "Entry %s is %s: only tombstones and unfinished entries can be removed, under their lock.", entry->meta->id, vaultStateString(state));
    return (false);
  }

  _vaultEntryCloseReceiving(entry);
  if (state != VAULT_STATE_RECEIVING)
    return (remove_tombstone(entry, error));

  return (_vaultEntryRemoveFiles(entry, false, error));
}
