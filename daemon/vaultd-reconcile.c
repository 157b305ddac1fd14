/*
 * Reconciling one vault entry with its job in cupsd: hold what would print
 * by itself, re-create what cupsd lost, erase what people canceled, cancel
 * what the vault discarded.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The table (vaultdDecide), by entry state and the job's state in cupsd:
 *
 *   RESURRECTED  pending/processing/stopped -> Hold-Job, message, AWAITING
 *                held                       -> message, AWAITING
 *                canceled/aborted           -> erase DISCARDED
 *                completed or none          -> re-create a held reference job
 *   SENDING, interrupted (its run is dead):
 *                canceled/aborted           -> erase DISCARDED
 *                completed or none          -> re-create (the backend was
 *                                              killed alone: cupsd says done)
 *                otherwise                  -> nothing: cupsd runs it again
 *                                              and the backend holds it
 *   AWAITING     held                       -> consult (vaultd-consult.c)
 *                pending/processing         -> nothing: someone released it
 *                canceled/aborted           -> erase DISCARDED
 *                completed or none          -> re-create, unless the
 *                                              completed job is our own
 *                                              re-created one (warn once)
 *   STORED       canceled/aborted           -> erase DISCARDED (a run
 *                                              canceled before it sent)
 *   DISCARDED    pending/held/processing    -> Cancel-Job with a message
 *   DONE, DISCARDED (tombstones) older than tombstone-age, when cupsd has
 *                no unfinished job for them -> tombstone removed (never
 *                at boot: a job cupsd runs again finds its tombstone)
 *
 * Order matters for the invariants: the job is held in cupsd before the
 * entry becomes AWAITING (a backend run finding AWAITING on a job that is
 * not held takes it for a release), and every change is made under the
 * entry's lock, taken without waiting: a locked entry belongs to a backend
 * run and is looked at again at the next poll.
 */

#define G_LOG_DOMAIN "vaultd-reconcile"

#include "vaultd-service.h"
#include <string.h>
#include <time.h>

#define ACTOR	"vaultd"


/*
 * 'vaultdDecide()' - What to do with an entry in state (interrupted as
 *                    vaultEntryIsInterrupted says) whose CUPS job is job
 *                    (NULL when cupsd has none).  Pure; see the table above.
 */

vaultd_action_t
vaultdDecide(vault_state_t      state,
             bool               interrupted,
             const vaultd_job_t *job)
{
  ipp_jstate_t	js = job ? job->state : IPP_JSTATE_COMPLETED;
  bool		waiting = js == IPP_JSTATE_PENDING || js == IPP_JSTATE_PROCESSING || js == IPP_JSTATE_STOPPED,
		canceled = js == IPP_JSTATE_CANCELED || js == IPP_JSTATE_ABORTED,
		gone = js == IPP_JSTATE_COMPLETED;

  switch (state)
  {
    case VAULT_STATE_RESURRECTED :
        return (waiting ? VAULTD_ACTION_HOLD : js == IPP_JSTATE_HELD ? VAULTD_ACTION_AWAIT :
                canceled ? VAULTD_ACTION_DISCARD : VAULTD_ACTION_RECREATE);

    case VAULT_STATE_SENDING :
        if (!interrupted)
          return (VAULTD_ACTION_NONE);
        return (canceled ? VAULTD_ACTION_DISCARD : gone ? VAULTD_ACTION_RECREATE : VAULTD_ACTION_NONE);

    case VAULT_STATE_AWAITING :
        if (js == IPP_JSTATE_HELD)
          return (VAULTD_ACTION_CONSULT);
        if (canceled)
          return (VAULTD_ACTION_DISCARD);
        if (gone)
          return (job && job->entry_id ? VAULTD_ACTION_STUCK : VAULTD_ACTION_RECREATE);
        return (VAULTD_ACTION_NONE);

    case VAULT_STATE_STORED :
        return (job && canceled ? VAULTD_ACTION_DISCARD : VAULTD_ACTION_NONE);

    case VAULT_STATE_DISCARDED :
        return (job && (waiting || js == IPP_JSTATE_HELD) ? VAULTD_ACTION_CANCEL : VAULTD_ACTION_NONE);

    default :
        return (VAULTD_ACTION_NONE);
  }
}


/*
 * 'stored_when()' - "YYYY-MM-DD HH:MM" site-local time the entry was stored.
 */

