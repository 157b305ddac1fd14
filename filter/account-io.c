/*
 * The filter's I/O: the pass-through stream that copies every byte it reads
 * to the output, format recognition, and the one helper that talks to cupsd.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The stream writes a block out before it hands it to a counter, so a
 * counter that gives up (bad data, unknown format) never changes what the
 * next stage receives: vaultPassDrain copies the rest.
 */

#include "account.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


/*
 * 'read_some()' - read(2) retrying on EINTR; records the error in pass.
 */

static ssize_t
read_some(vault_pass_t *pass,
          void         *buffer,
          size_t       length)
{
  ssize_t n;

  do
    n = read(pass->in_fd, buffer, length);
  while (n < 0 && errno == EINTR);

  if (n < 0 && !pass->error)
    pass->error = errno;

  return (n);
}


/*
 * 'write_out()' - Write a whole block to the output; false on failure.
 */

static bool
write_out(vault_pass_t *pass,
          const void   *buffer,
          size_t       length)
{
  const char *p = buffer;

  while (length > 0)
  {
    ssize_t n = write(pass->out_fd, p, length);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
    {
      if (!pass->error)
      {
        pass->error        = errno;
        pass->write_failed = true;
      }
      return (false);
    }
    p           += n;
    length      -= (size_t)n;
    pass->bytes += (guint64)n;
  }

  return (true);
}


/*
 * 'vaultPassInit()' - Start a stream: read (and write out) up to
 *                     VAULT_PASS_SNIFF bytes so the format can be sniffed.
 */

void
vaultPassInit(vault_pass_t *pass,
              int          in_fd,
              int          out_fd)
{
  ssize_t n;

  memset(pass, 0, sizeof(*pass));
  pass->in_fd  = in_fd;
  pass->out_fd = out_fd;

  while (pass->head_len < sizeof(pass->head) &&
         (n = read_some(pass, pass->head + pass->head_len, sizeof(pass->head) - pass->head_len)) > 0)
    pass->head_len += (size_t)n;

  write_out(pass, pass->head, pass->head_len);
}


/*
 * 'vaultPassRead()' - Read up to length bytes, already written out.
 *
 * Returns the number of bytes, 0 at end of input, -1 on a read or write
 * error (pass->error says which errno).
 */

ssize_t
vaultPassRead(vault_pass_t *pass,
              void         *buffer,
              size_t       length)
{
  ssize_t n;

  if (pass->error)
    return (-1);

  if (pass->head_pos < pass->head_len)
  {
    n = (ssize_t)MIN(length, pass->head_len - pass->head_pos);
    memcpy(buffer, pass->head + pass->head_pos, (size_t)n);
    pass->head_pos += (size_t)n;
    return (n);
  }

  if ((n = read_some(pass, buffer, length)) <= 0)
    return (n);

  return (write_out(pass, buffer, (size_t)n) ? n : -1);
}


/*
 * 'vaultPassDrain()' - Copy the rest of the input to the output.
 *
 * Returns true at a clean end of input, false on an I/O error.
 */

bool
vaultPassDrain(vault_pass_t *pass)
{
  unsigned char	buffer[65536];
  ssize_t	n;

  while ((n = vaultPassRead(pass, buffer, sizeof(buffer))) > 0);

  return (n == 0);
}


/*
 * 'type_is()' - Does a MIME type (maybe with parameters) name one of types?
 */

static bool
type_is(const char *content_type,
        const char *const *types)
{
  size_t len = strcspn(content_type, "; \t");

  for (; *types; types ++)
    if (strlen(*types) == len && !g_ascii_strncasecmp(content_type, *types, len))
      return (true);

  return (false);
}


/*
 * 'vaultFormatDetect()' - The document format, from the magic bytes first
 *                         (they cannot lie about what the bytes are), then
 *                         from CONTENT_TYPE for PDF and PostScript.
 */

vault_format_t
vaultFormatDetect(const char          *content_type,
                  const unsigned char *head,
                  size_t              head_len)
{
  static const char * const pdf[]    = { "application/pdf", "application/vnd.cups-pdf", NULL };
  static const char * const ps[]     = { "application/postscript", "application/vnd.cups-postscript", NULL };

  if (head_len >= 4 && (!memcmp(head, "RaS2", 4) || !memcmp(head, "RaS3", 4) ||
                        !memcmp(head, "2SaR", 4) || !memcmp(head, "3SaR", 4)))
  {
    if (head_len >= 14 && !memcmp(head, "RaS2", 4) && !memcmp(head + 4, "PwgRaster", 10))
      return (VAULT_FORMAT_PWG_RASTER);
    return (VAULT_FORMAT_CUPS_RASTER);
  }
  if (head_len >= 5 && !memcmp(head, "%PDF-", 5))
    return (VAULT_FORMAT_PDF);
  if (head_len >= 2 && !memcmp(head, "%!", 2))
    return (VAULT_FORMAT_POSTSCRIPT);

  /*
   * No magic: PDF and PostScript may start with junk (a PJL header, a
   * Ctrl-D) that their counters skip; raster must start with its sync word.
   */

  if (content_type && type_is(content_type, pdf))
    return (VAULT_FORMAT_PDF);
  if (content_type && type_is(content_type, ps))
    return (VAULT_FORMAT_POSTSCRIPT);

  return (VAULT_FORMAT_UNKNOWN);
}


/*
 * 'vaultLog()' - Send one line to cupsd on stderr: "PREFIX: message".
 *
 * Lines are cut below cupsd's 2047-byte limit; stderr is unbuffered.
 */

void
vaultLog(const char *prefix,
         const char *format,
         ...)
{
  char		line[2000];
  va_list	ap;
  int		len;

  len = snprintf(line, sizeof(line), "%s: ", prefix);
  va_start(ap, format);
  vsnprintf(line + len, sizeof(line) - (size_t)len - 1, format, ap);
  va_end(ap);
  strcat(line, "\n");
  fputs(line, stderr);
}
