/*
 * Receiving an entry's data: encrypt and append the job's bytes to a
 * RECEIVING entry, then commit it to STORED, or abort it and leave nothing
 * behind.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * spool-entry.c creates the entry and states the crash invariants that
 * commit keeps: the data file is sealed and fsynced, the STORED sidecar put,
 * and only then is the area directory fsynced, once, so that both names are
 * durable together.
 */

#include "spool-private.h"
#include <errno.h>


/*
 * 'fail_receiving()' - Remove a RECEIVING entry after an error and journal
 *                      receiving -> discarded with the error as reason.
 */

static void
fail_receiving(vault_entry_t *entry, const char *actor, const char *reason)
{
  _vaultEntryCloseReceiving(entry);
  _vaultEntryRemoveFiles(entry, false, NULL);
  entry->meta->state = VAULT_STATE_DISCARDED;
  _vaultJournalTransition(entry->store, entry->meta, "receiving", actor, reason, NULL);
}


/*
 * 'check_receiving()' - INVALID unless entry is a writable RECEIVING entry.
 */

static bool
check_receiving(vault_entry_t *entry, GError **error)
{
  if (!entry->lock || entry->meta->state != VAULT_STATE_RECEIVING || !entry->sealer)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_STATE, "Entry %s is not being received (state %s).", entry->meta->id, vaultStateString(entry->meta->state));
    return (false);
  }

  return (true);
}


/*
 * 'vaultEntryWrite()' - Encrypt and append len bytes of plaintext.  Memory
 *                       is bounded by one chunk.  FULL when the data would
 *                       overflow the room the area had at creation, QUOTA
 *                       past the originator cap, IO; on any failure the
 *                       entry's files are removed (and the refusal
 *                       journalled) and the entry can only be freed.
 */

bool
vaultEntryWrite(vault_entry_t *entry, const void *buf, size_t len, GError **error)
{
  guint64	plain, sealed;
  GError	*e = NULL;

  g_return_val_if_fail(entry != NULL && (buf != NULL || len == 0), false);

  if (!check_receiving(entry, error))
    return (false);

  plain  = _vaultSealerGetPlainSize(entry->sealer) + len;
  sealed = _vaultSealedSize(plain);

  if (_vaultEntrySpaceNeeded(plain) > entry->room)
    g_set_error(&e, VAULT_ERROR, VAULT_ERROR_FULL, "The vault is full: area %s has room for %" G_GUINT64_FORMAT " bytes and the job is larger.", entry->meta->area, entry->room);
  else if (sealed > entry->quota_left)
    g_set_error(&e, VAULT_ERROR, VAULT_ERROR_QUOTA, "Originator %s would pass its byte cap (originator-max-bytes) with this job.", entry->meta->user);
  else if (_vaultSealerWrite(entry->sealer, buf, len, &e))
    return (true);

  fail_receiving(entry, NULL, e->message);
  g_propagate_error(error, e);
  return (false);
}


/*
 * 'seal_data()' - Finish the STREAM, fsync the data file and close it;
 *                 record the sizes in meta.  The directory is fsynced
 *                 after the STORED sidecar is put (vaultEntryCommit).
 */

static bool
seal_data(vault_entry_t *entry, GError **error)
{
  _vault_io_t	*io = entry->store->io;
  int		fd = entry->fd;
  char		*path;

  if (!_vaultSealerFinish(entry->sealer, error))
    return (false);

  entry->meta->data_size = _vaultSealerGetPlainSize(entry->sealer);
  entry->meta->file_size = _vaultSealerGetFileSize(entry->sealer);
  g_clear_pointer(&entry->sealer, _vaultSealerFree);
  entry->fd = -1;

  if (_vaultIoFsync(io, fd) < 0 || _vaultIoClose(io, fd) < 0)
  {
    path = _vaultEntryFilePath(entry, _VAULT_DATA_SUFFIX);
    _vaultSetIoError(error, errno, "Cannot sync the job data", path);
    g_free(path);
    return (false);
  }

  return (true);
}


/*
 * 'put_stored()' - Put the STORED sidecar (tmp, fsync, rename), then fsync
 *                  the area directory once: the data file's name and the
 *                  sidecar are durable together.  IO.
 */

static bool
put_stored(vault_entry_t *entry, GError **error)
{
  const char	*dir = vaultConfigGetAreaPath(entry->store->config, entry->area);
  char		*path = _vaultEntryFilePath(entry, _VAULT_META_SUFFIX);
  bool		ok = _vaultMetaPut(entry->store->io, path, entry->meta, &entry->store->mac_key, error);

  if (ok && _vaultIoFsyncDir(entry->store->io, dir) < 0)
  {
    _vaultSetIoError(error, errno, "Cannot sync the spool area", dir);
    ok = false;
  }

  g_free(path);
  return (ok);
}


/*
 * 'vaultEntryCommit()' - Seal the data file (final chunk), fsync it, put
 *                        the STORED sidecar, fsync the area directory, and
 *                        journal receiving -> stored.  Durable when it
 *                        returns true.  On a failure before that directory
 *                        fsync, the entry's files are removed.
 */

bool
vaultEntryCommit(vault_entry_t *entry, const char *actor, GError **error)
{
  GError	*e = NULL;

  g_return_val_if_fail(entry != NULL, false);

  if (!check_receiving(entry, error))
    return (false);

  if (!seal_data(entry, &e))
  {
    fail_receiving(entry, actor, e->message);
    g_propagate_error(error, e);
    return (false);
  }

  _vaultEntrySetStoredNow(entry->meta);
  entry->meta->state = VAULT_STATE_STORED;

  if (!put_stored(entry, &e))
  {
    entry->meta->state = VAULT_STATE_RECEIVING;
    fail_receiving(entry, actor, e->message);
    g_propagate_error(error, e);
    return (false);
  }

  return (_vaultJournalTransition(entry->store, entry->meta, "receiving", actor, "job stored", error));
}


/*
 * 'vaultEntryAbort()' - Throw away a RECEIVING entry: its files are removed
 *                       and receiving -> discarded is journalled (best
 *                       effort).  Does nothing for other states.
 */

void
vaultEntryAbort(vault_entry_t *entry, const char *reason)
{
  if (entry && entry->lock && entry->meta->state == VAULT_STATE_RECEIVING)
    fail_receiving(entry, NULL, reason ? reason : "job not received completely");
}
