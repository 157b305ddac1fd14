/*
 * After a job printed: add the accounting filter's counts to the queue's
 * paper counters and mirror the tray levels into cupsd (ATTR: marker-*).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The filter (filter/vault-account) writes the job's counts to
 * $TMPDIR/vault-account-<job-id>.counts; the backend applies them only
 * when the inner backend reported success, while it still holds the
 * queue's print gate, so a counters query (vaultd) sees either all of a
 * job or none of it.  A job without counts (raw queue, unknown format)
 * still counts as one job completed.
 */

#include "backend.h"
#include "account-record.h"

#include <string.h>
#include <unistd.h>


/*
 * 'read_record()' - The filter's counts for this job, or NULL (logged).
 */

static vault_account_record_t *
read_record(const vault_job_t *job,		/* I - Job */
            char              **path)		/* O - File read (g_free) */
{
  const char		*tmpdir = getenv("TMPDIR");
  vault_account_record_t *record;		/* Counts */
  GError		*error = NULL;		/* Why not */

  *path = vaultAccountRecordPath(tmpdir ? tmpdir : "/tmp", job->job_id);

  if ((record = vaultAccountRecordRead(*path, &error)) == NULL)
  {
    backendLog("DEBUG", "No page counts for this job: %s", error->message);
    g_error_free(error);
  }
  else if (record->job_uuid && strcmp(record->job_uuid, job->uuid))
  {
    // Job ids are reused after a crash: a left-over file of another job.
    backendLog("DEBUG", "Ignoring %s: it belongs to another job.", *path);
    vaultAccountRecordFree(record);
    record = NULL;
  }

  return (record);
}


/*
 * 'backendCountsApply()' - Apply the job's counts and report the levels.
 */

void
backendCountsApply(vault_store_t       *store,	/* I - Store */
                   const backend_job_t *bj)	/* I - Job that printed */
{
  const vault_job_t	*job = &bj->job;		/* Its identity */
  g_autofree char	*path = NULL;		/* Counts file */
  vault_account_record_t *record = read_record(job, &path);
  GArray		*rows = g_array_new(FALSE, TRUE, sizeof(vault_job_counts_t));
  vault_counters_t	*counters;		/* Queue's counters after the job */
  GError		*error = NULL;		/* Why not */

  for (guint i = 0; record && i < record->media->len; i ++)
  {
    const vault_account_media_t *m = g_ptr_array_index(record->media, i);
    vault_job_counts_t		r = { m->media, m->tray, m->pages, m->impressions, m->sheets };

    g_array_append_val(rows, r);
  }

  if (!vaultCountersApplyJob(store, bj->printer, (vault_job_counts_t *)(void *)rows->data, rows->len, &counters, &error))
    backendLog("WARNING", "The paper counters of %s were not updated: %s", bj->printer, error->message);
  else
  {
    g_autofree char *markers = vaultCountersFormatMarkers(counters);

    if (markers)
      backendLog("ATTR", "%s", markers);
    vaultCountersFree(counters);
  }

  g_clear_error(&error);
  if (record)
    unlink(path);
  vaultAccountRecordFree(record);
  g_array_free(rows, TRUE);
}
