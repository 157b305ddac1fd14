/*
 * vaultd's service mode: after cupsd is up, keep the vault and cupsd in
 * agreement by polling, on the caller's GLib main context.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * cupsd keeps no event history across its restarts, so the service does
 * not follow events: every poll (at start, then every 2 s, or
 * $VAULTD_POLL_INTERVAL seconds) reads all of cupsd's jobs with Get-Jobs
 * and visits every live entry of the vault, and every tenth poll (the
 * first after start or reconnection among them) the tombstones too
 * (vaultd-reconcile.c says what each combination leads to).  While cupsd cannot be reached the poll only
 * retries the connection, and says so once; after cupsd comes back the
 * next poll reads everything again, which is all a restart needs.
 *
 * A job is matched to its entry by its identity (queue, job-uuid,
 * time-at-creation; cupsd reuses job ids) or, for a job vaultd re-created,
 * by its vault-entry-id attribute.  $VAULTD_NOTIFY_RECIPIENT, when set, is
 * the notify-recipient-uri of subscriptions ("%u" becomes the user name,
 * e.g. mailto:%u@example.com); without it people pull with ippget.
 */

#define G_LOG_DOMAIN "vaultd-service"

#include "vaultd-service.h"
#include <stdlib.h>
#include <string.h>

#define POLL_DEFAULT_MS	2000
#define TOMBSTONE_POLLS	10		/* Every 10th poll reads the tombstones too */


/*
 * 'identity_key()' - The key of a job's identity in by_identity; g_free it.
 */

static char *
identity_key(const char *queue, const char *uuid, gint64 created)
{
  return (g_strdup_printf("%s\t%s\t%" G_GINT64_FORMAT, queue ? queue : "", uuid ? uuid : "", created));
}


/*
 * 'entry_key()' - The key of a re-created job in by_entry: its
 *                 vault-entry-id and its owner; g_free it.
 */

static char *
entry_key(const char *entry_id, const char *user)
{
  return (g_strdup_printf("%s\t%s", entry_id, user ? user : ""));
}


/*
 * 'index_jobs()' - Replace the job tables with jobs (taken over); the newest
 *                  job of an identity or of an entry id and owner wins.
 */

static void
index_jobs(vaultd_service_t *svc, GPtrArray *jobs)
{
  g_hash_table_remove_all(svc->by_identity);
  g_hash_table_remove_all(svc->by_entry);
  g_hash_table_remove_all(svc->members);
  if (svc->jobs)
    g_ptr_array_unref(svc->jobs);
  svc->jobs = jobs;

  for (guint i = 0; i < jobs->len; i ++)
  {
    vaultd_job_t	*job = g_ptr_array_index(jobs, i), *old;
    char		*key = identity_key(job->queue, job->uuid, job->created);

    if ((old = g_hash_table_lookup(svc->by_identity, key)) == NULL || old->id < job->id)
      g_hash_table_insert(svc->by_identity, key, job);
    else
      g_free(key);

    if (!job->entry_id)
      continue;
    key = entry_key(job->entry_id, job->user);
    if ((old = g_hash_table_lookup(svc->by_entry, key)) == NULL || old->id < job->id)
      g_hash_table_insert(svc->by_entry, key, job);
    else
      g_free(key);
  }
}


/*
 * 'vaultdServiceFindJob()' - The CUPS job of entry at the last poll: the
 *                            newest job vaultd re-created for it, else the
 *                            job of its identity; NULL when cupsd has none.
 *
 * Anyone can put a vault-entry-id attribute on a job of theirs (lp -o), so
 * a job is taken for the entry's re-created job only when it belongs to
 * the entry's owner: another user's job never decides about the entry.
 */

const vaultd_job_t *
vaultdServiceFindJob(vaultd_service_t    *svc,
                     const vault_entry_t *entry)
{
  const vault_job_t	*job = vaultEntryGetJob(entry);
  const vaultd_job_t	*found;
  g_autofree char	*key = NULL;

  key = entry_key(vaultEntryGetId(entry), job->user);
  if ((found = g_hash_table_lookup(svc->by_entry, key)) != NULL)
    return (found);

  g_free(key);
  key = identity_key(job->queue, job->uuid, job->created);
  return (g_hash_table_lookup(svc->by_identity, key));
}


/*
 * 'visit_entry()' - vaultStoreWalk callback: reconcile one entry.
 */

static bool
visit_entry(vault_store_t *store, const char *id, vault_entry_t *entry, const GError *load_error, void *data)
{
  vaultd_service_t *svc = data;

  if (entry)
    vaultdReconcileEntry(svc, entry);
  else if (!g_hash_table_contains(svc->warned, id))
  {
    g_warning("Entry %s cannot be read and is left alone: %s", id, load_error ? load_error->message : "no sidecar");
    g_hash_table_add(svc->warned, g_strdup(id));
  }

  return (true);
}


