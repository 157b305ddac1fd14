/*
 * Opening an entry and reading its data back: find its tombstone or live
 * sidecar, unwrap the data key and decrypt the STREAM file chunk by chunk,
 * refusing a truncated or tampered file.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Beyond the STREAM's own checks (spool-crypt-open.c: every chunk authenticated,
 * the file must end with the final chunk), the reader holds the file to the
 * sizes the sidecar recorded at commit, under the sidecar's MAC: a shorter
 * file is TRUNCATED before a byte is returned, a longer one CORRUPT, and a
 * plaintext length other than the recorded one CORRUPT.
 */

#include "spool-private.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct _vault_reader_s
{
  _vault_opener_t	*opener;
  char			*id;		/* For messages */
  guint64		expected;	/* Plaintext size from the sidecar */
  guint64		got;		/* Plaintext bytes returned so far */
};


/*
 * 'find_area()' - The area holding entry id's sidecar; NOT_FOUND if none.
 */

static bool
find_area(vault_store_t *store, const char *id, guint *area, GError **error)
{
  int found = _vaultAreaHolding(store, id, _VAULT_META_SUFFIX);

  if (found < 0)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND, "No vault entry %s.", id);
    return (false);
  }

  *area = (guint)found;
  return (true);
}


/*
 * 'read_tombstone()' - A read-only entry for the tombstone of id at path.
 *                      CORRUPT for a sidecar that is no tombstone or names
 *                      another entry; AUTH, VERSION, IO.
 */

static vault_entry_t *
read_tombstone(vault_store_t *store, const char *id, const char *path, GError **error)
{
  _vault_meta_t	*meta = _vaultMetaRead(path, &store->mac_key, error);
  int		area;

  if (!meta)
    return (NULL);

  if (strcmp(meta->id, id) || meta->valid || meta->wrapped_key || (meta->state != VAULT_STATE_DONE && meta->state != VAULT_STATE_DISCARDED))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "%s: not the tombstone of entry %s (moved or copied file).", path, id);
    _vaultMetaFree(meta);
    return (NULL);
  }

  area = _vaultAreaFind(store, meta->area);
  return (_vaultEntryFromMeta(store, area >= 0 ? (guint)area : 0, meta));
}


/*
 * 'read_live()' - A read-only entry for id's live sidecar; NOT_FOUND,
 *                 CORRUPT for one that names another entry or area, AUTH,
 *                 VERSION, IO.
 */

static vault_entry_t *
read_live(vault_store_t *store, const char *id, GError **error)
{
  _vault_meta_t	*meta;
  guint		area;
  char		*path;

  if (!find_area(store, id, &area, error))
    return (NULL);

  path = _vaultEntryPath(store, area, id, _VAULT_META_SUFFIX);
  meta = _vaultMetaRead(path, &store->mac_key, error);
  if (meta && (strcmp(meta->id, id) || g_strcmp0(meta->area, vaultConfigGetAreaName(store->config, area))))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "%s: the sidecar names another entry or area (moved or copied file).", path);
    g_clear_pointer(&meta, _vaultMetaFree);
  }

  g_free(path);
  return (meta ? _vaultEntryFromMeta(store, area, meta) : NULL);
}


/*
 * 'read_entry()' - A read-only entry for id: its tombstone when it has one
 *                  (a tombstone wins: *tombstone is then true), else its
 *                  live sidecar.  Errors as read_tombstone and read_live.
 */

static vault_entry_t *
read_entry(vault_store_t *store, const char *id, bool *tombstone, GError **error)
{
  char		*path = _vaultTombstonePath(store, id);
  vault_entry_t	*entry;

  if ((*tombstone = access(path, F_OK) == 0) == true)
    entry = read_tombstone(store, id, path, error);
  else
    entry = read_live(store, id, error);

  g_free(path);
  return (entry);
}


/*
 * 'vaultEntryOpen()' - Open entry id under its lock: its tombstone when it
 *                      has one (a tombstone wins; live files an
 *                      interrupted erase left are removed first), else its
 *                      live sidecar.  NOT_FOUND when there is none; AUTH,
 *                      CORRUPT or VERSION for a bad sidecar (also CORRUPT
 *                      for one copied from another entry or area); IO.
 */

vault_entry_t *
vaultEntryOpen(vault_store_t *store, vault_lock_t *lock, const char *id, GError **error)
{
  vault_entry_t	*entry;
  bool		tombstone;

  g_return_val_if_fail(store != NULL && lock != NULL && id != NULL, NULL);

  if (!_vaultLockCheck(lock, id, error) || (entry = read_entry(store, id, &tombstone, error)) == NULL)
    return (NULL);

  entry->lock = lock;
  if (tombstone && !_vaultEntryFinishErase(entry, error))
    g_clear_pointer(&entry, vaultEntryFree);

  return (entry);
}


/*
 * 'vaultEntryPeek()' - Read entry id's sidecar without its lock: a
 *                      read-only entry as it was at that moment (its
 *                      tombstone when it has one, the erase it finishes
 *                      left to vaultEntryOpen).  Errors as vaultEntryOpen.
 */

