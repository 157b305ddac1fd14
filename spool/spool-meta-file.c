/*
 * Sidecar files: writing a sidecar through the I/O layer (temporary file,
 * then rename) and reading one back from disk.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The sidecar is replaced atomically (temporary file, fsync, rename,
 * directory fsync; commit makes one directory fsync cover the data file and
 * the sidecar) and is always the last file of an entry to be written.  Its
 * text is spool-meta.c's.
 */

#include "spool-private.h"
#include <errno.h>
#include <fcntl.h>


/*
 * '_vaultMetaPutTmp()' - Write the sidecar for path to <path>.tmp through
 *                        the I/O layer (create, write) WITHOUT fsync or
 *                        rename; *fd is left open so the caller can fsync
 *                        it (the I/O layer learns the data is durable only
 *                        from that fsync).  Nothing of it is durable yet.
 *                        On failure the tmp file is removed; IO.
 */

bool
_vaultMetaPutTmp(_vault_io_t *io, const char *path, const _vault_meta_t *meta, const _vault_key_t *mac_key, int *fd, GError **error)
{
  gsize	len;
  char	*data = _vaultMetaToData(meta, mac_key, &len);
  bool	ok = _vaultIoPutTmp(io, path, data, len, fd, error);

  _vaultKeyWipe(data, len);
  g_free(data);
  return (ok);
}


/*
 * '_vaultMetaPut()' - Replace the sidecar at path through the I/O layer:
 *                     <path>.tmp, write, fsync, rename.  The directory is
 *                     NOT fsynced: the new name is durable once the caller
 *                     fsyncs it (commit does it once for the data file and
 *                     the sidecar).  On failure the tmp file is removed and
 *                     path is untouched; IO.
 */

bool
_vaultMetaPut(_vault_io_t *io, const char *path, const _vault_meta_t *meta, const _vault_key_t *mac_key, GError **error)
{
  gsize	len;
  char	*data = _vaultMetaToData(meta, mac_key, &len);
  bool	ok = _vaultIoPut(io, path, data, len, error);

  _vaultKeyWipe(data, len);
  g_free(data);
  return (ok);
}


/*
 * '_vaultMetaWrite()' - Replace the sidecar at path atomically through the
 *                       I/O layer, its directory fsynced too.  Durable when
 *                       it returns true; IO otherwise.
 */

bool
_vaultMetaWrite(_vault_io_t *io, const char *path, const _vault_meta_t *meta, const _vault_key_t *mac_key, GError **error)
{
  gsize	len;
  char	*data = _vaultMetaToData(meta, mac_key, &len);
  bool	ok = _vaultIoReplaceFile(io, path, data, len, error);

  _vaultKeyWipe(data, len);
  g_free(data);
  return (ok);
}


/*
 * '_vaultMetaRead()' - Read and verify a sidecar file.  NOT_FOUND when it
 *                      does not exist, IO when unreadable, then as
 *                      _vaultMetaFromData (the message names the file).
 */

_vault_meta_t *
_vaultMetaRead(const char *path, const _vault_key_t *mac_key, GError **error)
{
  char		*data = NULL;
  gsize		len;
  GError	*e = NULL;
  _vault_meta_t	*meta;

  if (!g_file_get_contents(path, &data, &len, &e))
  {
    g_set_error(error, VAULT_ERROR, g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? VAULT_ERROR_NOT_FOUND : VAULT_ERROR_IO, "%s", e->message);
    g_error_free(e);
    return (NULL);
  }

  if ((meta = _vaultMetaFromData(data, len, mac_key, &e)) == NULL)
  {
    g_set_error(error, VAULT_ERROR, e->code, "%s: %s", path, e->message);
    g_error_free(e);
  }

  _vaultKeyWipe(data, len);
  g_free(data);
  return (meta);
}
