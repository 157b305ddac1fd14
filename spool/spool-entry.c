/*
 * Entries: one job's encrypted data file and its sidecar, and the state
 * machine that moves the job from received to printed and erased.  This
 * file creates entries; spool-entry-receive.c writes and commits their
 * data, spool-entry-state.c changes their states (spool-entry-hold.c holds
 * them, spool-entry-erase.c erases and removes them), spool-entry-data.c
 * reads them back.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * States and transitions (anything else is VAULT_ERROR_STATE):
 *
 *   RECEIVING --commit--> STORED <--> SENDING --> DONE
 *   STORED, SENDING, AWAITING --> RESURRECTED --> AWAITING --> SENDING
 *   SENDING --> AWAITING        (a backend finds an interrupted entry)
 *   any non-final state --> DISCARDED
 *
 * Crash invariants, each kept by the order of the durable steps:
 *
 *  - Create writes the RECEIVING sidecar (with the wrapped key; tmp, fsync,
 *    rename) before the data file exists.  Its directory is not fsynced: a
 *    crash that loses the sidecar's name leaves at most a data file whose
 *    key is gone with it (never decryptable), which the boot sweep removes
 *    (_vaultEntryRemoveOrphan).  Commit seals the final chunk, fsyncs the
 *    data file, puts the STORED sidecar (tmp, fsync, rename), and only then
 *    fsyncs the area directory once: that one fsync makes the data file's
 *    name and the sidecar's rename durable together.  Until it, every name
 *    of the entry may vanish; the file systems the vault runs on (ext4,
 *    XFS, btrfs: journalled metadata, committed in order) never keep the
 *    later rename without the earlier create in the same directory.  So
 *    after a crash an entry is absent, RECEIVING (discarded at boot), or
 *    STORED with a whole, authenticated data file (DESIGN.md invariant 5).
 *  - Every transition replaces the sidecar atomically, then appends one
 *    fsynced journal record.  A journal failure is reported, but the
 *    transition has happened (vaultEntryGetState shows it).
 *  - Erase first writes a tombstone without the wrapped key to
 *    <root>/tombstones/<id>.meta (tmp, fsync, rename, fsync that
 *    directory), then unlinks the live sidecar (the only holder of the
 *    wrapped key) and the data file and fsyncs the area directory: from
 *    then on the data is crypto-erased.  A tombstone wins over live files:
 *    vaultEntryOpen and vaultStoreForeach see only the tombstone, and Open
 *    finishes an erase a crash interrupted.  Tombstones stay (tombstone-
 *    age), so a second backend run for the same job finds DONE and prints
 *    nothing; kept apart, they cost nothing to area usage and quotas.
 *  - A failed write or commit (FULL, QUOTA, IO) removes the entry's files:
 *    nothing is left behind.
 */

#include "spool-private.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK		4096
#define META_ROOM	(2 * BLOCK)	/* The sidecar and its temporary copy */

/*
 * 'entry_new()' - Wrap meta (taken) in an entry of area.
 */

static vault_entry_t *
entry_new(vault_store_t *store, vault_lock_t *lock, guint area, _vault_meta_t *meta)
{
  vault_entry_t *entry = g_new0(vault_entry_t, 1);

  entry->store = store;
  entry->lock  = lock;
  entry->area  = area;
  entry->meta  = meta;
  entry->fd    = -1;

  entry->job.uuid         = meta->uuid;
  entry->job.created      = meta->created;
  entry->job.job_id       = meta->job_id;
  entry->job.queue        = meta->queue;
  entry->job.user         = meta->user;
  entry->job.host         = meta->host;
  entry->job.title        = meta->title;
  entry->job.copies       = meta->copies;
  entry->job.priority     = meta->priority;
  entry->job.inner_uri    = meta->inner_uri;
  entry->job.content_type = meta->content_type;
  return (entry);
}


/*
 * '_vaultEntryFromMeta()' - A read-only entry for a sidecar read without a
 *                           lock; it takes meta.
 */

