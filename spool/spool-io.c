/*
 * The spool's I/O layer: thin POSIX wrappers that count every durability
 * step so tests can crash the process, or lose what was not yet durable,
 * at any chosen step.
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
 * production runs pay one branch per call.
 */

#include "spool-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/*
 * Local types...
 */

typedef struct io_file_s		/* A file whose appended data may be lost */
{
  dev_t		dev;			/* Identity of the inode */
  ino_t		ino;
  int		keep_fd;		/* Our own descriptor, to truncate it later */
  off_t		synced;			/* Length known to be durable */
  int		users;			/* Caller descriptors open on it */
} io_file_t;

typedef enum io_op_e			/* Directory change not yet durable */
{
  IO_OP_CREATE,
  IO_OP_RENAME,
  IO_OP_UNLINK
} io_op_t;

typedef struct io_dirop_s
{
  io_op_t	op;
  dev_t		dir_dev;		/* Directory that must be fsynced */
  ino_t		dir_ino;
  char		*path;			/* Created / unlinked / renamed-to name */
  char		*from;			/* Rename source */
  char		*backup;		/* Hard link to the replaced/unlinked inode */
} io_dirop_t;

struct _vault_io_s
{
  guint64		steps;		/* Steps done so far */
  _vault_io_fault_t	mode;		/* Armed fault */
  guint64		fault_step;	/* Step at which it fires */
  guint			backups;	/* Counter for backup names */
  GHashTable		*fds;		/* Caller fd -> io_file_t (DROP only) */
  GPtrArray		*files;		/* io_file_t, all tracked inodes */
  GPtrArray		*dirops;	/* io_dirop_t, oldest first */
};


/*
 * Local functions...
 */

static void	dirop_free(gpointer p);
static void	io_drop(_vault_io_t *io);


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
    io_dirop_t *d = g_ptr_array_index(io->dirops, i);

    if (d->backup)
      unlink(d->backup);
  }

  for (i = 0; i < io->files->len; i ++)
  {
    io_file_t *f = g_ptr_array_index(io->files, i);

    close(f->keep_fd);
    g_free(f);
  }

  g_ptr_array_free(io->dirops, TRUE);
  g_ptr_array_free(io->files, TRUE);
  g_hash_table_destroy(io->fds);
  g_free(io);
}


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
      io_drop(io);

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
 * 'file_track()' - Record caller descriptor fd; durable length `synced`
 *                  unless the inode is already known.  Returns -1 on error.
 */

