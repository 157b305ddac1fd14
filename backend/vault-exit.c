/*
 * The vault backend's exit status: what a run's outcome or error means for
 * cupsd (CUPS_BACKEND_*), and the one ERROR: line that says why.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "vault-run.h"
#include <cups/backend.h>
#include <string.h>


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
 * 'backendRunExitStatus()' - The one mapping from a run's outcome to
 *                            CUPS_BACKEND_*, saying what went wrong.
 */

int
backendRunExitStatus(const run_t  *run,		/* I - Run */
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
