/*
 * Fault injection of the spool's I/O layer: arming a fault at a chosen
 * step, and the record of what is not yet durable that a DROP undoes.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Steps counted (1-based): open with O_CREAT, write, fsync, rename,
 * directory fsync, unlink.  A fault armed at step N fires before step N is
 * done: STOP just _exit()s; DROP first undoes everything a power loss could
 * lose and then _exit()s.  The model DROP enforces is the POSIX one:
 *
 *   - file data is durable up to the length the file had at its last
 *     fsync (a file this process created starts with 0 durable bytes);
 *     only appended data is tracked, overwrites below that length are not;
 *   - a create, rename or unlink is durable once the directory holding the
 *     (new) name has been fsynced.
 *
 * To undo a rename over an existing name, or an unlink, the old inode is
 * kept under a hidden hard link (".vault-io-*") in the same directory until
 * that directory is fsynced.  Nothing is tracked unless DROP is armed, so
 * production runs pay one branch per call (spool-io.c counts the steps and
 * calls in here only while DROP is armed).
 */

#include "spool-private.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/*
 * '_vaultIoSetFault()' - Arm a fault at step `step` (counted from 1 over the
 *                        whole life of io), or disarm with _VAULT_IO_FAULT_NONE.
 *                        Tracking for DROP starts now.
 */

void
_vaultIoSetFault(_vault_io_t        *io,
                 _vault_io_fault_t  mode,
                 guint64            step)
{
  g_return_if_fail(io != NULL);

  io->mode       = step > 0 ? mode : _VAULT_IO_FAULT_NONE;
  io->fault_step = step;
}


/*
 * '_vaultIoSetFaultFromString()' - Arm a fault from "stop:N" or "drop:N"
 *                                  (N >= 1).  NULL or "" disarms.  INVALID
 *                                  for anything else.
 */

bool
_vaultIoSetFaultFromString(_vault_io_t *io,
                           const char  *spec,
                           GError      **error)
{
  _vault_io_fault_t	mode;
  const char		*num;
  guint64		step;

  g_return_val_if_fail(io != NULL, false);

  if (!spec || !*spec)
  {
    _vaultIoSetFault(io, _VAULT_IO_FAULT_NONE, 0);
    return (true);
  }

  if (g_str_has_prefix(spec, "stop:"))
    mode = _VAULT_IO_FAULT_STOP;
  else if (g_str_has_prefix(spec, "drop:"))
    mode = _VAULT_IO_FAULT_DROP;
  else
    mode = _VAULT_IO_FAULT_NONE;

  num = strchr(spec, ':');
  if (mode == _VAULT_IO_FAULT_NONE || !num ||
      !g_ascii_string_to_unsigned(num + 1, 10, 1, G_MAXUINT64, &step, NULL))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID,
                "I/O fault \"%s\" is not understood: use \"stop:N\" or \"drop:N\" with N >= 1.", spec);
    return (false);
  }

  _vaultIoSetFault(io, mode, step);
  return (true);
}


/*
 * '_vaultIoFileTrack()' - Record caller descriptor fd; durable length
 *                         `synced` unless the inode is already known.
 *                         Returns -1 on error.
 */

int
_vaultIoFileTrack(_vault_io_t *io,
                  int         fd,
                  off_t       synced)
{
  struct stat		st;
  _vault_io_file_t	*f = NULL;
  guint			i;

  if (fstat(fd, &st))
    return (-1);

  for (i = 0; i < io->files->len && !f; i ++)
  {
    _vault_io_file_t *g = g_ptr_array_index(io->files, i);

    if (g->dev == st.st_dev && g->ino == st.st_ino)
      f = g;
  }

  if (!f)
  {
    f          = g_new0(_vault_io_file_t, 1);
    f->dev     = st.st_dev;
    f->ino     = st.st_ino;
    f->synced  = synced < 0 ? st.st_size : synced;
    f->keep_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (f->keep_fd < 0)
    {
      g_free(f);
      return (-1);
    }
    g_ptr_array_add(io->files, f);
  }
  else if (synced == 0)
    f->synced = 0;			/* O_TRUNC: the old contents are gone */

  f->users ++;
  g_hash_table_insert(io->fds, GINT_TO_POINTER(fd), f);
  return (0);
}


/*
 * '_vaultIoDiropAdd()' - Record a directory change of `path` for a later DROP.
 */

int
_vaultIoDiropAdd(_vault_io_t    *io,
                 _vault_io_op_t op,
                 const char     *path,
                 const char     *from,
                 char           *backup)		/* I - Taken over */
{
  char			*dir = g_path_get_dirname(path);
  struct stat		st;
  _vault_io_dirop_t	*d;
  int			ret = stat(dir, &st);

  g_free(dir);
  if (ret)
  {
    g_free(backup);
    return (-1);
  }

  d          = g_new0(_vault_io_dirop_t, 1);
  d->op      = op;
  d->dir_dev = st.st_dev;
  d->dir_ino = st.st_ino;
  d->path    = g_strdup(path);
  d->from    = g_strdup(from);
  d->backup  = backup;
  g_ptr_array_add(io->dirops, d);

  return (0);
}


/*
 * '_vaultIoBackupLink()' - Hard-link path to a hidden name in its directory.
 *                          Returns the name (g_free it), or NULL with errno set.
 */

char *
_vaultIoBackupLink(_vault_io_t *io,
                   const char  *path)
{
  char	*dir = g_path_get_dirname(path);
  char	*name = g_strdup_printf("%s/.vault-io-%ld-%u", dir, (long)getpid(), io->backups ++);

  g_free(dir);
  unlink(name);
  if (link(path, name))
  {
    g_free(name);
    return (NULL);
  }

  return (name);
}


/*
 * '_vaultIoDrop()' - Undo every effect that is not durable: directory changes
 *                    newest first, then unsynced appended data.
 */

void
_vaultIoDrop(_vault_io_t *io)
{
  guint	i;

  for (i = io->dirops->len; i > 0; i --)
  {
    _vault_io_dirop_t *d = g_ptr_array_index(io->dirops, i - 1);

    switch (d->op)
    {
      case _VAULT_IO_OP_CREATE :
          unlink(d->path);
	  break;
      case _VAULT_IO_OP_RENAME :
          rename(d->path, d->from);
	  if (d->backup)
	    rename(d->backup, d->path);
	  break;
      case _VAULT_IO_OP_UNLINK :
          if (d->backup)
	    rename(d->backup, d->path);
	  break;
    }
  }

  for (i = 0; i < io->files->len; i ++)
  {
    _vault_io_file_t	*f = g_ptr_array_index(io->files, i);
    struct stat		st;

    if (!fstat(f->keep_fd, &st) && st.st_size > f->synced)
      (void)!ftruncate(f->keep_fd, f->synced);
  }
}
