/*
 * The job's print options as the accounting needs them: copies, media,
 * tray, sides, and the layout options (number-up, page-ranges) that still
 * have to be applied to the data, from argv[4], argv[5] and the PPD.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Copies: cupsd hands every filter the job's copies in argv[4].  When the
 * data has been through CUPS's own filters (application/vnd.cups-*) and the
 * PPD says cupsManualCopies, those filters have already repeated the pages,
 * so the data holds every copy and the multiplier is 1.  Otherwise the
 * printer makes the copies and every page counts argv[4] times.  Likewise
 * number-up and page-ranges are applied by pdftopdf/pstops: only a raw
 * application/pdf or application/postscript still needs them.
 */

#include "account.h"

#include <stdlib.h>
#include <string.h>
#include <cups/cups.h>
#include <cups/ppd.h>
#include <cups/pwg.h>

G_GNUC_BEGIN_IGNORE_DEPRECATIONS	/* ppd.h is deprecated but is what CUPS 2.4 queues use */


/*
 * 'vaultOptionsTrayForPosition()' - PWG media-source name of a raster
 *                                   MediaPosition (PWG 5102.4), or NULL.
 */

char *
vaultOptionsTrayForPosition(unsigned position)
{
  static const char * const names[] =
  {
    "auto", "main", "alternate", "large-capacity", "manual", "envelope",
    "disc", "photo", "hagaki", "main-roll", "alternate-roll", "top",
    "middle", "bottom", "side", "left", "right", "center", "rear",
    "by-pass-tray"
  };

  if (position < G_N_ELEMENTS(names))
    return (g_strdup(names[position]));
  if (position < 40)
    return (g_strdup_printf("tray-%u", position - 19));
  if (position < 50)
    return (g_strdup_printf("roll-%u", position - 39));

  return (NULL);
}


/*
 * 'vaultOptionsMediaName()' - PWG name for a media keyword in any of the
 *                             spellings (PWG, legacy IPP, PPD), or NULL
 *                             when it names no size.
 */

char *
vaultOptionsMediaName(const char *keyword)
{
  pwg_media_t *pwg;

  if (!keyword || !*keyword)
    return (NULL);

  if ((pwg = pwgMediaForPWG(keyword)) == NULL &&
      (pwg = pwgMediaForLegacy(keyword)) == NULL)
    pwg = pwgMediaForPPD(keyword);

  return (pwg && pwg->pwg ? g_strdup(pwg->pwg) : NULL);
}


/*
 * 'tray_name()' - PWG-style media-source for a tray keyword: IPP names stay,
 *                 PPD InputSlot names ("Tray2", "Manual") are mapped.
 */

static char *
tray_name(const char *keyword)
{
  g_autofree char *lower = NULL;

  if (!keyword || !*keyword)
    return (NULL);

  lower = g_ascii_strdown(keyword, -1);
  if (!strcmp(lower, "autoselect") || !strcmp(lower, "default"))
    return (g_strdup("auto"));
  if (g_str_has_prefix(lower, "tray") && g_ascii_isdigit(lower[4]))
    return (g_strdup_printf("tray-%d", atoi(lower + 4)));
  if (!strcmp(lower, "manualfeed"))
    return (g_strdup("manual"));

  g_strcanon(lower, "abcdefghijklmnopqrstuvwxyz0123456789-", '-');

  return (g_steal_pointer(&lower));
}


/*
 * 'apply_media_list()' - Split an IPP "media" value ("A4,tray-2") into a
 *                        size and a tray.
 */

static void
apply_media_list(vault_options_t *opts,
                 const char      *value)
{
  g_auto(GStrv) items = g_strsplit(value ? value : "", ",", -1);

  for (int i = 0; items[i]; i ++)
  {
    char *name = vaultOptionsMediaName(g_strstrip(items[i]));

    if (name)
    {
      g_free(opts->media);
      opts->media = name;
    }
    else if (*items[i])
    {
      g_free(opts->tray);
      opts->tray = tray_name(items[i]);
    }
  }
}


/*
 * 'apply_sides()' - Set duplex/tumble from an IPP sides or PPD Duplex value.
 */

static void
apply_sides(vault_options_t *opts,
            const char      *value)
{
  if (!value)
    return;

  if (!strcmp(value, "one-sided") || !strcmp(value, "None") || !strcmp(value, "Simplex"))
    opts->duplex = opts->tumble = false;
  else if (!strcmp(value, "two-sided-long-edge") || !strcmp(value, "DuplexNoTumble"))
    opts->duplex = true, opts->tumble = false;
  else if (!strcmp(value, "two-sided-short-edge") || !strcmp(value, "DuplexTumble"))
    opts->duplex = opts->tumble = true;
}


/*
 * 'apply_ppd()' - Defaults from the PPD with the job's options marked:
 *                 PageSize, InputSlot, Duplex, cupsManualCopies.
 *
 * Returns whether the PPD asks for manual copies.
 */

