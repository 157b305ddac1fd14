/*
 * vaultctl release: hand the secret of a protected, held job to vaultd,
 * which checks it and releases the job so it prints once.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Any user may run it; vaultd identifies the caller by the socket's peer
 * credentials, so it needs no site key and no open store, only vault.conf
 * (for release-socket) or --socket.  The secret is read from the terminal
 * without echo, or as one line from standard input with --stdin; it never
 * appears in argv, and its buffer is wiped after it was sent.
 */

#include "config.h"
#include "vaultctl.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define REPLY_TIMEOUT_MS	30000	/* vaultd asks cupsd and runs PBKDF2 */


/*
 * 'read_line()' - Read one line (without its newline) from fd into buf;
 *                 false when it is empty, longer than VAULT_RELEASE_SECRET_MAX
 *                 or unreadable.
 */

static bool
read_line(int fd, char *buf, size_t size)
{
  size_t	len = 0;
  char		c;
  ssize_t	n;

  while ((n = read(fd, &c, 1)) == 1 || (n < 0 && errno == EINTR))
  {
    if (n < 0)
      continue;
    if (c == '\n')
      break;
    if (len + 1 >= size)
      return (false);
    buf[len ++] = c;
  }

  if (len > 0 && buf[len - 1] == '\r')
    len --;
  buf[len] = '\0';

  return (len > 0 && len <= VAULT_RELEASE_SECRET_MAX);
}


/*
 * 'prompt_secret()' - Ask for the secret on the terminal, echo off.
 */

static bool
prompt_secret(int job_id, char *buf, size_t size)
{
  struct termios	saved, quiet;
  int			tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
  bool			ok;
  char			prompt[128];

  if (tty < 0 || tcgetattr(tty, &saved) < 0)
  {
    fputs("vaultctl: no terminal to ask for the secret; use --stdin.\n", stderr);
    if (tty >= 0)
      close(tty);
    return (false);
  }

  snprintf(prompt, sizeof(prompt), "Secret (job password) of job %d: ", job_id);
  if (write(tty, prompt, strlen(prompt)) < 0) {}	/* The read still works */

  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
  tcsetattr(tty, TCSAFLUSH, &quiet);
  ok = read_line(tty, buf, size);
  tcsetattr(tty, TCSAFLUSH, &saved);
  if (write(tty, "\n", 1) < 0) {}

  close(tty);
  return (ok);
}


/*
 * 'ask_vaultd()' - Send "release JOB SECRET" to path; the reply (g_free) or NULL.
 */

static char *
ask_vaultd(const char *path, const char *request, size_t len)
{
  gsize			rlen = 0;
  guint8		*answer;
  g_autoptr(GError)	error = NULL;

  if ((answer = vaultReleaseAsk(path, request, len, REPLY_TIMEOUT_MS, &rlen, &error)) == NULL)
    fprintf(stderr, "vaultctl: %s%s\n", error->message, g_str_has_prefix(error->message, "vaultd cannot be reached") ? " Is vaultd running?" : "");

  return ((char *)answer);
}


/*
 * 'vaultctlRelease()' - "vaultctl release [--stdin] [--socket PATH] JOB-ID".
 *
 * Exit status: 0 released, 1 refused or vaultd unreachable, 2 usage.
 */

int
vaultctlRelease(const char *config_path,
                int        argc,
                char       *argv[])
{
  const char		*socket_path = NULL, *job_text = NULL;
  bool			from_stdin = false, ok = false;
  guint64		job_id;
  char			*secret, *request, *answer;
  size_t		size = VAULT_RELEASE_SECRET_MAX + 2, len;
  vault_config_t	*config = NULL;
  g_autoptr(GError)	error = NULL;

  for (int i = 1; i < argc; i ++)
  {
    if (!strcmp(argv[i], "--stdin"))
      from_stdin = true;
    else if (!strcmp(argv[i], "--socket") && i + 1 < argc)
      socket_path = argv[++ i];
    else if (!job_text && argv[i][0] != '-')
      job_text = argv[i];
    else
      job_text = NULL, i = argc;
  }

  if (!job_text || !g_ascii_string_to_unsigned(job_text, 10, 1, G_MAXINT, &job_id, NULL))
  {
    fputs("Usage: vaultctl release [--stdin] [--socket PATH] JOB-ID\n", stderr);
    return (2);
  }

  if (!socket_path)
  {
    if ((config = vaultConfigLoad(config_path, &error)) == NULL)
    {
      fprintf(stderr, "vaultctl: %s\n", error->message);
      return (1);
    }
    socket_path = vaultConfigGetReleaseSocket(config);
  }

  secret = g_malloc0(size);
  mlock(secret, size);

  if (from_stdin ? !read_line(0, secret, size) : !prompt_secret((int)job_id, secret, size))
    fprintf(stderr, "vaultctl: no secret read (one line of 1 to %d bytes).\n", VAULT_RELEASE_SECRET_MAX);
  else
  {
    request = g_strdup_printf("release %d %s", (int)job_id, secret);
    len     = strlen(request);
    answer  = ask_vaultd(socket_path, request, len);
    explicit_bzero(request, len);
    g_free(request);

    if (answer)
    {
      ok = g_str_has_prefix(answer, "ok ");
      if (ok)
        printf("vaultctl: %s\n", answer + 3);
      else
        fprintf(stderr, "vaultctl: %s\n", strchr(answer, ' ') ? strchr(answer, ' ') + 1 : answer);
      g_free(answer);
    }
  }

  explicit_bzero(secret, size);
  munlock(secret, size);
  g_free(secret);
  vaultConfigFree(config);

  return (ok ? 0 : 1);
}
