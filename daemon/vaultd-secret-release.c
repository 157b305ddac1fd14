/*
 * "release JOB-ID SECRET" on vaultd's release socket: find the vault entry
 * of CUPS job JOB-ID, check who asks, check the secret by recovering the
 * data key, keep that key as the entry's one-time grant, and release the
 * job in cupsd so the backend prints it once.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The checks, in order (each refusal is a sentence for the caller):
 *   - JOB-ID is a job cupsd holds (Get-Job-Attributes, as root);
 *   - its entry: the one its identity names (queue, job-uuid,
 *     time-at-creation: job ids are reused), or for a job vaultd re-created,
 *     its vault-entry-id when the job's owner is the entry's owner;
 *   - the entry is protected and held (AWAITING or RESURRECTED);
 *   - the caller (SO_PEERCRED uid -> user name) is the entry's owner, root,
 *     or the representative when the queue's policy allows it;
 *   - fewer than VAULTD_SECRET_ATTEMPTS wrong secrets were given for it;
 *   - the secret unwraps the data key.
 * Every attempt that reaches the owner check is journalled (who, and why it
 * was refused), never the secret.  The entry's lock is released before
 * Release-Job: the backend run that follows must find the entry free, or it
 * would take itself for a second run and hold the job again.
 */

#define G_LOG_DOMAIN "vaultd-secret"

#include "config.h"
#include "vaultd-secret.h"
#include "vaultd-service.h"
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#define CUPS_TIMEOUT_MS	10000
#define LOCK_TRIES	40		/* x LOCK_WAIT_US: how long a busy entry is waited for */
#define LOCK_WAIT_US	50000

/* What a release works with. */
typedef struct release_s
{
  vaultd_secret_t	*secret;
  int			job_id;
  char			*caller;	/* User name of the peer */
  uid_t			uid;
  vaultd_job_t		*job;		/* cupsd's view of JOB-ID */
  vault_lock_t		*lock;
  vault_entry_t		*entry;
} release_t;


/*
 * 'cups_request()' - Send request (consumed) to cupsd as root; the response
 *                    or NULL (cupsd down or an error status).
 */

static ipp_t *
cups_request(ipp_t *request)
{
  http_t	*http = httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, CUPS_TIMEOUT_MS, NULL);
  ipp_t		*response;

  if (!http)
  {
    ippDelete(request);
    return (NULL);
  }

  response = cupsDoRequest(http, request, "/");
  httpClose(http);

  if (response && ippGetStatusCode(response) > IPP_STATUS_OK_EVENTS_COMPLETE)
  {
    ippDelete(response);
    response = NULL;
  }

  return (response);
}


/*
 * 'job_request()' - A request of op on job_id as root.
 */

static ipp_t *
job_request(ipp_op_t op, int job_id)
{
  ipp_t	*request = ippNewRequest(op);
  char	uri[64];

  snprintf(uri, sizeof(uri), "ipp://localhost/jobs/%d", job_id);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, "root");
  return (request);
}


/*
 * 'get_job()' - cupsd's view of job_id; NULL when cupsd has no such job.
 */

static vaultd_job_t *
get_job(int job_id)
{
  static const char * const attrs[] = { "job-state", "job-uuid", "time-at-creation", "job-printer-uri", "job-originating-user-name", "vault-entry-id" };
  ipp_t			*request = job_request(IPP_OP_GET_JOB_ATTRIBUTES, job_id), *response;
  ipp_attribute_t	*attr;
  const char		*s;
  vaultd_job_t		*job;

  ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", G_N_ELEMENTS(attrs), NULL, attrs);
  if ((response = cups_request(request)) == NULL)
    return (NULL);

  job     = g_new0(vaultd_job_t, 1);
  job->id = job_id;
  if ((attr = ippFindAttribute(response, "job-state", IPP_TAG_ENUM)) != NULL)
    job->state = (ipp_jstate_t)ippGetInteger(attr, 0);
  if ((attr = ippFindAttribute(response, "time-at-creation", IPP_TAG_INTEGER)) != NULL)
    job->created = ippGetInteger(attr, 0);
  if ((s = ippGetString(ippFindAttribute(response, "job-uuid", IPP_TAG_URI), 0, NULL)) != NULL)
    job->uuid = g_strdup(s);
  if ((s = ippGetString(ippFindAttribute(response, "job-printer-uri", IPP_TAG_URI), 0, NULL)) != NULL)
    job->queue = vaultdCupsQueueOfUri(s);
  if ((s = ippGetString(ippFindAttribute(response, "job-originating-user-name", IPP_TAG_NAME), 0, NULL)) != NULL)
    job->user = g_strdup(s);
  if ((attr = ippFindAttribute(response, "vault-entry-id", IPP_TAG_ZERO)) != NULL && (s = ippGetString(attr, 0, NULL)) != NULL)
    job->entry_id = g_strdup(s);

  ippDelete(response);
  return (job);
}


/*
 * 'user_name()' - The user name of uid (g_free); NULL when it has none.
 */

static char *
user_name(uid_t uid)
{
  struct passwd	pw, *found = NULL;
  char		buf[4096];

  if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) || !found)
    return (NULL);

  return (g_strdup(found->pw_name));
}


