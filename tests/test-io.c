/*
 * Unit tests of the spool's I/O layer: step counting, the STOP and DROP
 * faults (checked by the bytes left on disk after a forked child dies).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "spool-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>


/*
 * Helpers...
 */

typedef void (*child_fn_t)(_vault_io_t *io, const char *dir);

static char *
make_dir(void)
{
  GError	*error = NULL;
  char		*dir = g_dir_make_tmp("vault-io-XXXXXX", &error);

  g_assert_no_error(error);
  return (dir);
}

static void
remove_dir(char *dir)
{
  GDir		*d = g_dir_open(dir, 0, NULL);
  const char	*name;

  while (d && (name = g_dir_read_name(d)) != NULL)
  {
    char *path = g_build_filename(dir, name, NULL);

    g_unlink(path);
    g_free(path);
  }
  if (d)
    g_dir_close(d);
  g_rmdir(dir);
  g_free(dir);
}

static char *
path_in(const char *dir, const char *name)
{
  return (g_build_filename(dir, name, NULL));
}

/* Contents of dir/name, or NULL when it does not exist. */
static char *
contents(const char *dir, const char *name)
{
  char	*path = path_in(dir, name), *data = NULL;

  if (!g_file_get_contents(path, &data, NULL, NULL))
    data = NULL;
  g_free(path);
  return (data);
}

/* Write a durable file the plain way (not through the layer). */
static void
put_file(const char *dir, const char *name, const char *text)
{
  char	*path = path_in(dir, name);
  int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), dfd;

  g_assert_cmpint(fd, >=, 0);
  g_assert_cmpint(write(fd, text, strlen(text)), ==, (ssize_t)strlen(text));
  g_assert_cmpint(fsync(fd), ==, 0);
  close(fd);
  dfd = open(dir, O_RDONLY | O_DIRECTORY);
  g_assert_cmpint(fsync(dfd), ==, 0);
  close(dfd);
  g_free(path);
}

/* Number of hidden backup links left in dir. */
static int
count_backups(const char *dir)
{
  GDir		*d = g_dir_open(dir, 0, NULL);
  const char	*name;
  int		n = 0;

  while ((name = g_dir_read_name(d)) != NULL)
    if (g_str_has_prefix(name, ".vault-io-"))
      n ++;
  g_dir_close(d);
  return (n);
}

/* Run fn in a child with fault spec armed; return the child's exit status. */
static int
run_child(const char *spec, child_fn_t fn, const char *dir)
{
  pid_t	pid = fork();
  int	status = 0;

  g_assert_cmpint(pid, >=, 0);
  if (pid == 0)
  {
    _vault_io_t *io = _vaultIoNew();

    if (!_vaultIoSetFaultFromString(io, spec, NULL))
      _exit(2);
    fn(io, dir);
    _vaultIoFree(io);
    _exit(0);
  }

  g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
  g_assert_true(WIFEXITED(status));
  return (WEXITSTATUS(status));
}

/* create a (1), write (2), fsync (3), close, no directory fsync. */
static void
child_create_synced(_vault_io_t *io, const char *dir)
{
  char	*path = path_in(dir, "a");
  int	fd = _vaultIoOpen(io, path, O_WRONLY | O_CREAT | O_EXCL, 0600);

  if (fd < 0 || _vaultIoWrite(io, fd, "hello", 5) || _vaultIoFsync(io, fd))
    _exit(3);
  _vaultIoClose(io, fd);
  g_free(path);
  _vaultIoUnlink(io, "/nonexistent-dir/x");		/* step 4: fails, harmless */
}

/* create (1) write (2) fsync (3) dirsync (4) write (5) write (6) fsync (7) */
static void
child_append(_vault_io_t *io, const char *dir)
{
  char	*path = path_in(dir, "a");
  int	fd = _vaultIoOpen(io, path, O_WRONLY | O_CREAT | O_EXCL, 0600);

  if (fd < 0 || _vaultIoWrite(io, fd, "durable;", 8) || _vaultIoFsync(io, fd) ||
      _vaultIoFsyncDir(io, dir) || _vaultIoWrite(io, fd, "lost;", 5) ||
      _vaultIoWrite(io, fd, "lost too", 8) || _vaultIoFsync(io, fd))
    _exit(3);
  _vaultIoClose(io, fd);
  g_free(path);
}

/* Replace "t" (5 steps) then unlink "u" (6) and fsync the directory (7). */
static void
child_replace(_vault_io_t *io, const char *dir)
{
  char	*path = path_in(dir, "t"), *u = path_in(dir, "u");

  if (!_vaultIoReplaceFile(io, path, "new contents", 12, NULL) ||
      _vaultIoUnlink(io, u) || _vaultIoFsyncDir(io, dir))
    _exit(3);
  g_free(path);
  g_free(u);
}

