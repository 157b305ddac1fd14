/*
 * The boot sweep of vaultd ("vaultd --recover"): run at boot before cupsd,
 * so that nothing interrupted by a crash or power loss prints by itself.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * For every entry in the spool:
 *
 *   RECEIVING                 -> removed (never complete, never sent: a
 *                                re-run by cupsd stores and prints it anew)
 *   STORED, SENDING, AWAITING -> RESURRECTED, or DISCARDED when stale
 *   RESURRECTED               -> unchanged, or DISCARDED when stale
 *
 * AWAITING goes back to RESURRECTED because cupsd may have lost the hold
 * in its 30 s write window: a backend run after the restart must hold the
 * job again, not take the run for a release.
 *   DONE, DISCARDED           -> removed once older than tombstone-age
 *   data file, no sidecar     -> removed once older than a minute
 *
 * Every change is journalled by the spool.  An entry locked by a live
 * process is left alone (the sweep may be run by hand on a live system),
 * and an entry whose sidecar cannot be read is reported and left on disk:
 * losing nothing matters more than a tidy spool.  A data file without any
 * sidecar is the one exception: a crash while the job arrived lost its
 * RECEIVING sidecar, the only holder of its data key, so it can never be
 * decrypted; it is removed (journalled receiving -> discarded, counted as
 * incomplete).  Running the sweep twice changes nothing the second time.
 */

#define G_LOG_DOMAIN "vaultd-recover"

#include "vaultd.h"
#include "spool-private.h"
#include <string.h>

#define ORPHAN_MIN_AGE	60		/* Seconds before a data file without a sidecar is removed */


/*
 * Local functions...
 */

static bool	sweep_entry(vault_store_t *store, const char *id, vault_entry_t *entry, const GError *load_error, void *data);
static void	sweep_unreadable(vault_store_t *store, const char *id, const GError *load_error, vaultd_sweep_t *sweep);
static void	sweep_locked(vault_store_t *store, vault_entry_t *entry, vaultd_sweep_t *sweep, GDateTime *now);


/*
 * State carried through vaultStoreForeach.
 */

typedef struct sweep_ctx_s
{
  vaultd_sweep_t	*sweep;
  GDateTime		*now;
} sweep_ctx_t;


/*
 * 'vaultdRecover()' - Run the boot sweep over every entry of the store.
 *
 * Returns false only when the spool cannot be listed; problems with single
 * entries are counted in *sweep and logged, and the sweep goes on.
 */

bool
vaultdRecover(vault_store_t  *store,
              GDateTime      *now,
              vaultd_sweep_t *sweep,
              GError         **error)
{
  sweep_ctx_t	ctx = { sweep, now };

  g_return_val_if_fail(store && now && sweep, false);

  memset(sweep, 0, sizeof(*sweep));

  return (vaultStoreForeach(store, sweep_entry, &ctx, error));
}


/*
 * 'vaultdIsStale()' - Decide whether an entry is too old to be offered again.
 *
 * Same-day compares the site-local calendar date recorded at storing time
 * with today's; max-age compares the UTC age in seconds.
 */

bool
vaultdIsStale(const vault_config_t *config,
              gint64               stored_utc,
              const char           *stored_local,
              GDateTime            *now)
{
  gint64	max_age = 0;
  g_autofree char *today = NULL;

  switch (vaultConfigGetStalePolicy(config, &max_age))
  {
    case VAULT_STALE_NEVER :
        return (false);

    case VAULT_STALE_MAX_AGE :
        return (g_date_time_to_unix(now) - stored_utc > max_age);

    case VAULT_STALE_SAME_DAY :
    default :
        today = g_date_time_format(now, "%Y-%m-%d");
        return (!stored_local || strcmp(stored_local, today) != 0);
  }
}


/*
 * 'sweep_entry()' - Visit one entry: lock it, then apply the sweep rules.
 */

static bool
sweep_entry(vault_store_t      *store,
            const char         *id,
            vault_entry_t      *entry,
            const GError       *load_error,
            void               *data)
{
  sweep_ctx_t		*ctx = data;
  vault_lock_t		*lock;
  vault_entry_t		*locked;
  g_autoptr(GError)	error = NULL;

  ctx->sweep->seen ++;

  if (!entry)
  {
    sweep_unreadable(store, id, load_error, ctx->sweep);
    return (true);
  }

  if ((lock = vaultLockAcquire(store, id, false, &error)) == NULL)
  {
    g_message("Left alone: %s", error->message);
    ctx->sweep->busy ++;
    return (true);
  }

  // Re-read under the lock: the copy from the listing may be out of date.
  if ((locked = vaultEntryOpen(store, lock, id, &error)) == NULL)
  {
    if (!g_error_matches(error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND))
    {
      g_warning("Entry %s left on disk: %s", id, error->message);
      ctx->sweep->unreadable ++;
    }
  }
  else
  {
    sweep_locked(store, locked, ctx->sweep, ctx->now);
    vaultEntryFree(locked);
  }

  vaultLockRelease(lock);

  return (true);
}


