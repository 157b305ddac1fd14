/*
 * Running the real backend behind the vault: find it, start it as cupsd
 * would, and feed it the decrypted vault copy of the job.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The inner backend gets argv[0] = the inner URI without credentials, the
 * same argv[1..5] (no file: the data comes on its stdin through a pipe),
 * DEVICE_URI = the full inner URI, fds 1..4 inherited untouched (so the
 * back-channel and side-channel reach it), and stderr inherited so cupsd
 * parses its messages directly.  cupsd runs a backend as the CUPS user when
 * its file has a group/other write or other execute bit; so do we.  A
 * SIGTERM from cupsd (job canceled) is forwarded; if this process dies the
 * kernel sends the inner backend SIGTERM too (PR_SET_PDEATHSIG), so it
 * stops instead of sending a cut-off document to the end.
 */

#include "backend.h"

#include <cups/backend.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef VAULT_SERVERBIN
#  define VAULT_SERVERBIN "/usr/lib/cups"
#endif

#define BACKEND_FEED_SIZE 65536		/* Bytes per read from the vault */

static volatile sig_atomic_t	terminated = 0;	/* SIGTERM received */
static volatile pid_t		inner_pid = 0;	/* Running inner backend */


/*
 * 'sigterm_handler()' - Remember cupsd's SIGTERM and pass it on.
 */

static void
sigterm_handler(int sig)		/* I - Signal */
{
  (void)sig;

  terminated = 1;

  if (inner_pid > 0)
    kill(inner_pid, SIGTERM);
}


/*
 * 'backendSignalsInit()' - Ignore SIGPIPE, catch SIGTERM.
 *
 * SIGPIPE is ignored so a closed stderr (cupsd killed) or an inner backend
 * that stops reading never kills the run; the inner backend inherits this.
 */

void
backendSignalsInit(void)
{
  struct sigaction	action;		/* Signal action */

  memset(&action, 0, sizeof(action));
  action.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &action, NULL);

  action.sa_handler = sigterm_handler;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, NULL);
}


/*
 * 'backendTerminated()' - True once cupsd sent SIGTERM.
 */

bool
backendTerminated(void)
{
  return (terminated != 0);
}


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


/*
 * 'child_exec()' - In the child: set up stdin, identity and environment, exec.
 *
 * On failure writes errno to report_fd and exits; never returns.
 */

static void
child_exec(const backend_inner_t *inner,	/* I - Inner backend */
           const backend_uri_t   *uri,		/* I - URI */
           char                  *argv[],	/* I - Backend argv */
           int                   data_fd,	/* I - Read end of the data pipe */
           int                   report_fd)	/* I - Close-on-exec error pipe */
{
  char			*child_argv[7];	/* Inner argv */
  struct sigaction	action;		/* Signal action */
  int			err;		/* errno to report */

  memset(&action, 0, sizeof(action));
  action.sa_handler = SIG_DFL;
  sigaction(SIGTERM, &action, NULL);

  if (dup2(data_fd, 0) < 0)
    goto fail;
  if (data_fd != 0)
    close(data_fd);

  if (inner->drop_privileges)
  {
    if (setgroups(1, &inner->gid) || setgid(inner->gid) || setuid(inner->uid))
      goto fail;
  }

  prctl(PR_SET_PDEATHSIG, SIGTERM);

  if (setenv("DEVICE_URI", uri->full, 1))
    goto fail;

  child_argv[0] = uri->sanitized;
  for (int i = 1; i < 6; i ++)
    child_argv[i] = argv[i];
  child_argv[6] = NULL;

  execv(inner->path, child_argv);

  fail:

  err = errno;
  if (write(report_fd, &err, sizeof(err)) < 0)
    err = 0;
  _exit(CUPS_BACKEND_FAILED);
}


/*
 * 'feed()' - Copy the decrypted vault copy into the inner backend's stdin.
 *
 * Returns false (error set) when the vault copy cannot be read whole.  An
 * inner backend that stops reading (EPIPE) or a SIGTERM ends the copy
 * without an error: its exit status tells what happened.
 */

