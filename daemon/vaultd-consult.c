/*
 * Consulting people about a held vault job through cupsd's own
 * notification machinery: the originator first, the representative when
 * the originator cannot be subscribed or no decision comes in time.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A consultation is a job subscription (Create-Job-Subscriptions, events
 * job-state-changed and job-completed) made as the person consulted, so
 * that person's Get-Notifications (ippget, the default) or the configured
 * notifier (mailto: ...) receives the held event now and the completion
 * notice when the job is released and printed, or canceled.  Who is
 * subscribed is read back from cupsd (Get-Subscriptions), so nobody is
 * consulted twice, also across vaultd restarts.  The consult timeout runs
 * from the time the entry became AWAITING (its last change).  Each
 * consultation is journalled.  A representative "@group" stands for the
 * members of that group (the group database's member list, the owner
 * left out): each is subscribed.
 */

#define G_LOG_DOMAIN "vaultd-consult"

#include "vaultd-service.h"
#include <grp.h>
#include <pwd.h>
#include <string.h>


/*
 * 'sub_key()' - Cache key for "user has a subscription on job_id".
 */

static char *
sub_key(int job_id, const char *user)
{
  return (g_strdup_printf("%d\t%s", job_id, user));
}


/*
 * 'is_subscribed()' - True when user has a subscription on job_id, from
 *                     the cache or cupsd.  *failed is set when cupsd cannot say.
 */

static bool
is_subscribed(vaultd_service_t *svc, int job_id, const char *user, bool *failed)
{
  g_autofree char	*key = sub_key(job_id, user);
  g_autoptr(GPtrArray)	users = NULL;
  g_autoptr(GError)	error = NULL;

  *failed = false;
  if (g_hash_table_contains(svc->subscribed, key))
    return (true);

  if ((users = vaultdCupsGetSubscribers(svc->cups, job_id, &error)) == NULL)
  {
    g_warning("Subscriptions of job %d cannot be read: %s", job_id, error->message);
    *failed = true;
    return (false);
  }

  for (guint i = 0; i < users->len; i ++)
    g_hash_table_add(svc->subscribed, sub_key(job_id, g_ptr_array_index(users, i)));

  return (g_hash_table_contains(svc->subscribed, key));
}


/*
 * 'recipient_for()' - The notify-recipient-uri for user (g_free), or NULL
 *                     for ippget.
 */

static char *
recipient_for(vaultd_service_t *svc, const char *user)
{
  char	**parts, *uri;

  if (!svc->recipient)
    return (NULL);

  parts = g_strsplit(svc->recipient, "%u", -1);
  uri   = g_strjoinv(user, parts);
  g_strfreev(parts);

  return (uri);
}


/*
 * 'subscribe()' - Subscribe user to the job and journal it; true on success.
 *
 * A failed subscription is journalled once and not tried again for the
 * job (svc->unreachable) while vaultd runs.
 *
 * With rehold, after subscribing, the job is held again (it is already held) with
 * Set-Job-Attributes: cupsd then sends the new subscriber a
 * job-state-changed event for the hold, which the earlier hold could not
 * deliver to a subscription that did not exist yet.
 */

static bool
subscribe(vaultd_service_t *svc, vault_entry_t *entry, const vaultd_job_t *job, const char *user, const char *role, bool rehold)
{
  g_autofree char	*recipient = recipient_for(svc, user), *reason = NULL;
  g_autoptr(GError)	error = NULL;
  int			id;

  if ((id = vaultdCupsSubscribe(svc->cups, job->queue ? job->queue : vaultEntryGetJob(entry)->queue, job->id, user, recipient, &error)) <= 0)
  {
    g_warning("Job %d: %s %s cannot be subscribed: %s", job->id, role, user, error->message);
    reason = g_strdup_printf("the %s %s could not be consulted: %s", role, user, error->message);
    vaultdJournalNote(svc->store, entry, job->id, reason);
    g_hash_table_add(svc->unreachable, sub_key(job->id, user));
    return (false);
  }

  g_hash_table_add(svc->subscribed, sub_key(job->id, user));
  if (rehold && !vaultdCupsRehold(svc->cups, job->id, &error))
    g_warning("Job %d: the hold event cannot be repeated: %s", job->id, error->message);

  reason = g_strdup_printf("%s the %s %s (subscription %d, %s)", rehold ? "consulted" : "subscribed to the job's end", role, user, id, recipient ? recipient : "ippget");
  vaultdJournalNote(svc->store, entry, job->id, reason);
  g_message("Job %d (entry %s): %s.", job->id, vaultEntryGetId(entry), reason);

  return (true);
}


/*
 * 'add_user()' - Add user to users unless it is there already.
 */

static void
add_user(GPtrArray *users, const char *user)
{
  if (!g_ptr_array_find_with_equal_func(users, user, g_str_equal, NULL))
    g_ptr_array_add(users, g_strdup(user));
}


/*
 * 'group_members()' - The users of group name, listed in it or with it as
 *                     their primary group (these only where the name
 *                     service can list every user), read once per poll.
 *                     Empty for an unknown group.  Owned by svc.
 */

static GPtrArray *
group_members(vaultd_service_t *svc, const char *name)
{
  GPtrArray	*users = g_hash_table_lookup(svc->members, name);
  struct group	*group;
  struct passwd	*pw;
  gid_t		gid;

  if (users)
    return (users);

  users = g_ptr_array_new_with_free_func(g_free);
  g_hash_table_insert(svc->members, g_strdup(name), users);
  if ((group = getgrnam(name)) == NULL)
    return (users);

  gid = group->gr_gid;
  for (char **member = group->gr_mem; *member; member ++)
    add_user(users, *member);

  setpwent();
  while ((pw = getpwent()) != NULL)
    if (pw->pw_gid == gid)
      add_user(users, pw->pw_name);
  endpwent();

  return (users);
}


