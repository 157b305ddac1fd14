/*
 * The vault backend: device URI vault:/<inner-uri>.  Stores each job in the
 * encrypted vault spool, prints it through the real backend from the stored
 * copy, then crypto-erases it; an interrupted job is held, never reprinted.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * One run, as main() reads:
 *   identify the job (argv, argv[5], $PRINTER), open the store, lock the
 *   entry (waiting when an earlier run of the same job still holds it), then
 *   act on the entry's state:
 *     none           store the data (commit), SENDING, print
 *     STORED         an earlier run got RETRY/FAILED: SENDING, print
 *     SENDING/RESURRECTED (interrupted)  AWAITING, exit HOLD with a message
 *     AWAITING       someone released the held job: SENDING, print once
 *                    (a job protected by its originator's secret only with
 *                    vaultd's grant, else held again: vault-secret.c)
 *     DONE           an earlier run printed it: exit OK, print nothing
 *     DISCARDED      (too old after a restart) exit HOLD, print nothing:
 *                    vaultd cancels the job with a notice to its owner
 *   Durable order: commit before SENDING, SENDING before the inner backend
 *   starts.  The inner backend's exit status decides: OK -> DONE (erased),
 *   CANCEL -> DISCARDED (erased), any other -> STORED and the same status
 *   to cupsd so its ErrorPolicy applies.
 * exit_status() is the one place that maps results and errors to
 * CUPS_BACKEND_* codes: the retry/hold/cancel policy.  The job data and
 * storing a new job are in vault-input.c; jobs whose document is a vault
 * reference (re-created by vaultd) in vault-ref.c.
 */

#include "vault-run.h"

#include <cups/backend.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>




/*
 * 'scrub_argv0()' - Remove user:pass from our own argv[0] so `ps` never shows it.
 *
 * cupsd sanitizes only the outer URI; the inner URI's credentials would
 * otherwise stay visible in /proc/<pid>/cmdline.  Overwritten in place.
 */

static void
scrub_argv0(char *argv0)		/* I - argv[0] */
{
  char		*inner = argv0, *clean;	/* Inner URI and its clean copy */
  size_t	len;			/* Lengths */

  if (g_ascii_strncasecmp(argv0, "vault:", 6) == 0)
    for (inner = argv0 + 6; *inner == '/'; inner ++);

  clean = backendUriSanitize(inner);
  len   = strlen(inner);

  if (strlen(clean) <= len)
  {
    memset(inner, 0, len);
    memcpy(inner, clean, strlen(clean));
  }

  g_free(clean);
}


/*
 * 'hold_saying()' - End a run that holds the job: take the rest of the
 *                   input, and say message (the job's
 *                   job-printer-state-message, and a notice after the hold:
 *                   cupsd clears the last line on HOLD).
 */

static outcome_t
hold_saying(run_t      *run,		/* I - Run */
            const char *message)	/* I - The sentence people read */
{
  backendRunDrainInput(run);
  backendLog("INFO", "%s", message);
  backendNoticeAfterHold(run->job.job.job_id, message);

  return (OUTCOME_HELD);
}


/*
 * 'hold_reason()' - Why hold_entry holds the entry, for the journal.
 */

static const char *
hold_reason(const vault_entry_t *entry)	/* I - Entry */
{
  if (vaultEntryGetState(entry) != VAULT_STATE_AWAITING)
    return ("printing was interrupted; held for a decision");
  if (vaultEntryGetPid(entry) <= 0)
    return ("the cupsd that held the job was not known; held again under this cupsd for a decision");
  return ("cupsd restarted since the job was held and may have lost the hold; held again for a decision");
}


/*
 * 'hold_entry()' - Mark an interrupted entry AWAITING, held by our cupsd
 *                  (the parent process), and say why.
 *
 * The last INFO line becomes the job's job-printer-state-message.  An
 * entry this cupsd already holds is left as it is.
 */

static outcome_t
hold_entry(run_t  *run,			/* I - Run */
           GError **error)		/* O - Error */
{
  char		stored[64];		/* Stored time */
  g_autofree char *message = NULL;	/* The sentence people read */
  time_t	when = (time_t)vaultEntryGetStoredTime(run->entry);
  struct tm	tm;			/* UTC time */

  if (!vaultEntryIsHeldBy(run->entry, getppid()) &&
      !vaultEntryHold(run->entry, getppid(), run->actor, hold_reason(run->entry), error))
    return (OUTCOME_ERROR);

  gmtime_r(&when, &tm);
  strftime(stored, sizeof(stored), "%Y-%m-%d %H:%M UTC", &tm);

  if (vaultEntryHasSecret(run->entry))
    message = backendSecretHeldMessage(run->job.job.job_id, vaultEntryGetJob(run->entry)->user, stored);
  else
    message = g_strdup_printf("Interrupted: stored %s, printing was cut off. Release the job to print it once; cancel it to discard it.", stored);

  return (hold_saying(run, message));
}


