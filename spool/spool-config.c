/*
 * Reading vault.conf: the spool root, the areas and their capacities, the
 * site key file, the caps, the recovery policy and the per-queue policy on
 * originator secrets ([queue NAME]).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The file is a GLib key file (doc/FORMAT.md).  It is checked strictly: an
 * unknown group or key is an error, because a misspelt cap would otherwise
 * silently disable it.  Every error names the file, the key and the value.
 */

#include "spool-private.h"
#include <errno.h>
#include <string.h>

#ifndef VAULT_DEFAULT_CONF_PATH
#  define VAULT_DEFAULT_CONF_PATH "/etc/cups/vault.conf"
#endif

#define AREA_PREFIX "area "
#define QUEUE_PREFIX "queue "


static const char * const vault_keys[] =
{
  "spool-root", "key-file", "originator-max-bytes", "originator-max-entries",
  "stale", "tombstone-age", "representative", "consult-timeout",
  "counters-listen", "counters-socket", "release-socket", NULL
};

static const char * const queue_keys[] = { "require-secret", "representative-may-release-protected", NULL };

static const char * const area_keys[] = { "path", "capacity", NULL };


/*
 * 'config_error()' - Set a CONFIG error naming the file, group, key and value.
 */

static void
config_error(GError **error, const vault_config_t *config, const char *group, const char *key, const char *value, const char *why)
{
  if (key)
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG, "%s: [%s] %s = \"%s\": %s", config->path, group, key, value ? value : "", why);
  else
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG, "%s: [%s]: %s", config->path, group, why);
}


/*
 * 'parse_scaled()' - Parse digits with an optional one-letter unit: the
 *                    letter at index i of units multiplies by scales[i].
 *                    Returns false on anything else or a value over max.
 */

static bool
parse_scaled(const char *s, const char *units, const guint64 *scales, guint64 max, guint64 *value)
{
  char		*end;
  const char	*unit;
  guint64	v, scale = 1;

  if (!s || !g_ascii_isdigit(*s))
    return (false);

  errno = 0;
  v     = g_ascii_strtoull(s, &end, 10);
  if (errno)
    return (false);

  if (*end)
  {
    if ((unit = strchr(units, *end)) == NULL || end[1])
      return (false);
    scale = scales[unit - units];
  }

  if (v && scale > max / v)
    return (false);

  *value = v * scale;
  return (true);
}


/*
 * 'parse_size()' - Bytes, with an optional binary suffix K, M, G or T.
 */

static bool
parse_size(const char *s, guint64 *value)
{
  static const guint64 scales[] = { 1ULL << 10, 1ULL << 20, 1ULL << 30, 1ULL << 40, 1ULL << 10, 1ULL << 20, 1ULL << 30, 1ULL << 40 };

  return (parse_scaled(s, "KMGTkmgt", scales, G_MAXUINT64, value));
}


/*
 * 'parse_duration()' - Seconds, with an optional suffix s, m, h or d.
 */

static bool
parse_duration(const char *s, gint64 *value)
{
  static const guint64 scales[] = { 1, 60, 3600, 86400 };
  guint64 v;

  if (!parse_scaled(s, "smhd", scales, (guint64)G_MAXINT64, &v))
    return (false);

  *value = (gint64)v;
  return (true);
}


/*
 * 'check_keys()' - Fail with CONFIG when group holds a key not in allowed.
 */

static bool
check_keys(const vault_config_t *config, GKeyFile *kf, const char *group, const char * const *allowed, GError **error)
{
  char		**keys = g_key_file_get_keys(kf, group, NULL, NULL);
  bool		ok = true;

  for (char **k = keys; k && *k && ok; k ++)
  {
    if (!g_strv_contains(allowed, *k))
    {
      char *value = g_key_file_get_value(kf, group, *k, NULL);

      config_error(error, config, group, *k, value, "unknown key (check its spelling)");
      g_free(value);
      ok = false;
    }
  }

  g_strfreev(keys);
  return (ok);
}


/*
 * 'get_string()' - Fetch an optional string; NULL when absent, "" is an error.
 */

static bool
get_string(const vault_config_t *config, GKeyFile *kf, const char *group, const char *key, char **out, GError **error)
{
  char	*value;

  if (!g_key_file_has_key(kf, group, key, NULL))
    return (true);

  value = g_key_file_get_string(kf, group, key, NULL);
  if (!value || !*value)
  {
    config_error(error, config, group, key, value, "empty value");
    g_free(value);
    return (false);
  }

  g_free(*out);
  *out = value;
  return (true);
}


