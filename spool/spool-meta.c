/*
 * The metadata sidecar of an entry: a GLib key file with a format version,
 * the fields of the patent, what recovery needs, and a MAC over it all.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Layout (doc/FORMAT.md): groups [entry], [job], [storage], [key],
 * [recovery] and [media], written by GKeyFile in that fixed order, a blank
 * line, then a final group holding exactly one line:
 *
 *   [mac]
 *   hmac-sha256=<64 lowercase hex digits>
 *
 * The MAC is HMAC-SHA256 under the store's "sidecar-mac" key over every byte
 * before the "[mac]" line.  A reader verifies it before it looks at any
 * field, and refuses anything after the MAC line.  spool-meta-file.c
 * writes the text to disk (atomically) and reads it back.
 */

#include "spool-private.h"
#include <string.h>

#define MAX_SIDECAR	(1024 * 1024)

static const char * const state_names[VAULT_STATE_COUNT] =
{
  "receiving", "stored", "sending", "done", "resurrected", "awaiting", "discarded"
};


/*
 * 'vaultStateString()' - Name of a state as stored in sidecars and journal.
 */

const char *
vaultStateString(vault_state_t state)
{
  if ((guint)state < VAULT_STATE_COUNT)
    return (state_names[state]);

  return ("unknown");
}


/*
 * 'vaultStateFromString()' - Parse a state name; false when unknown.
 */

bool
vaultStateFromString(const char *s, vault_state_t *state)
{
  for (guint i = 0; s && i < VAULT_STATE_COUNT; i ++)
  {
    if (!strcmp(s, state_names[i]))
    {
      *state = (vault_state_t)i;
      return (true);
    }
  }

  return (false);
}


/*
 * '_vaultMetaNew()' - A zeroed sidecar of the current format.
 */

_vault_meta_t *
_vaultMetaNew(void)
{
  _vault_meta_t *meta = g_new0(_vault_meta_t, 1);

  meta->format       = _VAULT_FORMAT_VERSION;
  meta->priority     = 50;
  meta->copies       = 1;
  meta->media_counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  return (meta);
}


/*
 * '_vaultMetaFree()' - Free a sidecar, wiping the wrapped key text.
 */

void
_vaultMetaFree(_vault_meta_t *meta)
{
  if (!meta)
    return;

  if (meta->wrapped_key)
    _vaultKeyWipe(meta->wrapped_key, strlen(meta->wrapped_key));

  g_free(meta->area);
  g_free(meta->uuid);
  g_free(meta->queue);
  g_free(meta->user);
  g_free(meta->host);
  g_free(meta->title);
  g_free(meta->inner_uri);
  g_free(meta->content_type);
  g_free(meta->stored_timezone);
  g_free(meta->wrapped_key);
  g_free(meta->secret_salt);
  g_free(meta->boot_id);
  g_hash_table_unref(meta->media_counts);
  g_free(meta);
}


/*
 * 'iso_utc()' - Format UNIX seconds as ISO 8601 UTC ("2024-05-01T10:00:00Z").
 */

static char *
iso_utc(gint64 t)
{
  GDateTime	*dt = g_date_time_new_from_unix_utc(t);
  char		*s = dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup("");

  if (dt)
    g_date_time_unref(dt);

  return (s);
}


/*
 * 'set_opt()' - Set a string key when the value is not NULL.
 */

static void
set_opt(GKeyFile *kf, const char *group, const char *key, const char *value)
{
  if (value)
    g_key_file_set_string(kf, group, key, value);
}


/*
 * 'set_u64()' - Set a decimal key.
 */

static void
set_u64(GKeyFile *kf, const char *group, const char *key, guint64 value)
{
  g_key_file_set_uint64(kf, group, key, value);
}


/*
 * 'compare_keys()' - g_strcmp0 for sorting media names.
 */

static gint
compare_keys(gconstpointer a, gconstpointer b)
{
  return (strcmp(*(const char * const *)a, *(const char * const *)b));
}


/*
 * 'meta_to_keyfile()' - Fill a key file with every field, in format order.
 */

