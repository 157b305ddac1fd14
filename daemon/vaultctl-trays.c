/*
 * vaultctl trays and vaultctl load: show a queue's paper and page counters,
 * and record a paper load (administrators only).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "vaultctl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/*
 * 'vaultctlTrays()' - "vaultctl trays QUEUE": one row per tray and media,
 *                     then the totals and the jobs completed.
 *
 * Exit status: 0, 1 (no counters, unreadable file), 2 (usage).
 */

int
vaultctlTrays(vault_store_t *store,
              int           argc,
              char          *argv[])
{
  vault_counters_t	*counters;
  g_autofree char	*queue = NULL;
  g_autoptr(GError)	error = NULL;

  if (argc != 2)
  {
    fputs("Usage: vaultctl trays QUEUE\n", stderr);
    return (2);
  }

  queue = vaultCountersFindQueue(store, argv[1]);
  if ((counters = vaultCountersRead(store, queue ? queue : argv[1], &error)) == NULL)
  {
    fprintf(stderr, "vaultctl: %s\n", error->message);
    return (1);
  }

  printf("%-12s  %-28s  %8s  %8s  %9s  %10s  %11s  %10s\n", "TRAY", "MEDIA", "LOADED", "USED",
         "REMAINING", "PAGES", "IMPRESSIONS", "SHEETS");

  for (guint i = 0; i < vaultCountersGetTrayCount(counters); i ++)
  {
    const vault_tray_counts_t *t = vaultCountersGetTray(counters, i);

    printf("%-12s  %-28s  %8" G_GUINT64_FORMAT "  %8" G_GUINT64_FORMAT "  %9" G_GUINT64_FORMAT "  %10" G_GUINT64_FORMAT
           "  %11" G_GUINT64_FORMAT "  %10" G_GUINT64_FORMAT "\n", t->tray, t->media, t->loaded, t->used, t->remaining,
           t->pages, t->impressions, t->sheets);
  }

  printf("%-12s  %-28s  %8s  %8s  %9s  %10" G_GUINT64_FORMAT "  %11" G_GUINT64_FORMAT "  %10" G_GUINT64_FORMAT "\n",
         "total", "", "", "", "", vaultCountersGetPages(counters), vaultCountersGetImpressions(counters),
         vaultCountersGetSheets(counters));
  printf("jobs completed: %" G_GUINT64_FORMAT "\n", vaultCountersGetJobs(counters));

  vaultCountersFree(counters);
  return (0);
}


/*
 * 'is_admin()' - True for root, or for whoever may write the spool root.
 */

static bool
is_admin(vault_store_t *store)
{
  return (getuid() == 0 || access(vaultConfigGetRoot(vaultStoreGetConfig(store)), W_OK) == 0);
}


/*
 * 'vaultctlLoad()' - "vaultctl load QUEUE --tray T --media M --sheets N":
 *                    the tray now holds N sheets of M (used starts again
 *                    from 0).  The queue keeps its name as given; an
 *                    existing queue is matched ignoring case.
 *
 * Exit status: 0, 1 (not an admin, bad value, I/O), 2 (usage).
 */

int
vaultctlLoad(vault_store_t *store,
             int           argc,
             char          *argv[])
{
  const char		*tray = NULL, *media = NULL, *sheets = NULL;
  guint64		n;
  g_autofree char	*queue = NULL;
  g_autoptr(GError)	error = NULL;

  bool			bad = argc != 8;

  for (int i = 2; !bad && i + 1 < argc; i += 2)
  {
    if (!strcmp(argv[i], "--tray"))
      tray = argv[i + 1];
    else if (!strcmp(argv[i], "--media"))
      media = argv[i + 1];
    else if (!strcmp(argv[i], "--sheets"))
      sheets = argv[i + 1];
    else
      bad = true;
  }

  if (bad || !tray || !media || !sheets)
  {
    fputs("Usage: vaultctl load QUEUE --tray T --media M --sheets N\n", stderr);
    return (2);
  }

  if (!is_admin(store))
  {
    fputs("vaultctl: only root or the owner of the vault spool may record a paper load.\n", stderr);
    return (1);
  }

  if (!g_ascii_string_to_unsigned(sheets, 10, 0, G_MAXINT32, &n, &error))
  {
    fprintf(stderr, "vaultctl: --sheets \"%s\": %s\n", sheets, error->message);
    return (1);
  }

  queue = vaultCountersFindQueue(store, argv[1]);
  if (!vaultCountersSetLoad(store, queue ? queue : argv[1], tray, media, n, &error))
  {
    fprintf(stderr, "vaultctl: %s\n", error->message);
    return (1);
  }

  printf("vaultctl: %s: tray %s holds %" G_GUINT64_FORMAT " sheets of %s.\n", queue ? queue : argv[1], tray, n, media);
  return (0);
}
