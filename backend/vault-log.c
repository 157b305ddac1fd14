/*
 * The vault backend's one way to talk to cupsd: prefixed lines on stderr.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * cupsd parses each stderr line of a backend by its prefix (ERROR:, INFO:,
 * DEBUG:, STATE:, ATTR:, ...) and cuts lines at 2047 bytes; INFO/WARNING/
 * ERROR lines become job-printer-state-message.  Every line is written with
 * one write(2), so nothing is buffered when the process dies, and a closed
 * stderr (cupsd gone) never kills the backend (SIGPIPE is ignored).
 */

#include "backend.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BACKEND_LINE_MAX 2000		/* Well under cupsd's 2047 */


/*
 * 'backendErrorQuark()' - The GError domain of the backend's own faults.
 */

GQuark
backendErrorQuark(void)
{
  return (g_quark_from_static_string("vault-backend-error-quark"));
}


/*
 * 'backendLog()' - Write one "PREFIX: message" line to stderr.
 *
 * Newlines and other control characters in the message become spaces so a
 * message can never forge a second prefixed line.  Errors are ignored: if
 * cupsd is gone there is nobody to tell.
 */

void
backendLog(const char *prefix,		/* I - "ERROR", "INFO", "DEBUG", ... */
           const char *format,		/* I - printf format */
           ...)				/* I - Arguments */
{
  char		line[BACKEND_LINE_MAX + 2];	/* Output line */
  va_list	ap;				/* Arguments */
  int		plen;				/* Prefix length */
  size_t	len;				/* Line length */
  char		*p;				/* Pointer into line */

  plen = snprintf(line, sizeof(line) - 1, "%s: ", prefix);
  if (plen < 0 || plen >= BACKEND_LINE_MAX)
    return;

  va_start(ap, format);
  vsnprintf(line + plen, (size_t)(BACKEND_LINE_MAX - plen), format, ap);
  va_end(ap);

  for (p = line + plen; *p; p ++)
    if ((unsigned char)*p < ' ' || *p == 0x7f)
      *p = ' ';

  len = strlen(line);
  line[len ++] = '\n';

  while (write(STDERR_FILENO, line, len) < 0 && errno == EINTR);
}
