/*
 * Relaying the inner backend's messages to cupsd without its page reports.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * When the vault gives an inner backend a file that cupsd gave it as
 * standard input (lpd, see backendInnerRun), the stock backends report
 * "PAGE: 1 <copies>" after sending a file -- something they never do for
 * standard input, where the filters (the accounting filter among them)
 * have counted the pages.  cupsd adds every such line to the job's sheets,
 * the page_log and the user's quota, so those lines are dropped here and
 * every other line reaches cupsd unchanged.
 */

#include "backend.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX_BYTES	4096		/* A longer line passes in pieces */
#define EXIT_CHECK_MS	250		/* How often the child's exit is checked */


/*
 * 'write_all()' - Write len bytes to fd 2; false when stderr is gone.
 */

static bool
write_all(const char *buf,		/* I - Bytes */
          size_t     len)		/* I - How many */
{
  while (len > 0)
  {
    ssize_t n = write(2, buf, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return (false);
    buf += n;
    len -= (size_t)n;
  }

  return (true);
}


/*
 * 'passes()' - Whether the line that starts in line passes: *fate is 0 at
 *              the start of a line, then 1 (passes) or -1 (dropped) for
 *              all of it, however many pieces it comes in.
 */

static bool
passes(const char *line,		/* I  - Start of the line (or of a piece) */
       size_t     len,			/* I  - Its bytes */
       int        *fate)		/* IO - The line's fate */
{
  if (!*fate)
    *fate = len >= 5 && !memcmp(line, "PAGE:", 5) ? -1 : 1;

  return (*fate > 0);
}


/*
 * 'exited()' - True once child has exited (it is left to be reaped).
 */

static bool
exited(pid_t child)			/* I - Inner backend */
{
  siginfo_t	info;			/* What waitid found */

  memset(&info, 0, sizeof(info));
  return (waitid(P_PID, (id_t)child, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == child);
}


/*
 * 'backendRelayWithoutPages()' - Copy the lines read from fd (the inner
 *                                backend's stderr) to our stderr, all but
 *                                "PAGE:" lines, until fd ends -- or until
 *                                child has exited and fd has nothing more
 *                                to read (a process it left behind may
 *                                keep fd open).  child is not reaped.
 */

void
backendRelayWithoutPages(int   fd,	/* I - Read end of the inner backend's stderr */
                         pid_t child)	/* I - The inner backend */
{
  char		line[LINE_MAX_BYTES];	/* The line being read */
  size_t	used = 0;		/* Bytes in line */
  int		fate = 0;		/* Of the line being read (passes()) */
  bool		ended = false;		/* child has exited: read what is left */
  ssize_t	bytes;			/* Bytes read */
  struct pollfd	pfd = { fd, POLLIN, 0 };

  for (;;)
  {
    if (!ended)
    {
      int ready = poll(&pfd, 1, EXIT_CHECK_MS);

      if (ready < 0 && errno != EINTR)
        break;
      if (ready <= 0)
      {
        if ((ended = exited(child)) == true)
          fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        continue;
      }
    }

    if ((bytes = read(fd, line + used, sizeof(line) - used)) < 0 && errno == EINTR)
      continue;
    if (bytes <= 0)
      break;
    used += (size_t)bytes;

    for (char *nl; (nl = memchr(line, '\n', used)) != NULL;)
    {
      size_t len = (size_t)(nl - line) + 1;

      if (passes(line, len, &fate))
        write_all(line, len);
      fate = 0;
      memmove(line, nl + 1, used - len);
      used -= len;
    }

    if (used == sizeof(line))		/* No newline in a full buffer: a piece */
    {
      if (passes(line, used, &fate))
        write_all(line, used);
      used = 0;
    }
  }

  if (used && passes(line, used, &fate))
    write_all(line, used);
}