static void
meta_to_keyfile(const _vault_meta_t *meta, GKeyFile *kf)
{
  char		*t;
  guint		n;
  const char	**names;

  g_key_file_set_integer(kf, "entry", "format", meta->format);
  g_key_file_set_string(kf, "entry", "id", meta->id);
  g_key_file_set_string(kf, "entry", "state", vaultStateString(meta->state));
  g_key_file_set_boolean(kf, "entry", "valid", meta->valid);
  set_opt(kf, "entry", "area", meta->area);

  set_opt(kf, "job", "uuid", meta->uuid);
  g_key_file_set_int64(kf, "job", "created", meta->created);
  g_key_file_set_integer(kf, "job", "job-id", meta->job_id);
  set_opt(kf, "job", "queue", meta->queue);
  set_opt(kf, "job", "user", meta->user);
  set_opt(kf, "job", "host", meta->host);
  set_opt(kf, "job", "title", meta->title);
  g_key_file_set_integer(kf, "job", "copies", meta->copies);
  g_key_file_set_integer(kf, "job", "priority", meta->priority);
  set_opt(kf, "job", "inner-uri", meta->inner_uri);
  set_opt(kf, "job", "content-type", meta->content_type);

  g_key_file_set_string(kf, "storage", "stored-utc", t = iso_utc(meta->stored_utc));
  g_free(t);
  g_key_file_set_string(kf, "storage", "stored-local-date", meta->stored_local_date);
  set_opt(kf, "storage", "stored-timezone", meta->stored_timezone);
  g_key_file_set_string(kf, "storage", "changed-utc", t = iso_utc(meta->changed_utc));
  g_free(t);
  g_key_file_set_boolean(kf, "storage", "encrypted", meta->encrypted);
  set_u64(kf, "storage", "data-size", meta->data_size);
  set_u64(kf, "storage", "file-size", meta->file_size);

  set_opt(kf, "key", "wrapped-key", meta->wrapped_key);
  set_opt(kf, "key", "secret-salt", meta->secret_salt);
  if (meta->secret_salt)
    set_u64(kf, "key", "secret-iterations", meta->secret_iterations);

  set_opt(kf, "recovery", "boot-id", meta->boot_id);
  g_key_file_set_int64(kf, "recovery", "pid", meta->pid);
  if (meta->pid_start)
    set_u64(kf, "recovery", "pid-start", meta->pid_start);
  set_u64(kf, "recovery", "send-count", meta->send_count);

  names = (const char **)g_hash_table_get_keys_as_array(meta->media_counts, &n);
  qsort(names, n, sizeof(char *), compare_keys);
  for (guint i = 0; i < n; i ++)
    set_u64(kf, "media", names[i], *(guint64 *)g_hash_table_lookup(meta->media_counts, names[i]));
  g_free(names);
}


/*
 * '_vaultMetaToData()' - Serialize a sidecar with its [mac] group.  Returns
 *                        the text (g_free it) and its length in *len.
 */

char *
_vaultMetaToData(const _vault_meta_t *meta, const _vault_key_t *mac_key, gsize *len)
{
  GKeyFile	*kf = g_key_file_new();
  GString	*text;
  char		*body;
  gsize		body_len;

  meta_to_keyfile(meta, kf);
  body = g_key_file_to_data(kf, &body_len, NULL);
  g_key_file_free(kf);

  text = g_string_new_len(body, (gssize)body_len);
  g_free(body);
  _vaultMacSeal(text, mac_key);

  if (len)
    *len = text->len;

  return (g_string_free(text, FALSE));
}


/*
 * Field readers: each fails with CORRUPT naming the group and key.
 */

static bool
corrupt(GError **error, const char *group, const char *key, const char *why)
{
  g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "Sidecar field [%s] %s: %s.", group, key, why);
  return (false);
}

static bool
get_str(GKeyFile *kf, const char *group, const char *key, bool required, char **out, GError **error)
{
  if (!g_key_file_has_key(kf, group, key, NULL))
    return (required ? corrupt(error, group, key, "missing") : true);

  if ((*out = g_key_file_get_string(kf, group, key, NULL)) == NULL)
    return (corrupt(error, group, key, "not a string"));

  return (true);
}

