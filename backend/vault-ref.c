/*
 * Vault references: a job vaultd re-created for an entry cupsd lost
 * carries, as its document, a reference to that entry (spool-ref.c), MAC'ed
 * under the site key and bound to the job's owner.  A run verifies it and
 * acts on the entry it names; a forged, foreign or replayed reference
 * prints nothing and is journalled.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "vault-run.h"



/*
 * 'journal_refusal()' - Journal a reference document this run refuses
 *                       (under the submitting job's identity), say so and
 *                       cancel the job: nothing is printed.
 */

static outcome_t
journal_refusal(run_t      *run,	/* I - Run */
                const char *reason,	/* I - Why, for the journal */
                const char *message)	/* I - Why, for the job's owner */
{
  vaultJournalRefusal(run->store, &run->job.job, run->actor, reason, NULL);
  backendRunDrainInput(run);
  backendLog("ERROR", "%s", message);

  return (OUTCOME_DISCARDED);
}


/*
 * 'refuse_reference()' - A reference that does not verify: journal it, print nothing.
 */

static outcome_t
refuse_reference(run_t        *run,	/* I - Run */
                 const GError *why)	/* I - Why it failed */
{
  g_autofree char *reason  = g_strdup_printf("a vault reference document was refused, nothing printed: %s", why->message);
  g_autofree char *message = g_strdup_printf("This job is a vault reference that does not verify for %s; nothing was printed.", run->job.job.user);

  return (journal_refusal(run, reason, message));
}


/*
 * 'backendRunReference()' - The data is a vault reference (a job vaultd
 *                     re-created): verify it for this job's user, then act
 *                     on the entry it names (AWAITING: a release).
 */

outcome_t
backendRunReference(run_t  *run,		/* I - Run */
              GError **error)		/* O - Error */
{
  GError	*bad = NULL;		/* Verification error */

  if (!vaultRefVerify(run->store, run->peek, run->peek_len, run->job.job.user, &run->id, &bad))
  {
    outcome_t outcome = refuse_reference(run, bad);

    g_error_free(bad);
    return (outcome);
  }

  if (!backendRunLockEntry(run, error))
    return (OUTCOME_ERROR);

  if ((run->entry = vaultEntryOpen(run->store, run->lock, run->id, error)) == NULL)
  {
    if (!g_error_matches(*error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND))
      return (OUTCOME_ERROR);
    g_clear_error(error);
    return (journal_refusal(run, "a vault reference to an entry the vault no longer holds was submitted; nothing printed",
                            "The vault no longer holds the job this one stands for; nothing was printed."));
  }

  // A reference to a job already printed or discarded is a replay.
  if (vaultEntryGetState(run->entry) == VAULT_STATE_DONE || vaultEntryGetState(run->entry) == VAULT_STATE_DISCARDED)
    return (journal_refusal(run, "a vault reference to an entry already printed or discarded was submitted again (replay); nothing printed",
                            "The job this one stands for was already printed or discarded; nothing was printed."));

  return (backendRunActOnEntry(run, error));
}