static void
stored_when(const vault_entry_t *entry, char *buf, size_t size)
{
  time_t	when = (time_t)vaultEntryGetStoredTime(entry);
  struct tm	tm;

  localtime_r(&when, &tm);
  strftime(buf, size, "%Y-%m-%d %H:%M %Z", &tm);
}


/*
 * 'vaultdHeldMessage()' - The sentence on a held vault job (g_free it).
 */

char *
vaultdHeldMessage(const vault_entry_t *entry,
                  bool                recreated,
                  const char          *representative)
{
  char			when[64];
  g_autofree char	*asked = NULL;

  stored_when(entry, when, sizeof(when));
  if (representative)
    asked = g_strdup_printf(" No decision came from %s in time, so %s (the representative) was asked too.", vaultEntryGetJob(entry)->user, representative);

  // A protected job needs its owner's secret (vaultd-secret.c): a plain release only holds it again.
  if (vaultEntryHasSecret(entry))
    return (g_strdup_printf("Held by the vault: stored %s, printing was interrupted%s. It is protected by its owner's secret: it prints once only after %s runs \"vaultctl release JOB-ID\" (a release from the web interface or lp is not enough); cancel it to discard it.%s",
                            when, recreated ? " and cupsd lost the job, so this held copy stands for it" : "",
                            vaultEntryGetJob(entry)->user, asked ? asked : ""));

  return (g_strdup_printf("Held by the vault: stored %s, printing was interrupted%s. Release the job to print it once; cancel it to discard it.%s",
                          when, recreated ? " and cupsd lost the job, so this held copy stands for it" : "",
                          asked ? asked : ""));
}


/*
 * 'vaultdJournalNote()' - Journal an event that leaves the state as it is.
 */

void
vaultdJournalNote(vault_store_t       *store,
                  const vault_entry_t *entry,
                  int                 job_id,
                  const char          *reason)
{
  g_autoptr(GError)	error = NULL;

  if (!vaultJournalNote(store, entry, job_id, ACTOR, reason, &error))
    g_warning("Entry %s: the journal cannot be written: %s", vaultEntryGetId(entry), error->message);
}


/*
 * 'lock_entry()' - Lock listed's entry without waiting and read it again;
 *                  NULL when a backend run holds it or it changed since
 *                  the listing (the next poll looks again).
 */

static vault_entry_t *
lock_entry(vaultd_service_t *svc, vault_entry_t *listed, vault_lock_t **lock)
{
  vault_entry_t		*entry;
  g_autoptr(GError)	error = NULL;

  if ((*lock = vaultLockAcquire(svc->store, vaultEntryGetId(listed), false, &error)) == NULL)
  {
    g_debug("Entry %s is busy: %s", vaultEntryGetId(listed), error->message);
    return (NULL);
  }

  if ((entry = vaultEntryOpen(svc->store, *lock, vaultEntryGetId(listed), &error)) != NULL &&
      vaultEntryGetState(entry) == vaultEntryGetState(listed))
    return (entry);

  if (!entry)
    g_warning("Entry %s cannot be opened: %s", vaultEntryGetId(listed), error->message);
  vaultEntryFree(entry);
  vaultLockRelease(*lock);
  *lock = NULL;
  return (NULL);
}


/*
 * 'set_awaiting()' - Mark entry AWAITING, held by the cupsd vaultd talks to
 *                    (when its pid is known), for CUPS job job_id.
 */

static void
set_awaiting(vaultd_service_t *svc, vault_entry_t *entry, int job_id, const char *why)
{
  g_autofree char	*reason = g_strdup_printf("%s (CUPS job %d)", why, job_id);
  g_autoptr(GError)	error = NULL;
  pid_t			cupsd = vaultdCupsGetPid(svc->cups);

  // A holder already recorded is not replaced by one vaultd cannot tell.
  if (vaultEntryIsHeldBy(entry, cupsd) || (cupsd <= 0 && vaultEntryGetState(entry) == VAULT_STATE_AWAITING))
    vaultdJournalNote(svc->store, entry, job_id, reason);
  else if (!vaultEntryHold(entry, cupsd, ACTOR, reason, &error))
    g_warning("Entry %s cannot be marked awaiting: %s", vaultEntryGetId(entry), error->message);
}


/*
 * 'confirm_holder()' - CONSULT: the job is held in the cupsd vaultd talks
 *                      to; when the entry names another cupsd (it
 *                      restarted and kept the hold on disk), record this
 *                      one, so its release prints.
 */