/*
 * Kinds of values get_value() parses.
 */

typedef enum value_kind_e
{
  VALUE_SIZE,				/* guint64 bytes, K M G T suffixes */
  VALUE_COUNT,				/* guint64, digits only, up to G_MAXUINT */
  VALUE_DURATION			/* gint64 seconds, s m h d suffixes */
} value_kind_t;


/*
 * 'get_value()' - Fetch an optional value of a kind and parse it into out;
 *                 an unparsable value is a config error that says what was
 *                 expected.
 */

static bool
get_value(const vault_config_t *config, GKeyFile *kf, const char *group, const char *key,
          value_kind_t kind, void *out, GError **error)
{
  static const char * const expected[] =
  {
    "not a byte count (digits with an optional K, M, G or T suffix)",
    "not a count (digits only)",
    "not a duration (digits with an optional s, m, h or d suffix)"
  };
  char	*value = NULL;
  bool	ok;

  if (!get_string(config, kf, group, key, &value, error))
    return (false);
  if (!value)
    return (true);

  switch (kind)
  {
    case VALUE_SIZE :
        ok = parse_size(value, out);
        break;
    case VALUE_COUNT :
        ok = g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT, out, NULL);
        break;
    case VALUE_DURATION :
    default :
        ok = parse_duration(value, out);
        break;
  }

  if (!ok)
    config_error(error, config, group, key, value, expected[kind]);

  g_free(value);
  return (ok);
}


/*
 * 'get_absolute_path()' - Fetch an optional path that must be absolute.
 */

static bool
get_absolute_path(const vault_config_t *config, GKeyFile *kf, const char *group, const char *key, char **out, GError **error)
{
  if (!get_string(config, kf, group, key, out, error))
    return (false);

  if (*out && !g_path_is_absolute(*out))
  {
    config_error(error, config, group, key, *out, "not an absolute path");
    return (false);
  }

  return (true);
}


/*
 * 'load_stale()' - Parse "stale": same-day, never or max-age=DURATION.
 */

static bool
load_stale(vault_config_t *config, GKeyFile *kf, GError **error)
{
  char	*value = NULL;
  bool	ok = true;

  if (!get_string(config, kf, "vault", "stale", &value, error))
    return (false);

  if (!value || !strcmp(value, "same-day"))
    config->stale = VAULT_STALE_SAME_DAY;
  else if (!strcmp(value, "never"))
    config->stale = VAULT_STALE_NEVER;
  else if (g_str_has_prefix(value, "max-age=") && parse_duration(value + 8, &config->max_age) && config->max_age > 0)
    config->stale = VAULT_STALE_MAX_AGE;
  else
  {
    config_error(error, config, "vault", "stale", value, "expected same-day, never or max-age=DURATION (e.g. max-age=7d)");
    ok = false;
  }

  g_free(value);
  return (ok);
}


/*
 * 'valid_listen()' - True for "host:port" with a port in 1..65535.
 */

static bool
valid_listen(const char *s)
{
  const char	*colon = s ? strrchr(s, ':') : NULL;
  guint64	port;

  if (!s)
    return (true);

  return (colon && colon > s && g_ascii_string_to_unsigned(colon + 1, 10, 1, 65535, &port, NULL));
}


/*
 * 'load_vault_group()' - Read the [vault] group.
 */