/*
 * 'finish_entry()' - Act on the inner backend's exit status.
 */

static outcome_t
finish_entry(run_t                        *run,	/* I - Run */
             const backend_inner_result_t *result,	/* I - How it ended */
             GError                       **error)	/* O - Error */
{
  char	reason[128];			/* Journal reason */

  if (result->terminated)
    return (OUTCOME_TERMINATED);	/* SENDING stays: a re-run holds it */

  if (result->status < 0)
  {
    backendLog("ERROR", "The %s backend ended with signal %d.", run->uri.scheme, result->signal);
    return (hold_entry(run, error));
  }

  if (result->status == CUPS_BACKEND_OK)
  {
    if (!vaultEntryErase(run->entry, VAULT_STATE_DONE, run->actor, "printed", error))
      backendLog("ERROR", "Printed, but the vault copy could not be erased (the journal says it printed; do not release it again): %s", (*error)->message);
    g_clear_error(error);
    return (OUTCOME_PRINTED);
  }

  if (result->status == CUPS_BACKEND_CANCEL)
  {
    if (!vaultEntryErase(run->entry, VAULT_STATE_DISCARDED, run->actor, "the printer's backend canceled the job", error))
      return (OUTCOME_ERROR);
    return (OUTCOME_DISCARDED);
  }

  if (run->granted)			/* A retry would take argv's job-password: hold for a new release */
  {
    backendLog("ERROR", "The %s backend exited with status %d; the released protected job is held again.", run->uri.scheme, result->status);
    return (hold_entry(run, error));
  }

  snprintf(reason, sizeof(reason), "the %s backend exited with status %d; cupsd retries or holds", run->uri.scheme, result->status);
  if (!vaultEntrySetState(run->entry, VAULT_STATE_STORED, run->actor, reason, error))
    return (OUTCOME_ERROR);

  run->inner_status = result->status;
  return (OUTCOME_INNER);
}


/*
 * 'unsend()' - Nothing of a SENDING entry was sent: STORED again, so that
 *              a retry does not find it interrupted -- but a released
 *              protected entry is held for a new release (vaultd gave its
 *              grant once; a retry would take argv's job-password).
 */

static void
unsend(run_t      *run,			/* I - Run */
       const char *reason)		/* I - Why, for the journal */
{
  if (run->granted)
    vaultEntryHold(run->entry, getppid(), run->actor, reason, NULL);
  else
    vaultEntrySetState(run->entry, VAULT_STATE_STORED, run->actor, reason, NULL);
}


/*
 * 'print_entry()' - Mark the entry SENDING and print it from the vault copy.
 *
 * The vault copy is opened first (a wrong key or an unreadable file leaves
 * the entry STORED: nothing was sent), and a cancel that came meanwhile
 * ends the run there.  SENDING (with this boot id and pid) is durable
 * before the inner backend starts, so a crash from then on leaves an
 * interrupted entry.
 */

static outcome_t
print_entry(run_t  *run,		/* I - Run */
            GError **error)		/* O - Error */
{
  vault_reader_t		*reader;	/* Decrypting reader */
  backend_inner_result_t	result;		/* How the inner backend ended */
  bool				ok;		/* Ran to its end */

  outcome_t			outcome;	/* What became of the job */
  GError			*gate_error = NULL;

  // The gate lets a counters query answer between jobs; wait for it before
  // SENDING, so the wait is never spent in a state that looks interrupted.
  if ((run->gate = vaultGateEnterJob(run->store, run->job.printer, 60000, &gate_error)) == NULL)
  {
    backendLog("WARNING", "Printing without the counters gate: %s", gate_error->message);
    g_clear_error(&gate_error);
  }

  reader = run->granted ? vaultEntryOpenDataWithKey(run->entry, run->key, error) : vaultEntryOpenData(run->entry, run->secret, error);
  explicit_bzero(run->key, sizeof(run->key));	/* The reader holds its own copy */
  backendSecretFree(run->secret);
  run->secret = NULL;
  if (!reader)
    return (OUTCOME_ERROR);

  if (backendTerminated() || !vaultEntrySetState(run->entry, VAULT_STATE_SENDING, run->actor, "sending to the printer", error))
  {
    // SENDING durable but not journalled: nothing was sent.
    if (vaultEntryGetState(run->entry) == VAULT_STATE_SENDING)
      unsend(run, "the journal could not record the send; nothing was sent");
    vaultReaderClose(reader);
    return (backendTerminated() ? OUTCOME_TERMINATED : OUTCOME_ERROR);
  }

  ok = backendInnerRun(&run->inner, &run->uri, run->argv, reader, &result, error);
  vaultReaderClose(reader);

  if (!ok)
  {
    if (g_error_matches(*error, BACKEND_ERROR, BACKEND_ERROR_INNER_START))
      unsend(run, "the printer's backend could not be started; nothing was sent");
    return (OUTCOME_ERROR);
  }

  if ((outcome = finish_entry(run, &result, error)) == OUTCOME_PRINTED)
    backendCountsApply(run->store, &run->job);

  vaultGateLeaveJob(run->gate);
  run->gate = NULL;

  return (outcome);
}


