/*
 * Which process is the cupsd at the other end of vaultd's connection: the
 * pid vaultd records as the holder of a job it holds (spool-entry-hold.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The peer credentials of a local socket name the process that called
 * listen(2): cupsd when it made its own socket, but systemd when cupsd is
 * socket-activated (Debian 12's cups.socket hands cupsd /run/cups/cups.sock).
 * Then cupsd is the process named "cupsd" that holds the listening socket,
 * whose inode /proc/net/unix gives for the socket's path.
 */

#ifndef _GNU_SOURCE
#  define _GNU_SOURCE			/* struct ucred */
#endif

#include "vaultd-service.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define UNIX_LISTENING	0x10000		/* __SO_ACCEPTCON in /proc/net/unix Flags */


/*
 * 'is_cupsd()' - True when process pid is named "cupsd".
 */

static bool
is_cupsd(long pid)
{
  g_autofree char	*path = g_strdup_printf("/proc/%ld/comm", pid), *comm = NULL;

  return (g_file_get_contents(path, &comm, NULL, NULL) && !strcmp(g_strchomp(comm), "cupsd"));
}


/*
 * 'listener_inode()' - The inode of the listening local socket bound to
 *                      path (/proc/net/unix), 0 when there is none.
 */

static unsigned long
listener_inode(const char *path)
{
  FILE		*fp = fopen("/proc/net/unix", "re");
  char		line[1024], name[512];
  unsigned int	flags;
  unsigned long	inode, found = 0;

  if (!fp)
    return (0);

  while (!found && fgets(line, sizeof(line), fp))
    if (sscanf(line, "%*s %*x %*x %x %*x %*x %lu %511s", &flags, &inode, name) == 3 &&
        (flags & UNIX_LISTENING) && !strcmp(name, path))
      found = inode;

  fclose(fp);
  return (found);
}


/*
 * 'holds_socket()' - True when process pid has socket inode open.
 */

static bool
holds_socket(long pid, unsigned long inode)
{
  g_autofree char	*dir_path = g_strdup_printf("/proc/%ld/fd", pid),
			*want = g_strdup_printf("socket:[%lu]", inode);
  DIR			*dir = opendir(dir_path);
  struct dirent		*de;
  bool			found = false;

  while (dir && !found && (de = readdir(dir)) != NULL)
  {
    char	link[64];
    ssize_t	len = readlinkat(dirfd(dir), de->d_name, link, sizeof(link) - 1);

    if (len > 0)
    {
      link[len] = '\0';
      found     = !strcmp(link, want);
    }
  }

  if (dir)
    closedir(dir);

  return (found);
}


/*
 * 'vaultdCupsdPid()' - The pid of the cupsd that fd (a connected local
 *                      socket to path) talks to: its peer when that is a
 *                      cupsd, else the cupsd holding path's listening
 *                      socket; 0 when it cannot be told.
 */

pid_t
vaultdCupsdPid(int        fd,
               const char *path)
{
  struct ucred	cred;
  socklen_t	len = sizeof(cred);
  unsigned long	inode;
  DIR		*proc;
  struct dirent	*de;
  pid_t		found = 0;

  if (!getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) && cred.pid > 0 && is_cupsd(cred.pid))
    return (cred.pid);

  if (!path || path[0] != '/' || (inode = listener_inode(path)) == 0 || (proc = opendir("/proc")) == NULL)
    return (0);

  while (!found && (de = readdir(proc)) != NULL)
  {
    char	*end;
    long	pid = strtol(de->d_name, &end, 10);

    if (*end == '\0' && pid > 0 && is_cupsd(pid) && holds_socket(pid, inode))
      found = (pid_t)pid;
  }

  closedir(proc);
  return (found);
}
