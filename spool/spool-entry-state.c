/*
 * State changes of a stored entry (send, retry, resurrect, await; erasing
 * and removing are in spool-entry-erase.c) and what an entry tells about
 * itself.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Every change replaces the sidecar atomically and then appends one fsynced
 * journal record (spool-entry.c states the crash invariants).
 */

#include "spool-private.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/*
 * 'transition_allowed()' - The table of transitions vaultEntrySetState and
 *                          vaultEntryErase may make (commit makes
 *                          RECEIVING -> STORED).
 */

static bool
transition_allowed(vault_state_t from, vault_state_t to)
{
  switch (to)
  {
    case VAULT_STATE_STORED :
        return (from == VAULT_STATE_SENDING);
    case VAULT_STATE_SENDING :
        return (from == VAULT_STATE_STORED || from == VAULT_STATE_AWAITING);
    case VAULT_STATE_DONE :
        return (from == VAULT_STATE_SENDING);
    case VAULT_STATE_RESURRECTED :
        // AWAITING too: after a restart cupsd may have lost the hold (its
        // 30 s write window), so a later run must not take it as a release.
        return (from == VAULT_STATE_STORED || from == VAULT_STATE_SENDING || from == VAULT_STATE_AWAITING);
    case VAULT_STATE_AWAITING :
        return (from == VAULT_STATE_RESURRECTED || from == VAULT_STATE_SENDING);
    case VAULT_STATE_DISCARDED :
        return (from != VAULT_STATE_DONE && from != VAULT_STATE_DISCARDED);
    default :
        return (false);
  }
}


/*
 * '_vaultEntryCheckLock()' - INVALID unless the entry was opened under its
 *                            lock (and so may be changed).
 */

bool
_vaultEntryCheckLock(vault_entry_t *entry, GError **error)
{
  if (!entry->lock)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "Entry %s was opened without its lock and cannot be changed.", entry->meta->id);
    return (false);
  }

  return (true);
}


/*
 * '_vaultEntryCheckChange()' - INVALID unless entry is writable (opened
 *                              under its lock), STATE unless it may go to
 *                              state.
 */

bool
_vaultEntryCheckChange(vault_entry_t *entry, vault_state_t state, GError **error)
{
  if (!_vaultEntryCheckLock(entry, error))
    return (false);

  if (!transition_allowed(entry->meta->state, state))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_STATE, "Entry %s cannot go from %s to %s.", entry->meta->id, vaultStateString(entry->meta->state), vaultStateString(state));
    return (false);
  }

  return (true);
}


/*
 * 'write_meta()' - Replace the entry's sidecar atomically (durable on true).
 */

static bool
write_meta(vault_entry_t *entry, GError **error)
{
  char *path = _vaultEntryPath(entry->store, entry->area, entry->meta->id, _VAULT_META_SUFFIX);
  bool ok = _vaultMetaWrite(entry->store->io, path, entry->meta, &entry->store->mac_key, error);

  g_free(path);
  return (ok);
}


/*
 * '_vaultEntryApplyState()' - Move the entry to state in memory only:
 *                             checks the transition (STATE, or INVALID
 *                             without the lock), records this boot id and
 *                             pid and counts the send for SENDING, stamps
 *                             the change.  *undo keeps what it replaced
 *                             for _vaultEntryUndoState / _vaultEntryKeepState.
 */

bool
_vaultEntryApplyState(vault_entry_t *entry, vault_state_t state, _vault_state_undo_t *undo, GError **error)
{
  _vault_meta_t *meta = entry->meta;

  if (!_vaultEntryCheckChange(entry, state, error))
    return (false);

  _vaultEntrySaveState(entry, undo);

  if (state == VAULT_STATE_SENDING)
  {
    meta->boot_id   = g_strdup(vaultStoreGetBootId(entry->store));
    meta->pid       = getpid();
    meta->pid_start = _vaultProcessStartTime(meta->pid);
    meta->send_count ++;
  }

  meta->state       = state;
  meta->changed_utc = g_get_real_time() / G_USEC_PER_SEC;
  return (true);
}


/*
 * '_vaultEntrySaveState()' - Keep in *undo what a state change replaces
 *                            (state, boot id, pid, send count, time).
 */

void
_vaultEntrySaveState(const vault_entry_t *entry, _vault_state_undo_t *undo)
{
  const _vault_meta_t *meta = entry->meta;

  undo->state       = meta->state;
  undo->boot_id     = meta->boot_id;
  undo->pid         = meta->pid;
  undo->pid_start   = meta->pid_start;
  undo->send_count  = meta->send_count;
  undo->changed_utc = meta->changed_utc;
}


/*
 * '_vaultEntryUndoState()' - Put back what _vaultEntryApplyState replaced
 *                            (the new sidecar was not written).
 */

void
_vaultEntryUndoState(vault_entry_t *entry, const _vault_state_undo_t *undo)
{
  _vault_meta_t *meta = entry->meta;

  if (meta->boot_id != undo->boot_id)
    g_free(meta->boot_id);

  meta->boot_id     = undo->boot_id;
  meta->pid         = undo->pid;
  meta->pid_start   = undo->pid_start;
  meta->send_count  = undo->send_count;
  meta->state       = undo->state;
  meta->changed_utc = undo->changed_utc;
}


/*
 * '_vaultEntryKeepState()' - Forget what _vaultEntryApplyState replaced
 *                            (the new sidecar is written).
 */

void
_vaultEntryKeepState(vault_entry_t *entry, const _vault_state_undo_t *undo)
{
  if (entry->meta->boot_id != undo->boot_id)
    g_free(undo->boot_id);
}


