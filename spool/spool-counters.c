/*
 * A queue's counters: per media + tray, sheets loaded, used and remaining,
 * and pages, impressions, sheets and jobs completed.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * One GLib key file per queue, <root>/counters/<queue>.counters (the suffix
 * keeps a queue named "x.tmp" from meeting the temporary file of queue
 * "x"); spool-counters-file.c writes its text, with a [mac] group like a
 * sidecar's, and verifies and parses it back.
 * A change is read-modify-write under <root>/locks/queue-<queue>.counters
 * and replaces the file atomically (_vaultIoReplaceFile), so a reader sees
 * the old counters or the new ones, never a mix; after a crash the counters
 * are those of the last change that returned true.
 * Counters change only when a job printed (vaultCountersApplyJob) or when an
 * admin loads paper (vaultCountersSetLoad).  doc/COUNTERS.md has the format.
 */

#include "spool-private.h"
#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define MAX_ROWS	256
#define MAX_MARKERS_LEN	1900		/* An ATTR: line must stay under 2047 bytes */


/*
 * '_vaultCountersNew()' - Empty counters for queue.
 */

vault_counters_t *
_vaultCountersNew(const char *queue)
{
  vault_counters_t *c = g_new0(vault_counters_t, 1);

  c->queue = g_strdup(queue);
  c->rows  = g_array_new(FALSE, TRUE, sizeof(vault_tray_counts_t));
  return (c);
}


/*
 * 'vaultCountersFree()' - Free counters (NULL allowed).
 */

void
vaultCountersFree(vault_counters_t *counters)
{
  if (!counters)
    return;

  for (guint i = 0; i < counters->rows->len; i ++)
  {
    vault_tray_counts_t *row = &g_array_index(counters->rows, vault_tray_counts_t, i);

    g_free((char *)row->tray);
    g_free((char *)row->media);
  }

  g_array_free(counters->rows, TRUE);
  g_free(counters->queue);
  g_free(counters);
}


/*
 * Accessors.
 */

const char *
vaultCountersGetQueue(const vault_counters_t *counters)
{
  return (counters->queue);
}

guint64
vaultCountersGetJobs(const vault_counters_t *counters)
{
  return (counters->jobs);
}

gint64
vaultCountersGetUpdated(const vault_counters_t *counters)
{
  return (counters->updated);
}

guint
vaultCountersGetTrayCount(const vault_counters_t *counters)
{
  return (counters->rows->len);
}

const vault_tray_counts_t *
vaultCountersGetTray(const vault_counters_t *counters, guint i)
{
  g_return_val_if_fail(i < counters->rows->len, NULL);

  return (&g_array_index(counters->rows, vault_tray_counts_t, i));
}


/*
 * 'sum_rows()' - Sum one guint64 field (at offset) over the rows.
 */

static guint64
sum_rows(const vault_counters_t *counters, size_t offset)
{
  guint64 sum = 0;

  for (guint i = 0; i < counters->rows->len; i ++)
    sum += *(const guint64 *)((const char *)&g_array_index(counters->rows, vault_tray_counts_t, i) + offset);

  return (sum);
}

guint64
vaultCountersGetPages(const vault_counters_t *counters)
{
  return (sum_rows(counters, G_STRUCT_OFFSET(vault_tray_counts_t, pages)));
}

guint64
vaultCountersGetImpressions(const vault_counters_t *counters)
{
  return (sum_rows(counters, G_STRUCT_OFFSET(vault_tray_counts_t, impressions)));
}

guint64
vaultCountersGetSheets(const vault_counters_t *counters)
{
  return (sum_rows(counters, G_STRUCT_OFFSET(vault_tray_counts_t, sheets)));
}


/*
 * '_vaultCountersKeywordIsValid()' - True for a tray or media name: 1..127
 *                                    bytes of [A-Za-z0-9_.-] (PWG keywords
 *                                    and self-describing media names,
 *                                    custom_ ones included).
 */

bool
_vaultCountersKeywordIsValid(const char *s)
{
  size_t len = s ? strlen(s) : 0;

  if (len == 0 || len > 127)
    return (false);

  for (; *s; s ++)
    if (!g_ascii_isalnum(*s) && !strchr("_.-", *s))
      return (false);

  return (true);
}