static bool
load_vault_group(vault_config_t *config, GKeyFile *kf, GError **error)
{
  guint64	entries = 0;
  gint64	consult = (gint64)config->consult_timeout;

  if (!g_key_file_has_group(kf, "vault"))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG, "%s: missing the [vault] group", config->path);
    return (false);
  }

  if (!check_keys(config, kf, "vault", vault_keys, error) ||
      !get_absolute_path(config, kf, "vault", "spool-root", &config->root, error) ||
      !get_absolute_path(config, kf, "vault", "key-file", &config->key_file, error) ||
      !get_value(config, kf, "vault", "originator-max-bytes", VALUE_SIZE, &config->originator_max_bytes, error) ||
      !get_value(config, kf, "vault", "originator-max-entries", VALUE_COUNT, &entries, error) ||
      !load_stale(config, kf, error) ||
      !get_value(config, kf, "vault", "tombstone-age", VALUE_DURATION, &config->tombstone_age, error) ||
      !get_string(config, kf, "vault", "representative", &config->representative, error) ||
      !get_value(config, kf, "vault", "consult-timeout", VALUE_DURATION, &consult, error) ||
      !get_string(config, kf, "vault", "counters-listen", &config->counters_listen, error) ||
      !get_absolute_path(config, kf, "vault", "counters-socket", &config->counters_socket, error) ||
      !get_absolute_path(config, kf, "vault", "release-socket", &config->release_socket, error))
    return (false);

  if (consult > G_MAXUINT)
  {
    char *value = g_key_file_get_value(kf, "vault", "consult-timeout", NULL);

    config_error(error, config, "vault", "consult-timeout", value, "too large");
    g_free(value);
    return (false);
  }

  if (!valid_listen(config->counters_listen))
  {
    config_error(error, config, "vault", "counters-listen", config->counters_listen, "expected HOST:PORT with a port from 1 to 65535");
    return (false);
  }

  if (!config->release_socket)
    // Outside the spool root (mode 0700): originators must reach it.
    config->release_socket = g_strdup("/run/cups-vault/release.sock");

  config->originator_max_entries = (guint)entries;
  config->consult_timeout        = (guint)consult;
  return (true);
}


/*
 * 'valid_area_name()' - Area names are short and of a safe alphabet, since
 *                       they are recorded in sidecars.
 */

static bool
valid_area_name(const char *name)
{
  if (!*name || strlen(name) > 64)
    return (false);

  for (const char *p = name; *p; p ++)
    if (!g_ascii_isalnum(*p) && !strchr("-_.", *p))
      return (false);

  return (true);
}


/*
 * 'load_area()' - Read one [area NAME] group and append it.
 */

static bool
load_area(vault_config_t *config, GKeyFile *kf, const char *group, GError **error)
{
  _vault_area_conf_t	area = { NULL, NULL, 0 };
  char			*canon;

  if (!valid_area_name(group + strlen(AREA_PREFIX)))
  {
    config_error(error, config, group, NULL, NULL, "bad area name (letters, digits, '-', '_' and '.', at most 64)");
    return (false);
  }

  if (!check_keys(config, kf, group, area_keys, error) ||
      !get_absolute_path(config, kf, group, "path", &area.path, error) ||
      !get_value(config, kf, group, "capacity", VALUE_SIZE, &area.capacity, error))
  {
    g_free(area.path);
    return (false);
  }

  if (!area.path || !g_key_file_has_key(kf, group, "capacity", NULL) || !area.capacity)
  {
    if (!area.path)
      config_error(error, config, group, "path", NULL, "missing (the area's directory is required)");
    else if (!area.capacity && g_key_file_has_key(kf, group, "capacity", NULL))
      config_error(error, config, group, "capacity", "0", "must be above 0");
    else
      config_error(error, config, group, "capacity", NULL, "missing (the area's size in bytes is required)");
    g_free(area.path);
    return (false);
  }

  canon = g_canonicalize_filename(area.path, NULL);
  for (guint i = 0; i < config->areas->len; i ++)
  {
    if (!strcmp(g_array_index(config->areas, _vault_area_conf_t, i).path, canon))
    {
      config_error(error, config, group, "path", area.path, "the same directory as another area");
      g_free(canon);
      g_free(area.path);
      return (false);
    }
  }

  g_free(area.path);
  area.path = canon;
  area.name = g_strdup(group + strlen(AREA_PREFIX));
  g_array_append_val(config->areas, area);
  return (true);
}


/*
 * 'get_bool()' - Fetch an optional boolean: exactly "true" or "false".
 */

static bool
get_bool(const vault_config_t *config, GKeyFile *kf, const char *group, const char *key, bool *out, GError **error)
{
  char	*value = NULL;
  bool	ok = true;

  if (!get_string(config, kf, group, key, &value, error))
    return (false);

  if (value && !strcmp(value, "true"))
    *out = true;
  else if (value && !strcmp(value, "false"))
    *out = false;
  else if (value)
  {
    config_error(error, config, group, key, value, "expected true or false");
    ok = false;
  }

  g_free(value);
  return (ok);
}


/*
 * 'load_queue()' - Read one [queue NAME] group (NAME a CUPS printer name,
 *                  unique ignoring ASCII case).
 */

