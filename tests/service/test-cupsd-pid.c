/*
 * Unit test of finding the cupsd behind vaultd's local socket
 * (daemon/vaultd-cupsd-pid.c), as cupsd runs standalone and as systemd
 * socket activation runs it: the listening socket made by another process
 * (this test, standing in for systemd) and handed to a child named cupsd.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "vaultd-service.h"
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>


/*
 * 'listen_at()' - A listening local socket bound to path.
 */

static int
listen_at(const char *path)
{
  struct sockaddr_un	addr = { .sun_family = AF_UNIX };
  int			fd = socket(AF_UNIX, SOCK_STREAM, 0);

  g_assert_cmpint(fd, >=, 0);
  g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
  g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
  g_assert_cmpint(listen(fd, 4), ==, 0);
  return (fd);
}


/*
 * 'connect_to()' - A socket connected to path.
 */

static int
connect_to(const char *path)
{
  struct sockaddr_un	addr = { .sun_family = AF_UNIX };
  int			fd = socket(AF_UNIX, SOCK_STREAM, 0);

  g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
  g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
  return (fd);
}


/*
 * 'start_cupsd()' - Fork a child named "cupsd" that keeps listener open
 *                   (or, with listener -1, listens at path itself) until
 *                   killed; returns its pid once it is ready.
 */

static pid_t
start_cupsd(int listener, const char *path)
{
  int	ready[2];
  char	c;
  pid_t	pid;

  g_assert_cmpint(pipe(ready), ==, 0);
  if ((pid = fork()) == 0)
  {
    prctl(PR_SET_NAME, "cupsd");
    if (listener < 0)
      listener = listen_at(path);
    if (write(ready[1], "r", 1) != 1)
      _exit(1);
    for (;;)
      pause();
  }

  g_assert_cmpint(pid, >, 0);
  g_assert_cmpint(read(ready[0], &c, 1), ==, 1);
  close(ready[0]);
  close(ready[1]);
  return (pid);
}


/*
 * 'stop()' - Kill and reap a child started here.
 */

static void
stop(pid_t pid)
{
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
}


/*
 * '/daemon/cupsd-pid/standalone' - cupsd made its socket: its peer is it.
 */

static void
test_standalone(void)
{
  g_autofree char	*dir = g_dir_make_tmp("vault-cupsd-pid-XXXXXX", NULL);
  g_autofree char	*path = g_build_filename(dir, "cups.sock", NULL);
  pid_t			cupsd = start_cupsd(-1, path);
  int			fd = connect_to(path);

  g_assert_cmpint(vaultdCupsdPid(fd, path), ==, cupsd);

  close(fd);
  stop(cupsd);
  g_unlink(path);
  g_rmdir(dir);
}


/*
 * '/daemon/cupsd-pid/socket-activated' - Another process listened and
 *                                        handed the socket to cupsd; a
 *                                        listener without a cupsd is 0.
 */

static void
test_socket_activated(void)
{
  g_autofree char	*dir = g_dir_make_tmp("vault-cupsd-pid-XXXXXX", NULL);
  g_autofree char	*path = g_build_filename(dir, "cups.sock", NULL);
  int			listener = listen_at(path), fd;
  pid_t			cupsd;

  fd = connect_to(path);
  g_assert_cmpint(vaultdCupsdPid(fd, path), ==, 0);	/* No cupsd holds it */
  close(fd);

  cupsd = start_cupsd(listener, path);
  fd    = connect_to(path);
  g_assert_cmpint(vaultdCupsdPid(fd, path), ==, cupsd);
  g_assert_cmpint(vaultdCupsdPid(fd, "localhost:631"), ==, 0);	/* Not a local socket */

  close(fd);
  close(listener);
  stop(cupsd);
  g_unlink(path);
  g_rmdir(dir);
}


/*
 * 'main()' - Run the tests.
 */

int
main(int argc, char *argv[])
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/daemon/cupsd-pid/standalone", test_standalone);
  g_test_add_func("/daemon/cupsd-pid/socket-activated", test_socket_activated);
  return (g_test_run());
}