/*
 * 'is_representative()' - Whether user is the configured representative: the
 *                         user itself, or a member of "@group".
 */

static bool
is_representative(const char *rep, const char *user)
{
  struct group	*gr;
  struct passwd	*pw;

  if (!rep || !user)
    return (false);
  if (rep[0] != '@')
    return (!strcmp(rep, user));

  if ((gr = getgrnam(rep + 1)) == NULL)
    return (false);
  if ((pw = getpwnam(user)) != NULL && pw->pw_gid == gr->gr_gid)
    return (true);
  for (char **m = gr->gr_mem; m && *m; m ++)
    if (!strcmp(*m, user))
      return (true);

  return (false);
}


/*
 * 'journal()' - Journal an attempt on the entry (state unchanged) by the caller.
 */

static void
journal(release_t *r, const char *reason)
{
  g_autoptr(GError)	error = NULL;

  if (!vaultJournalNote(vaultdSecretGetStore(r->secret), r->entry, r->job_id, r->caller, reason, &error))
    g_warning("Entry %s: the journal cannot be written: %s", vaultEntryGetId(r->entry), error->message);
}


/*
 * 'find_entry()' - Lock and open the entry of r->job.  Returns NULL on
 *                  success, else the refusal (g_free).
 */

static char *
find_entry(release_t *r)
{
  vault_store_t		*store = vaultdSecretGetStore(r->secret);
  vault_job_t		vj = { r->job->uuid, r->job->created, r->job_id, r->job->queue, r->job->user, NULL, NULL, 1, 50, NULL, NULL };
  const vault_job_t	*ej;
  g_autofree char	*id = NULL;
  g_autoptr(GError)	error = NULL;

  if (r->job->entry_id)
    id = g_strdup(r->job->entry_id);
  else if (!r->job->uuid || !r->job->queue || (id = vaultJobEntryId(&vj, NULL)) == NULL)
    return (g_strdup_printf("Job %d is not a vault job.", r->job_id));

  // A backend that just held the job may still hold the lock for a moment
  // (its notice child): retry briefly rather than send the person away.
  for (int i = 0; (r->lock = vaultLockAcquire(store, id, false, &error)) == NULL && i < LOCK_TRIES &&
                  g_error_matches(error, VAULT_ERROR, VAULT_ERROR_LOCKED); i ++)
  {
    g_clear_error(&error);
    g_usleep(LOCK_WAIT_US);
  }

  if (!r->lock)
    return (g_error_matches(error, VAULT_ERROR, VAULT_ERROR_LOCKED) ?
            g_strdup_printf("Job %d is being printed or changed right now; try again in a moment.", r->job_id) :
            g_strdup_printf("Job %d is not a vault job.", r->job_id));

  if ((r->entry = vaultEntryOpen(store, r->lock, id, &error)) == NULL)
    return (g_strdup_printf("Job %d is not in the vault.", r->job_id));

  ej = vaultEntryGetJob(r->entry);
  if (r->job->entry_id ? g_strcmp0(ej->user, r->job->user) != 0 :
      g_strcmp0(ej->uuid, r->job->uuid) || ej->created != r->job->created || g_ascii_strcasecmp(ej->queue, r->job->queue))
    return (g_strdup_printf("Job %d does not match its vault entry.", r->job_id));

  return (NULL);
}


/*
 * 'check_entry()' - State, protection and who asks.  NULL when the release
 *                   may go on, else the refusal (g_free), journalled when
 *                   it concerns the caller.
 */

static char *
check_entry(release_t *r)
{
  const vault_config_t	*config = vaultStoreGetConfig(vaultdSecretGetStore(r->secret));
  const vault_job_t	*ej = vaultEntryGetJob(r->entry);
  vault_state_t		state = vaultEntryGetState(r->entry);
  g_autofree char	*why = NULL;

  if (!vaultEntryHasSecret(r->entry))
    return (g_strdup_printf("Job %d is not protected by a secret: release it with \"lp -i %d -H resume\" or the web interface.", r->job_id, r->job_id));

  if ((state != VAULT_STATE_AWAITING && state != VAULT_STATE_RESURRECTED) || r->job->state != IPP_JSTATE_HELD)
    return (g_strdup_printf("Job %d is not held for a release (vault state %s).", r->job_id, vaultStateString(state)));

  if (r->uid != 0 && g_strcmp0(r->caller, ej->user) &&
      !(is_representative(vaultConfigGetRepresentative(config), r->caller) && vaultConfigGetQueueRepresentativeMayRelease(config, ej->queue)))
  {
    why = g_strdup_printf("release refused: %s is not the owner (%s)%s", r->caller, ej->user,
                          is_representative(vaultConfigGetRepresentative(config), r->caller) ? " and the queue does not let the representative release protected jobs" : "");
    journal(r, why);
    return (g_strdup_printf("Only %s (the job's owner) may release job %d.", ej->user, r->job_id));
  }

  if (vaultdSecretGetFailures(r->secret, vaultEntryGetId(r->entry)) >= VAULTD_SECRET_ATTEMPTS)
  {
    journal(r, "release refused: too many wrong secrets before; only cancel is possible");
    return (g_strdup_printf("Job %d had %d wrong secrets: it can no longer be released, only canceled (cancel %d).", r->job_id, VAULTD_SECRET_ATTEMPTS, r->job_id));
  }

  return (NULL);
}


