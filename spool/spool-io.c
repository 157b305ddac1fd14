/*
 * The spool's I/O layer: thin POSIX wrappers that count every durability
 * step so tests can crash the process, or lose what was not yet durable,
 * at any chosen step.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Steps counted (1-based): open with O_CREAT, write, fsync, rename,
 * directory fsync, unlink.  spool-io-fault.c arms a fault at step N and
 * keeps the record of what is not yet durable (the durability model DROP
 * enforces is stated there); the wrappers here count the steps, fire the
 * fault, and report their effects to that record only while DROP is armed,
 * so production runs pay one branch per call.
 */

#ifndef _GNU_SOURCE
#  define _GNU_SOURCE			/* sync_file_range(2) */
#endif

#include "spool-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>


/*
 * Local functions...
 */

static void	dirop_free(gpointer p);


/*
 * '_vaultIoNew()' - Create an I/O context with no fault armed.
 */

_vault_io_t *
_vaultIoNew(void)
{
  _vault_io_t	*io = g_new0(_vault_io_t, 1);

  io->fds    = g_hash_table_new(g_direct_hash, g_direct_equal);
  io->files  = g_ptr_array_new();
  io->dirops = g_ptr_array_new_with_free_func(dirop_free);

  return (io);
}


/*
 * '_vaultIoFree()' - Free an I/O context.  Backup links still held (their
 *                    directory was never fsynced) are removed.
 */

void
_vaultIoFree(_vault_io_t *io)
{
  guint	i;

  if (!io)
    return;

  for (i = 0; i < io->dirops->len; i ++)
  {
    _vault_io_dirop_t *d = g_ptr_array_index(io->dirops, i);

    if (d->backup)
      unlink(d->backup);
  }

  for (i = 0; i < io->files->len; i ++)
  {
    _vault_io_file_t *f = g_ptr_array_index(io->files, i);

    close(f->keep_fd);
    g_free(f);
  }

  g_ptr_array_free(io->dirops, TRUE);
  g_ptr_array_free(io->files, TRUE);
  g_hash_table_destroy(io->fds);
  g_free(io);
}


/*
 * '_vaultIoGetSteps()' - Number of steps done so far.
 */

guint64
_vaultIoGetSteps(const _vault_io_t *io)
{
  g_return_val_if_fail(io != NULL, 0);

  return (io->steps);
}


/*
 * 'io_step()' - Count one step; fire the armed fault when this is it.
 */

static void
io_step(_vault_io_t *io)
{
  if (io->mode != _VAULT_IO_FAULT_NONE && io->steps + 1 == io->fault_step)
  {
    if (io->mode == _VAULT_IO_FAULT_DROP)
      _vaultIoDrop(io);

    _exit(_VAULT_IO_CRASH_EXIT);
  }

  io->steps ++;
}


/*
 * 'io_tracking()' - Whether effects must be recorded for a later DROP.
 */

static inline bool
io_tracking(const _vault_io_t *io)
{
  return (io->mode == _VAULT_IO_FAULT_DROP);
}


/*
 * 'dirop_free()' - Free a directory change record.
 */

static void
dirop_free(gpointer p)
{
  _vault_io_dirop_t	*d = p;

  g_free(d->path);
  g_free(d->from);
  g_free(d->backup);
  g_free(d);
}



/*
 * '_vaultIoOpen()' - open(2); a step when flags include O_CREAT.  Returns
 *                    the descriptor or -1 with errno set.
 */

int
_vaultIoOpen(_vault_io_t *io,
             const char  *path,
             int         flags,
             mode_t      mode)
{
  struct stat	st;
  bool		existed = true;
  int		fd;

  g_return_val_if_fail(io != NULL && path != NULL, -1);

  if (!(flags & O_CREAT))
    return (open(path, flags | O_CLOEXEC, mode));

  io_step(io);

  if (!io_tracking(io))
    return (open(path, flags | O_CLOEXEC, mode));

  existed = lstat(path, &st) == 0;
  if ((fd = open(path, flags | O_CLOEXEC, mode)) < 0)
    return (-1);

  if ((!existed && _vaultIoDiropAdd(io, _VAULT_IO_OP_CREATE, path, NULL, NULL)) ||
      _vaultIoFileTrack(io, fd, (!existed || (flags & O_TRUNC)) ? 0 : -1))
  {
    int err = errno;

    close(fd);
    errno = err;
    return (-1);
  }

  return (fd);
}


/*
 * '_vaultIoWrite()' - Write all len bytes (one step), retrying short writes
 *                     and EINTR.  Returns 0, or -1 with errno set.
 */

