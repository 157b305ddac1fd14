/*
 * vaultd's listening sockets: the counters IPP service's loopback TCP
 * address (anything else is refused), and the unix sockets of the counters
 * service and of releases.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#define G_LOG_DOMAIN "vaultd-ipp"

#include "config.h"
#include "vaultd-ipp.h"

#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>


/*
 * 'is_loopback()' - True for 127.0.0.0/8 and ::1 (also v4-mapped).
 */

static bool
is_loopback(const struct sockaddr *sa)
{
  if (sa->sa_family == AF_INET)
    return ((ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127);

  if (sa->sa_family == AF_INET6)
  {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

    return (IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127));
  }

  return (false);
}


/*
 * '_vaultdIppListenTcp()' - Listen on "host:port" ("[::1]:port" too),
 *                           loopback only.  Returns the fd, or -1 with
 *                           CONFIG (not loopback, bad address) or IO.
 */

int
_vaultdIppListenTcp(const char *listen_spec, GError **error)
{
  g_autofree char	*host = NULL;
  const char		*colon = strrchr(listen_spec, ':');
  struct addrinfo	hints = { 0 }, *ai = NULL;
  int			fd = -1, on = 1;

  if (!colon || colon == listen_spec)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG, "counters-listen \"%s\": expected HOST:PORT.", listen_spec);
    return (-1);
  }

  host = g_strndup(listen_spec, (gsize)(colon - listen_spec));
  if (host[0] == '[' && host[strlen(host) - 1] == ']')
  {
    memmove(host, host + 1, strlen(host));
    host[strlen(host) - 1] = '\0';
  }

  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags    = AI_NUMERICSERV;
  if (getaddrinfo(host, colon + 1, &hints, &ai) || !ai)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG, "counters-listen \"%s\": cannot resolve that address.", listen_spec);
    return (-1);
  }

  if (!is_loopback(ai->ai_addr))
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG, "counters-listen \"%s\" is not a loopback address: the counters service listens on 127.0.0.1 or ::1 only.", listen_spec);
  else if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0 ||
           setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
           bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "Cannot listen on %s: %s", listen_spec, g_strerror(errno));
    if (fd >= 0)
      close(fd);
    fd = -1;
  }

  freeaddrinfo(ai);
  return (fd);
}


/*
 * 'vaultdListenUnix()' - Listen on a unix socket at path, mode 0666 (any
 *                        local user may connect; the services check who
 *                        asks).  A missing directory is created 0755
 *                        whatever the umask (vaultd.service sets 0077); a
 *                        stale socket is replaced, any other file in the
 *                        way is an error.  what names the setting in
 *                        messages.  Returns the fd or -1 (CONFIG, IO).
 */

int
vaultdListenUnix(const char *path,
                 const char *what,
                 GError     **error)
{
  struct sockaddr_un	addr = { .sun_family = AF_UNIX };
  struct stat		st;
  g_autofree char	*dir = g_path_get_dirname(path);
  int			fd;

  if (strlen(path) >= sizeof(addr.sun_path))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG, "%s %s: the path is too long for a socket.", what, path);
    return (-1);
  }

  if (!g_file_test(dir, G_FILE_TEST_IS_DIR) && g_mkdir_with_parents(dir, 0755) == 0)
    chmod(dir, 0755);

  if (!g_file_test(dir, G_FILE_TEST_IS_DIR) || (!lstat(path, &st) && !S_ISSOCK(st.st_mode)))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "%s %s: %s", what, path, g_file_test(dir, G_FILE_TEST_IS_DIR) ? "a file that is not a socket is in the way" : "its directory cannot be created");
    return (-1);
  }
  unlink(path);

  strcpy(addr.sun_path, path);
  if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0 ||
      bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || chmod(path, 0666) < 0 || listen(fd, 64) < 0)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "%s %s: %s", what, path, g_strerror(errno));
    if (fd >= 0)
      close(fd);
    return (-1);
  }

  return (fd);
}