/*
 * 'check_secret()' - Recover the data key with the secret into key.  NULL
 *                    on success, else the refusal (g_free), journalled.
 */

static char *
check_secret(release_t *r, const char *job_secret, guint8 key[VAULT_DATA_KEY_SIZE])
{
  const char		*id = vaultEntryGetId(r->entry);
  guint			n;
  g_autofree char	*why = NULL;
  g_autoptr(GError)	error = NULL;

  if (vaultEntryUnwrapKey(r->entry, job_secret, key, &error))
    return (NULL);

  if (!g_error_matches(error, VAULT_ERROR, VAULT_ERROR_SECRET_WRONG))
  {
    why = g_strdup_printf("release refused: the data key cannot be recovered: %s", error->message);
    journal(r, why);
    return (g_strdup_printf("Job %d cannot be released: %s", r->job_id, error->message));
  }

  vaultdSecretAddFailure(r->secret, id);
  n   = vaultdSecretGetFailures(r->secret, id);
  why = g_strdup_printf("release refused: wrong secret from %s (attempt %u of %d)", r->caller, n, VAULTD_SECRET_ATTEMPTS);
  journal(r, why);
  g_message("Job %d (entry %s): %s.", r->job_id, id, why);

  if (n >= VAULTD_SECRET_ATTEMPTS)
    return (g_strdup_printf("Wrong secret for job %d. That was the last of %d attempts: the job stays held and can only be canceled.", r->job_id, VAULTD_SECRET_ATTEMPTS));

  return (g_strdup_printf("Wrong secret for job %d; it stays held (%u of %d attempts used).", r->job_id, n, VAULTD_SECRET_ATTEMPTS));
}


/*
 * 'release_clear()' - Free what a release held; the entry's lock goes first.
 */

static void
release_clear(release_t *r)
{
  vaultEntryFree(r->entry);
  r->entry = NULL;
  vaultLockRelease(r->lock);
  r->lock = NULL;
  vaultdJobFree(r->job);
  g_free(r->caller);
}


/*
 * 'grant_and_release()' - Keep the grant, unlock the entry, Release-Job.
 */

static char *
grant_and_release(release_t *r, const guint8 key[VAULT_DATA_KEY_SIZE], bool *ok)
{
  g_autofree char	*id = g_strdup(vaultEntryGetId(r->entry));
  g_autofree char	*why = g_strdup_printf("released with the originator's secret by %s; the data key waits %d s for the backend run", r->caller, VAULTD_GRANT_SECONDS);
  ipp_t			*response;

  vaultdSecretGrantAdd(r->secret, id, key);
  journal(r, why);

  vaultEntryFree(r->entry);		/* The backend run must find it unlocked */
  r->entry = NULL;
  vaultLockRelease(r->lock);
  r->lock = NULL;

  if ((response = cups_request(job_request(IPP_OP_RELEASE_JOB, r->job_id))) == NULL)
  {
    vaultdSecretGrantDrop(r->secret, id);
    return (g_strdup_printf("The secret is right, but cupsd did not release job %d: %s", r->job_id, cupsLastErrorString()));
  }

  ippDelete(response);
  g_message("Job %d (entry %s) released by %s with the secret.", r->job_id, id, r->caller);
  *ok = true;
  return (g_strdup_printf("Job %d released: it prints once now.", r->job_id));
}


/*
 * 'vaultdSecretRelease()' - "release JOB-ID SECRET" from uid.  Returns the
 *                           sentence for the caller and sets *ok.  Durable:
 *                           the journal records of the attempt; the grant is
 *                           memory only.
 */

char *
vaultdSecretRelease(vaultd_secret_t *secret,
                    uid_t           uid,
                    const char      *job_text,
                    const char      *job_secret,
                    bool            *ok)
{
  release_t	r = { secret, 0, NULL, uid, NULL, NULL, NULL };
  guint64	job_id;
  guint8	key[VAULT_DATA_KEY_SIZE];
  char		*answer;

  *ok = false;

  if (!g_ascii_string_to_unsigned(job_text, 10, 1, G_MAXINT, &job_id, NULL))
    return (g_strdup("The job id must be a positive number."));
  r.job_id = (int)job_id;

  if ((r.caller = user_name(uid)) == NULL)
    return (g_strdup_printf("uid %u has no user name; nobody can be identified.", (unsigned)uid));

  if ((r.job = get_job(r.job_id)) == NULL)
    answer = g_strdup_printf("cupsd knows no job %d (or cannot be reached).", r.job_id);
  else if ((answer = find_entry(&r)) == NULL && (answer = check_entry(&r)) == NULL &&
           (answer = check_secret(&r, job_secret, key)) == NULL)
  {
    answer = grant_and_release(&r, key, ok);
    explicit_bzero(key, sizeof(key));
  }

  release_clear(&r);
  return (answer);
}
