/*
 * Holding an entry for a decision: AWAITING, and which cupsd process holds
 * the job, so that a run after cupsd restarted never takes a lost hold for
 * a release.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * cupsd keeps a job's new hold in memory for up to DirtyCleanInterval
 * (30 s by default) before writing it to disk.  If cupsd alone dies in
 * that window it restarts the job as pending and runs the backend again:
 * a run that took every AWAITING entry for released would print it with
 * nobody's decision.  So AWAITING records, in the sidecar's [recovery]
 * boot-id and pid, the boot and the pid of the cupsd that holds the job
 * (pid 0: not known).  A run is a release only when its own cupsd is that
 * one (vaultEntryIsHeldBy); otherwise, and when the holder is not known,
 * the job is held again, under the run's cupsd.  A boot sweep turns
 * AWAITING into RESURRECTED, so another boot never matches either.
 */

#include "spool-private.h"

#include <string.h>


/*
 * 'vaultEntryHold()' - Mark the entry AWAITING, held by cupsd process
 *                      holder (0 when not known) in this boot, replace the
 *                      sidecar and journal it.  An entry already AWAITING
 *                      only gets its holder recorded (journalled as
 *                      awaiting to awaiting).  STATE, INVALID, IO.
 */

bool
vaultEntryHold(vault_entry_t *entry, pid_t holder, const char *actor, const char *reason, GError **error)
{
  _vault_meta_t		*meta;
  _vault_state_undo_t	undo;
  char			*path;
  bool			ok;

  g_return_val_if_fail(entry != NULL && holder >= 0, false);

  meta = entry->meta;
  if (meta->state != VAULT_STATE_AWAITING)
  {
    if (!_vaultEntryApplyState(entry, VAULT_STATE_AWAITING, &undo, error))
      return (false);
  }
  else if (!_vaultEntryCheckLock(entry, error))
    return (false);
  else
  {
    _vaultEntrySaveState(entry, &undo);
    meta->changed_utc = g_get_real_time() / G_USEC_PER_SEC;
  }

  meta->boot_id = g_strdup(vaultStoreGetBootId(entry->store));
  meta->pid     = holder;

  path = _vaultEntryFilePath(entry, _VAULT_META_SUFFIX);
  ok   = _vaultMetaWrite(entry->store->io, path, meta, &entry->store->mac_key, error);
  g_free(path);

  if (!ok)
  {
    _vaultEntryUndoState(entry, &undo);
    return (false);
  }

  _vaultEntryKeepState(entry, &undo);
  return (_vaultJournalTransition(entry->store, meta, vaultStateString(undo.state), actor, reason, error));
}


/*
 * 'vaultEntryIsHeldBy()' - True when the entry is AWAITING and held by
 *                          cupsd process cupsd (> 0) of this boot: a run
 *                          from that cupsd is a release.  False for a
 *                          holder that was not known (pid 0).
 */

bool
vaultEntryIsHeldBy(const vault_entry_t *entry, pid_t cupsd)
{
  const _vault_meta_t *meta = entry->meta;

  if (meta->state != VAULT_STATE_AWAITING)
    return (false);

  if (meta->pid <= 0 || cupsd <= 0)
    return (false);

  return (meta->boot_id && !strcmp(meta->boot_id, vaultStoreGetBootId(entry->store)) && meta->pid == cupsd);
}
