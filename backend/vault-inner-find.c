/*
 * Finding the real backend behind the vault: its program in ServerBin, and
 * the user it runs as, by cupsd's rule.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * cupsd runs a backend as the CUPS user (User and Group of
 * cups-files.conf) when its file has a group/other write or other execute
 * bit, and as root otherwise; the vault does the same for the inner one.
 */

#include "backend.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VAULT_SERVERBIN
#  define VAULT_SERVERBIN "/usr/lib/cups"
#endif


/*
 * 'read_cups_user()' - The User and Group of cups-files.conf ("lp" when unset).
 */

static void
read_cups_user(char **user,		/* O - User name */
               char **group)		/* O - Group name, NULL when unset */
{
  const char	*root = getenv("CUPS_SERVERROOT");
  char		*path, *text = NULL, **lines;

  *user  = NULL;
  *group = NULL;
  path   = g_build_filename(root && *root ? root : "/etc/cups", "cups-files.conf", NULL);

  if (g_file_get_contents(path, &text, NULL, NULL))
  {
    lines = g_strsplit(text, "\n", -1);

    for (char **line = lines; *line; line ++)
    {
      char **words = g_strsplit_set(g_strstrip(*line), " \t", 2);

      if (words[0] && words[1] && !g_ascii_strcasecmp(words[0], "User") && !*user)
        *user = g_strdup(g_strstrip(words[1]));
      else if (words[0] && words[1] && !g_ascii_strcasecmp(words[0], "Group") && !*group)
        *group = g_strdup(g_strstrip(words[1]));

      g_strfreev(words);
    }

    g_strfreev(lines);
    g_free(text);
  }

  g_free(path);

  if (!*user)
    *user = g_strdup("lp");
}


/*
 * 'find_cups_user()' - Resolve the user cupsd runs unprivileged backends as.
 */

static bool
find_cups_user(backend_inner_t *inner,	/* I - Inner backend */
               GError          **error)	/* O - Error */
{
  char		*user, *group;		/* Names from cups-files.conf */
  struct passwd	*pw;			/* User */
  struct group	*gr;			/* Group */
  bool		ok = false;		/* Result */

  read_cups_user(&user, &group);

  if ((pw = getpwnam(user)) == NULL)
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_START, "The CUPS user \"%s\" does not exist.", user);
  else
  {
    inner->uid = pw->pw_uid;
    inner->gid = pw->pw_gid;

    if (group && (gr = getgrnam(group)) != NULL)
      inner->gid = gr->gr_gid;

    ok = true;
  }

  g_free(user);
  g_free(group);

  return (ok);
}


/*
 * 'backendInnerFind()' - Locate the inner backend and decide its privileges.
 *
 * Fails with INNER_MISSING when $CUPS_SERVERBIN/backend/<scheme> is not an
 * executable file, INNER_START when its run-as user cannot be resolved.
 */

bool
backendInnerFind(const backend_uri_t *uri,	/* I - Parsed URI */
                 backend_inner_t     *inner,	/* O - Inner backend */
                 GError              **error)	/* O - Error */
{
  const char	*serverbin = getenv("CUPS_SERVERBIN");
  struct stat	info;			/* File information */

  memset(inner, 0, sizeof(*inner));
  inner->path = g_build_filename(serverbin && *serverbin ? serverbin : VAULT_SERVERBIN, "backend", uri->scheme, NULL);

  if (stat(inner->path, &info) || !S_ISREG(info.st_mode) || access(inner->path, X_OK))
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_MISSING, "No backend is installed for \"%s\" URIs (%s).", uri->scheme, inner->path);
    backendInnerClear(inner);
    return (false);
  }

  inner->drop_privileges = geteuid() == 0 && (info.st_mode & (S_IWGRP | S_IWOTH | S_IXOTH));

  if (inner->drop_privileges && !find_cups_user(inner, error))
  {
    backendInnerClear(inner);
    return (false);
  }

  return (true);
}


/*
 * 'backendInnerClear()' - Free what backendInnerFind filled in.
 */

void
backendInnerClear(backend_inner_t *inner)	/* I - Inner backend */
{
  g_free(inner->path);
  memset(inner, 0, sizeof(*inner));
}