/*
 * 'representatives()' - Who stands for representative (not empty): the
 *                       user, or the members of @group other than owner
 *                       (none when the group is unknown or has no other
 *                       member); warns once when that is nobody.
 *                       g_ptr_array_unref it.
 */

static GPtrArray *
representatives(vaultd_service_t *svc, const char *representative, const char *owner)
{
  GPtrArray	*people = g_ptr_array_new_with_free_func(g_free);
  GPtrArray	*members;

  if (representative[0] != '@')
  {
    g_ptr_array_add(people, g_strdup(representative));
    return (people);
  }

  members = group_members(svc, representative + 1);
  for (guint i = 0; i < members->len; i ++)
    if (strcmp(g_ptr_array_index(members, i), owner))
      g_ptr_array_add(people, g_strdup(g_ptr_array_index(members, i)));

  if (!people->len && g_hash_table_add(svc->warned, g_strdup(representative)))
    g_warning("The representative %s names nobody to consult (no such group, or no member but the job's owner).", representative);

  return (people);
}


/*
 * 'any_subscribed()' - True when one of people has a subscription on
 *                      job_id; *failed as is_subscribed.
 */

static bool
any_subscribed(vaultd_service_t *svc, int job_id, GPtrArray *people, bool *failed)
{
  *failed = false;
  for (guint i = 0; i < people->len && !*failed; i ++)
    if (is_subscribed(svc, job_id, g_ptr_array_index(people, i), failed))
      return (true);

  return (false);
}


/*
 * 'refer_to_representative()' - Consult the representative (each of
 *                               people) and say so on the job.
 */

static void
refer_to_representative(vaultd_service_t *svc, vault_entry_t *entry, const vaultd_job_t *job, const char *representative, GPtrArray *people)
{
  g_autofree char	*message = NULL;
  g_autoptr(GError)	error = NULL;
  bool			reached = false;

  for (guint i = 0; i < people->len; i ++)
    reached |= subscribe(svc, entry, job, g_ptr_array_index(people, i), "representative", true);

  if (!reached)
    return;

  message = vaultdHeldMessage(entry, job->entry_id != NULL, representative);
  if (!vaultdCupsSetMessage(svc->cups, job->id, message, &error))
    g_warning("Job %d: the message cannot be set: %s", job->id, error->message);
}


/*
 * 'vaultdConsult()' - Make sure the people who decide about a held vault
 *                     job (entry AWAITING, locked) are notified.
 *
 * The originator is subscribed once: when that fails (cupsd refuses the
 * subscription) it is not tried again while the representative is
 * subscribed or vaultd runs.  The representative is subscribed once too,
 * when the originator could not be, or when the entry has been awaiting
 * longer than the consult timeout.  Nothing is changed when
 * cupsd cannot say who is subscribed.
 */

void
vaultdConsult(vaultd_service_t   *svc,
              vault_entry_t      *entry,
              const vaultd_job_t *job)
{
  const vault_config_t	*config = vaultStoreGetConfig(svc->store);
  const char		*owner = vaultEntryGetJob(entry)->user,
			*representative = vaultConfigGetRepresentative(config);
  gint64		waited = g_get_real_time() / G_USEC_PER_SEC - vaultEntryGetChangedTime(entry);
  bool			failed, reached = true;
  bool			has_rep = representative && *representative && strcmp(representative, owner);
  g_autoptr(GPtrArray)	people = NULL;

  if (!is_subscribed(svc, job->id, owner, &failed))
  {
    g_autofree char *key = sub_key(job->id, owner);

    if (failed)
      return;
    if (has_rep)
      people = representatives(svc, representative, owner);
    if (g_hash_table_contains(svc->unreachable, key) ||
        (people && any_subscribed(svc, job->id, people, &failed)))
      reached = false;			/* Tried once already: never consulted twice */
    else if (!failed)
      reached = subscribe(svc, entry, job, owner, "originator", true);
    else
      return;
  }

  if (!has_rep || (reached && waited < (gint64)vaultConfigGetConsultTimeout(config)))
    return;

  if (!people)
    people = representatives(svc, representative, owner);
  if (!people->len)
    return;

  if (!any_subscribed(svc, job->id, people, &failed) && !failed)
  {
    if (reached)
    {
      g_autofree char *reason = g_strdup_printf("no decision from %s within %u s; referred to the representative %s", owner, vaultConfigGetConsultTimeout(config), representative);

      vaultdJournalNote(svc->store, entry, job->id, reason);
    }
    refer_to_representative(svc, entry, job, representative, people);
  }
}


/*
 * 'vaultdNotifyOwner()' - Subscribe the entry's owner to job (unless
 *                         subscribed or unreachable) before vaultd ends
 *                         it, so a push notifier delivers the
 *                         job-completed event; why is journalled.
 *                         Returns true when the owner is subscribed.
 *
 * The job is not held again: a Set-Job-Attributes hold would stop a
 * pending job that is about to be canceled anyway.  With ippget the notice
 * cannot be pulled after the job ended (cupsd deletes the subscription).
 */

bool
vaultdNotifyOwner(vaultd_service_t   *svc,
                  vault_entry_t      *entry,
                  const vaultd_job_t *job,
                  const char         *why)
{
  const char		*owner = vaultEntryGetJob(entry)->user;
  g_autofree char	*key = sub_key(job->id, owner);
  bool			failed;

  if (is_subscribed(svc, job->id, owner, &failed))
    return (true);
  if (failed || g_hash_table_contains(svc->unreachable, key))
    return (false);

  vaultdJournalNote(svc->store, entry, job->id, why);
  return (subscribe(svc, entry, job, owner, "originator", false));
}
