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
 *     DISCARDED      exit CANCEL
 *   Durable order: commit before SENDING, SENDING before the inner backend
 *   starts.  The inner backend's exit status decides: OK -> DONE (erased),
 *   CANCEL -> DISCARDED (erased), any other -> STORED and the same status
 *   to cupsd so its ErrorPolicy applies.
 * exit_status() is the one place that maps results and errors to
 * CUPS_BACKEND_* codes: the retry/hold/cancel policy.
 */

#include "backend.h"

#include <cups/backend.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BACKEND_IO_SIZE 65536

/* What a run did, before it becomes an exit code. */
typedef enum outcome_e
{
  OUTCOME_PRINTED,		/* Printed and erased */
  OUTCOME_ALREADY_DONE,		/* An earlier run printed it */
  OUTCOME_HELD,			/* Interrupted: held for a decision */
  OUTCOME_DISCARDED,		/* Discarded (entry or inner backend said cancel) */
  OUTCOME_INNER,		/* Inner backend status passed to cupsd, entry kept */
  OUTCOME_TERMINATED,		/* cupsd sent SIGTERM while printing */
  OUTCOME_ERROR			/* A fault; see the GError */
} outcome_t;

/* Everything one run holds. */
typedef struct run_s
{
  int			argc;		/* Arguments */
  char			**argv;
  backend_uri_t		uri;		/* Device URI parts */
  backend_job_t		job;		/* Job identity */
  backend_inner_t	inner;		/* Inner backend */
  vault_config_t	*config;	/* vault.conf */
  vault_store_t		*store;		/* Open store */
  char			*id;		/* Entry id */
  vault_lock_t		*lock;		/* Entry lock, held for the whole run */
  vault_entry_t		*entry;		/* The job's entry */
  char			actor[64];	/* "backend[pid]" */
  bool			waited;		/* An earlier run held the lock */
  int			inner_status;	/* For OUTCOME_INNER */
  char			peek[VAULT_REF_MAX_SIZE + 1];	/* First bytes of the data */
  size_t		peek_len;	/* Bytes in peek */
  bool			peek_stdin;	/* peek was consumed from stdin: store it first */
  char			*secret;	/* job-password from argv[5] (wiped), or NULL */
  guint8		key[VAULT_DATA_KEY_SIZE];	/* Data key granted by vaultd */
  bool			granted;	/* key holds a grant */
  vault_gate_t		*gate;		/* Queue's print gate while sending */
} run_t;


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
 * 'drain_input()' - Read and drop the job data cupsd sends a re-run.
 *
 * The vault copy is the truth; the data must still be read so the filters
 * in front of us end normally.
 */

static void
drain_input(run_t *run)			/* I - Run */
{
  char	buffer[BACKEND_IO_SIZE];	/* Discarded data */

  if (run->job.data_file)
    return;

  while (!backendTerminated() && (read(0, buffer, sizeof(buffer)) > 0 || errno == EINTR))
    errno = 0;
}


/*
 * 'open_input()' - Open the job data: argv[6] or stdin.  Returns fd or -1.
 */

static int
open_input(run_t   *run,		/* I - Run */
           guint64 *size_hint,		/* O - Expected bytes (0 unknown) */
           GError  **error)		/* O - Error */
{
  struct stat	info;			/* File information */
  int		fd = 0;			/* Input */

  *size_hint = 0;

  if (run->job.data_file && (fd = open(run->job.data_file, O_RDONLY | O_CLOEXEC)) < 0)
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INPUT, "Unable to open the print file: %s", g_strerror(errno));
    return (-1);
  }

  if (!fstat(fd, &info) && S_ISREG(info.st_mode))
    *size_hint = (guint64)info.st_size;

  return (fd);
}


/*
 * 'copy_input()' - Encrypt the job data from fd into the RECEIVING entry.
 */

static bool
copy_input(run_t  *run,			/* I - Run */
           int    fd,			/* I - Input */
           GError **error)		/* O - Error */
{
  char		*buffer = g_malloc(BACKEND_IO_SIZE);
  ssize_t	bytes;			/* Bytes read */
  bool		ok = true;		/* Result */
  bool		side_open = fd == 0;	/* Filters feed stdin and may ask */

  if (run->peek_stdin && run->peek_len && !vaultEntryWrite(run->entry, run->peek, run->peek_len, error))
  {
    g_free(buffer);
    return (false);
  }

  for (;;)
  {
    if (backendTerminated())
    {
      g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INPUT, "The job was stopped while it was being stored.");
      ok = false;
      break;
    }

    if (side_open && backendWaitInput(fd, &side_open) < 0 && errno != EINTR)
      side_open = false;		/* poll failed: plain blocking reads */

    if ((bytes = read(fd, buffer, BACKEND_IO_SIZE)) == 0)
      break;
    else if (bytes < 0 && errno == EINTR)
      continue;
    else if (bytes < 0)
    {
      g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INPUT, "Unable to read the print data: %s", g_strerror(errno));
      ok = false;
      break;
    }
    else if (!vaultEntryWrite(run->entry, buffer, (size_t)bytes, error))
    {
      ok = false;
      break;
    }
  }

  memset(buffer, 0, BACKEND_IO_SIZE);
  g_free(buffer);

  return (ok);
}