/*
 * 'take_grant()' - A protected entry was released: true when vaultd holds
 *                  the owner's grant (run->key), else journal a release
 *                  without the secret.  argv's job-password is never used here.
 */

static bool
take_grant(run_t *run)			/* I - Run */
{
  char	*why = NULL;			/* Why there is no grant */

  if ((run->granted = backendSecretGrant(run->config, run->id, run->key, &why)) == true)
    return (true);

  backendLog("DEBUG", "No release grant: %s", why);
  backendSecretJournal(run->store, run->entry, run->actor, "released without the originator's secret (not through vaultctl release); held again");
  g_free(why);
  return (false);
}


/*
 * 'hold_discarded()' - A run of a job whose entry the vault discarded (too
 *                      old after a restart): print nothing, and hold the
 *                      job rather than cancel it, so that vaultd cancels
 *                      it with a message and its owner gets the notice.
 */

static outcome_t
hold_discarded(run_t *run)		/* I - Run */
{
  return (hold_saying(run, "Discarded by the vault: this job was interrupted by a restart and is too old to print; "
                           "it will not be printed. Cancel it, and print it again if it is still needed."));
}


/*
 * 'unchanged_while_waiting()' - True when the entry, read again under its
 *                               lock, is the AWAITING entry this run read
 *                               before it waited: same hold, same holder.
 *                               False when it was not read then.
 */

static bool
unchanged_while_waiting(const run_t *run)	/* I - Run */
{
  const vault_entry_t *before = run->before_wait;

  return (before && vaultEntryGetState(before) == VAULT_STATE_AWAITING &&
          vaultEntryGetChangedTime(before) == vaultEntryGetChangedTime(run->entry) &&
          vaultEntryGetPid(before) == vaultEntryGetPid(run->entry) &&
          !g_strcmp0(vaultEntryGetBootId(before), vaultEntryGetBootId(run->entry)));
}


/*
 * 'backendRunActOnEntry()' - Decide by the entry's state what this run does.
 */

outcome_t
backendRunActOnEntry(run_t  *run,		/* I - Run */
             GError **error)		/* O - Error */
{
  switch (vaultEntryGetState(run->entry))
  {
    case VAULT_STATE_DONE :
        backendRunDrainInput(run);
        backendLog("INFO", "This job was already printed by an earlier run; it is not printed again.");
        return (OUTCOME_ALREADY_DONE);

    case VAULT_STATE_DISCARDED :
        return (hold_discarded(run));

    case VAULT_STATE_AWAITING :
        // Not a release when the lock's holder made it AWAITING while we
        // waited (an earlier run of this job held it); vaultd also locks
        // entries for a moment, and a release that waited for it is one.
        if (run->waited && !unchanged_while_waiting(run))
          return (hold_entry(run, error));
        if (!vaultEntryIsHeldBy(run->entry, getppid()))
          return (hold_entry(run, error));	/* Another cupsd: its hold may be lost, not released */
        if (vaultEntryHasSecret(run->entry) && !take_grant(run))
          return (hold_entry(run, error));
        backendRunDrainInput(run);
        backendLog("INFO", "Released: printing the stored copy once.");
        return (print_entry(run, error));

    case VAULT_STATE_STORED :
        backendRunDrainInput(run);
        return (print_entry(run, error));

    case VAULT_STATE_SENDING :		/* Our lock: whoever sent it is gone */
    case VAULT_STATE_RESURRECTED :
        return (hold_entry(run, error));

    case VAULT_STATE_RECEIVING :	/* A run died while storing: never whole */
    default :
        if (!vaultEntryRemove(run->entry, error))
          return (OUTCOME_ERROR);
        vaultEntryFree(run->entry);
        run->entry = NULL;
        if (!backendRunStoreJob(run, error))
          return (OUTCOME_ERROR);
        return (print_entry(run, error));
  }
}


/*
 * 'backendRunLockEntry()' - Lock the job's entry, waiting for an earlier live run.
 *
 * The entry is read before the first attempt: when that attempt finds the
 * lock taken, what its holder wrote after the read shows as a change.
 */

