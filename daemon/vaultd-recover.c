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
 *   DONE, DISCARDED           -> kept (vaultd's service prunes them once
 *                                cupsd has no unfinished job for them)
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
 *
 * Cost: each entry is locked first and its sidecar read once; the changes
 * to RESURRECTED (the bulk of a sweep after a crash) go through a spool
 * batch, so thousands of them share one syncfs, one fsync per area
 * directory and one journal fsync instead of three fsyncs each.  Sweeps
 * run one at a time (flock on <root>/locks/sweep, which backends never
 * take); the entry locks still keep a sweep run by hand on a live system
 * off the entries that backends are using.
 */

#define G_LOG_DOMAIN "vaultd-recover"

#include "vaultd.h"
#include "spool-private.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#define ORPHAN_MIN_AGE	60		/* Seconds before a data file without a sidecar is removed */
#define NOFILE_WANTED	16384		/* Descriptors a batch may use (two per entry) */


/*
 * Local functions...
 */

static bool	sweep_entry(vault_store_t *store, const char *id, vault_lock_t *lock, vault_entry_t *entry, const GError *load_error, void *data);
static void	sweep_unreadable(vault_store_t *store, const char *id, vault_lock_t *lock, const GError *load_error, vaultd_sweep_t *sweep);
static void	sweep_all_temporaries(vault_store_t *store, vaultd_sweep_t *sweep);
static void	sweep_locked(vault_store_t *store, vault_entry_t *entry, vault_batch_t *batch, vaultd_sweep_t *sweep, GDateTime *now);
static void	commit_batch(vault_batch_t *batch, vaultd_sweep_t *sweep);


/*
 * State carried through vaultStoreForeach.
 */

typedef struct sweep_ctx_s
{
  vaultd_sweep_t	*sweep;
  GDateTime		*now;
  vault_batch_t		*batch;		/* Pending RESURRECTED changes */
} sweep_ctx_t;


/*
 * 'raise_nofile()' - Raise the soft descriptor limit toward NOFILE_WANTED
 *                    (within the hard limit): bigger batches, fewer syncs.
 */

static void
raise_nofile(void)
{
  struct rlimit rl;

  if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= NOFILE_WANTED)
    return;

  rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > NOFILE_WANTED ? NOFILE_WANTED : rl.rlim_max;
  (void)setrlimit(RLIMIT_NOFILE, &rl);
}


/*
 * 'lock_sweep()' - Wait for any other sweep of the store to end: flock on
 *                  <root>/locks/sweep, held until the descriptor returned
 *                  is closed.  IO.
 */

static int
lock_sweep(vault_store_t *store, GError **error)
{
  g_autofree char	*path = g_build_filename(store->locks_dir, "sweep", NULL);
  int			fd, ret;

  if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "Cannot open %s: %s", path, g_strerror(errno));
    return (-1);
  }

  while ((ret = flock(fd, LOCK_EX)) < 0 && errno == EINTR);
  if (ret < 0)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "Cannot lock %s: %s", path, g_strerror(errno));
    close(fd);
    return (-1);
  }

  return (fd);
}


/*
 * 'vaultdRecover()' - Run the boot sweep over every entry of the store.
 *
 * Returns false only when the spool cannot be listed (or the sweep lock
 * cannot be taken); problems with single entries are counted in *sweep
 * and logged, and the sweep goes on.
 */

bool
vaultdRecover(vault_store_t  *store,
              GDateTime      *now,
              vaultd_sweep_t *sweep,
              GError         **error)
{
  sweep_ctx_t	ctx = { sweep, now, NULL };
  int		fd;
  bool		ok;

  g_return_val_if_fail(store && now && sweep, false);

  memset(sweep, 0, sizeof(*sweep));

  if ((fd = lock_sweep(store, error)) < 0)
    return (false);

  raise_nofile();
  ctx.batch = vaultBatchNew(store);
  ok        = vaultStoreForeachLocked(store, sweep_entry, &ctx, error);
  commit_batch(ctx.batch, sweep);
  vaultBatchFree(ctx.batch);
  sweep_all_temporaries(store, sweep);
  close(fd);

  return (ok);
}


/*
 * 'sweep_temporaries()' - Remove the <id>.meta.tmp files of dir: a crash
 *                         between writing a sidecar's temporary copy and
 *                         renaming it leaves one, with the entry's wrapped
 *                         key inside, which nothing else would ever remove.
 *                         Each is removed under its entry's lock (a live
 *                         run may be writing it); the directory is fsynced
 *                         once when anything went.
 */

