/*
 * The counters file of a queue as bytes: its key-file text, ending with a
 * [mac] group, and how that text is verified and parsed back.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Like a sidecar the file ends with a [mac] group: HMAC-SHA256 under the
 * store's sidecar-mac key over every byte before it; the [counters] group
 * names the queue, so a file copied to another queue's name fails to load.
 * spool-counters.c reads, changes and replaces the file.  doc/COUNTERS.md
 * has the format.
 */

#include "spool-private.h"
#include <string.h>

#define MAX_FILE	(1024 * 1024)


/*
 * '_vaultCountersToData()' - Serialize counters with their [mac] group.
 *                            Returns the text (g_free it), its length in
 *                            *len.
 */

char *
_vaultCountersToData(const vault_counters_t *counters, const _vault_key_t *mac_key, gsize *len)
{
  GString	*text = g_string_new(NULL);

  g_string_append_printf(text, "[counters]\nformat=%d\nqueue=%s\njobs-completed=%" G_GUINT64_FORMAT "\nupdated=%" G_GINT64_FORMAT "\n",
                         _VAULT_COUNTERS_FORMAT, counters->queue, counters->jobs, counters->updated);

  for (guint i = 0; i < counters->rows->len; i ++)
  {
    const vault_tray_counts_t *r = &g_array_index(counters->rows, vault_tray_counts_t, i);

    g_string_append_printf(text, "\n[row %u]\ntray=%s\nmedia=%s\nloaded=%" G_GUINT64_FORMAT "\nused=%" G_GUINT64_FORMAT
                           "\nremaining=%" G_GUINT64_FORMAT "\npages=%" G_GUINT64_FORMAT "\nimpressions=%" G_GUINT64_FORMAT
                           "\nsheets=%" G_GUINT64_FORMAT "\n", i + 1, r->tray, r->media, r->loaded, r->used, r->remaining,
                           r->pages, r->impressions, r->sheets);
  }

  _vaultMacSeal(text, mac_key);

  if (len)
    *len = text->len;

  return (g_string_free(text, FALSE));
}


/*
 * 'get_u64()' - Read a non-negative integer key; false with CORRUPT.
 */

static bool
get_u64(GKeyFile *kf, const char *group, const char *key, guint64 *value, GError **error)
{
  g_autofree char *s = g_key_file_get_value(kf, group, key, NULL);

  if (!s || !g_ascii_string_to_unsigned(s, 10, 0, G_MAXUINT64, value, NULL))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "Counters file: [%s] %s is missing or not a number.", group, key);
    return (false);
  }

  return (true);
}


/*
 * 'load_row()' - Read one [row N] group into c.
 */

static bool
load_row(vault_counters_t *c, GKeyFile *kf, const char *group, GError **error)
{
  g_autofree char	*tray = g_key_file_get_value(kf, group, "tray", NULL);
  g_autofree char	*media = g_key_file_get_value(kf, group, "media", NULL);
  vault_tray_counts_t	*row;

  if (!_vaultCountersKeywordIsValid(tray) || !_vaultCountersKeywordIsValid(media) || _vaultCountersRowFind(c, tray, media) ||
      (row = _vaultCountersRowAdd(c, tray, media)) == NULL)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "Counters file: [%s] has a bad or repeated tray/media.", group);
    return (false);
  }

  if (!get_u64(kf, group, "loaded", &row->loaded, error) || !get_u64(kf, group, "used", &row->used, error) ||
      !get_u64(kf, group, "pages", &row->pages, error) || !get_u64(kf, group, "impressions", &row->impressions, error) ||
      !get_u64(kf, group, "sheets", &row->sheets, error))
    return (false);

  _vaultCountersRowFixRemaining(row);
  return (true);
}


/*
 * 'load_keyfile()' - Fill counters for queue from a verified key file.
 */

static vault_counters_t *
load_keyfile(GKeyFile *kf, const char *queue, GError **error)
{
  vault_counters_t	*c = _vaultCountersNew(queue);
  g_auto(GStrv)		groups = g_key_file_get_groups(kf, NULL);
  g_autofree char	*name = g_key_file_get_value(kf, "counters", "queue", NULL);
  guint64		format = 0, updated = 0;
  bool			ok;

  ok = get_u64(kf, "counters", "format", &format, error);
  if (ok && format != _VAULT_COUNTERS_FORMAT)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_VERSION, "Counters file format %" G_GUINT64_FORMAT " is not readable by this version.", format);
    ok = false;
  }
  else if (ok && g_strcmp0(name, queue))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_AUTH, "Counters file names queue \"%s\", not \"%s\".", name ? name : "", queue);
    ok = false;
  }

  ok = ok && get_u64(kf, "counters", "jobs-completed", &c->jobs, error) &&
       get_u64(kf, "counters", "updated", &updated, error);
  c->updated = (gint64)MIN(updated, (guint64)G_MAXINT64);

  for (guint i = 0; ok && groups[i]; i ++)
    if (g_str_has_prefix(groups[i], "row "))
      ok = load_row(c, kf, groups[i], error);

  if (!ok)
  {
    vaultCountersFree(c);
    return (NULL);
  }

  return (c);
}


/*
 * '_vaultCountersFromData()' - Verify the MAC, then parse.  AUTH for a bad
 *                              MAC or another queue's file, CORRUPT for a
 *                              malformed one, VERSION for another format.
 */

vault_counters_t *
_vaultCountersFromData(const char *data, gsize len, const char *queue, const _vault_key_t *mac_key, GError **error)
{
  GKeyFile		*kf;
  vault_counters_t	*c;
  gsize			covered;
  g_autofree char	*what = g_strdup_printf("Counters file of %s", queue);

  if (!_vaultMacOpen(data, len, MAX_FILE, mac_key, what, &covered, error))
    return (NULL);

  kf = g_key_file_new();
  if (!g_key_file_load_from_data(kf, data, covered, G_KEY_FILE_NONE, NULL) || !g_key_file_has_group(kf, "counters"))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "Counters file of %s is not a counters key file.", queue);
    g_key_file_free(kf);
    return (NULL);
  }

  c = load_keyfile(kf, queue, error);
  g_key_file_free(kf);
  return (c);
}