/*
 * 'vaultEntrySetState()' - Move the entry to state: checks the transition
 *                          (STATE), records this boot id and pid and counts
 *                          the send for SENDING, replaces the sidecar (IO,
 *                          the entry is unchanged then) and journals it.
 *                          DONE and DISCARDED are vaultEntryErase.
 */

bool
vaultEntrySetState(vault_entry_t *entry, vault_state_t state, const char *actor, const char *reason, GError **error)
{
  _vault_state_undo_t	undo;

  g_return_val_if_fail(entry != NULL, false);

  if (state == VAULT_STATE_DONE || state == VAULT_STATE_DISCARDED)
    return (vaultEntryErase(entry, state, actor, reason, error));

  if (!_vaultEntryApplyState(entry, state, &undo, error))
    return (false);

  if (!write_meta(entry, error))
  {
    _vaultEntryUndoState(entry, &undo);
    return (false);
  }

  _vaultEntryKeepState(entry, &undo);
  return (_vaultJournalTransition(entry->store, entry->meta, vaultStateString(undo.state), actor, reason, error));
}


/*
 * 'vaultEntryIsInterrupted()' - True for RESURRECTED, and for SENDING
 *                               recorded by another boot or by a process
 *                               that no longer exists.
 */

bool
vaultEntryIsInterrupted(const vault_entry_t *entry)
{
  const _vault_meta_t *meta = entry->meta;

  if (meta->state == VAULT_STATE_RESURRECTED)
    return (true);

  if (meta->state != VAULT_STATE_SENDING)
    return (false);

  if (!meta->boot_id || strcmp(meta->boot_id, vaultStoreGetBootId(entry->store)))
    return (true);

  return (!_vaultProcessIs(meta->pid, meta->pid_start));
}


/*
 * 'valid_media_name()' - Media/tray names become sidecar keys: a safe
 *                        alphabet, 1..255 bytes.
 */

static bool
valid_media_name(const char *name)
{
  size_t len = strlen(name);

  if (len == 0 || len > 255)
    return (false);

  for (const char *p = name; *p; p ++)
    if (!g_ascii_isalnum(*p) && !strchr("-_./:+", *p))
      return (false);

  return (true);
}


/*
 * 'vaultEntryGetMediaCounts()' - The per-media sheet counts ("media/tray" ->
 *                                guint64 * sheets), owned by the entry.
 */

GHashTable *
vaultEntryGetMediaCounts(const vault_entry_t *entry)
{
  return (entry->meta->media_counts);
}


/*
 * 'vaultEntrySetMediaCounts()' - Replace the sheet counts (values are
 *                                guint64 *) and rewrite the sidecar.
 *                                INVALID for a bad media name or an entry
 *                                without its lock, STATE for a tombstone,
 *                                IO (the entry is unchanged then).
 */

bool
vaultEntrySetMediaCounts(vault_entry_t *entry, GHashTable *counts, GError **error)
{
  GHashTable	*copy, *old;
  GHashTableIter iter;
  gpointer	key, value;

  g_return_val_if_fail(entry != NULL && counts != NULL, false);

  if (!entry->lock || !entry->meta->valid)
  {
    g_set_error(error, VAULT_ERROR, entry->lock ? VAULT_ERROR_STATE : VAULT_ERROR_INVALID, "Entry %s cannot record sheet counts now (state %s).", entry->meta->id, vaultStateString(entry->meta->state));
    return (false);
  }

  copy = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init(&iter, counts);
  while (g_hash_table_iter_next(&iter, &key, &value))
  {
    if (!valid_media_name(key))
    {
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "Bad media name \"%s\" (letters, digits and - _ . / : +).", (char *)key);
      g_hash_table_unref(copy);
      return (false);
    }
    g_hash_table_insert(copy, g_strdup(key), g_memdup2(value, sizeof(guint64)));
  }

  old                      = entry->meta->media_counts;
  entry->meta->media_counts = copy;
  if (!write_meta(entry, error))
  {
    entry->meta->media_counts = old;
    g_hash_table_unref(copy);
    return (false);
  }

  g_hash_table_unref(old);
  return (true);
}


/*
 * Accessors.
 */

const char *
vaultEntryGetId(const vault_entry_t *entry)
{
  return (entry->meta->id);
}

vault_state_t
vaultEntryGetState(const vault_entry_t *entry)
{
  return (entry->meta->state);
}

const vault_job_t *
vaultEntryGetJob(const vault_entry_t *entry)
{
  return (&entry->job);
}

const char *
vaultEntryGetArea(const vault_entry_t *entry)
{
  return (entry->meta->area);
}

gint64
vaultEntryGetStoredTime(const vault_entry_t *entry)
{
  return (entry->meta->stored_utc);
}

const char *
vaultEntryGetStoredLocalDate(const vault_entry_t *entry)
{
  return (entry->meta->stored_local_date);
}

gint64
vaultEntryGetChangedTime(const vault_entry_t *entry)
{
  return (entry->meta->changed_utc);
}

guint64
vaultEntryGetSize(const vault_entry_t *entry)
{
  return (entry->meta->data_size);
}

guint64
vaultEntryGetFileSize(const vault_entry_t *entry)
{
  return (entry->meta->file_size);
}

const char *
vaultEntryGetBootId(const vault_entry_t *entry)
{
  return (entry->meta->boot_id);
}

pid_t
vaultEntryGetPid(const vault_entry_t *entry)
{
  return (entry->meta->pid);
}

bool
vaultEntryHasSecret(const vault_entry_t *entry)
{
  return (entry->meta->secret_salt != NULL);
}
