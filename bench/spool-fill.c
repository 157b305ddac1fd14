/*
 * spool-fill: fill a vault spool with N small committed entries left in
 * SENDING, as a crash would leave them, for the recovery benchmark; or
 * printed (DONE tombstones, as a week of printing leaves them), for the
 * cost of vaultd's poll.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Usage: spool-fill VAULT.CONF COUNT [FIRST [sending|done]]
 * Entry k belongs to job FIRST+k on queue "bench".  Run it under eatmydata
 * when only the filled spool matters, not the time it takes.
 */

#include "spool.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/*
 * 'fill_one()' - Store one 1 KiB job and leave it SENDING, or DONE.
 */

static bool
fill_one(vault_store_t *store,
         int           job_id,
         bool          done,
         GError        **error)
{
  vault_job_t		job = { 0 };
  vault_lock_t		*lock;
  vault_entry_t		*entry;
  char			uuid[64], data[1024];
  bool			ok;
  g_autofree char	*id = NULL;

  snprintf(uuid, sizeof(uuid), "urn:uuid:00000000-0000-4000-8000-%012d", job_id);
  job.uuid     = uuid;
  job.created  = 1700000000 + job_id;
  job.job_id   = job_id;
  job.queue    = "bench";
  job.user     = "bench";
  job.title    = "recovery benchmark";
  job.copies   = 1;
  job.priority = 50;
  memset(data, 'x', sizeof(data));

  if ((id = vaultJobEntryId(&job, error)) == NULL ||
      (lock = vaultLockAcquire(store, id, false, error)) == NULL)
    return (false);

  ok = (entry = vaultEntryCreate(store, lock, &job, sizeof(data), NULL, error)) != NULL &&
       vaultEntryWrite(entry, data, sizeof(data), error) &&
       vaultEntryCommit(entry, "spool-fill", error) &&
       vaultEntrySetState(entry, VAULT_STATE_SENDING, "spool-fill", "benchmark", error) &&
       (!done || vaultEntryErase(entry, VAULT_STATE_DONE, "spool-fill", "printed", error));

  vaultEntryFree(entry);
  vaultLockRelease(lock);

  return (ok);
}


/*
 * 'main()' - Fill the spool.
 */

int
main(int  argc,
     char *argv[])
{
  vault_config_t	*config;
  vault_store_t		*store;
  int			i, count, first;
  bool			done;
  GError		*error = NULL;

  if (argc < 3 || argc > 5 || (argc == 5 && strcmp(argv[4], "sending") && strcmp(argv[4], "done")))
  {
    fputs("Usage: spool-fill VAULT.CONF COUNT [FIRST [sending|done]]\n", stderr);
    return (2);
  }

  count = atoi(argv[2]);
  first = argc > 3 ? atoi(argv[3]) : 1;
  done  = argc > 4 && !strcmp(argv[4], "done");

  if ((config = vaultConfigLoad(argv[1], &error)) == NULL ||
      (store = vaultStoreOpen(config, &error)) == NULL)
  {
    fprintf(stderr, "spool-fill: %s\n", error->message);
    return (1);
  }

  for (i = 0; i < count; i ++)
    if (!fill_one(store, first + i, done, &error))
    {
      fprintf(stderr, "spool-fill: entry %d: %s\n", first + i, error->message);
      return (1);
    }

  vaultStoreClose(store);
  vaultConfigFree(config);

  return (0);
}
