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
 * boot-id, pid and pid-start, the boot, the pid and the start time of the
 * cupsd that holds the job (pid 0: not known).  A run is a release only
 * when its own cupsd is that one (vaultEntryIsHeldBy); otherwise, and when
 * the holder is not known, the job is held again, under the run's cupsd.
 * The start time tells a cupsd that restarted with the same pid (a
 * container's cupsd often gets the same small pid every time) from the
 * one that held the job.  A boot sweep turns AWAITING into RESURRECTED, so
 * another boot never matches either.
 */

#include "spool-private.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>


/*
 * '_vaultProcessStartTime()' - When process pid started: field 22 of
 *                              /proc/<pid>/stat, in clock ticks after
 *                              boot; 0 when it cannot be read.
 */

guint64
_vaultProcessStartTime(pid_t pid)
{
  char		path[64], *text = NULL, *fields;
  guint64	start = 0;

  snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
  if (pid <= 0 || !g_file_get_contents(path, &text, NULL, NULL))
    return (0);

  // The command name (field 2) may hold spaces and parentheses: count
  // from the last ')', after which field 3 (the state) starts.
  if ((fields = strrchr(text, ')')) != NULL)
  {
    char **f = g_strsplit(g_strchug(fields + 1), " ", 21);

    if (g_strv_length(f) >= 20)
      start = g_ascii_strtoull(f[19], NULL, 10);
    g_strfreev(f);
  }

  g_free(text);
  return (start);
}


/*
 * 'same_start()' - False only when start is known (not 0) and process pid
 *                  is known to have started at another time.
 */

static bool
same_start(pid_t pid, guint64 start)
{
  guint64 now;

  return (!start || (now = _vaultProcessStartTime(pid)) == 0 || now == start);
}


/*
 * '_vaultProcessIs()' - True when process pid runs and, when start is
 *                       known (not 0) and its start time can be read,
 *                       started then: the process recorded, not a later
 *                       one that got its pid.
 */

bool
_vaultProcessIs(pid_t pid, guint64 start)
{
  if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
    return (false);

  return (same_start(pid, start));
}


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

  meta->boot_id   = g_strdup(vaultStoreGetBootId(entry->store));
  meta->pid       = holder;
  meta->pid_start = holder > 0 ? _vaultProcessStartTime(holder) : 0;

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

  return (meta->boot_id && !strcmp(meta->boot_id, vaultStoreGetBootId(entry->store)) && meta->pid == cupsd &&
          same_start(cupsd, meta->pid_start));
}
