/*
 * The tally: turns counted pages into pages, impressions and sheets per
 * media and tray in the job's accounting record.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Definitions (PWG 5106.1 job counters): a page is a page of the document
 * as it leaves the filter, an impression is one side of a sheet imaged
 * (pages x copies, after number-up), a sheet is a piece of paper.  Two-sided
 * pages share a sheet only with the page before them on the same media and
 * tray; a change of media, tray or sides starts a new sheet, as printers do.
 */

#include "account.h"

#include <string.h>


/*
 * 'vaultTallyInit()' - Start a tally that adds to record.
 */

void
vaultTallyInit(vault_tally_t          *tally,
               vault_account_record_t *record)
{
  memset(tally, 0, sizeof(*tally));
  tally->record = record;
}


/*
 * 'vaultTallyClear()' - Free the tally's own memory (not the record).
 */

void
vaultTallyClear(vault_tally_t *tally)
{
  g_clear_pointer(&tally->last_media, g_free);
  g_clear_pointer(&tally->last_tray, g_free);
}


/*
 * 'add_counts()' - Add to one media entry and to the job's totals.
 */

static void
add_counts(vault_tally_t *tally,
           const char    *media,
           const char    *tray,
           guint64       pages,
           guint64       impressions,
           guint64       sheets)
{
  vault_account_media_t *m = vaultAccountRecordGetMedia(tally->record, media, tray);

  m->pages             += pages;
  m->impressions       += impressions;
  m->sheets            += sheets;
  tally->record->pages       += pages;
  tally->record->impressions += impressions;
  tally->record->sheets      += sheets;
}


/*
 * 'vaultTallyAddPage()' - Count one page printed copies times.
 *
 * A two-sided page goes on the back of the previous sheet when that back
 * is blank and the media and tray are the same; otherwise it takes a new
 * sheet per copy.
 */

void
vaultTallyAddPage(vault_tally_t *tally,
                  const char    *media,
                  const char    *tray,
                  bool          duplex,
                  unsigned      copies)
{
  bool on_back = duplex && tally->back_free &&
                 !g_strcmp0(media, tally->last_media) && !g_strcmp0(tray, tally->last_tray);

  if (copies < 1)
    copies = 1;

  add_counts(tally, media, tray, 1, copies, on_back ? 0 : copies);

  tally->back_free = duplex && !on_back;
  if (!on_back)
  {
    g_free(tally->last_media);
    g_free(tally->last_tray);
    tally->last_media = g_strdup(media);
    tally->last_tray  = g_strdup(tray);
  }
}


/*
 * 'vaultTallyAddDocument()' - Count a whole document of pages (PDF,
 *                             PostScript) with the job's options: page
 *                             ranges, number-up, sides and copies.
 */

void
vaultTallyAddDocument(vault_tally_t         *tally,
                      const vault_options_t *opts,
                      guint64               pages)
{
  guint64 selected, sides, sheets;

  selected = opts->page_ranges ? vaultOptionsRangeCount(opts->page_ranges, pages) : pages;
  if (selected == 0)
    return;

  sides  = (selected + (guint64)opts->number_up - 1) / (guint64)opts->number_up;
  sheets = opts->duplex ? (sides + 1) / 2 : sides;

  add_counts(tally, opts->media, opts->tray, selected, sides * (guint64)opts->copies,
             sheets * (guint64)opts->copies);
  tally->back_free = false;
}
