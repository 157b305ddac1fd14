/*
 * Entry identity and per-entry locks.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * An entry id is derived from the job's identity (queue, job-uuid,
 * time-at-creation), never from the CUPS job id, which cupsd reuses after a
 * crash.  The lock is an flock(2) on <root>/locks/<id>.lock: it vanishes with
 * the process that held it, so a crashed backend never leaves an entry
 * locked, and two backend runs for one job never send it both.  Lock files
 * are never unlinked here (unlinking would let two processes lock two
 * different inodes for the same id); recovery may prune them.
 */

#include "spool-private.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>


/*
 * '_vaultIdIsValid()' - True for exactly 32 lowercase hex digits.
 */

bool
_vaultIdIsValid(const char *id)
{
  return (id && strlen(id) == _VAULT_ID_LEN && _vaultIsLowerHex(id, _VAULT_ID_LEN));
}


/*
 * 'valid_uuid()' - "urn:uuid:" followed by 36 characters of [0-9a-fA-F-].
 */

static bool
valid_uuid(const char *uuid)
{
  if (!uuid || strlen(uuid) != 45 || strncmp(uuid, "urn:uuid:", 9))
    return (false);

  for (const char *p = uuid + 9; *p; p ++)
    if (!g_ascii_isxdigit(*p) && *p != '-')
      return (false);

  return (true);
}


/*
 * '_vaultJobValidate()' - Check the fields of a job that make its identity
 *                         and that become file contents.  INVALID names the
 *                         first bad field.
 */

bool
_vaultJobValidate(const vault_job_t *job, GError **error)
{
  const char *bad = NULL;

  if (!valid_uuid(job->uuid))
    bad = "job-uuid (expected urn:uuid: and 36 hex digits or dashes)";
  else if (!vaultQueueNameIsValid(job->queue))
    bad = "queue name (1 to 127 bytes, no spaces, control characters, / \\ ? ' \" or #)";
  else if (job->created <= 0)
    bad = "time-at-creation (must be positive)";
  else if (!job->user || !*job->user || !g_utf8_validate(job->user, -1, NULL))
    bad = "originator user name (required, UTF-8)";

  if (bad)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "Invalid job identity: bad %s.", bad);
    return (false);
  }

  return (true);
}


/*
 * 'vaultJobEntryId()' - The entry id of a job: the first 128 bits of
 *                       SHA-256(queue NUL uuid NUL decimal created), in
 *                       lowercase hex.  INVALID for a bad uuid or queue.
 *                       g_free the result.
 */

char *
vaultJobEntryId(const vault_job_t *job, GError **error)
{
  GChecksum	*sum;
  char		created[32];
  char		*id;

  g_return_val_if_fail(job != NULL, NULL);

  if (!_vaultJobValidate(job, error))
    return (NULL);

  g_snprintf(created, sizeof(created), "%" G_GINT64_FORMAT, job->created);

  sum = g_checksum_new(G_CHECKSUM_SHA256);
  g_checksum_update(sum, (const guchar *)job->queue, (gssize)strlen(job->queue) + 1);
  g_checksum_update(sum, (const guchar *)job->uuid, (gssize)strlen(job->uuid) + 1);
  g_checksum_update(sum, (const guchar *)created, (gssize)strlen(created));

  id = g_strndup(g_checksum_get_string(sum), _VAULT_ID_LEN);
  g_checksum_free(sum);
  return (id);
}


/*
 * 'vaultLockAcquire()' - Lock entry id.  wait=false fails with LOCKED when
 *                        another process (or another open lock in this
 *                        process) holds it; wait=true blocks.  INVALID for a
 *                        bad id, IO when the lock file cannot be opened.
 */

vault_lock_t *
vaultLockAcquire(vault_store_t *store, const char *id, bool wait, GError **error)
{
  vault_lock_t	*lock;
  char		*path;
  int		fd, ret;

  g_return_val_if_fail(store != NULL, NULL);

  if (!_vaultIdIsValid(id))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "Invalid entry id \"%s\".", id ? id : "(null)");
    return (NULL);
  }

  path = g_strdup_printf("%s/%s.lock", store->locks_dir, id);
  if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
  {
    _vaultSetIoError(error, errno, "Cannot open the lock file", path);
    g_free(path);
    return (NULL);
  }

  while ((ret = flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB))) < 0 && errno == EINTR);

  if (ret < 0)
  {
    if (errno == EWOULDBLOCK)
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_LOCKED, "Entry %s is locked by another process (is another backend sending this job?).", id);
    else
      _vaultSetIoError(error, errno, "Cannot lock", path);
    close(fd);
    g_free(path);
    return (NULL);
  }

  g_free(path);
  lock        = g_new0(vault_lock_t, 1);
  lock->store = store;
  lock->fd    = fd;
  memcpy(lock->id, id, _VAULT_ID_LEN + 1);
  return (lock);
}


/*
 * '_vaultLockCheck()' - INVALID unless lock is the lock of entry id.
 */

bool
_vaultLockCheck(const vault_lock_t *lock, const char *id, GError **error)
{
  if (!strcmp(id, lock->id))
    return (true);

  g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "The lock held (%s) is not the lock of entry %s.", lock->id, id);
  return (false);
}


/*
 * 'vaultLockRelease()' - Release and free a lock (NULL is allowed).  The
 *                        lock file stays.
 */

void
vaultLockRelease(vault_lock_t *lock)
{
  if (!lock)
    return;

  close(lock->fd);
  g_free(lock);
}