static bool
feed(vault_reader_t *reader,		/* I - Decrypting reader */
     int            fd,			/* I - Pipe to the inner backend */
     GError         **error)		/* O - Error */
{
  char		*buffer = g_malloc(BACKEND_FEED_SIZE);
  gssize	bytes;			/* Bytes read */
  bool		ok = true;		/* Result */

  while (!terminated && (bytes = vaultReaderRead(reader, buffer, BACKEND_FEED_SIZE, error)) != 0)
  {
    if (bytes < 0)
    {
      ok = false;
      break;
    }

    for (gssize done = 0, n; done < bytes && !terminated; done += n)
    {
      if ((n = write(fd, buffer + done, (size_t)(bytes - done))) < 0)
      {
        if (errno == EINTR)
        {
          n = 0;
          continue;
        }

        goto out;			/* EPIPE: the inner backend stopped reading */
      }
    }
  }

  out:

  memset(buffer, 0, BACKEND_FEED_SIZE);
  g_free(buffer);

  return (ok);
}


/*
 * 'wait_inner()' - Wait for the inner backend and describe how it ended.
 */

static void
wait_inner(pid_t                  pid,		/* I - Child */
           backend_inner_result_t *result)	/* O - Result */
{
  int	status;				/* Wait status */

  while (waitpid(pid, &status, 0) < 0)
  {
    if (errno != EINTR)
    {
      result->status = CUPS_BACKEND_FAILED;
      return;
    }
  }

  inner_pid          = 0;
  result->terminated = terminated != 0;

  if (WIFEXITED(status))
    result->status = WEXITSTATUS(status);
  else
  {
    result->status = -1;
    result->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
}


/*
 * 'backendInnerRun()' - Run the inner backend on the decrypted vault copy.
 *
 * Returns true when the inner backend ran to its end (result says how);
 * false with INNER_START when it could not be started, or with the reader's
 * error (TRUNCATED, AUTH, ...) when the vault copy went bad mid-way: then
 * the inner backend was stopped with SIGTERM before it saw more than the
 * authenticated bytes.  Nothing in the vault changes here.
 */

bool
backendInnerRun(const backend_inner_t  *inner,	/* I - Inner backend */
                const backend_uri_t    *uri,	/* I - URI */
                char                   *argv[],	/* I - Backend argv */
                vault_reader_t         *reader,	/* I - Vault copy */
                backend_inner_result_t *result,	/* O - How it ended */
                GError                 **error)	/* O - Error */
{
  int	data[2], report[2];		/* Data and exec-error pipes */
  int	err = 0;			/* errno from the child */
  pid_t	pid;				/* Child */
  bool	ok;				/* Vault copy read whole */

  memset(result, 0, sizeof(*result));

  if (pipe2(data, O_CLOEXEC) || pipe2(report, O_CLOEXEC))
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_START, "Unable to create a pipe: %s", g_strerror(errno));
    return (false);
  }

  if ((pid = fork()) < 0)
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_START, "Unable to start the %s backend: %s", uri->scheme, g_strerror(errno));
    close(data[0]); close(data[1]); close(report[0]); close(report[1]);
    return (false);
  }
  else if (pid == 0)
    child_exec(inner, uri, argv, data[0], report[1]);

  inner_pid = pid;
  if (terminated)
    kill(pid, SIGTERM);

  close(data[0]);
  close(report[1]);

  if (read(report[0], &err, sizeof(err)) == sizeof(err))
  {
    close(report[0]);
    close(data[1]);
    wait_inner(pid, result);
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_START, "Unable to start %s: %s", inner->path, g_strerror(err));
    return (false);
  }
  close(report[0]);

  if ((ok = feed(reader, data[1], error)) == false)
    kill(pid, SIGTERM);

  close(data[1]);
  wait_inner(pid, result);

  return (ok);
}