/*
 * '_vaultCountersRowFind()' - The row for tray + media, or NULL.
 */

vault_tray_counts_t *
_vaultCountersRowFind(vault_counters_t *c, const char *tray, const char *media)
{
  for (guint i = 0; i < c->rows->len; i ++)
  {
    vault_tray_counts_t *row = &g_array_index(c->rows, vault_tray_counts_t, i);

    if (!strcmp(row->tray, tray) && !strcmp(row->media, media))
      return (row);
  }

  return (NULL);
}


/*
 * '_vaultCountersRowAdd()' - Append a zero row for tray + media; NULL past
 *                            MAX_ROWS.
 */

vault_tray_counts_t *
_vaultCountersRowAdd(vault_counters_t *c, const char *tray, const char *media)
{
  vault_tray_counts_t row = { g_strdup(tray), g_strdup(media), 0, 0, 0, 0, 0, 0 };

  if (c->rows->len >= MAX_ROWS)
  {
    g_free((char *)row.tray);
    g_free((char *)row.media);
    return (NULL);
  }

  g_array_append_val(c->rows, row);
  return (&g_array_index(c->rows, vault_tray_counts_t, c->rows->len - 1));
}


/*
 * '_vaultCountersRowFixRemaining()' - remaining = loaded - used, never
 *                                     below 0.
 */

void
_vaultCountersRowFixRemaining(vault_tray_counts_t *row)
{
  row->remaining = row->loaded > row->used ? row->loaded - row->used : 0;
}


/*
 * 'counters_path()' - <root>/counters/<queue>.counters; g_free it.
 */

static char *
counters_path(vault_store_t *store, const char *queue)
{
  g_autofree char *name = g_strconcat(queue, _VAULT_COUNTERS_SUFFIX, NULL);

  return (g_build_filename(vaultConfigGetRoot(store->config), _VAULT_COUNTERS_DIR, name, NULL));
}


/*
 * 'vaultCountersRead()' - Read and verify a queue's counters.  NOT_FOUND
 *                         when the queue has none, INVALID for a bad name,
 *                         IO, AUTH, CORRUPT, VERSION.
 */

vault_counters_t *
vaultCountersRead(vault_store_t *store, const char *queue, GError **error)
{
  g_autofree char	*path = NULL, *data = NULL;
  gsize			len;
  GError		*e = NULL;

  g_return_val_if_fail(store != NULL, NULL);

  if (!vaultQueueNameIsValid(queue))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "Invalid queue name \"%s\".", queue ? queue : "(null)");
    return (NULL);
  }

  path = counters_path(store, queue);
  if (!g_file_get_contents(path, &data, &len, &e))
  {
    if (g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND, "Queue %s has no counters yet (load paper with vaultctl load, or print a job).", queue);
    else
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_IO, "Cannot read %s: %s", path, e->message);
    g_error_free(e);
    return (NULL);
  }

  return (_vaultCountersFromData(data, len, queue, &store->mac_key, error));
}


/*
 * 'vaultCountersFindQueue()' - The real name of the queue whose counters
 *                              file matches name, ignoring ASCII case as
 *                              cupsd does; g_free it.  NULL when none.
 */

char *
vaultCountersFindQueue(vault_store_t *store, const char *name)
{
  g_autofree char	*path = NULL, *dirpath = NULL;
  GDir			*dir;
  const char		*entry;
  char			*found = NULL;
  size_t		len = strlen(_VAULT_COUNTERS_SUFFIX);

  if (!vaultQueueNameIsValid(name))
    return (NULL);

  path = counters_path(store, name);
  if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
    return (g_strdup(name));

  dirpath = g_build_filename(vaultConfigGetRoot(store->config), _VAULT_COUNTERS_DIR, NULL);
  if ((dir = g_dir_open(dirpath, 0, NULL)) == NULL)
    return (NULL);

  while (!found && (entry = g_dir_read_name(dir)) != NULL)
    if (strlen(entry) == strlen(name) + len && g_str_has_suffix(entry, _VAULT_COUNTERS_SUFFIX) &&
        !g_ascii_strncasecmp(entry, name, strlen(name)))
      found = g_strndup(entry, strlen(name));

  g_dir_close(dir);
  return (found);
}


