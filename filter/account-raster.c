/*
 * Counting CUPS and PWG raster streams exactly, page header by page
 * header, with libcups' raster reader.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The reader pulls its bytes through the pass-through stream, so the
 * stream is copied out as it is parsed.  Each page header says its media
 * (cupsPageSizeName, else PageSize in points), tray (MediaPosition), sides
 * (Duplex) and copies (NumCopies); where it says nothing the job's options
 * stand in.  A "PAGE: n copies" line goes to cupsd as each page starts.
 */

#include "account.h"

#include <cups/raster.h>
#include <cups/pwg.h>

#define MAX_LINE_BYTES	(64 * 1024 * 1024)	/* Refuse absurd line sizes */


/*
 * 'raster_read_cb()' - libcups raster I/O callback reading through pass.
 */

static ssize_t
raster_read_cb(void          *ctx,
               unsigned char *buffer,
               size_t        length)
{
  return (vaultPassRead((vault_pass_t *)ctx, buffer, length));
}


/*
 * 'header_media()' - PWG media name of a page header, or NULL.
 */

static char *
header_media(const cups_page_header2_t *header)
{
  char		*name;
  pwg_media_t	*pwg;

  if (header->cupsPageSizeName[0] &&
      (name = vaultOptionsMediaName(header->cupsPageSizeName)) != NULL)
    return (name);

  if (header->PageSize[0] == 0 || header->PageSize[1] == 0)
    return (NULL);

  pwg = pwgMediaForSize((int)(header->PageSize[0] * 2540.0 / 72.0 + 0.5),
                        (int)(header->PageSize[1] * 2540.0 / 72.0 + 0.5));

  return (pwg && pwg->pwg ? g_strdup(pwg->pwg) : NULL);
}


/*
 * 'skip_page()' - Read (and so pass through) one page's pixel data.
 *
 * Returns false when the stream ends or breaks inside the page.
 */

static bool
skip_page(cups_raster_t             *ras,
          const cups_page_header2_t *header)
{
  g_autofree unsigned char *line = NULL;

  if (header->cupsBytesPerLine == 0 || header->cupsBytesPerLine > MAX_LINE_BYTES)
    return (header->cupsHeight == 0);

  line = g_malloc(header->cupsBytesPerLine);
  for (unsigned y = 0; y < header->cupsHeight; y ++)
    if (cupsRasterReadPixels(ras, line, header->cupsBytesPerLine) == 0)
      return (false);

  return (true);
}


/*
 * 'count_page()' - Add one page header to the tally and tell cupsd.
 */

static void
count_page(const cups_page_header2_t *header,
           const vault_options_t     *opts,
           vault_tally_t             *tally,
           unsigned                  number)
{
  g_autofree char	*media = header_media(header);
  g_autofree char	*tray = header->MediaPosition ? vaultOptionsTrayForPosition(header->MediaPosition) : NULL;
  unsigned		copies = header->NumCopies > 1 ? header->NumCopies : (unsigned)opts->copies;

  vaultTallyAddPage(tally, media ? media : opts->media, tray ? tray : opts->tray,
                    header->Duplex != CUPS_FALSE, copies);
  vaultLog("PAGE", "%u %u", number, copies);
}


/*
 * 'vaultCountRaster()' - Count a CUPS or PWG raster stream.
 *
 * Returns false when the stream could not be read (I/O error, or a page
 * whose data stops short: the pages before it are counted).
 */

bool
vaultCountRaster(vault_pass_t          *pass,
                 const vault_options_t *opts,
                 vault_tally_t         *tally)
{
  cups_raster_t		*ras;
  cups_page_header2_t	header;
  unsigned		number = 0;
  bool			ok = true;

  if ((ras = cupsRasterOpenIO(raster_read_cb, pass, CUPS_RASTER_READ)) == NULL)
  {
    vaultLog("DEBUG", "vault-account: not a raster stream (%s).", cupsRasterErrorString());
    return (false);
  }

  while (cupsRasterReadHeader2(ras, &header))
  {
    count_page(&header, opts, tally, ++ number);
    if (!skip_page(ras, &header))
    {
      vaultLog("DEBUG", "vault-account: raster data ends inside page %u.", number);
      ok = false;
      break;
    }
  }

  cupsRasterClose(ras);

  return (ok && !pass->error);
}