static bool
apply_ppd(vault_options_t *opts,
          const char      *ppdfile,
          int             num_options,
          cups_option_t   *options)
{
  ppd_file_t	*ppd;
  ppd_choice_t	*choice;
  ppd_size_t	*size;
  bool		manual;

  if (!ppdfile || !*ppdfile || (ppd = ppdOpenFile(ppdfile)) == NULL)
    return (false);

  ppdMarkDefaults(ppd);
  cupsMarkOptions(ppd, num_options, options);

  if ((choice = ppdFindMarkedChoice(ppd, "PageSize")) != NULL &&
      (opts->media = vaultOptionsMediaName(choice->choice)) == NULL &&
      (size = ppdPageSize(ppd, NULL)) != NULL)
  {
    pwg_media_t *pwg = pwgMediaForSize((int)(size->width * 2540.0 / 72.0 + 0.5),
                                       (int)(size->length * 2540.0 / 72.0 + 0.5));
    opts->media = pwg ? g_strdup(pwg->pwg) : NULL;
  }
  if ((choice = ppdFindMarkedChoice(ppd, "InputSlot")) != NULL)
    opts->tray = tray_name(choice->choice);
  if ((choice = ppdFindMarkedChoice(ppd, "Duplex")) != NULL)
    apply_sides(opts, choice->choice);

  manual = ppd->manual_copies != 0;
  ppdClose(ppd);

  return (manual);
}


/*
 * 'apply_job_options()' - The job's own options, over the PPD's defaults.
 */

static void
apply_job_options(vault_options_t *opts,
                  int             num_options,
                  cups_option_t   *options)
{
  const char *value;

  if ((value = cupsGetOption("PageSize", num_options, options)) != NULL)
  {
    char *name = vaultOptionsMediaName(value);

    if (name)
    {
      g_free(opts->media);
      opts->media = name;
    }
  }
  apply_media_list(opts, cupsGetOption("media", num_options, options));

  if ((value = cupsGetOption("media-source", num_options, options)) != NULL ||
      (value = cupsGetOption("InputSlot", num_options, options)) != NULL)
  {
    g_free(opts->tray);
    opts->tray = tray_name(value);
  }

  apply_sides(opts, cupsGetOption("Duplex", num_options, options));
  apply_sides(opts, cupsGetOption("sides", num_options, options));
}


/*
 * 'vaultOptionsLoad()' - Fill opts from argv[4] (copies), argv[5] (options),
 *                        CONTENT_TYPE and the PPD file (may be NULL).
 *
 * Never fails: what cannot be known becomes "unknown" media, "auto" tray,
 * one-sided, one copy.  Free with vaultOptionsClear.
 */

void
vaultOptionsLoad(vault_options_t *opts,
                 const char      *copies,
                 const char      *options,
                 const char      *content_type,
                 const char      *ppdfile)
{
  cups_option_t	*list = NULL;
  int		num = cupsParseOptions(options ? options : "", 0, &list);
  bool		manual, processed;
  const char	*value;

  memset(opts, 0, sizeof(*opts));

  manual    = apply_ppd(opts, ppdfile, num, list);
  processed = content_type && g_str_has_prefix(content_type, "application/vnd.cups-");
  apply_job_options(opts, num, list);

  opts->copies = copies ? atoi(copies) : 1;
  if (opts->copies < 1 || (processed && manual))
    opts->copies = 1;

  opts->number_up = 1;
  if (!processed && (value = cupsGetOption("number-up", num, list)) != NULL && atoi(value) > 1)
    opts->number_up = atoi(value);
  if (!processed && (value = cupsGetOption("page-ranges", num, list)) != NULL && *value)
    opts->page_ranges = g_strdup(value);

  if ((value = cupsGetOption("job-uuid", num, list)) != NULL &&
      g_str_has_prefix(value, "urn:uuid:") && g_uuid_string_is_valid(value + 9))
    opts->job_uuid = g_strdup(value);

  if (!opts->media)
    opts->media = g_strdup("unknown");
  if (!opts->tray)
    opts->tray = g_strdup("auto");

  cupsFreeOptions(num, list);
}


/*
 * 'vaultOptionsClear()' - Free what vaultOptionsLoad allocated.
 */

void
vaultOptionsClear(vault_options_t *opts)
{
  g_clear_pointer(&opts->media, g_free);
  g_clear_pointer(&opts->tray, g_free);
  g_clear_pointer(&opts->page_ranges, g_free);
  g_clear_pointer(&opts->job_uuid, g_free);
}


/*
 * 'vaultOptionsRangeCount()' - How many of pages (1..pages) an IPP
 *                              page-ranges value ("1-3,7,10-") selects.
 *
 * A malformed value selects every page (the printer would refuse it, or
 * print everything).
 */

guint64
vaultOptionsRangeCount(const char *ranges,
                       guint64    pages)
{
  g_auto(GStrv)	items = g_strsplit(ranges ? ranges : "", ",", -1);
  guint64	count = 0, first, last, prev_last = 0;

  for (int i = 0; items[i]; i ++)
  {
    char *p = g_strstrip(items[i]), *end;

    first = g_ascii_strtoull(p, &end, 10);
    if (end == p || first < 1)
      return (pages);
    last = first;
    if (*end == '-' && end[1] == '\0')
      last = G_MAXUINT64, end ++;
    else if (*end == '-')
      last = g_ascii_strtoull(end + 1, &end, 10);
    if (*end || last < first || first <= prev_last)
      return (pages);

    prev_last = last;
    if (first <= pages)
      count += MIN(last, pages) - first + 1;
  }

  return (ranges && *ranges ? count : pages);
}

G_GNUC_END_IGNORE_DEPRECATIONS