/*
 * 'counters_update()' - Read-modify-write a queue's counters under its
 *                       counters lock: read (or start empty when there
 *                       is no file yet), apply change, stamp, replace the
 *                       file atomically.  Durable when it returns true;
 *                       *after (when not NULL) is then what was written.
 */

typedef bool (*counters_change_t)(vault_counters_t *c, const void *data, GError **error);

static bool
counters_update(vault_store_t *store, const char *queue, counters_change_t change, const void *data, vault_counters_t **after, GError **error)
{
  g_autofree char	*path = NULL, *dir = NULL, *text = NULL;
  vault_counters_t	*c = NULL;
  GError		*e = NULL;
  gsize			len;
  int			fd;
  bool			ok = false;

  if ((fd = _vaultQueueLockOpen(store, queue, "counters", error)) < 0)
    return (false);

  if (!_vaultFlockUntil(fd, LOCK_EX, g_get_monotonic_time() + 30 * G_USEC_PER_SEC, NULL, "the counters lock", error))
    goto done;

  if ((c = vaultCountersRead(store, queue, &e)) == NULL)
  {
    if (!g_error_matches(e, VAULT_ERROR, VAULT_ERROR_NOT_FOUND))
    {
      g_propagate_error(error, e);
      goto done;
    }
    g_clear_error(&e);
    c = _vaultCountersNew(queue);
  }

  if (!change(c, data, error))
    goto done;

  c->updated = g_get_real_time() / G_USEC_PER_SEC;
  path       = counters_path(store, queue);
  dir        = g_path_get_dirname(path);
  if (g_mkdir_with_parents(dir, 0700) < 0)
  {
    _vaultSetIoError(error, errno, "Cannot create the counters directory", dir);
    goto done;
  }

  text = _vaultCountersToData(c, &store->mac_key, &len);
  if ((ok = _vaultIoReplaceFile(store->io, path, text, len, error)) == true && after)
  {
    *after = c;
    c      = NULL;
  }

done:
  vaultCountersFree(c);
  close(fd);
  return (ok);
}


/*
 * 'row_for_job()' - The row a job's media + tray is charged to: the exact
 *                   row; else, for tray "auto", the loaded row of that
 *                   media (the printer picks a tray that holds it); else,
 *                   for media "unknown", the loaded row of that tray; else
 *                   a new row.  NULL past MAX_ROWS.
 */

static vault_tray_counts_t *
row_for_job(vault_counters_t *c, const char *tray, const char *media)
{
  vault_tray_counts_t *row;

  if ((row = _vaultCountersRowFind(c, tray, media)) != NULL)
    return (row);

  for (guint i = 0; i < c->rows->len; i ++)
  {
    row = &g_array_index(c->rows, vault_tray_counts_t, i);
    if (row->loaded > 0 && ((!strcmp(tray, "auto") && !strcmp(row->media, media)) ||
                            (!strcmp(media, "unknown") && !strcmp(row->tray, tray))))
      return (row);
  }

  return (_vaultCountersRowAdd(c, tray, media));
}


/*
 * 'apply_job()' - counters_change_t for vaultCountersApplyJob.
 */

typedef struct apply_s
{
  const vault_job_counts_t	*rows;
  guint				n_rows;
} apply_t;

static bool
apply_job(vault_counters_t *c, const void *data, GError **error)
{
  const apply_t *a = data;

  for (guint i = 0; i < a->n_rows; i ++)
  {
    const vault_job_counts_t	*j = a->rows + i;
    const char			*tray = j->tray && *j->tray ? j->tray : "auto";
    const char			*media = j->media && *j->media ? j->media : "unknown";
    vault_tray_counts_t		*row;

    if (!_vaultCountersKeywordIsValid(tray) || !_vaultCountersKeywordIsValid(media) || (row = row_for_job(c, tray, media)) == NULL)
    {
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "Cannot count media \"%s\" in tray \"%s\" (bad name, or more than %d media/tray rows).", media, tray, MAX_ROWS);
      return (false);
    }

    row->pages       += j->pages;
    row->impressions += j->impressions;
    row->sheets      += j->sheets;
    row->used        += j->sheets;
    _vaultCountersRowFixRemaining(row);
  }

  c->jobs ++;
  return (true);
}


