/*
 * spool-roundtrip: store SIZE bytes in a vault entry, commit, read them back
 * and erase -- the spool's share of one job, for time and peak-RSS figures.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Usage: spool-roundtrip VAULT.CONF SIZE-MIB
 * Prints one line: size, seconds to store (write + commit), to read, and
 * whether the bytes read back match (a cheap word checksum, so that the
 * figures time the spool, not the checksum).
 */

#include "spool.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/*
 * 'mix()' - Fold a buffer into a running 64-bit checksum.
 */

static guint64
mix(guint64    sum,
    const char *buf,
    size_t     len)
{
  const guint64	*w = (const guint64 *)buf;
  size_t	i;

  for (i = 0; i < len / 8; i ++)
    sum = ((sum << 7) | (sum >> 57)) ^ w[i];

  return (sum);
}


/*
 * 'fail()' - Print the error and exit 1.
 */

static int
fail(const char *what,
     GError     *error)
{
  fprintf(stderr, "spool-roundtrip: %s: %s\n", what, error ? error->message : "failed");
  return (1);
}


/*
 * 'main()' - Store, read back, erase.
 */

int
main(int  argc,
     char *argv[])
{
  vault_config_t	*config;
  vault_store_t		*store;
  vault_lock_t		*lock;
  vault_entry_t		*entry;
  vault_reader_t	*reader;
  vault_job_t		job = { 0 };
  guint64		size, done;
  gssize		n;
  gint64		t0, t1, t2;
  static guint64	words[8192];
  char			*buf = (char *)words;
  guint64		in = 0, out = 0;
  char			uuid[64];
  g_autofree char	*id = NULL;
  GError		*error = NULL;

  if (argc != 3)
  {
    fputs("Usage: spool-roundtrip VAULT.CONF SIZE-MIB\n", stderr);
    return (2);
  }

  size = g_ascii_strtoull(argv[2], NULL, 10) * 1048576;

  if ((config = vaultConfigLoad(argv[1], &error)) == NULL)
    return (fail("config", error));
  if ((store = vaultStoreOpen(config, &error)) == NULL)
    return (fail("store", error));

  snprintf(uuid, sizeof(uuid), "urn:uuid:%s", g_uuid_string_random());
  job.uuid = uuid;
  job.created = g_get_real_time() / G_USEC_PER_SEC;
  job.job_id = 1;
  job.queue = "bench";
  job.user = "bench";
  job.copies = 1;
  job.priority = 50;

  if ((id = vaultJobEntryId(&job, &error)) == NULL ||
      (lock = vaultLockAcquire(store, id, false, &error)) == NULL ||
      (entry = vaultEntryCreate(store, lock, &job, size, NULL, &error)) == NULL)
    return (fail("create", error));

  t0 = g_get_monotonic_time();
  for (done = 0; done < size; done += sizeof(words))
  {
    memset(buf, (int)(done / sizeof(words)), sizeof(words));
    in = mix(in, buf, sizeof(words));
    if (!vaultEntryWrite(entry, buf, sizeof(words), &error))
      return (fail("write", error));
  }
  if (!vaultEntryCommit(entry, "bench", &error))
    return (fail("commit", error));

  t1 = g_get_monotonic_time();
  if (!vaultEntrySetState(entry, VAULT_STATE_SENDING, "bench", "benchmark", &error))
    return (fail("send", error));
  if ((reader = vaultEntryOpenData(entry, NULL, &error)) == NULL)
    return (fail("open", error));
  while ((n = vaultReaderRead(reader, buf, sizeof(words), &error)) > 0)
    out = mix(out, buf, (size_t)n);
  if (n < 0)
    return (fail("read", error));
  vaultReaderClose(reader);
  t2 = g_get_monotonic_time();

  if (!vaultEntryErase(entry, VAULT_STATE_DONE, "bench", "benchmark", &error) ||
      !vaultEntryRemove(entry, &error))
    return (fail("erase", error));

  printf("%" G_GUINT64_FORMAT " MiB: store %.3f s, read %.3f s, read back %s\n", size / 1048576,
         (t1 - t0) / 1e6, (t2 - t1) / 1e6, in == out ? "identical" : "DIFFERENT");

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  vaultStoreClose(store);
  vaultConfigFree(config);

  return (in != out);
}