vault_entry_t *
_vaultEntryFromMeta(vault_store_t *store, guint area, _vault_meta_t *meta)
{
  return (entry_new(store, NULL, area, meta));
}


/*
 * '_vaultEntryFilePath()' - Path of one of the entry's files; g_free it.
 */

char *
_vaultEntryFilePath(const vault_entry_t *entry, const char *suffix)
{
  return (_vaultEntryPath(entry->store, entry->area, entry->meta->id, suffix));
}


/*
 * '_vaultEntrySpaceNeeded()' - Area bytes an entry of plain bytes takes,
 *                              in blocks.
 */

guint64
_vaultEntrySpaceNeeded(guint64 plain)
{
  return ((_vaultSealedSize(plain) + BLOCK - 1) / BLOCK * BLOCK + META_ROOM);
}


/*
 * '_vaultEntrySetStoredNow()' - Record now as the stored time (UTC and
 *                               site-local date with its zone name) and as
 *                               the last change.
 */

void
_vaultEntrySetStoredNow(_vault_meta_t *meta)
{
  GDateTime	*local = g_date_time_new_now_local();
  char		*date = g_date_time_format(local, "%Y-%m-%d");
  const char	*zone = g_time_zone_get_identifier(g_date_time_get_timezone(local));

  meta->stored_utc  = g_date_time_to_unix(local);
  meta->changed_utc = meta->stored_utc;
  g_strlcpy(meta->stored_local_date, date, sizeof(meta->stored_local_date));
  g_free(meta->stored_timezone);
  meta->stored_timezone = g_strdup(zone && *zone ? zone : g_date_time_get_timezone_abbreviation(local));

  g_free(date);
  g_date_time_unref(local);
}


/*
 * 'meta_for_job()' - A RECEIVING sidecar for job in area.
 */

static _vault_meta_t *
meta_for_job(vault_store_t *store, const vault_job_t *job, const char *id, guint area)
{
  _vault_meta_t *meta = _vaultMetaNew();

  memcpy(meta->id, id, _VAULT_ID_LEN + 1);
  meta->state        = VAULT_STATE_RECEIVING;
  meta->valid        = true;
  meta->encrypted    = true;
  meta->area         = g_strdup(vaultConfigGetAreaName(store->config, area));
  meta->uuid         = g_strdup(job->uuid);
  meta->created      = job->created;
  meta->job_id       = job->job_id;
  meta->queue        = g_strdup(job->queue);
  meta->user         = g_strdup(job->user);
  meta->host         = g_strdup(job->host);
  meta->title        = g_strdup(job->title);
  meta->copies       = job->copies;
  meta->priority     = job->priority >= 1 && job->priority <= 100 ? job->priority : 50;
  meta->inner_uri    = g_strdup(job->inner_uri);
  meta->content_type = g_strdup(job->content_type);
  _vaultEntrySetStoredNow(meta);
  return (meta);
}


/*
 * 'check_absent()' - EXISTS when entry id has a tombstone or any area holds
 *                    a file of it.
 */

static bool
check_absent(vault_store_t *store, const char *id, GError **error)
{
  int	area;				/* Area holding a file of id */

  if (_vaultTombstoneExists(store, id))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_EXISTS, "Entry %s was stored and erased before (this job was printed or discarded).", id);
    return (false);
  }

  if ((area = _vaultAreaHolding(store, id, _VAULT_META_SUFFIX)) < 0 &&
      (area = _vaultAreaHolding(store, id, _VAULT_DATA_SUFFIX)) < 0)
    return (true);

  g_set_error(error, VAULT_ERROR, VAULT_ERROR_EXISTS, "Entry %s already exists in area %s (this job was stored before).", id, vaultConfigGetAreaName(store->config, (guint)area));
  return (false);
}


/*
 * 'check_quota()' - QUOTA when user would pass its entry or byte cap with
 *                   one more entry of file_size bytes; *left is the bytes
 *                   the user may still write (G_MAXUINT64 without a cap).
 */