int
_vaultIoWrite(_vault_io_t *io,
              int         fd,
              const void  *buf,
              size_t      len)
{
  const char	*p = buf;

  g_return_val_if_fail(io != NULL, -1);

  io_step(io);

  if (io_tracking(io) && !g_hash_table_contains(io->fds, GINT_TO_POINTER(fd)) &&
      _vaultIoFileTrack(io, fd, -1))
    return (-1);

  while (len > 0)
  {
    ssize_t n = write(fd, p, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return (-1);

    p   += n;
    len -= (size_t)n;
  }

  return (0);
}


/*
 * 'mark_synced()' - Record that fd's current length is durable (DROP only).
 */

static void
mark_synced(_vault_io_t *io,
            int         fd)
{
  _vault_io_file_t	*f;
  struct stat	st;

  if (io_tracking(io) && (f = g_hash_table_lookup(io->fds, GINT_TO_POINTER(fd))) != NULL &&
      !fstat(fd, &st))
    f->synced = st.st_size;
}


/*
 * '_vaultIoFsync()' - fsync(2) one file (a step); its current length is
 *                     durable afterwards.  Returns 0 or -1 with errno.
 */

int
_vaultIoFsync(_vault_io_t *io,
              int         fd)
{
  g_return_val_if_fail(io != NULL, -1);

  io_step(io);

  if (fsync(fd))
    return (-1);

  mark_synced(io, fd);
  return (0);
}


/*
 * '_vaultIoFsyncAfterSyncfs()' - The step that stands for fsync(2) of one
 *                                file once syncfs(2) of its file system
 *                                has succeeded: wait for the file's own
 *                                write-back and report its errors
 *                                (sync_file_range(2): no second journal
 *                                commit, no device cache flush); its
 *                                current length is durable afterwards.
 *                                Returns 0 or -1 with errno.
 */

int
_vaultIoFsyncAfterSyncfs(_vault_io_t *io,
                         int         fd)
{
  g_return_val_if_fail(io != NULL, -1);

  io_step(io);

  if (sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER))
    return (-1);

  mark_synced(io, fd);
  return (0);
}


/*
 * '_vaultIoClose()' - close(2) (not a step).  Closing does not make data
 *                     durable; a fully synced inode stops being tracked.
 */

int
_vaultIoClose(_vault_io_t *io,
              int         fd)
{
  _vault_io_file_t	*f;

  g_return_val_if_fail(io != NULL, -1);

  if ((f = g_hash_table_lookup(io->fds, GINT_TO_POINTER(fd))) != NULL)
  {
    struct stat st;

    g_hash_table_remove(io->fds, GINT_TO_POINTER(fd));
    if (-- f->users == 0 && !fstat(f->keep_fd, &st) && st.st_size <= f->synced)
    {
      close(f->keep_fd);
      g_ptr_array_remove(io->files, f);
      g_free(f);
    }
  }

  return (close(fd));
}


/*
 * '_vaultIoRename()' - rename(2) (a step); durable once the directory of
 *                      `to` is fsynced.  Returns 0 or -1 with errno.
 */

int
_vaultIoRename(_vault_io_t *io,
               const char  *from,
               const char  *to)
{
  char	*backup = NULL;

  g_return_val_if_fail(io != NULL && from != NULL && to != NULL, -1);

  io_step(io);

  if (!io_tracking(io))
    return (rename(from, to));

  if (access(to, F_OK) == 0 && (backup = _vaultIoBackupLink(io, to)) == NULL)
    return (-1);

  if (rename(from, to))
  {
    int err = errno;

    if (backup)
      unlink(backup);
    g_free(backup);
    errno = err;
    return (-1);
  }

  return (_vaultIoDiropAdd(io, _VAULT_IO_OP_RENAME, to, from, backup));
}


/*
 * '_vaultIoFsyncDir()' - fsync(2) a directory (a step): creates, renames and
 *                        unlinks in it are durable afterwards.
 */

int
_vaultIoFsyncDir(_vault_io_t *io,
                 const char  *dir)
{
  struct stat	st;
  int		fd, ret, err;
  guint		i;

  g_return_val_if_fail(io != NULL && dir != NULL, -1);

  io_step(io);

  if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    return (-1);

  ret = fsync(fd);
  err = errno;

  if (!ret && io->dirops->len > 0 && !fstat(fd, &st))
  {
    for (i = io->dirops->len; i > 0; i --)
    {
      _vault_io_dirop_t *d = g_ptr_array_index(io->dirops, i - 1);

      if (d->dir_dev != st.st_dev || d->dir_ino != st.st_ino)
        continue;

      if (d->backup)
        unlink(d->backup);
      g_ptr_array_remove_index(io->dirops, i - 1);
    }
  }

  close(fd);
  errno = err;
  return (ret);
}