/*
 * 'vaultCountersApplyJob()' - Add one job that printed: each row's pages,
 *                             impressions and sheets, used += sheets,
 *                             jobs + 1.  Creates the file for the queue's
 *                             first job.  INVALID (nothing changed) for a
 *                             bad name; IO.  Durable when true; *after
 *                             (when not NULL) is then the counters written.
 */

bool
vaultCountersApplyJob(vault_store_t *store, const char *queue, const vault_job_counts_t *rows, guint n_rows, vault_counters_t **after, GError **error)
{
  apply_t a = { rows, n_rows };

  g_return_val_if_fail(store != NULL && (rows != NULL || n_rows == 0), false);

  return (counters_update(store, queue, apply_job, &a, after, error));
}


/*
 * 'set_load()' - counters_change_t for vaultCountersSetLoad.
 */

typedef struct load_s
{
  const char	*tray, *media;
  guint64	sheets;
} load_t;

static bool
set_load(vault_counters_t *c, const void *data, GError **error)
{
  const load_t		*l = data;
  vault_tray_counts_t	*row;

  if ((row = _vaultCountersRowFind(c, l->tray, l->media)) == NULL && (row = _vaultCountersRowAdd(c, l->tray, l->media)) == NULL)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "Queue %s already has %d media/tray rows.", c->queue, MAX_ROWS);
    return (false);
  }

  row->loaded = l->sheets;
  row->used   = 0;
  _vaultCountersRowFixRemaining(row);
  return (true);
}


/*
 * 'vaultCountersSetLoad()' - An admin put sheets of media in tray: that
 *                            row's loaded = sheets, used = 0.  INVALID for
 *                            a bad queue, tray or media name; IO.  Durable
 *                            when true.
 */

bool
vaultCountersSetLoad(vault_store_t *store, const char *queue, const char *tray, const char *media, guint64 sheets, GError **error)
{
  load_t l = { tray, media, sheets };

  g_return_val_if_fail(store != NULL, false);

  if (!_vaultCountersKeywordIsValid(tray) || !_vaultCountersKeywordIsValid(media) || sheets > G_MAXINT32)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "Bad load: tray and media are PWG names of letters, digits, _ . -, and at most %d sheets.", G_MAXINT32);
    return (false);
  }

  return (counters_update(store, queue, set_load, &l, NULL, error));
}


/*
 * 'vaultCountersFormatMarkers()' - The value part of an ATTR: line that
 *                                  mirrors loaded trays into cupsd:
 *                                  "marker-names=tray-1/iso_a4_210x297mm,...
 *                                  marker-levels=97,... marker-types=other,...".
 *                                  Levels are remaining * 100 / loaded.
 *                                  g_free it; NULL when no tray is loaded.
 */

char *
vaultCountersFormatMarkers(const vault_counters_t *counters)
{
  GString	*names = g_string_new(NULL), *levels = g_string_new(NULL), *types = g_string_new(NULL);
  char		*line = NULL;

  for (guint i = 0; i < counters->rows->len; i ++)
  {
    const vault_tray_counts_t *r = &g_array_index(counters->rows, vault_tray_counts_t, i);

    if (r->loaded == 0)
      continue;
    if (names->len + levels->len + types->len + strlen(r->tray) + strlen(r->media) + 16 > MAX_MARKERS_LEN)
      break;

    g_string_append_printf(names, "%s%s/%s", names->len ? "," : "", r->tray, r->media);
    g_string_append_printf(levels, "%s%d", levels->len ? "," : "", (int)(r->remaining * 100 / r->loaded));
    g_string_append_printf(types, "%sother", types->len ? "," : "");
  }

  if (names->len)
    line = g_strdup_printf("marker-names=%s marker-levels=%s marker-types=%s", names->str, levels->str, types->str);

  g_string_free(names, TRUE);
  g_string_free(levels, TRUE);
  g_string_free(types, TRUE);
  return (line);
}
