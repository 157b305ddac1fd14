/*
 * The attributes of the counters IPP service: requested-attributes, and the
 * printer group built from a queue's counters and from the store.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Standard names where PWG has them (printer-input-tray of PWG 5100.13,
 * printer-*-completed of PWG 5100.22), a vault- prefix for the rest.
 * IPP integers are 32-bit: larger counts are answered as INT_MAX.
 * doc/COUNTERS.md shows every attribute with an example.
 */

#define G_LOG_DOMAIN "vaultd-ipp"

#include "config.h"
#include "vaultd-ipp.h"
#include <limits.h>
#include <string.h>


/*
 * '_vaultdIppRequested()' - requested-attributes as a set of names; NULL
 *                           means every attribute ("all", "printer-description",
 *                     "printer-status", or none asked for).
 */

GHashTable *
_vaultdIppRequested(ipp_t *request)
{
  ipp_attribute_t	*attr = ippFindAttribute(request, "requested-attributes", IPP_TAG_KEYWORD);
  GHashTable		*set;

  if (!attr)
    return (NULL);

  set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (int i = 0; i < ippGetCount(attr); i ++)
  {
    const char *name = ippGetString(attr, i, NULL);

    if (!strcmp(name, "all") || !strcmp(name, "printer-description") || !strcmp(name, "printer-status"))
    {
      g_hash_table_destroy(set);
      return (NULL);
    }
    g_hash_table_add(set, g_strdup(name));
  }

  return (set);
}


/*
 * 'want()' - True when attribute name is to be returned.
 */

static bool
want(GHashTable *set, const char *name)
{
  return (!set || g_hash_table_contains(set, name));
}


/*
 * 'clamp()' - A count as an IPP integer (at most INT_MAX).
 */

static int
clamp(guint64 value)
{
  return (value > INT_MAX ? INT_MAX : (int)value);
}


/*
 * 'add_input_trays()' - printer-input-tray (PWG 5100.13): one octetString
 *                       per tray/media row, level and maxcapacity in
 *                       sheets (-2 = unknown when never loaded).
 */

static void
add_input_trays(ipp_t *response, const vault_counters_t *counters)
{
  ipp_attribute_t	*attr = NULL;
  guint			n = vaultCountersGetTrayCount(counters);

  for (guint i = 0; i < n; i ++)
  {
    const vault_tray_counts_t	*t = vaultCountersGetTray(counters, i);
    int				max = t->loaded ? clamp(t->loaded) : -2,
				level = t->loaded ? clamp(t->remaining) : -2;
    g_autofree char		*value = g_strdup_printf("type=sheetFeedAutoRemovableTray;dimunit=micrometers;mediafeed=0;mediaxfeed=0;"
                                                     "unit=sheets;maxcapacity=%d;level=%d;status=0;name=%s;medianame=%s;",
                                                     max, level, t->tray, t->media);

    if (!attr)
      attr = ippAddOctetString(response, IPP_TAG_PRINTER, "printer-input-tray", value, (int)strlen(value));
    else
      ippSetOctetString(response, &attr, ippGetCount(attr), value, (int)strlen(value));
  }
}


/*
 * 'add_sheet_texts()' - One of vault-sheets-loaded/-used/-remaining: a
 *                       1setOf text "<tray> <media> <sheets>" per row.
 */

static void
add_sheet_texts(ipp_t *response, const vault_counters_t *counters, const char *name, size_t offset)
{
  ipp_attribute_t	*attr = NULL;

  for (guint i = 0; i < vaultCountersGetTrayCount(counters); i ++)
  {
    const vault_tray_counts_t	*t = vaultCountersGetTray(counters, i);
    guint64			value = *(const guint64 *)((const char *)t + offset);
    g_autofree char		*text = g_strdup_printf("%s %s %" G_GUINT64_FORMAT, t->tray, t->media, value);

    if (!attr)
      attr = ippAddString(response, IPP_TAG_PRINTER, IPP_TAG_TEXT, name, NULL, text);
    else
      ippSetString(response, &attr, ippGetCount(attr), text);
  }
}


/*
 * 'add_media_counters()' - vault-media-counters: 1setOf collection, one per
 *                          tray/media row, every count of the row.
 */

static void
add_media_counters(ipp_t *response, const vault_counters_t *counters)
{
  ipp_attribute_t	*attr = NULL;

  for (guint i = 0; i < vaultCountersGetTrayCount(counters); i ++)
  {
    const vault_tray_counts_t	*t = vaultCountersGetTray(counters, i);
    ipp_t			*col = ippNew();

    ippAddString(col, IPP_TAG_ZERO, IPP_TAG_KEYWORD, "media-source", NULL, t->tray);
    ippAddString(col, IPP_TAG_ZERO, IPP_TAG_KEYWORD, "media", NULL, t->media);
    ippAddInteger(col, IPP_TAG_ZERO, IPP_TAG_INTEGER, "sheets-loaded", clamp(t->loaded));
    ippAddInteger(col, IPP_TAG_ZERO, IPP_TAG_INTEGER, "sheets-used", clamp(t->used));
    ippAddInteger(col, IPP_TAG_ZERO, IPP_TAG_INTEGER, "sheets-remaining", clamp(t->remaining));
    ippAddInteger(col, IPP_TAG_ZERO, IPP_TAG_INTEGER, "pages-completed", clamp(t->pages));
    ippAddInteger(col, IPP_TAG_ZERO, IPP_TAG_INTEGER, "impressions-completed", clamp(t->impressions));
    ippAddInteger(col, IPP_TAG_ZERO, IPP_TAG_INTEGER, "media-sheets-completed", clamp(t->sheets));

    if (!attr)
      attr = ippAddCollection(response, IPP_TAG_PRINTER, "vault-media-counters", col);
    else
      ippSetCollection(response, &attr, ippGetCount(attr), col);
    ippDelete(col);
  }
}