/* Append to an existing durable file without O_CREAT: write (1), write (2). */
static void
child_existing(_vault_io_t *io, const char *dir)
{
  char	*path = path_in(dir, "t");
  int	fd = _vaultIoOpen(io, path, O_WRONLY | O_APPEND, 0);

  if (fd < 0 || _vaultIoWrite(io, fd, "+more", 5) || _vaultIoWrite(io, fd, "+more", 5))
    _exit(3);
  _vaultIoClose(io, fd);
  g_free(path);
}


/*
 * Tests...
 */

static void
test_steps(void)
{
  _vault_io_t	*io = _vaultIoNew();
  char		*dir = make_dir(), *a = path_in(dir, "a"), *b = path_in(dir, "b"), *tmp;
  int		fd;

  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 0);
  fd = _vaultIoOpen(io, a, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint(fd, >=, 0);
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 1);
  g_assert_cmpint(_vaultIoWrite(io, fd, "x", 1), ==, 0);
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 2);
  g_assert_cmpint(_vaultIoFsync(io, fd), ==, 0);
  g_assert_cmpint(_vaultIoClose(io, fd), ==, 0);
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 3);
  g_assert_cmpint(_vaultIoRename(io, a, b), ==, 0);
  g_assert_cmpint(_vaultIoFsyncDir(io, dir), ==, 0);
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 5);

  /* Opening without O_CREAT is not a step. */
  fd = _vaultIoOpen(io, b, O_RDONLY, 0);
  g_assert_cmpint(fd, >=, 0);
  _vaultIoClose(io, fd);
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 5);

  g_assert_cmpint(_vaultIoUnlink(io, b), ==, 0);
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 6);
  g_assert_false(g_file_test(b, G_FILE_TEST_EXISTS));

  /* A failing call still counts, and reports errno. */
  g_assert_cmpint(_vaultIoUnlink(io, b), ==, -1);
  g_assert_cmpint(errno, ==, ENOENT);
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 7);

  g_assert_true(_vaultIoReplaceFile(io, a, "abc", 3, NULL));
  g_assert_cmpuint(_vaultIoGetSteps(io), ==, 12);
  tmp = contents(dir, "a");
  g_assert_cmpstr(tmp, ==, "abc");
  g_free(tmp);
  g_assert_false(g_file_test(b, G_FILE_TEST_EXISTS));

  _vaultIoFree(io);
  g_free(a);
  g_free(b);
  remove_dir(dir);
}

static void
test_fault_parse(void)
{
  _vault_io_t	*io = _vaultIoNew();
  GError	*error = NULL;
  static const char * const bad[] = { "stop:0", "drop:", "stop:x", "bogus", "stop", "crash:3", "stop:-1", "drop:3x" };
  guint		i;

  g_assert_true(_vaultIoSetFaultFromString(io, "stop:3", &error));
  g_assert_true(_vaultIoSetFaultFromString(io, "drop:12345678901", &error));
  g_assert_true(_vaultIoSetFaultFromString(io, "", &error));
  g_assert_true(_vaultIoSetFaultFromString(io, NULL, &error));
  g_assert_no_error(error);

  for (i = 0; i < G_N_ELEMENTS(bad); i ++)
  {
    g_assert_false(_vaultIoSetFaultFromString(io, bad[i], &error));
    g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
    g_assert_nonnull(strstr(error->message, bad[i]));
    g_clear_error(&error);
  }

  _vaultIoFree(io);
}

static void
test_io_error(void)
{
  GError *error = NULL;

  _vaultSetIoError(&error, ENOSPC, "write", "/x/y");
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_IO);
  g_assert_cmpstr(error->message, ==, "write /x/y: No space left on device");
  g_clear_error(&error);
}

static void
test_stop(void)
{
  guint	n;

  /* ReplaceFile over an existing file: create, write, fsync, rename, dirsync. */
  for (n = 1; n <= 8; n ++)
  {
    char	*dir = make_dir(), *spec = g_strdup_printf("stop:%u", n), *t, *tmp, *u;
    int		status;

    put_file(dir, "t", "old");
    put_file(dir, "u", "victim");
    status = run_child(spec, child_replace, dir);
    g_assert_cmpint(status, ==, n <= 7 ? _VAULT_IO_CRASH_EXIT : 0);

    t   = contents(dir, "t");
    tmp = contents(dir, "t.tmp");
    g_assert_cmpstr(t, ==, n <= 4 ? "old" : "new contents");
    g_assert_cmpstr(tmp, ==, n == 1 ? NULL : n == 2 ? "" : n <= 4 ? "new contents" : NULL);
    u = contents(dir, "u");
    g_assert_cmpstr(u, ==, n <= 6 ? "victim" : NULL);
    g_free(u);
    g_assert_cmpint(count_backups(dir), ==, 0);

    g_free(t);
    g_free(tmp);
    g_free(spec);
    remove_dir(dir);
  }
}

