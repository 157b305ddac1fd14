/*
 * The vault backend's input: the job data from argv[6] or stdin, its first
 * bytes (is it a vault reference?), and storing a new job in the vault.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * While a job arrives on stdin the filters in front of us may ask over the
 * side channel; the reads here answer them (vault-sidechannel.c).
 */

#include "vault-run.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/*
 * 'backendRunDrainInput()' - Read and drop the job data cupsd sends a re-run.
 *
 * The vault copy is the truth; the data must still be read so the filters
 * in front of us end normally.
 */

void
backendRunDrainInput(run_t *run)			/* I - Run */
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
 * 'read_input_stopped()' - True (with INPUT) when cupsd stopped the job
 *                          after its data seemed to end: the end may be
 *                          its filters dying first, so nothing is stored.
 */

static bool
read_input_stopped(GError **error)	/* O - Error */
{
  if (!backendTerminated())
    return (false);

  g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INPUT, "The job was stopped while it was being stored.");
  return (true);
}


/*
 * 'read_input()' - Read up to len bytes of job data from fd, answering the
 *                  side channel meanwhile while *side_open (filters feed
 *                  stdin and may ask before they write).  Returns the
 *                  bytes read, 0 at the end, -1 with INPUT -- also once
 *                  cupsd has stopped the job (SIGTERM): its filters die
 *                  with it, and the end of their data is no end of the job.
 */

static gssize
read_input(int    fd,			/* I  - Input */
           void   *buf,			/* I  - Buffer */
           size_t len,			/* I  - Its size */
           bool   *side_open,		/* IO - Side channel still answered */
           GError **error)		/* O  - Error */
{
  gssize bytes;				/* Bytes read */

  for (;;)
  {
    if (*side_open && backendWaitInput(fd, side_open) < 0 && errno != EINTR)
      *side_open = false;		/* poll failed: plain blocking reads */

    if (!backendTerminated() && (bytes = read(fd, buf, len)) >= 0 && !backendTerminated())
      return (bytes);

    if (read_input_stopped(error))
      return (-1);

    if (errno != EINTR)
    {
      g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INPUT, "Unable to read the print data: %s", g_strerror(errno));
      return (-1);
    }
  }
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
  gssize	bytes;			/* Bytes read */
  bool		ok = true;		/* Result */
  bool		side_open = fd == 0;	/* Filters feed stdin and may ask */

  if (run->peek_stdin && run->peek_len && !vaultEntryWrite(run->entry, run->peek, run->peek_len, error))
  {
    g_free(buffer);
    return (false);
  }

  for (;;)
  {
    if ((bytes = read_input(fd, buffer, BACKEND_IO_SIZE, &side_open, error)) == 0)
      break;
    else if (bytes < 0 || !vaultEntryWrite(run->entry, buffer, (size_t)bytes, error))
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
 * 'backendRunStoreJob()' - Store a new job: create, copy the data in, commit.
 *
 * Returns true when the entry is STORED (durable).  On failure nothing of
 * the job stays in the vault; the spool journals a refusal (FULL, QUOTA)
 * or a failed write itself, and the rest of the input is drained so the
 * filters in front of us end normally.
 */

bool
backendRunStoreJob(run_t  *run,			/* I - Run */
          GError **error)		/* O - Error */
{
  guint64	size_hint;		/* Expected size */
  int		fd;			/* Input */
  bool		ok;			/* Result */

  if ((fd = open_input(run, &size_hint, error)) < 0)
    return (false);

  if ((run->entry = vaultEntryCreate(run->store, run->lock, &run->job.job, size_hint, run->secret, error)) == NULL)
    ok = false;
  else if ((ok = copy_input(run, fd, error) && !read_input_stopped(error)) == false)
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
    backendRunDrainInput(run);
  else if (ok)
    backendLog("INFO", "Job stored in the vault; printing it.");

  return (ok);
}


/*
 * 'backendRunPeekInput()' - Read the first bytes of the data into run->peek: from
 *                  argv[6] without consuming it, or from stdin (then
 *                  copy_input stores them first).
 */

bool
backendRunPeekInput(run_t  *run,			/* I - Run */
           GError **error)		/* O - Error */
{
  int		fd = 0;			/* Input */
  gssize	bytes;			/* Bytes read */
  bool		side_open;		/* Answer the side channel meanwhile */

  if (run->job.data_file && (fd = open(run->job.data_file, O_RDONLY | O_CLOEXEC)) < 0)
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INPUT, "Unable to open the print file: %s", g_strerror(errno));
    return (false);
  }

  run->peek_stdin = !run->job.data_file;
  side_open       = run->peek_stdin;
  while (run->peek_len < sizeof(run->peek) &&
         (bytes = read_input(fd, run->peek + run->peek_len, sizeof(run->peek) - run->peek_len, &side_open, error)) > 0)
    run->peek_len += (size_t)bytes;

  if (fd > 0)
    close(fd);

  return (!error || !*error);
}