/*
 * 'store_job()' - Store a new job: create, copy the data in, commit.
 *
 * Returns true when the entry is STORED (durable).  On failure nothing of
 * the job stays in the vault; the spool journals a refusal (FULL, QUOTA)
 * or a failed write itself, and the rest of the input is drained so the
 * filters in front of us end normally.
 */

static bool
store_job(run_t  *run,			/* I - Run */
          GError **error)		/* O - Error */
{
  guint64	size_hint;		/* Expected size */
  int		fd;			/* Input */
  bool		ok;			/* Result */

  if ((fd = open_input(run, &size_hint, error)) < 0)
    return (false);

  if ((run->entry = vaultEntryCreate(run->store, run->lock, &run->job.job, size_hint, run->secret, error)) == NULL)
    ok = false;
  else if ((ok = copy_input(run, fd, error)) == false)
  {
    vaultEntryAbort(run->entry, (*error)->message);
    vaultEntryFree(run->entry);
    run->entry = NULL;
  }
  else if ((ok = vaultEntryCommit(run->entry, run->actor, error)) == false)
  {
    vaultEntryAbort(run->entry, (*error)->message);
    vaultEntryFree(run->entry);
    run->entry = NULL;
  }

  if (fd > 0)
    close(fd);

  if (!ok && (g_error_matches(*error, VAULT_ERROR, VAULT_ERROR_FULL) || g_error_matches(*error, VAULT_ERROR, VAULT_ERROR_QUOTA)))
    drain_input(run);
  else if (ok)
    backendLog("INFO", "Job stored in the vault; printing it.");

  return (ok);
}


/*
 * 'hold_entry()' - Mark an interrupted entry AWAITING and say why.
 *
 * The last INFO line becomes the job's job-printer-state-message.
 */

static outcome_t
hold_entry(run_t  *run,			/* I - Run */
           GError **error)		/* O - Error */
{
  char		stored[64],		/* Stored time */
		*message;		/* The sentence people read */
  time_t	when = (time_t)vaultEntryGetStoredTime(run->entry);
  struct tm	tm;			/* UTC time */

  if (vaultEntryGetState(run->entry) != VAULT_STATE_AWAITING && !vaultEntrySetState(run->entry, VAULT_STATE_AWAITING, run->actor, "printing was interrupted; held for a decision", error))
    return (OUTCOME_ERROR);

  drain_input(run);

  gmtime_r(&when, &tm);
  strftime(stored, sizeof(stored), "%Y-%m-%d %H:%M UTC", &tm);

  if (vaultEntryHasSecret(run->entry))
    message = backendSecretHeldMessage(run->job.job.job_id, vaultEntryGetJob(run->entry)->user, stored);
  else
    message = g_strdup_printf("Interrupted: stored %s, printing was cut off. Release the job to print it once; cancel it to discard it.", stored);
  backendLog("INFO", "%s", message);
  backendNoticeAfterHold(run->job.job.job_id, message);	/* cupsd clears our last line on HOLD */
  g_free(message);

  return (OUTCOME_HELD);
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
      backendLog("WARNING", "Printed, but the vault copy could not be erased: %s", (*error)->message);
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
 * 'print_entry()' - Mark the entry SENDING and print it from the vault copy.
 *
 * SENDING (with this boot id and pid) is durable before the inner backend
 * starts, so a crash from here on leaves an interrupted entry.
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
  if ((run->gate = vaultGateEnterJob(run->store, run->job.job.queue, 60000, &gate_error)) == NULL)
  {
    backendLog("WARNING", "Printing without the counters gate: %s", gate_error->message);
    g_clear_error(&gate_error);
  }

  if (!vaultEntrySetState(run->entry, VAULT_STATE_SENDING, run->actor, "sending to the printer", error))
    return (OUTCOME_ERROR);

  reader = run->granted ? vaultEntryOpenDataWithKey(run->entry, run->key, error) : vaultEntryOpenData(run->entry, run->secret, error);
  explicit_bzero(run->key, sizeof(run->key));	/* The reader holds its own copy */
  backendSecretFree(run->secret);
  run->secret = NULL;
  if (!reader)
    return (OUTCOME_ERROR);

  ok = backendInnerRun(&run->inner, &run->uri, run->argv, reader, &result, error);
  vaultReaderClose(reader);

  if (!ok)
  {
    if (g_error_matches(*error, BACKEND_ERROR, BACKEND_ERROR_INNER_START))
      vaultEntrySetState(run->entry, VAULT_STATE_STORED, run->actor, "the printer's backend could not be started", NULL);
    return (OUTCOME_ERROR);
  }

  if ((outcome = finish_entry(run, &result, error)) == OUTCOME_PRINTED)
    backendCountsApply(run->store, &run->job.job);

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
  const char *message = "Discarded by the vault: this job was interrupted by a restart and is too old to print; "
                        "it will not be printed. Cancel it, and print it again if it is still needed.";

  drain_input(run);
  backendLog("INFO", "%s", message);
  backendNoticeAfterHold(run->job.job.job_id, message);	/* cupsd clears our last line on HOLD */

  return (OUTCOME_HELD);
}


