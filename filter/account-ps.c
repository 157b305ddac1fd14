/*
 * Counting PostScript pages from its DSC comments, line by line.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * "%%Pages: N" wins (the trailer's value when the header says "(atend)");
 * without it the "%%Page:" comments are counted.  Comments inside an
 * embedded document (%%BeginDocument ... %%EndDocument) are the embedded
 * document's and are skipped.  Only the first bytes of each line are kept,
 * so memory stays bounded whatever the line lengths.
 */

#include "account.h"

#include <stdlib.h>
#include <string.h>

#define LINE_KEEP	128		/* Bytes of a line worth looking at */


/*
 * Scanner state.
 */

typedef struct ps_scan_s
{
  char		line[LINE_KEEP + 1];	/* Start of the current line */
  size_t	len;			/* Bytes in line (at most LINE_KEEP) */
  int		depth;			/* %%BeginDocument nesting */
  gint64	declared;		/* %%Pages value, -1 if none */
  guint64	comments;		/* %%Page: comments seen */
} ps_scan_t;


/*
 * 'ps_line()' - Look at one complete line.
 */

static void
ps_line(ps_scan_t *scan)
{
  const char *line = scan->line;

  scan->line[scan->len] = '\0';
  if (line[0] != '%' || line[1] != '%')
    return;

  if (!strncmp(line, "%%BeginDocument", 15))
    scan->depth ++;
  else if (!strncmp(line, "%%EndDocument", 13) && scan->depth > 0)
    scan->depth --;
  else if (scan->depth > 0)
    return;
  else if (!strncmp(line, "%%Pages:", 8))
  {
    char	*end;
    gint64	value = g_ascii_strtoll(line + 8, &end, 10);

    if (end != line + 8 && value >= 0)
      scan->declared = value;		/* "(atend)" leaves it for the trailer */
  }
  else if (!strncmp(line, "%%Page:", 7))
    scan->comments ++;
}


/*
 * 'ps_feed()' - Feed a block of bytes to the scanner.
 */

static void
ps_feed(ps_scan_t           *scan,
        const unsigned char *data,
        size_t              length)
{
  for (size_t i = 0; i < length; i ++)
  {
    if (data[i] == '\n' || data[i] == '\r')
    {
      ps_line(scan);
      scan->len = 0;
    }
    else if (scan->len < LINE_KEEP)
      scan->line[scan->len ++] = (char)data[i];
  }
}


/*
 * 'vaultCountPS()' - Count a PostScript document.
 *
 * Returns false on an I/O error or when the document has no DSC page
 * comments at all (nothing trustworthy to count).
 */

bool
vaultCountPS(vault_pass_t          *pass,
             const vault_options_t *opts,
             vault_tally_t         *tally)
{
  unsigned char	buffer[65536];
  ps_scan_t	scan = { .declared = -1 };
  ssize_t	n;
  guint64	pages, before = tally->record->impressions;

  while ((n = vaultPassRead(pass, buffer, sizeof(buffer))) > 0)
    ps_feed(&scan, buffer, (size_t)n);
  ps_line(&scan);

  if (n < 0)
    return (false);

  if (scan.declared < 0 && scan.comments == 0)
  {
    vaultLog("INFO", "Not counting pages: the PostScript document has no DSC page comments.");
    return (false);
  }

  pages = scan.declared >= 0 ? (guint64)scan.declared : scan.comments;
  vaultLog("DEBUG", "vault-account: PostScript %%%%Pages %" G_GINT64_FORMAT ", %%%%Page: comments %" G_GUINT64_FORMAT ".",
           scan.declared, scan.comments);
  vaultTallyAddDocument(tally, opts, pages);
  vaultLog("PAGE", "total %" G_GUINT64_FORMAT, tally->record->impressions - before);

  return (true);
}