static void
sweep_temporaries(vault_store_t  *store,
                  const char     *path,
                  vaultd_sweep_t *sweep)
{
  static const char	suffix[] = _VAULT_META_SUFFIX _VAULT_TMP_SUFFIX;
  GDir			*dir = g_dir_open(path, 0, NULL);
  const char		*name;
  guint			removed = 0;

  while (dir && (name = g_dir_read_name(dir)) != NULL)
  {
    g_autofree char	*id = NULL, *file = NULL;
    vault_lock_t	*lock;

    if (strlen(name) != _VAULT_ID_LEN + sizeof(suffix) - 1 || strcmp(name + _VAULT_ID_LEN, suffix))
      continue;

    id = g_strndup(name, _VAULT_ID_LEN);
    if (!_vaultIdIsValid(id) || (lock = vaultLockAcquire(store, id, false, NULL)) == NULL)
      continue;

    file = g_build_filename(path, name, NULL);
    if (_vaultIoUnlink(store->io, file) == 0)
    {
      g_message("Entry %s: removed %s, left by a crash while its sidecar was written.", id, file);
      removed ++;
    }
    vaultLockRelease(lock);
  }

  if (dir)
    g_dir_close(dir);

  if (removed && _vaultIoFsyncDir(store->io, path) < 0)
    g_warning("Cannot fsync %s: %s", path, g_strerror(errno));

  sweep->temporaries += removed;
}


/*
 * 'sweep_all_temporaries()' - sweep_temporaries in every area and in
 *                             <root>/tombstones.
 */

static void
sweep_all_temporaries(vault_store_t  *store,
                      vaultd_sweep_t *sweep)
{
  const vault_config_t	*config = vaultStoreGetConfig(store);
  g_autofree char	*tombstones = g_build_filename(vaultConfigGetRoot(config), _VAULT_TOMBSTONES_DIR, NULL);

  for (guint i = 0; i < vaultConfigGetAreaCount(config); i ++)
    sweep_temporaries(store, vaultConfigGetAreaPath(config, i), sweep);
  sweep_temporaries(store, tombstones, sweep);
}


/*
 * 'commit_batch()' - Make the pending RESURRECTED changes durable and
 *                    count them.
 */

static void
commit_batch(vault_batch_t  *batch,
             vaultd_sweep_t *sweep)
{
  guint			pending = vaultBatchGetPending(batch), done = 0;
  g_autoptr(GError)	error = NULL;

  if (pending == 0)
    return;

  if (!vaultBatchCommit(batch, &done, &error))
    g_warning("%u of %u entries could not be marked resurrected: %s", pending - done, pending, error->message);

  sweep->resurrected += done;
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
 * 'sweep_entry()' - Visit one entry, locked and read once by the walk:
 *                   apply the sweep rules.
 */

static bool
sweep_entry(vault_store_t      *store,
            const char         *id,
            vault_lock_t       *lock,
            vault_entry_t      *entry,
            const GError       *load_error,
            void               *data)
{
  sweep_ctx_t *ctx = data;

  ctx->sweep->seen ++;

  if (!lock)
  {
    g_message("Left alone: %s", load_error->message);
    ctx->sweep->busy ++;
  }
  else if (!entry)
    sweep_unreadable(store, id, lock, load_error, ctx->sweep);
  else
    sweep_locked(store, entry, ctx->batch, ctx->sweep, ctx->now);

  if (vaultBatchIsFull(ctx->batch))
    commit_batch(ctx->batch, ctx->sweep);

  return (true);
}


/*
 * 'sweep_unreadable()' - An entry that could not be opened under its
 *                        lock: a data file without any sidecar (older
 *                        than a minute) is removed; anything else is
 *                        reported and left.
 */

static void
sweep_unreadable(vault_store_t      *store,
                 const char         *id,
                 vault_lock_t       *lock,
                 const GError       *load_error,
                 vaultd_sweep_t     *sweep)
{
  g_autoptr(GError) error = NULL;

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
 * 'sweep_locked()' - Apply the sweep rules to one locked entry; a change
 *                    to RESURRECTED is queued in batch.
 */

static void
sweep_locked(vault_store_t  *store,
             vault_entry_t  *entry,
             vault_batch_t  *batch,
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
        else if (vaultBatchSetState(batch, entry, VAULT_STATE_RESURRECTED, "vaultd --recover", "Found after a restart; it will not print again without a release.", &error))
          ;				// Counted when the batch commits
        else
          g_warning("Entry %s could not be marked resurrected: %s", vaultEntryGetId(entry), error->message);
        break;

    case VAULT_STATE_DONE :
    case VAULT_STATE_DISCARDED :
        // Tombstones stay, however old: cupsd runs a job again at boot when
        // it had not written its completion, and the tombstone is what
        // stops a second print then.  vaultd's service prunes them once
        // cupsd has no unfinished job for them (vaultd-reconcile.c).
        break;
  }
}