static bool
get_num(GKeyFile *kf, const char *group, const char *key, gint64 min, gint64 max, gint64 *out, GError **error)
{
  char	*value = g_key_file_get_value(kf, group, key, NULL);
  bool	ok;

  if (!value)
    return (corrupt(error, group, key, "missing"));

  ok = g_ascii_string_to_signed(value, 10, min, max, out, NULL);
  g_free(value);
  return (ok ? true : corrupt(error, group, key, "not a number in range"));
}

static bool
get_bool(GKeyFile *kf, const char *group, const char *key, bool *out, GError **error)
{
  GError	*e = NULL;
  gboolean	b = g_key_file_get_boolean(kf, group, key, &e);

  if (e)
  {
    g_error_free(e);
    return (corrupt(error, group, key, "missing or not true/false"));
  }

  *out = b;
  return (true);
}

static bool
get_time(GKeyFile *kf, const char *group, const char *key, gint64 *out, GError **error)
{
  char		*value = g_key_file_get_string(kf, group, key, NULL);
  GDateTime	*dt = value ? g_date_time_new_from_iso8601(value, NULL) : NULL;

  g_free(value);
  if (!dt)
    return (corrupt(error, group, key, "missing or not an ISO 8601 time"));

  *out = g_date_time_to_unix(dt);
  g_date_time_unref(dt);

  // Nothing was stored before 1970, and only what iso_utc() writes back
  // (four-digit years) may be read: a sidecar must survive a rewrite.
  if (*out < 0 || *out > G_GINT64_CONSTANT(253402300799))	/* 9999-12-31T23:59:59Z */
    return (corrupt(error, group, key, "a time outside 1970-9999"));

  return (true);
}


/*
 * 'meta_from_entry()' - Read [entry]: format, id, state, valid, area.
 */

static bool
meta_from_entry(GKeyFile *kf, _vault_meta_t *meta, GError **error)
{
  gint64	format;
  char		*id = NULL, *state = NULL;
  bool		ok;

  if (!get_num(kf, "entry", "format", 0, G_MAXINT, &format, error))
    return (false);
  if (format != _VAULT_FORMAT_VERSION)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_VERSION, "Sidecar format %d is not supported (this build reads format %d).", (int)format, _VAULT_FORMAT_VERSION);
    return (false);
  }

  ok = get_str(kf, "entry", "id", true, &id, error) &&
       (_vaultIdIsValid(id) || corrupt(error, "entry", "id", "not 32 lowercase hex digits")) &&
       get_str(kf, "entry", "state", true, &state, error) &&
       (vaultStateFromString(state, &meta->state) || corrupt(error, "entry", "state", "unknown state")) &&
       get_bool(kf, "entry", "valid", &meta->valid, error) &&
       get_str(kf, "entry", "area", true, &meta->area, error);

  if (ok)
    memcpy(meta->id, id, _VAULT_ID_LEN + 1);

  meta->format = (int)format;
  g_free(id);
  g_free(state);
  return (ok);
}


/*
 * 'meta_from_job()' - Read [job].
 */

static bool
meta_from_job(GKeyFile *kf, _vault_meta_t *meta, GError **error)
{
  gint64 job_id, copies, priority;

  if (!get_str(kf, "job", "uuid", true, &meta->uuid, error) ||
      !get_num(kf, "job", "created", 1, G_MAXINT64, &meta->created, error) ||
      !get_num(kf, "job", "job-id", 0, G_MAXINT, &job_id, error) ||
      !get_str(kf, "job", "queue", true, &meta->queue, error) ||
      !get_str(kf, "job", "user", true, &meta->user, error) ||
      !get_str(kf, "job", "host", false, &meta->host, error) ||
      !get_str(kf, "job", "title", false, &meta->title, error) ||
      !get_num(kf, "job", "copies", 0, G_MAXINT, &copies, error) ||
      !get_num(kf, "job", "priority", 0, 100, &priority, error) ||
      !get_str(kf, "job", "inner-uri", false, &meta->inner_uri, error) ||
      !get_str(kf, "job", "content-type", false, &meta->content_type, error))
    return (false);

  meta->job_id   = (int)job_id;
  meta->copies   = (int)copies;
  meta->priority = (int)priority;
  return (true);
}


/*
 * 'meta_from_storage()' - Read [storage].
 */