static void
test_drop_create(void)
{
  char	*dir = make_dir(), *a;

  /* Data fsynced, but the directory never was: the file must vanish. */
  g_assert_cmpint(run_child("drop:4", child_create_synced, dir), ==, _VAULT_IO_CRASH_EXIT);
  g_assert_null(contents(dir, "a"));

  /* Without the fault the same child leaves the file. */
  g_assert_cmpint(run_child(NULL, child_create_synced, dir), ==, 0);
  a = contents(dir, "a");
  g_assert_cmpstr(a, ==, "hello");
  g_free(a);
  remove_dir(dir);
}

static void
test_drop_data(void)
{
  static const char * const want[] = { NULL, NULL, NULL, NULL, NULL, "durable;", "durable;", "durable;", "durable;lost;lost too" };
  guint n;

  for (n = 1; n <= 8; n ++)
  {
    char	*dir = make_dir(), *spec = g_strdup_printf("drop:%u", n), *a;
    int		status = run_child(spec, child_append, dir);

    g_assert_cmpint(status, ==, n <= 7 ? _VAULT_IO_CRASH_EXIT : 0);
    a = contents(dir, "a");
    g_test_message("drop:%u -> %s", n, a ? a : "(no file)");
    g_assert_cmpstr(a, ==, want[n]);
    g_free(a);
    g_free(spec);
    remove_dir(dir);
  }
}

static void
test_drop_replace(void)
{
  guint n;

  for (n = 1; n <= 8; n ++)
  {
    char	*dir = make_dir(), *spec = g_strdup_printf("drop:%u", n), *t, *tmp, *u;
    int		status;

    put_file(dir, "t", "old");
    put_file(dir, "u", "victim");
    status = run_child(spec, child_replace, dir);
    g_assert_cmpint(status, ==, n <= 7 ? _VAULT_IO_CRASH_EXIT : 0);

    /* Until the directory fsync (step 5) the old file is all that survives. */
    t   = contents(dir, "t");
    tmp = contents(dir, "t.tmp");
    u   = contents(dir, "u");
    g_assert_cmpstr(t, ==, n <= 5 ? "old" : "new contents");
    g_assert_null(tmp);
    /* The unlink of u (step 6) is undone unless its directory fsync (7) ran. */
    g_assert_cmpstr(u, ==, n <= 7 ? "victim" : NULL);
    g_assert_cmpint(count_backups(dir), ==, 0);

    g_free(t);
    g_free(tmp);
    g_free(u);
    g_free(spec);
    remove_dir(dir);
  }
}

static void
test_drop_existing(void)
{
  char	*dir = make_dir(), *t;

  put_file(dir, "t", "base");
  g_assert_cmpint(run_child("drop:2", child_existing, dir), ==, _VAULT_IO_CRASH_EXIT);
  t = contents(dir, "t");
  g_assert_cmpstr(t, ==, "base");
  g_free(t);

  /* STOP keeps what was written: it models a killed process, not a power loss. */
  g_assert_cmpint(run_child("stop:2", child_existing, dir), ==, _VAULT_IO_CRASH_EXIT);
  t = contents(dir, "t");
  g_assert_cmpstr(t, ==, "base+more");
  g_free(t);
  remove_dir(dir);
}


/*
 * 'main()' - Run the I/O layer tests.
 */

int
main(int  argc,
     char *argv[])
{
  g_test_init(&argc, &argv, NULL);

  g_test_add_func("/spool/io/steps", test_steps);
  g_test_add_func("/spool/io/fault-parse", test_fault_parse);
  g_test_add_func("/spool/io/error-message", test_io_error);
  g_test_add_func("/spool/io/stop", test_stop);
  g_test_add_func("/spool/io/drop/create", test_drop_create);
  g_test_add_func("/spool/io/drop/data", test_drop_data);
  g_test_add_func("/spool/io/drop/replace", test_drop_replace);
  g_test_add_func("/spool/io/drop/existing", test_drop_existing);

  return (g_test_run());
}