/*
 * 'act_on_entry()' - Decide by the entry's state what this run does.
 */

static outcome_t
act_on_entry(run_t  *run,		/* I - Run */
             GError **error)		/* O - Error */
{
  switch (vaultEntryGetState(run->entry))
  {
    case VAULT_STATE_DONE :
        drain_input(run);
        backendLog("INFO", "This job was already printed by an earlier run; it is not printed again.");
        return (OUTCOME_ALREADY_DONE);

    case VAULT_STATE_DISCARDED :
        return (hold_discarded(run));

    case VAULT_STATE_AWAITING :
        if (run->waited)		/* Not a release: the run we waited for held it */
          return (hold_entry(run, error));
        if (vaultEntryHasSecret(run->entry) && !take_grant(run))
          return (hold_entry(run, error));
        drain_input(run);
        backendLog("INFO", "Released: printing the stored copy once.");
        return (print_entry(run, error));

    case VAULT_STATE_STORED :
        drain_input(run);
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
        if (!store_job(run, error))
          return (OUTCOME_ERROR);
        return (print_entry(run, error));
  }
}


/*
 * 'lock_entry()' - Lock the job's entry, waiting for an earlier live run.
 */

static bool
lock_entry(run_t  *run,			/* I - Run */
           GError **error)		/* O - Error */
{
  GError	*local = NULL;		/* First attempt's error */

  if ((run->lock = vaultLockAcquire(run->store, run->id, false, &local)) != NULL)
    return (true);

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
 * 'peek_input()' - Read the first bytes of the data into run->peek: from
 *                  argv[6] without consuming it, or from stdin (then
 *                  copy_input stores them first).
 */

static bool
peek_input(run_t  *run,			/* I - Run */
           GError **error)		/* O - Error */
{
  int		fd = 0;			/* Input */
  ssize_t	bytes;			/* Bytes read */
  bool		side_open;		/* Answer the side channel meanwhile */

  if (run->job.data_file && (fd = open(run->job.data_file, O_RDONLY | O_CLOEXEC)) < 0)
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INPUT, "Unable to open the print file: %s", g_strerror(errno));
    return (false);
  }

  run->peek_stdin = !run->job.data_file;
  side_open       = run->peek_stdin;
  while (run->peek_len < sizeof(run->peek))
  {
    // A filter may ask over the side channel before it writes anything.
    if (side_open && backendWaitInput(fd, &side_open) < 0 && errno != EINTR)
      side_open = false;

    if ((bytes = read(fd, run->peek + run->peek_len, sizeof(run->peek) - run->peek_len)) == 0)
      break;
    else if (bytes < 0 && errno == EINTR)
      continue;
    else if (bytes < 0)
    {
      g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INPUT, "Unable to read the print data: %s", g_strerror(errno));
      break;
    }
    run->peek_len += (size_t)bytes;
  }

  if (fd > 0)
    close(fd);

  return (!error || !*error);
}


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
  vault_record_t r = { 0, NULL, run->job.job.uuid, run->job.job.created, run->job.job.job_id, run->job.job.queue, run->job.job.user, "none", "refused", run->actor, reason };

  vaultJournalAppend(run->store, &r, NULL);
  drain_input(run);
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
 * 'run_reference()' - The data is a vault reference (a job vaultd
 *                     re-created): verify it for this job's user, then act
 *                     on the entry it names (AWAITING: a release).
 */