/*
 * '_vaultIoUnlink()' - unlink(2) (a step); durable once its directory is
 *                      fsynced.  Returns 0 or -1 with errno.
 */

int
_vaultIoUnlink(_vault_io_t *io,
               const char  *path)
{
  char	*backup;

  g_return_val_if_fail(io != NULL && path != NULL, -1);

  io_step(io);

  if (!io_tracking(io))
    return (unlink(path));

  if ((backup = _vaultIoBackupLink(io, path)) == NULL)
    return (-1);			/* errno from link(): ENOENT etc. */

  if (unlink(path))
  {
    int err = errno;

    unlink(backup);
    g_free(backup);
    errno = err;
    return (-1);
  }

  return (_vaultIoDiropAdd(io, _VAULT_IO_OP_UNLINK, path, NULL, backup));
}


/*
 * '_vaultIoPutTmp()' - Write len bytes of data to <path>.tmp (create, write)
 *                      WITHOUT fsync or rename; *fd is left open for the
 *                      caller's fsync.  Nothing is durable yet.  On failure
 *                      the tmp file is removed; IO.
 */

bool
_vaultIoPutTmp(_vault_io_t *io,
               const char  *path,
               const void  *data,
               size_t      len,
               int         *fd,
               GError      **error)
{
  char	*tmp = g_strconcat(path, _VAULT_TMP_SUFFIX, NULL);
  int	err;

  if ((*fd = _vaultIoOpen(io, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600)) < 0)
  {
    _vaultSetIoError(error, errno, "Cannot create", tmp);
    g_free(tmp);
    return (false);
  }

  if (_vaultIoWrite(io, *fd, data, len) < 0)
  {
    err = errno;
    _vaultIoClose(io, *fd);
    _vaultIoUnlink(io, tmp);
    *fd = -1;
    _vaultSetIoError(error, err, "Cannot write", tmp);
    g_free(tmp);
    return (false);
  }

  g_free(tmp);
  return (true);
}


/*
 * '_vaultIoPut()' - Replace path with len bytes of data: <path>.tmp, write,
 *                   fsync, rename.  The directory is NOT fsynced: the new
 *                   name is durable once the caller fsyncs it.  On failure
 *                   the tmp file is removed and path is untouched; IO.
 */

bool
_vaultIoPut(_vault_io_t *io,
            const char  *path,
            const void  *data,
            size_t      len,
            GError      **error)
{
  char		*tmp;
  const char	*what = "Cannot sync";
  int		fd, err = 0;

  if (!_vaultIoPutTmp(io, path, data, len, &fd, error))
    return (false);

  tmp = g_strconcat(path, _VAULT_TMP_SUFFIX, NULL);
  if (_vaultIoFsync(io, fd) < 0)
    err = errno;
  _vaultIoClose(io, fd);

  if (!err && _vaultIoRename(io, tmp, path) < 0)
  {
    err  = errno;
    what = "Cannot rename";
  }

  if (err)
  {
    _vaultIoUnlink(io, tmp);
    _vaultSetIoError(error, err, what, tmp);
  }

  g_free(tmp);
  return (err == 0);
}


/*
 * '_vaultIoReplaceFile()' - Replace path atomically with len bytes of data:
 *                           _vaultIoPut, then a fsync of its directory.
 *                           Durable when it returns true; on failure path
 *                           is untouched (or replaced but not yet durable,
 *                           when the directory fsync failed).  IO.
 */

bool
_vaultIoReplaceFile(_vault_io_t *io,
                    const char  *path,
                    const void  *data,
                    size_t      len,
                    GError      **error)
{
  char	*dir;
  bool	ok;

  if (!_vaultIoPut(io, path, data, len, error))
    return (false);

  dir = g_path_get_dirname(path);
  if ((ok = _vaultIoFsyncDir(io, dir) == 0) == false)
    _vaultSetIoError(error, errno, "Cannot sync the directory", dir);

  g_free(dir);
  return (ok);
}


/*
 * '_vaultSetIoError()' - Set *error to VAULT_ERROR_IO "what path: strerror".
 */

void
_vaultSetIoError(GError     **error,
                 int        errnum,
                 const char *what,
                 const char *path)
{
  g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "%s %s: %s", what, path, g_strerror(errnum));
}