bool
backendRunLockEntry(run_t  *run,			/* I - Run */
           GError **error)		/* O - Error */
{
  GError	*local = NULL;		/* First attempt's error */

  run->before_wait = vaultEntryPeek(run->store, run->id, NULL);
  if ((run->lock = vaultLockAcquire(run->store, run->id, false, &local)) != NULL)
  {
    g_clear_pointer(&run->before_wait, vaultEntryFree);
    return (true);
  }

  if (!g_error_matches(local, VAULT_ERROR, VAULT_ERROR_LOCKED))
  {
    g_propagate_error(error, local);
    return (false);
  }

  g_clear_error(&local);
  backendLog("INFO", "Waiting for an earlier run of this job to finish.");
  run->waited = true;

  return ((run->lock = vaultLockAcquire(run->store, run->id, true, error)) != NULL);
}


/*
 * 'run_job()' - Identify, open, lock and act: everything but the exit code.
 */

static outcome_t
run_job(run_t  *run,			/* I - Run */
        GError **error)			/* O - Error */
{
  const char	*device_uri = getenv("DEVICE_URI");

  run->secret = backendSecretTake(run->argv[5]);	/* First: argv[5] is passed on */

  if (!backendUriParse(device_uri ? device_uri : run->argv[0], &run->uri, error) ||
      !backendJobParse(&run->job, run->argc, run->argv, run->uri.sanitized, error) ||
      !backendInnerFind(&run->uri, &run->inner, error) ||
      (run->config = vaultConfigLoad(NULL, error)) == NULL ||
      (run->store = vaultStoreOpen(run->config, error)) == NULL ||
      !backendRunPeekInput(run, error))
    return (OUTCOME_ERROR);

  if (vaultRefIs(run->peek, run->peek_len))
    return (backendRunReference(run, error));

  if ((run->id = vaultJobEntryId(&run->job.job, error)) == NULL ||
      !backendRunLockEntry(run, error))
    return (OUTCOME_ERROR);

  if ((run->entry = vaultEntryOpen(run->store, run->lock, run->id, error)) != NULL)
    return (backendRunActOnEntry(run, error));

  if (!g_error_matches(*error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND))
    return (OUTCOME_ERROR);

  g_clear_error(error);

  if (!run->secret && (vaultConfigGetQueueRequireSecret(run->config, run->job.job.queue) || vaultConfigGetQueueRequireSecret(run->config, run->job.printer)))
  {
    backendSecretRefuseUnprotected(run->store, &run->job.job, run->actor);
    backendRunDrainInput(run);
    return (OUTCOME_DISCARDED);
  }

  if (!backendRunStoreJob(run, error))
    return (OUTCOME_ERROR);

  return (print_entry(run, error));
}


/*
 * 'run_clear()' - Release the lock and free everything a run held.
 */

static void
run_clear(run_t *run)			/* I - Run */
{
  vaultGateLeaveJob(run->gate);
  if (run->entry)
    vaultEntryFree(run->entry);
  if (run->before_wait)
    vaultEntryFree(run->before_wait);
  if (run->lock)
    vaultLockRelease(run->lock);
  g_free(run->id);
  if (run->store)
    vaultStoreClose(run->store);
  if (run->config)
    vaultConfigFree(run->config);
  backendSecretFree(run->secret);
  explicit_bzero(run->key, sizeof(run->key));
  backendInnerClear(&run->inner);
  backendJobClear(&run->job);
  backendUriClear(&run->uri);
}


/*
 * 'main()' - Discovery without arguments, else print one job through the vault.
 */

int					/* O - CUPS_BACKEND_* */
main(int  argc,				/* I - Number of arguments */
     char *argv[])			/* I - Arguments */
{
  run_t		run;			/* This run */
  outcome_t	outcome;		/* What happened */
  GError	*error = NULL;		/* Fault */
  int		status;			/* Exit status */

  if (argc == 1)
  {
    puts("network vault \"Unknown\" \"Vault (crash-safe encrypted spool)\"");
    return (CUPS_BACKEND_OK);
  }

  scrub_argv0(argv[0]);
  backendSignalsInit();

  memset(&run, 0, sizeof(run));
  run.argc = argc;
  run.argv = argv;
  snprintf(run.actor, sizeof(run.actor), "backend[%d]", (int)getpid());

  if (argc < 6 || argc > 7)
  {
    fputs("Usage: vault job-id user title copies options [file]\n", stderr);
    return (CUPS_BACKEND_FAILED);
  }

  outcome = run_job(&run, &error);
  status  = backendRunExitStatus(&run, outcome, error);

  g_clear_error(&error);
  run_clear(&run);

  return (status);
}