static bool
meta_from_storage(GKeyFile *kf, _vault_meta_t *meta, GError **error)
{
  char		*date = NULL;
  gint64	data_size, file_size;
  bool		ok;

  ok = get_time(kf, "storage", "stored-utc", &meta->stored_utc, error) &&
       get_str(kf, "storage", "stored-local-date", true, &date, error) &&
       (strlen(date) == 10 || corrupt(error, "storage", "stored-local-date", "not YYYY-MM-DD")) &&
       get_str(kf, "storage", "stored-timezone", false, &meta->stored_timezone, error) &&
       get_time(kf, "storage", "changed-utc", &meta->changed_utc, error) &&
       get_bool(kf, "storage", "encrypted", &meta->encrypted, error) &&
       get_num(kf, "storage", "data-size", 0, G_MAXINT64, &data_size, error) &&
       get_num(kf, "storage", "file-size", 0, G_MAXINT64, &file_size, error);

  if (ok)
  {
    memcpy(meta->stored_local_date, date, 11);
    meta->data_size = (guint64)data_size;
    meta->file_size = (guint64)file_size;
  }

  g_free(date);
  return (ok);
}


/*
 * 'meta_from_keys()' - Read [key], [recovery] and [media].
 */

static bool
meta_from_keys(GKeyFile *kf, _vault_meta_t *meta, GError **error)
{
  gint64	iterations = 0, pid, pid_start = 0, send_count;
  char		**names;
  bool		ok = true;

  if (!get_str(kf, "key", "wrapped-key", false, &meta->wrapped_key, error) ||
      !get_str(kf, "key", "secret-salt", false, &meta->secret_salt, error) ||
      (meta->secret_salt && !get_num(kf, "key", "secret-iterations", 1, G_MAXUINT, &iterations, error)) ||
      !get_str(kf, "recovery", "boot-id", false, &meta->boot_id, error) ||
      !get_num(kf, "recovery", "pid", 0, G_MAXINT, &pid, error) ||
      (g_key_file_has_key(kf, "recovery", "pid-start", NULL) && !get_num(kf, "recovery", "pid-start", 1, G_MAXINT64, &pid_start, error)) ||
      !get_num(kf, "recovery", "send-count", 0, G_MAXUINT, &send_count, error))
    return (false);

  meta->secret_iterations = (guint)iterations;
  meta->pid               = (pid_t)pid;
  meta->pid_start         = (guint64)pid_start;
  meta->send_count        = (guint)send_count;

  names = g_key_file_get_keys(kf, "media", NULL, NULL);
  for (char **name = names; ok && name && *name; name ++)
  {
    gint64 sheets;

    if ((ok = get_num(kf, "media", *name, 0, G_MAXINT64, &sheets, error)))
      g_hash_table_insert(meta->media_counts, g_strdup(*name), g_memdup2(&(guint64){ (guint64)sheets }, sizeof(guint64)));
  }
  g_strfreev(names);

  return (ok);
}


/*
 * '_vaultMetaFromData()' - Verify the MAC, then parse.  AUTH when the MAC is
 *                          wrong (tampered, or another site key), CORRUPT
 *                          naming the key for a bad field or layout,
 *                          VERSION for an unknown format.
 */

_vault_meta_t *
_vaultMetaFromData(const char *data, gsize len, const _vault_key_t *mac_key, GError **error)
{
  _vault_meta_t	*meta;
  GKeyFile	*kf;
  gsize		covered;
  bool		ok;

  if (!_vaultMacOpen(data, len, MAX_SIDECAR, mac_key, "Sidecar", &covered, error))
    return (NULL);

  kf = g_key_file_new();
  if (!g_key_file_load_from_data(kf, data, covered, G_KEY_FILE_NONE, NULL))
  {
    g_key_file_free(kf);
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT, "Sidecar is not a valid key file.");
    return (NULL);
  }

  meta = _vaultMetaNew();
  ok   = meta_from_entry(kf, meta, error) && meta_from_job(kf, meta, error) &&
         meta_from_storage(kf, meta, error) && meta_from_keys(kf, meta, error);
  g_key_file_free(kf);

  if (!ok)
  {
    _vaultMetaFree(meta);
    return (NULL);
  }

  return (meta);
}