static int
file_track(_vault_io_t *io,
           int         fd,
           off_t       synced)
{
  struct stat	st;
  io_file_t	*f = NULL;
  guint		i;

  if (fstat(fd, &st))
    return (-1);

  for (i = 0; i < io->files->len && !f; i ++)
  {
    io_file_t *g = g_ptr_array_index(io->files, i);

    if (g->dev == st.st_dev && g->ino == st.st_ino)
      f = g;
  }

  if (!f)
  {
    f          = g_new0(io_file_t, 1);
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
 * 'dirop_add()' - Record a directory change of `path` for a later DROP.
 */

static int
dirop_add(_vault_io_t *io,
          io_op_t     op,
          const char  *path,
          const char  *from,
          char        *backup)		/* I - Taken over */
{
  char		*dir = g_path_get_dirname(path);
  struct stat	st;
  io_dirop_t	*d;
  int		ret = stat(dir, &st);

  g_free(dir);
  if (ret)
  {
    g_free(backup);
    return (-1);
  }

  d          = g_new0(io_dirop_t, 1);
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
 * 'dirop_free()' - Free a directory change record.
 */

static void
dirop_free(gpointer p)
{
  io_dirop_t	*d = p;

  g_free(d->path);
  g_free(d->from);
  g_free(d->backup);
  g_free(d);
}


/*
 * 'backup_link()' - Hard-link path to a hidden name in its directory.
 *                   Returns the name (g_free it), or NULL with errno set.
 */

static char *
backup_link(_vault_io_t *io,
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
 * 'io_drop()' - Undo every effect that is not durable: directory changes
 *               newest first, then unsynced appended data.
 */

static void
io_drop(_vault_io_t *io)
{
  guint	i;

  for (i = io->dirops->len; i > 0; i --)
  {
    io_dirop_t *d = g_ptr_array_index(io->dirops, i - 1);

    switch (d->op)
    {
      case IO_OP_CREATE :
          unlink(d->path);
	  break;
      case IO_OP_RENAME :
          rename(d->path, d->from);
	  if (d->backup)
	    rename(d->backup, d->path);
	  break;
      case IO_OP_UNLINK :
          if (d->backup)
	    rename(d->backup, d->path);
	  break;
    }
  }

  for (i = 0; i < io->files->len; i ++)
  {
    io_file_t	*f = g_ptr_array_index(io->files, i);
    struct stat	st;

    if (!fstat(f->keep_fd, &st) && st.st_size > f->synced)
      (void)!ftruncate(f->keep_fd, f->synced);
  }
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

  if ((!existed && dirop_add(io, IO_OP_CREATE, path, NULL, NULL)) ||
      file_track(io, fd, (!existed || (flags & O_TRUNC)) ? 0 : -1))
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
      file_track(io, fd, -1))
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
 * '_vaultIoFsync()' - fsync(2) one file (a step); its current length is
 *                     durable afterwards.  Returns 0 or -1 with errno.
 */

int
_vaultIoFsync(_vault_io_t *io,
              int         fd)
{
  io_file_t	*f;
  struct stat	st;

  g_return_val_if_fail(io != NULL, -1);

  io_step(io);

  if (fsync(fd))
    return (-1);

  if (io_tracking(io) && (f = g_hash_table_lookup(io->fds, GINT_TO_POINTER(fd))) != NULL &&
      !fstat(fd, &st))
    f->synced = st.st_size;

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
  io_file_t	*f;

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

  if (access(to, F_OK) == 0 && (backup = backup_link(io, to)) == NULL)
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

  return (dirop_add(io, IO_OP_RENAME, to, from, backup));
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
      io_dirop_t *d = g_ptr_array_index(io->dirops, i - 1);

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

  if ((backup = backup_link(io, path)) == NULL)
    return (-1);			/* errno from link(): ENOENT etc. */

  if (unlink(path))
  {
    int err = errno;

    unlink(backup);
    g_free(backup);
    errno = err;
    return (-1);
  }

  return (dirop_add(io, IO_OP_UNLINK, path, NULL, backup));
}


/*
 * '_vaultIoReplaceFile()' - Replace path atomically with len bytes of data:
 *                           <path>.tmp, write, fsync, rename, fsync the
 *                           directory.  Durable when it returns true; on
 *                           failure path is untouched.  IO errors.
 */

bool
_vaultIoReplaceFile(_vault_io_t *io,
                    const char  *path,
                    const void  *data,
                    size_t      len,
                    GError      **error)
{
  char		*tmp = g_strconcat(path, _VAULT_TMP_SUFFIX, NULL);
  char		*dir = g_path_get_dirname(path);
  const char	*what = "write";
  int		fd;
  bool		ok = false;

  if ((fd = _vaultIoOpen(io, tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
  {
    _vaultSetIoError(error, errno, "create", tmp);
    goto done;
  }

  if (_vaultIoWrite(io, fd, data, len) || (what = "fsync", _vaultIoFsync(io, fd)))
  {
    int err = errno;

    _vaultIoClose(io, fd);
    _vaultIoUnlink(io, tmp);
    _vaultSetIoError(error, err, what, tmp);
    goto done;
  }

  _vaultIoClose(io, fd);

  if (_vaultIoRename(io, tmp, path))
  {
    int err = errno;

    _vaultIoUnlink(io, tmp);
    _vaultSetIoError(error, err, "rename to", path);
    goto done;
  }

  if (_vaultIoFsyncDir(io, dir))
    _vaultSetIoError(error, errno, "fsync directory", dir);
  else
    ok = true;

  done:

  g_free(tmp);
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