static bool
check_quota(vault_store_t *store, const char *user, guint64 file_size, guint64 *left, GError **error)
{
  guint64	max_bytes = vaultConfigGetOriginatorMaxBytes(store->config), bytes;
  guint		max_entries = vaultConfigGetOriginatorMaxEntries(store->config), entries;

  *left = G_MAXUINT64;
  if (!max_bytes && !max_entries)
    return (true);

  if (!_vaultStoreOriginatorUsage(store, user, &bytes, &entries, error))
    return (false);

  if (max_entries && entries >= max_entries)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_QUOTA, "Originator %s already has %u stored jobs, the most allowed (originator-max-entries).", user, entries);
    return (false);
  }

  if (max_bytes && (bytes >= max_bytes || file_size > max_bytes - bytes))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_QUOTA, "Originator %s would hold more than %" G_GUINT64_FORMAT " bytes in the vault (originator-max-bytes).", user, max_bytes);
    return (false);
  }

  if (max_bytes)
    *left = max_bytes - bytes;

  return (true);
}


/*
 * 'journal_refusal()' - Record a job refused at creation (best effort: the
 *                       caller reports the refusal itself).
 */

static void
journal_refusal(vault_store_t *store, const vault_job_t *job, const char *id, const GError *why)
{
  vault_record_t r = { 0, id, job->uuid, job->created, job->job_id, job->queue, job->user, "none", "discarded", NULL, why->message };

  vaultJournalAppend(store, &r, NULL);
}


/*
 * '_vaultEntryRemoveFiles()' - Unlink the data file, then the sidecar
 *                              (unless keep_meta), then fsync the directory,
 *                              so no data file is left without its sidecar.
 *                              IO on failure.
 */

bool
_vaultEntryRemoveFiles(vault_entry_t *entry, bool keep_meta, GError **error)
{
  char	*data = _vaultEntryFilePath(entry, _VAULT_DATA_SUFFIX);
  char	*meta = _vaultEntryFilePath(entry, _VAULT_META_SUFFIX);
  bool	ok = true;

  if (_vaultIoUnlink(entry->store->io, data) < 0 && errno != ENOENT)
  {
    _vaultSetIoError(error, errno, "Cannot remove", data);
    ok = false;
  }
  else if (!keep_meta && _vaultIoUnlink(entry->store->io, meta) < 0 && errno != ENOENT)
  {
    _vaultSetIoError(error, errno, "Cannot remove", meta);
    ok = false;
  }
  else if (_vaultIoFsyncDir(entry->store->io, vaultConfigGetAreaPath(entry->store->config, entry->area)) < 0)
  {
    _vaultSetIoError(error, errno, "Cannot sync the directory of", meta);
    ok = false;
  }

  g_free(data);
  g_free(meta);
  return (ok);
}


/*
 * '_vaultEntryCloseReceiving()' - Drop the sealer and the data file descriptor.
 */

void
_vaultEntryCloseReceiving(vault_entry_t *entry)
{
  g_clear_pointer(&entry->sealer, _vaultSealerFree);
  if (entry->fd >= 0)
  {
    _vaultIoClose(entry->store->io, entry->fd);
    entry->fd = -1;
  }
}


/*
 * 'start_data()' - Create the data file (O_EXCL) and its sealer with dek.
 */