/*
 * '_vaultdIppAddCounters()' - Every attribute from the counters file.
 */

void
_vaultdIppAddCounters(ipp_t *response, const vault_counters_t *counters, GHashTable *set)
{
  bool rows = vaultCountersGetTrayCount(counters) > 0;

  if (want(set, "printer-name"))
    ippAddString(response, IPP_TAG_PRINTER, IPP_TAG_NAME, "printer-name", NULL, vaultCountersGetQueue(counters));
  if (rows && want(set, "printer-input-tray"))
    add_input_trays(response, counters);
  if (want(set, "printer-impressions-completed"))
    ippAddInteger(response, IPP_TAG_PRINTER, IPP_TAG_INTEGER, "printer-impressions-completed", clamp(vaultCountersGetImpressions(counters)));
  if (want(set, "printer-media-sheets-completed"))
    ippAddInteger(response, IPP_TAG_PRINTER, IPP_TAG_INTEGER, "printer-media-sheets-completed", clamp(vaultCountersGetSheets(counters)));
  if (want(set, "printer-pages-completed"))
    ippAddInteger(response, IPP_TAG_PRINTER, IPP_TAG_INTEGER, "printer-pages-completed", clamp(vaultCountersGetPages(counters)));
  if (want(set, "vault-jobs-completed"))
    ippAddInteger(response, IPP_TAG_PRINTER, IPP_TAG_INTEGER, "vault-jobs-completed", clamp(vaultCountersGetJobs(counters)));
  if (rows && want(set, "vault-sheets-loaded"))
    add_sheet_texts(response, counters, "vault-sheets-loaded", G_STRUCT_OFFSET(vault_tray_counts_t, loaded));
  if (rows && want(set, "vault-sheets-used"))
    add_sheet_texts(response, counters, "vault-sheets-used", G_STRUCT_OFFSET(vault_tray_counts_t, used));
  if (rows && want(set, "vault-sheets-remaining"))
    add_sheet_texts(response, counters, "vault-sheets-remaining", G_STRUCT_OFFSET(vault_tray_counts_t, remaining));
  if (rows && want(set, "vault-media-counters"))
    add_media_counters(response, counters);
}


/*
 * 'count_held()' - vaultStoreWalk callback: entries of the queue that
 *                  wait for a decision (AWAITING, RESURRECTED).
 */

typedef struct held_s
{
  const char	*queue;
  int		count;
} held_t;

static bool
count_held(vault_store_t *store, const char *id, vault_entry_t *entry, const GError *load_error, void *data)
{
  held_t		*held = data;
  vault_state_t		state;

  if (!entry || g_ascii_strcasecmp(vaultEntryGetJob(entry)->queue, held->queue))
    return (true);

  state = vaultEntryGetState(entry);
  if (state == VAULT_STATE_AWAITING || state == VAULT_STATE_RESURRECTED)
    held->count ++;

  return (true);
}


/*
 * '_vaultdIppAddStoreAttrs()' - vault-held-jobs and vault-area-usage,
 *                               from the store.  False with error when it
 *                               cannot be read.
 */

bool
_vaultdIppAddStoreAttrs(vault_store_t *store, ipp_t *response, const char *queue, GHashTable *set, GError **error)
{
  const vault_config_t	*config = vaultStoreGetConfig(store);
  ipp_attribute_t	*attr = NULL;
  held_t		held = { queue, 0 };
  guint64		used, capacity, fs_free;

  if (want(set, "vault-held-jobs"))
  {
    if (!vaultStoreWalk(store, VAULT_WALK_LIVE, count_held, &held, error))
      return (false);
    ippAddInteger(response, IPP_TAG_PRINTER, IPP_TAG_INTEGER, "vault-held-jobs", held.count);
  }

  for (guint i = 0; want(set, "vault-area-usage") && i < vaultConfigGetAreaCount(config); i ++)
  {
    ipp_t *col;

    if (!vaultStoreGetAreaUsage(store, i, &used, &capacity, &fs_free, error))
      return (false);

    col = ippNew();
    ippAddString(col, IPP_TAG_ZERO, IPP_TAG_NAME, "area-name", NULL, vaultConfigGetAreaName(config, i));
    ippAddInteger(col, IPP_TAG_ZERO, IPP_TAG_INTEGER, "area-capacity-kib", clamp(capacity / 1024));
    ippAddInteger(col, IPP_TAG_ZERO, IPP_TAG_INTEGER, "area-used-kib", clamp((used + 1023) / 1024));
    if (!attr)
      attr = ippAddCollection(response, IPP_TAG_PRINTER, "vault-area-usage", col);
    else
      ippSetCollection(response, &attr, ippGetCount(attr), col);
    ippDelete(col);
  }

  return (true);
}