static bool
load_queue(vault_config_t *config, GKeyFile *kf, const char *group, GError **error)
{
  const char		*name = group + strlen(QUEUE_PREFIX);
  _vault_queue_conf_t	q = { false, false };
  char			*key;

  if (!vaultQueueNameIsValid(name))
  {
    config_error(error, config, group, NULL, NULL, "bad queue name (a CUPS printer name: no spaces, '/', '\\', '?', quotes or '#')");
    return (false);
  }

  if (!check_keys(config, kf, group, queue_keys, error) ||
      !get_bool(config, kf, group, "require-secret", &q.require_secret, error) ||
      !get_bool(config, kf, group, "representative-may-release-protected", &q.rep_may_release, error))
    return (false);

  key = g_ascii_strdown(name, -1);
  if (g_hash_table_contains(config->queues, key))
  {
    config_error(error, config, group, NULL, NULL, "the same queue as another [queue NAME] group (names ignore case)");
    g_free(key);
    return (false);
  }

  g_hash_table_insert(config->queues, key, g_memdup2(&q, sizeof(q)));
  return (true);
}


/*
 * 'load_groups()' - Read [vault], every [area NAME] and [queue NAME];
 *                   reject other groups.
 */

static bool
load_groups(vault_config_t *config, GKeyFile *kf, GError **error)
{
  char	**groups = g_key_file_get_groups(kf, NULL);
  bool	ok = load_vault_group(config, kf, error);

  for (char **g = groups; ok && *g; g ++)
  {
    if (!strcmp(*g, "vault"))
      continue;
    else if (g_str_has_prefix(*g, AREA_PREFIX))
      ok = load_area(config, kf, *g, error);
    else if (g_str_has_prefix(*g, QUEUE_PREFIX))
      ok = load_queue(config, kf, *g, error);
    else
    {
      config_error(error, config, *g, NULL, NULL, "unknown group (expected [vault], [area NAME] or [queue NAME])");
      ok = false;
    }
  }

  g_strfreev(groups);

  if (ok && config->areas->len < 2)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG, "%s: %u [area NAME] group(s); at least two areas are required", config->path, config->areas->len);
    ok = false;
  }

  return (ok);
}


/*
 * 'clear_area()' - Free one area's strings (GArray clear function).
 */

static void
clear_area(void *p)
{
  _vault_area_conf_t *area = p;

  g_free(area->name);
  g_free(area->path);
}


/*
 * 'vaultConfigLoad()' - Load and check vault.conf.  path NULL means
 *                       $VAULT_CONF, else the configure-time default.
 *                       Returns NULL with a CONFIG error naming the key and
 *                       value (or IO-like CONFIG error for an unreadable file).
 */

vault_config_t *
vaultConfigLoad(const char *path, GError **error)
{
  vault_config_t	*config = g_new0(vault_config_t, 1);
  GKeyFile		*kf = g_key_file_new();
  GError		*kf_error = NULL;

  if (!path)
    path = g_getenv("VAULT_CONF");
  if (!path || !*path)
    path = VAULT_DEFAULT_CONF_PATH;

  config->path            = g_strdup(path);
  config->root            = g_strdup("/var/spool/cups-vault");
  config->key_file        = g_strdup("/etc/cups/vault.key");
  config->areas           = g_array_new(FALSE, TRUE, sizeof(_vault_area_conf_t));
  config->stale           = VAULT_STALE_SAME_DAY;
  config->tombstone_age   = 7 * 86400;
  config->consult_timeout = 600;
  config->queues          = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_array_set_clear_func(config->areas, clear_area);

  if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &kf_error))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG, "%s: cannot load the vault configuration: %s", path, kf_error->message);
    g_error_free(kf_error);
    g_key_file_free(kf);
    vaultConfigFree(config);
    return (NULL);
  }

  if (!load_groups(config, kf, error))
  {
    g_key_file_free(kf);
    vaultConfigFree(config);
    return (NULL);
  }

  g_key_file_free(kf);
  return (config);
}


/*
 * 'vaultConfigFree()' - Free a configuration (NULL is allowed).
 */

void
vaultConfigFree(vault_config_t *config)
{
  if (!config)
    return;

  g_free(config->path);
  g_free(config->root);
  g_free(config->key_file);
  g_array_unref(config->areas);
  g_free(config->representative);
  g_free(config->counters_listen);
  g_free(config->counters_socket);
  g_free(config->release_socket);
  g_hash_table_destroy(config->queues);
  g_free(config);
}
