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
#include <string.h>
#include <unistd.h>

#define LINE_MAX_BYTES	4096		/* A longer line passes in pieces */


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
 * 'backendRelayWithoutPages()' - Copy the lines read from fd (the inner
 *                                backend's stderr) to our stderr, all but
 *                                "PAGE:" lines, until fd ends.
 */

void
backendRelayWithoutPages(int fd)	/* I - Read end of the inner backend's stderr */
{
  char		line[LINE_MAX_BYTES];	/* The line being read */
  size_t	used = 0;		/* Bytes in line */
  bool		piece = false;		/* line continues a longer line */
  ssize_t	bytes;			/* Bytes read */

  for (;;)
  {
    if ((bytes = read(fd, line + used, sizeof(line) - used)) < 0 && errno == EINTR)
      continue;
    if (bytes <= 0)
      break;
    used += (size_t)bytes;

    for (char *nl; (nl = memchr(line, '\n', used)) != NULL;)
    {
      size_t len = (size_t)(nl - line) + 1;

      if (piece || strncmp(line, "PAGE:", 5))
        write_all(line, len);
      piece = false;
      memmove(line, nl + 1, used - len);
      used -= len;
    }

    if (used == sizeof(line))		/* No newline in a full buffer: pass it on */
    {
      piece = piece || strncmp(line, "PAGE:", 5);
      if (piece)
        write_all(line, used);
      used = 0;
    }
  }

  if (used && (piece || strncmp(line, "PAGE:", 5)))
    write_all(line, used);
}