vault_entry_t *
vaultEntryPeek(vault_store_t *store, const char *id, GError **error)
{
  bool tombstone;

  g_return_val_if_fail(store != NULL && id != NULL, NULL);

  return (read_entry(store, id, &tombstone, error));
}


/*
 * 'check_readable()' - STATE unless the entry holds committed, unerased data.
 */

static bool
check_readable(const vault_entry_t *entry, GError **error)
{
  switch (entry->meta->state)
  {
    case VAULT_STATE_STORED :
    case VAULT_STATE_SENDING :
    case VAULT_STATE_AWAITING :
    case VAULT_STATE_RESURRECTED :
        if (entry->meta->valid && entry->meta->wrapped_key)
          return (true);
        break;
    default :
        break;
  }

  g_set_error(error, VAULT_ERROR, VAULT_ERROR_STATE, "Entry %s has no readable data (state %s).", entry->meta->id, vaultStateString(entry->meta->state));
  return (false);
}


/*
 * 'open_data_file()' - Open the data file and check its size against the
 *                      sidecar: TRUNCATED when shorter (or missing), CORRUPT
 *                      when longer, IO.  Returns the descriptor or -1.
 */

static int
open_data_file(const vault_entry_t *entry, GError **error)
{
  char		*path = _vaultEntryPath(entry->store, entry->area, entry->meta->id, _VAULT_DATA_SUFFIX);
  struct stat	st;
  int		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
  {
    if (errno == ENOENT)
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_TRUNCATED, "%s: the data file of a stored entry is missing.", path);
    else
      _vaultSetIoError(error, errno, "Cannot open", path);
  }
  else if (fstat(fd, &st) < 0)
  {
    _vaultSetIoError(error, errno, "Cannot examine", path);
    close(fd);
    fd = -1;
  }
  else if ((guint64)st.st_size != entry->meta->file_size)
  {
    g_set_error(error, VAULT_ERROR, (guint64)st.st_size < entry->meta->file_size ? VAULT_ERROR_TRUNCATED : VAULT_ERROR_CORRUPT, "%s: the data file has %lld bytes, the sidecar recorded %" G_GUINT64_FORMAT ".", path, (long long)st.st_size, entry->meta->file_size);
    close(fd);
    fd = -1;
  }

  g_free(path);
  return (fd);
}


/*
 * 'vaultEntryOpenData()' - Open a decrypting stream over the entry's data.
 *                          secret is required when vaultEntryHasSecret.
 *                          STATE for an entry without data, AUTH for a
 *                          wrong site key, SECRET_REQUIRED / SECRET_WRONG,
 *                          TRUNCATED / CORRUPT / VERSION for a bad file, IO.
 */

vault_reader_t *
vaultEntryOpenData(vault_entry_t *entry, const char *secret, GError **error)
{
  _vault_meta_t		*meta;
  _vault_key_t		dek;
  _vault_opener_t	*opener;
  vault_reader_t	*reader;
  int			fd;

  g_return_val_if_fail(entry != NULL, NULL);

  meta = entry->meta;
  if (!check_readable(entry, error))
    return (NULL);

  if (!_vaultKeyUnwrap(&entry->store->kek, meta->id, meta->wrapped_key, meta->secret_salt, meta->secret_iterations, secret, &dek, error))
    return (NULL);

  if ((fd = open_data_file(entry, error)) < 0)
  {
    _vaultKeyWipe(&dek, sizeof(dek));
    return (NULL);
  }

  opener = _vaultOpenerNew(fd, &dek, meta->id, error);
  _vaultKeyWipe(&dek, sizeof(dek));
  if (!opener)
  {
    close(fd);
    return (NULL);
  }

  reader           = g_new0(vault_reader_t, 1);
  reader->opener   = opener;
  reader->id       = g_strdup(meta->id);
  reader->expected = meta->data_size;
  return (reader);
}


/*
 * 'vaultReaderRead()' - Read up to len decrypted bytes: > 0 bytes, 0 at the
 *                       authenticated end, -1 with TRUNCATED, AUTH, CORRUPT
 *                       or IO.  No byte of an unauthenticated chunk is ever
 *                       returned.
 */

gssize
vaultReaderRead(vault_reader_t *reader, void *buf, size_t len, GError **error)
{
  gssize n;

  g_return_val_if_fail(reader != NULL && buf != NULL, -1);

  if ((n = _vaultOpenerRead(reader->opener, buf, len, error)) < 0)
    return (-1);

  reader->got += (guint64)n;
  if (reader->got > reader->expected || (n == 0 && reader->got != reader->expected))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "Entry %s: the data holds %" G_GUINT64_FORMAT " bytes or more, the sidecar recorded %" G_GUINT64_FORMAT ".", reader->id, reader->got, reader->expected);
    return (-1);
  }

  return (n);
}


/*
 * 'vaultReaderClose()' - Close the stream and wipe its key (NULL allowed).
 */

void
vaultReaderClose(vault_reader_t *reader)
{
  if (!reader)
    return;

  _vaultOpenerFree(reader->opener);
  g_free(reader->id);
  g_free(reader);
}