static void
confirm_holder(vaultd_service_t *svc, vault_entry_t *entry, const vaultd_job_t *job)
{
  pid_t	cupsd = vaultdCupsGetPid(svc->cups);

  if (cupsd > 0 && !vaultEntryIsHeldBy(entry, cupsd))
    set_awaiting(svc, entry, job->id, "still held after cupsd restarted");
}


/*
 * 'hold_job()' - HOLD and AWAIT: make sure cupsd holds the job, say why on
 *                it, then mark the entry AWAITING.
 */

static void
hold_job(vaultd_service_t *svc, vault_entry_t *entry, const vaultd_job_t *job, bool hold)
{
  g_autofree char	*message = vaultdHeldMessage(entry, job->entry_id != NULL, NULL);
  g_autoptr(GError)	error = NULL;

  if (hold && !vaultdCupsHoldJob(svc->cups, job->id, &error))
  {
    g_warning("Job %d (entry %s) cannot be held: %s", job->id, vaultEntryGetId(entry), error->message);
    return;
  }

  if (!vaultdCupsSetMessage(svc->cups, job->id, message, &error))
    g_warning("Job %d: the message cannot be set: %s", job->id, error->message);

  set_awaiting(svc, entry, job->id, hold ? "held in cupsd by vaultd after a restart" : "cupsd holds it; waiting for a decision");
  g_message("Job %d (entry %s) is held for a decision.", job->id, vaultEntryGetId(entry));
}


/*
 * 'discard_entry()' - DISCARD: the job was canceled in cupsd; crypto-erase.
 */

static void
discard_entry(vault_entry_t *entry, const vaultd_job_t *job)
{
  g_autofree char	*reason = g_strdup_printf("CUPS job %d was %s in cupsd; the stored copy is erased", job->id, job->state == IPP_JSTATE_ABORTED ? "aborted" : "canceled");
  g_autoptr(GError)	error = NULL;

  // cupsd 2.4 does not say who canceled; the decision came through cupsd.
  if (vaultEntryErase(entry, VAULT_STATE_DISCARDED, "cupsd", reason, &error))
    g_message("Entry %s discarded: %s.", vaultEntryGetId(entry), reason);
  else
    g_warning("Entry %s cannot be discarded: %s", vaultEntryGetId(entry), error->message);
}


/*
 * 'recreate_job()' - RECREATE: cupsd lost the job or ended it without
 *                    printing; submit a held job whose document is a
 *                    reference to the entry, then mark it AWAITING.
 */

static void
recreate_job(vaultd_service_t *svc, vault_entry_t *entry, const vaultd_job_t *old)
{
  vault_job_t		job = *vaultEntryGetJob(entry);
  gsize			len = 0;
  int			job_id;
  g_autofree char	*doc = NULL, *message = NULL, *why = NULL;
  g_autoptr(GError)	error = NULL;

  // The backend never learns job-priority (not in argv); cupsd's old job knows it.
  if (old && old->priority > 0)
    job.priority = old->priority;

  if ((doc = vaultRefCreate(svc->store, entry, &len, &error)) == NULL ||
      (job_id = vaultdCupsPrintReference(svc->cups, &job, vaultEntryGetId(entry), doc, len, &error)) <= 0)
  {
    g_warning("Entry %s cannot be re-created in cupsd: %s", vaultEntryGetId(entry), error->message);
    return;
  }

  message = vaultdHeldMessage(entry, true, NULL);
  if (!vaultdCupsSetMessage(svc->cups, job_id, message, &error))
    g_warning("Job %d: the message cannot be set: %s", job_id, error->message);
  g_clear_error(&error);

  why = old ? g_strdup_printf("cupsd ended job %d without printing it; re-created as a held reference job", old->id)
            : g_strdup("cupsd lost the job; re-created as a held reference job");
  set_awaiting(svc, entry, job_id, why);
  g_message("Entry %s re-created in cupsd as held job %d.", vaultEntryGetId(entry), job_id);
}


/*
 * 'cancel_job()' - CANCEL: the entry was discarded (stale, incomplete or
 *                  canceled) but its job still waits in cupsd.  The owner
 *                  is subscribed first, so the cancel reaches them as a
 *                  job-completed event.
 */