static bool
start_data(vault_entry_t *entry, const _vault_key_t *dek, GError **error)
{
  char *path = _vaultEntryFilePath(entry, _VAULT_DATA_SUFFIX);

  entry->fd = _vaultIoOpen(entry->store->io, path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (entry->fd < 0)
    _vaultSetIoError(error, errno, "Cannot create", path);
  else
    entry->sealer = _vaultSealerNew(entry->store->io, entry->fd, dek, entry->meta->id, error);

  g_free(path);
  return (entry->sealer != NULL);
}


/*
 * 'start_entry()' - Wrap a fresh data key, put the RECEIVING sidecar (its
 *                   directory is fsynced by commit), then create the data
 *                   file.  On failure the files are gone.
 */

static bool
start_entry(vault_entry_t *entry, const char *secret, GError **error)
{
  vault_store_t	*store = entry->store;
  _vault_meta_t	*meta = entry->meta;
  _vault_key_t	dek;
  char		*path;
  bool		ok;

  if (!_vaultKeyRandom(&dek, error))
    return (false);

  ok = _vaultKeyWrap(&store->kek, meta->id, &dek, secret, &meta->wrapped_key, &meta->secret_salt, &meta->secret_iterations, error);
  if (ok)
  {
    path = _vaultEntryFilePath(entry, _VAULT_META_SUFFIX);
    ok   = _vaultMetaPut(store->io, path, meta, &store->mac_key, error) &&
           start_data(entry, &dek, error);
    g_free(path);
  }

  _vaultKeyWipe(&dek, sizeof(dek));
  if (!ok)
  {
    _vaultEntryCloseReceiving(entry);
    _vaultEntryRemoveFiles(entry, false, NULL);
  }

  return (ok);
}


/*
 * 'vaultEntryCreate()' - Create the RECEIVING entry of job in the area with
 *                        the most room, under lock (which must be the lock
 *                        of the job's entry id).  size_hint is the expected
 *                        plaintext size (0 if unknown).  Fails with
 *                        INVALID, EXISTS, QUOTA, FULL, KEY or IO, and then
 *                        leaves nothing on disk; QUOTA and FULL refusals are
 *                        journalled (none -> discarded).  The RECEIVING
 *                        sidecar is written (fsynced, renamed); its name is
 *                        durable with commit's directory fsync.
 */

vault_entry_t *
vaultEntryCreate(vault_store_t *store, vault_lock_t *lock, const vault_job_t *job, guint64 size_hint, const char *secret, GError **error)
{
  vault_entry_t	*entry;
  GError	*e = NULL;
  guint64	left = G_MAXUINT64, room = 0;
  guint		area = 0;
  char		*id;

  g_return_val_if_fail(store != NULL && lock != NULL && job != NULL, NULL);

  if ((id = vaultJobEntryId(job, error)) == NULL)
    return (NULL);

  if (!_vaultLockCheck(lock, id, error))
  {
    g_free(id);
    return (NULL);
  }

  if (!check_absent(store, id, error))
  {
    g_free(id);
    return (NULL);
  }

  if (!check_quota(store, job->user, _vaultSealedSize(size_hint), &left, &e) || !_vaultAreaChoose(store, _vaultEntrySpaceNeeded(size_hint), &area, &room, &e))
  {
    if (e->code == VAULT_ERROR_FULL || e->code == VAULT_ERROR_QUOTA)
      journal_refusal(store, job, id, e);
    g_propagate_error(error, e);
    g_free(id);
    return (NULL);
  }

  entry             = entry_new(store, lock, area, meta_for_job(store, job, id, area));
  entry->room       = room;
  entry->quota_left = left;
  g_free(id);

  if (!start_entry(entry, secret, error) ||
      !_vaultJournalTransition(store, entry->meta, "none", NULL, "job received", error))
  {
    _vaultEntryCloseReceiving(entry);
    _vaultEntryRemoveFiles(entry, false, NULL);
    entry->meta->state = VAULT_STATE_DISCARDED;
    vaultEntryFree(entry);
    return (NULL);
  }

  return (entry);
}




/*
 * 'vaultEntryFree()' - Free an entry (NULL allowed).  A RECEIVING entry that
 *                      was neither committed nor aborted is aborted first,
 *                      so a failed run leaves nothing behind.  The lock is
 *                      not released.
 */

void
vaultEntryFree(vault_entry_t *entry)
{
  if (!entry)
    return;

  if (entry->sealer)
    vaultEntryAbort(entry, "job not committed");

  _vaultEntryCloseReceiving(entry);
  _vaultMetaFree(entry->meta);
  g_free(entry);
}
