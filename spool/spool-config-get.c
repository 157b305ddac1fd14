/*
 * The accessors of a loaded vault.conf (spool-config.c parses it).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "spool-private.h"
#include <string.h>


/*
 * Accessors.  Area indices run from 0 to vaultConfigGetAreaCount() - 1, in
 * the order of the file.
 */

const char *
vaultConfigGetPath(const vault_config_t *config)
{
  return (config->path);
}

const char *
vaultConfigGetRoot(const vault_config_t *config)
{
  return (config->root);
}

const char *
vaultConfigGetKeyFile(const vault_config_t *config)
{
  return (config->key_file);
}

guint
vaultConfigGetAreaCount(const vault_config_t *config)
{
  return (config->areas->len);
}

const char *
vaultConfigGetAreaName(const vault_config_t *config, guint i)
{
  g_return_val_if_fail(i < config->areas->len, NULL);
  return (g_array_index(config->areas, _vault_area_conf_t, i).name);
}

const char *
vaultConfigGetAreaPath(const vault_config_t *config, guint i)
{
  g_return_val_if_fail(i < config->areas->len, NULL);
  return (g_array_index(config->areas, _vault_area_conf_t, i).path);
}

guint64
vaultConfigGetAreaCapacity(const vault_config_t *config, guint i)
{
  g_return_val_if_fail(i < config->areas->len, 0);
  return (g_array_index(config->areas, _vault_area_conf_t, i).capacity);
}

guint64
vaultConfigGetOriginatorMaxBytes(const vault_config_t *config)
{
  return (config->originator_max_bytes);
}

guint
vaultConfigGetOriginatorMaxEntries(const vault_config_t *config)
{
  return (config->originator_max_entries);
}

vault_stale_t
vaultConfigGetStalePolicy(const vault_config_t *config, gint64 *max_age)
{
  if (max_age)
    *max_age = config->stale == VAULT_STALE_MAX_AGE ? config->max_age : 0;

  return (config->stale);
}

gint64
vaultConfigGetTombstoneAge(const vault_config_t *config)
{
  return (config->tombstone_age);
}

const char *
vaultConfigGetRepresentative(const vault_config_t *config)
{
  return (config->representative);
}

guint
vaultConfigGetConsultTimeout(const vault_config_t *config)
{
  return (config->consult_timeout);
}

const char *
vaultConfigGetCountersListen(const vault_config_t *config)
{
  return (config->counters_listen);
}

const char *
vaultConfigGetCountersSocket(const vault_config_t *config)
{
  return (config->counters_socket);
}

const char *
vaultConfigGetReleaseSocket(const vault_config_t *config)
{
  return (config->release_socket);
}


/*
 * 'find_queue()' - The [queue NAME] policy of queue, NULL when it has none.
 */

static const _vault_queue_conf_t *
find_queue(const vault_config_t *config, const char *queue)
{
  char				*key;
  const _vault_queue_conf_t	*q;

  if (!queue)
    return (NULL);

  key = g_ascii_strdown(queue, -1);
  q   = g_hash_table_lookup(config->queues, key);
  g_free(key);

  return (q);
}

bool
vaultConfigGetQueueRequireSecret(const vault_config_t *config, const char *queue)
{
  const _vault_queue_conf_t *q = find_queue(config, queue);

  return (q && q->require_secret);
}

bool
vaultConfigGetQueueRepresentativeMayRelease(const vault_config_t *config, const char *queue)
{
  const _vault_queue_conf_t *q = find_queue(config, queue);

  return (q && q->rep_may_release);
}