static void
cancel_job(vaultd_service_t *svc, vault_entry_t *entry, const vaultd_job_t *job)
{
  g_autoptr(GError)	error = NULL;
  char			when[64], *message;

  vaultdNotifyOwner(svc, entry, job, "the discarded entry's CUPS job is to be canceled; telling its owner");

  stored_when(entry, when, sizeof(when));
  message = g_strdup_printf("Discarded by the vault: this job (stored %s) was interrupted by a restart and is too old or incomplete to print; it was erased. Print it again if it is still needed.", when);

  if (!vaultdCupsSetMessage(svc->cups, job->id, message, &error))
    g_warning("Job %d: the message cannot be set: %s", job->id, error->message);
  g_clear_error(&error);

  if (vaultdCupsCancelJob(svc->cups, job->id, &error))
  {
    vaultdJournalNote(svc->store, entry, job->id, "its CUPS job was canceled by vaultd: the entry had been discarded");
    g_message("Job %d canceled: entry %s was discarded.", job->id, vaultEntryGetId(entry));
  }
  else
    g_warning("Job %d (discarded entry %s) cannot be canceled: %s", job->id, vaultEntryGetId(entry), error->message);

  g_free(message);
}


/*
 * 'act_locked()' - Carry out action on the locked entry.
 */

static void
act_locked(vaultd_service_t *svc, vaultd_action_t action, vault_entry_t *entry, const vaultd_job_t *job)
{
  switch (action)
  {
    case VAULTD_ACTION_HOLD :
    case VAULTD_ACTION_AWAIT :
        hold_job(svc, entry, job, action == VAULTD_ACTION_HOLD);
        break;
    case VAULTD_ACTION_DISCARD :
        discard_entry(entry, job);
        break;
    case VAULTD_ACTION_RECREATE :
        recreate_job(svc, entry, job);
        break;
    case VAULTD_ACTION_CONSULT :
        confirm_holder(svc, entry, job);
        vaultdConsult(svc, entry, job);
        break;
    case VAULTD_ACTION_CANCEL :
        cancel_job(svc, entry, job);
        break;
    default :
        break;
  }
}


/*
 * 'prune_tombstone()' - Remove a tombstone older than tombstone-age when
 *                       cupsd has no unfinished job for it: such a job
 *                       could still run, and its tombstone is what keeps
 *                       it from printing twice.
 */

static void
prune_tombstone(vaultd_service_t *svc, vault_entry_t *listed, const vaultd_job_t *job)
{
  const vault_config_t	*config = vaultStoreGetConfig(svc->store);
  gint64		age = g_get_real_time() / G_USEC_PER_SEC - vaultEntryGetChangedTime(listed);
  vault_lock_t		*lock = NULL;
  vault_entry_t		*entry;
  g_autoptr(GError)	error = NULL;

  if (age <= vaultConfigGetTombstoneAge(config) ||
      (job && job->state != IPP_JSTATE_COMPLETED && job->state != IPP_JSTATE_CANCELED && job->state != IPP_JSTATE_ABORTED))
    return;

  if ((entry = lock_entry(svc, listed, &lock)) == NULL)
    return;

  if (vaultEntryRemove(entry, &error))
    g_message("Tombstone %s removed: older than tombstone-age, and cupsd has no unfinished job for it.", vaultEntryGetId(entry));
  else
    g_warning("Tombstone %s could not be removed: %s", vaultEntryGetId(entry), error->message);

  vaultEntryFree(entry);
  vaultLockRelease(lock);
}


/*
 * 'vaultdReconcileEntry()' - Decide and act for one entry from the listing.
 */

void
vaultdReconcileEntry(vaultd_service_t *svc,
                     vault_entry_t    *listed)
{
  const vaultd_job_t	*job = vaultdServiceFindJob(svc, listed);
  vault_state_t		state = vaultEntryGetState(listed);
  vaultd_action_t	action;
  vault_lock_t		*lock = NULL;
  vault_entry_t		*entry;

  if ((action = vaultdDecide(state, vaultEntryIsInterrupted(listed), job)) == VAULTD_ACTION_NONE)
  {
    if (state == VAULT_STATE_DONE || state == VAULT_STATE_DISCARDED)
      prune_tombstone(svc, listed, job);
    return;
  }

  if (action == VAULTD_ACTION_STUCK)
  {
    if (g_hash_table_add(svc->warned, g_strdup(vaultEntryGetId(listed))))
      g_warning("Entry %s: its re-created job %d ended but the entry is still awaiting; is the backend too old to read references? Not re-creating it again.", vaultEntryGetId(listed), job->id);
    return;
  }

  if ((entry = lock_entry(svc, listed, &lock)) == NULL)
    return;

  act_locked(svc, action, entry, job);

  vaultEntryFree(entry);
  vaultLockRelease(lock);
}