static outcome_t
run_reference(run_t  *run,		/* I - Run */
              GError **error)		/* O - Error */
{
  GError	*bad = NULL;		/* Verification error */

  if (!vaultRefVerify(run->store, run->peek, run->peek_len, run->job.job.user, &run->id, &bad))
  {
    outcome_t outcome = refuse_reference(run, bad);

    g_error_free(bad);
    return (outcome);
  }

  if (!lock_entry(run, error))
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

  return (act_on_entry(run, error));
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
      !peek_input(run, error))
    return (OUTCOME_ERROR);

  if (vaultRefIs(run->peek, run->peek_len))
    return (run_reference(run, error));

  if ((run->id = vaultJobEntryId(&run->job.job, error)) == NULL ||
      !lock_entry(run, error))
    return (OUTCOME_ERROR);

  if ((run->entry = vaultEntryOpen(run->store, run->lock, run->id, error)) != NULL)
    return (act_on_entry(run, error));

  if (!g_error_matches(*error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND))
    return (OUTCOME_ERROR);

  g_clear_error(error);

  if (!run->secret && vaultConfigGetQueueRequireSecret(run->config, run->job.job.queue))
  {
    backendSecretRefuseUnprotected(run->store, &run->job.job, run->actor);
    drain_input(run);
    return (OUTCOME_DISCARDED);
  }

  if (!store_job(run, error))
    return (OUTCOME_ERROR);

  return (print_entry(run, error));
}


/*
 * 'full_stop()' - "." when message does not end a sentence, else "".
 */

static const char *
full_stop(const char *message)		/* I - Error message */
{
  size_t len = strlen(message);

  return (len && strchr(".!?", message[len - 1]) ? "" : ".");
}


/*
 * 'error_status()' - Say what went wrong and choose the exit code for it.
 */

static int
error_status(const GError *error)	/* I - Error */
{
  if (error && error->domain == BACKEND_ERROR)
  {
    switch ((backend_error_t)error->code)
    {
      case BACKEND_ERROR_URI :
      case BACKEND_ERROR_INNER_MISSING :
          backendLog("ERROR", "The queue's device is misconfigured: %s%s Queue stopped; fix the device URI and enable the queue.", error->message, full_stop(error->message));
          return (CUPS_BACKEND_STOP);
      case BACKEND_ERROR_INNER_START :
          backendLog("ERROR", "The printer's backend could not be started: %s", error->message);
          return (CUPS_BACKEND_FAILED);
      case BACKEND_ERROR_JOB :
      case BACKEND_ERROR_INPUT :
      default :
          backendLog("ERROR", "The job could not be stored: %s%s Nothing was printed.", error->message, full_stop(error->message));
          return (CUPS_BACKEND_FAILED);
    }
  }

  switch (error ? (vault_error_t)error->code : VAULT_ERROR_FAILED)
  {
    case VAULT_ERROR_FULL :
    case VAULT_ERROR_QUOTA :
        backendLog("ERROR", "Job canceled, nothing was printed: %s", error->message);
        return (CUPS_BACKEND_CANCEL);
    case VAULT_ERROR_INVALID :
        backendLog("ERROR", "Job canceled: its identity is not usable (%s). Nothing was printed.", error->message);
        return (CUPS_BACKEND_CANCEL);
    case VAULT_ERROR_CONFIG :
    case VAULT_ERROR_KEY :
    case VAULT_ERROR_IO :
    case VAULT_ERROR_VERSION :
        backendLog("ERROR", "The vault cannot store jobs: %s%s Queue stopped; fix the vault and enable the queue.", error->message, full_stop(error->message));
        return (CUPS_BACKEND_STOP);
    case VAULT_ERROR_AUTH :
    case VAULT_ERROR_TRUNCATED :
    case VAULT_ERROR_CORRUPT :
    case VAULT_ERROR_SECRET_REQUIRED :
    case VAULT_ERROR_SECRET_WRONG :
        backendLog("ERROR", "The vault copy of this job cannot be read (%s); nothing more was sent. Job held: cancel it.", error->message);
        return (CUPS_BACKEND_HOLD);
    default :
        backendLog("ERROR", "The vault failed: %s", error ? error->message : "unknown error");
        return (CUPS_BACKEND_FAILED);
  }
}


/*
 * 'exit_status()' - The one mapping from a run's outcome to CUPS_BACKEND_*.
 */

static int
exit_status(const run_t  *run,		/* I - Run */
            outcome_t    outcome,	/* I - What happened */
            const GError *error)	/* I - Error for OUTCOME_ERROR */
{
  switch (outcome)
  {
    case OUTCOME_PRINTED :
    case OUTCOME_ALREADY_DONE :
        return (CUPS_BACKEND_OK);
    case OUTCOME_HELD :
        return (CUPS_BACKEND_HOLD);
    case OUTCOME_DISCARDED :
        return (CUPS_BACKEND_CANCEL);
    case OUTCOME_INNER :
        return (run->inner_status >= CUPS_BACKEND_FAILED && run->inner_status <= CUPS_BACKEND_RETRY_CURRENT ? run->inner_status : CUPS_BACKEND_FAILED);
    case OUTCOME_TERMINATED :
        backendLog("INFO", "Printing stopped.");
        return (CUPS_BACKEND_FAILED);
    case OUTCOME_ERROR :
    default :
        return (error_status(error));
  }
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
  status  = exit_status(&run, outcome, error);

  g_clear_error(&error);
  run_clear(&run);

  return (status);
}