/*
 * 'vaultdServicePoll()' - Read cupsd's jobs and reconcile every live entry,
 *                         and every TOMBSTONE_POLLS-th poll the tombstones.
 *
 * Returns false when cupsd could not be reached (nothing was changed).
 */

bool
vaultdServicePoll(vaultd_service_t *svc)
{
  GPtrArray		*jobs;
  vault_walk_t		what;		/* Which entries this poll reads */
  g_autoptr(GError)	error = NULL;

  if ((jobs = vaultdCupsGetJobs(svc->cups, &error)) == NULL)
  {
    if (!svc->cupsd_down)
      g_message("Waiting for cupsd: %s", error->message);
    svc->cupsd_down = true;
    return (false);
  }

  if (svc->cupsd_down || svc->generation != vaultdCupsGetGeneration(svc->cups))
  {
    g_message("Connected to cupsd at %s; reading every job again.", vaultdCupsGetServer(svc->cups));
    g_hash_table_remove_all(svc->subscribed);	/* cupsd may have lost unflushed subscriptions */
    g_hash_table_remove_all(svc->unreachable);	/* Job ids may be reused */
    svc->generation = vaultdCupsGetGeneration(svc->cups);
    svc->cupsd_down = false;
    svc->polls      = 0;
  }

  index_jobs(svc, jobs);

  // Tombstones (a week of printed jobs) ask for nothing urgent -- a pending
  // job of a discarded entry to cancel, an old one to prune -- and reading
  // them all is most of a poll's work: every TOMBSTONE_POLLS-th poll.
  what = svc->polls ++ % TOMBSTONE_POLLS ? VAULT_WALK_LIVE : VAULT_WALK_ALL;
  if (!vaultStoreWalk(svc->store, what, visit_entry, svc, &error))
    g_warning("The vault cannot be listed: %s", error->message);

  return (true);
}


/*
 * 'poll_cb()' - The GLib source callback of the poll timer and first run.
 */

static gboolean
poll_cb(gpointer data)
{
  vaultdServicePoll(data);
  return (G_SOURCE_CONTINUE);
}


/*
 * 'first_poll_cb()' - Poll once as soon as the main loop runs.
 */

static gboolean
first_poll_cb(gpointer data)
{
  vaultdServicePoll(data);
  return (G_SOURCE_REMOVE);
}


/*
 * 'poll_interval()' - $VAULTD_POLL_INTERVAL seconds (0.1 to 3600) in ms,
 *                     else 2 s.
 */

static guint
poll_interval(void)
{
  const char	*env = getenv("VAULTD_POLL_INTERVAL");
  char		*end;
  double	seconds;

  if (!env || !*env)
    return (POLL_DEFAULT_MS);

  seconds = g_ascii_strtod(env, &end);
  if (*end || seconds < 0.1 || seconds > 3600)
  {
    g_warning("VAULTD_POLL_INTERVAL=\"%s\" is not a number of seconds from 0.1 to 3600; polling every 2 s.", env);
    return (POLL_DEFAULT_MS);
  }

  return ((guint)(seconds * 1000));
}


/*
 * 'vaultdServiceStart()' - Start polling cupsd on the thread-default main
 *                          context.  Returns the service; cupsd need not be
 *                          up yet.  Never fails today (error kept for the
 *                          interface).
 */

vaultd_service_t *
vaultdServiceStart(vault_store_t *store,
                   GError        **error)
{
  vaultd_service_t	*svc;
  const char		*recipient = getenv("VAULTD_NOTIFY_RECIPIENT");

  g_return_val_if_fail(store != NULL, NULL);

  svc              = g_new0(vaultd_service_t, 1);
  svc->store       = store;
  svc->cups        = vaultdCupsNew();
  svc->interval_ms = poll_interval();
  svc->by_identity = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  svc->by_entry    = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  svc->subscribed  = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  svc->warned      = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  svc->unreachable = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  svc->members     = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  svc->recipient   = recipient && *recipient ? g_strdup(recipient) : NULL;

  g_message("Service started: cupsd at %s, polling every %u ms, notices by %s.", vaultdCupsGetServer(svc->cups), svc->interval_ms, svc->recipient ? svc->recipient : "ippget");

  g_idle_add(first_poll_cb, svc);
  svc->timer = g_timeout_add(svc->interval_ms, poll_cb, svc);

  return (svc);
}


/*
 * 'vaultdServiceStop()' - Stop polling and free the service.
 */

void
vaultdServiceStop(vaultd_service_t *svc)
{
  if (!svc)
    return;

  g_source_remove(svc->timer);
  g_idle_remove_by_data(svc);
  if (svc->jobs)
    g_ptr_array_unref(svc->jobs);
  g_hash_table_destroy(svc->by_identity);
  g_hash_table_destroy(svc->by_entry);
  g_hash_table_destroy(svc->subscribed);
  g_hash_table_destroy(svc->warned);
  g_hash_table_destroy(svc->unreachable);
  g_hash_table_destroy(svc->members);
  vaultdCupsFree(svc->cups);
  g_free(svc->recipient);
  g_free(svc);
}