/*
 * 'sweep_unreadable()' - An entry the listing could not load: a data file
 *                        without any sidecar (older than a minute) is
 *                        removed; anything else is reported and left.
 */

static void
sweep_unreadable(vault_store_t      *store,
                 const char         *id,
                 const GError       *load_error,
                 vaultd_sweep_t     *sweep)
{
  vault_lock_t		*lock;
  g_autoptr(GError)	error = NULL;

  if ((lock = vaultLockAcquire(store, id, false, &error)) == NULL)
  {
    g_message("Left alone: %s", error->message);
    sweep->busy ++;
    return;
  }

  if (_vaultEntryRemoveOrphan(store, lock, id, ORPHAN_MIN_AGE, "vaultd --recover", &error))
  {
    g_message("Entry %s: removed a data file whose sidecar (and key) a crash lost.", id);
    sweep->incomplete ++;
  }
  else
  {
    g_warning("Entry %s left on disk: %s", id, g_error_matches(error, VAULT_ERROR, VAULT_ERROR_STATE) ? error->message : load_error ? load_error->message : "unreadable");
    sweep->unreadable ++;
  }

  vaultLockRelease(lock);
}


/*
 * 'discard()' - Crypto-erase an entry as DISCARDED and count it.
 */

static void
discard(vault_entry_t *entry,
        const char    *reason,
        guint         *counter)
{
  g_autoptr(GError) error = NULL;

  if (vaultEntryErase(entry, VAULT_STATE_DISCARDED, "vaultd --recover", reason, &error))
    (*counter) ++;
  else
    g_warning("Entry %s could not be discarded: %s", vaultEntryGetId(entry), error->message);
}


/*
 * 'sweep_locked()' - Apply the sweep rules to one locked entry.
 */

static void
sweep_locked(vault_store_t  *store,
             vault_entry_t  *entry,
             vaultd_sweep_t *sweep,
             GDateTime      *now)
{
  const vault_config_t	*config = vaultStoreGetConfig(store);
  vault_state_t		state = vaultEntryGetState(entry);
  bool			stale;
  g_autoptr(GError)	error = NULL;

  stale = vaultdIsStale(config, vaultEntryGetStoredTime(entry), vaultEntryGetStoredLocalDate(entry), now);

  switch (state)
  {
    case VAULT_STATE_RECEIVING :
        // Nothing of it was sent: no tombstone, so that cupsd's re-run of
        // the job stores it again and prints it once.
        discard(entry, "The job was still arriving when the system stopped; it was never complete and never sent.", &sweep->incomplete);
        if (!vaultEntryRemove(entry, &error))
          g_warning("Entry %s: its tombstone could not be removed: %s", vaultEntryGetId(entry), error->message);
        break;

    case VAULT_STATE_STORED :
    case VAULT_STATE_SENDING :
    case VAULT_STATE_RESURRECTED :
    case VAULT_STATE_AWAITING :
        if (stale)
          discard(entry, "Stored before today and interrupted by a restart; discarded as stale.", &sweep->stale);
        else if (state == VAULT_STATE_RESURRECTED)
          sweep->kept ++;
        else if (vaultEntrySetState(entry, VAULT_STATE_RESURRECTED, "vaultd --recover", "Found after a restart; it will not print again without a release.", &error))
          sweep->resurrected ++;
        else
          g_warning("Entry %s could not be marked resurrected: %s", vaultEntryGetId(entry), error->message);
        break;

    case VAULT_STATE_DONE :
    case VAULT_STATE_DISCARDED :
        if (g_date_time_to_unix(now) - vaultEntryGetChangedTime(entry) > vaultConfigGetTombstoneAge(config))
        {
          if (vaultEntryRemove(entry, &error))
            sweep->pruned ++;
          else
            g_warning("Tombstone %s could not be removed: %s", vaultEntryGetId(entry), error->message);
        }
        break;
  }
}
