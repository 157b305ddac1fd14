/*
 * Helpers shared by the spool unit tests (see test-spool-util.h).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "test-spool-util.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/*
 * 'vtSetup()' - A fresh store in a temporary directory.
 */

void
vtSetup(vt_t *t, const char *cap_a, const char *cap_b, const char *extra)
{
  GError	*error = NULL;
  char		*conf;

  memset(t, 0, sizeof(*t));
  t->dir = g_dir_make_tmp("vault-test-XXXXXX", &error);
  g_assert_no_error(error);

  t->conf_path = g_build_filename(t->dir, "vault.conf", NULL);
  t->key_path  = g_build_filename(t->dir, "vault.key", NULL);
  t->root      = g_build_filename(t->dir, "root", NULL);
  t->area[0]   = g_build_filename(t->dir, "area-a", NULL);
  t->area[1]   = g_build_filename(t->dir, "area-b", NULL);

  g_assert_true(vaultKeyFileCreate(t->key_path, &error));
  g_assert_no_error(error);

  conf = g_strdup_printf("[vault]\nspool-root = %s\nkey-file = %s\n%s\n"
                         "[area a]\npath = %s\ncapacity = %s\n\n"
                         "[area b]\npath = %s\ncapacity = %s\n",
                         t->root, t->key_path, extra ? extra : "",
                         t->area[0], cap_a, t->area[1], cap_b);
  g_assert_true(g_file_set_contents(t->conf_path, conf, -1, &error));
  g_free(conf);

  t->config = vaultConfigLoad(t->conf_path, &error);
  g_assert_no_error(error);
  t->store = vaultStoreOpen(t->config, &error);
  g_assert_no_error(error);
}


/*
 * 'vtReopen()' - Close and open the store again.
 */

void
vtReopen(vt_t *t)
{
  GError *error = NULL;

  vaultStoreClose(t->store);
  t->store = vaultStoreOpen(t->config, &error);
  g_assert_no_error(error);
}


/*
 * 'vtTeardown()' - Close everything and remove the directory.
 */

void
vtTeardown(vt_t *t)
{
  vaultStoreClose(t->store);
  vaultConfigFree(t->config);
  vtRemoveTree(t->dir);
  g_free(t->dir);
  g_free(t->conf_path);
  g_free(t->key_path);
  g_free(t->root);
  g_free(t->area[0]);
  g_free(t->area[1]);
}


/*
 * 'vtJob()' - Sample job n.
 */

const vault_job_t *
vtJob(vt_t *t, int n, const char *user)
{
  g_snprintf(t->uuid, sizeof(t->uuid), "urn:uuid:%08x-1234-4abc-8def-0123456789ab", (unsigned)n);

  t->job.uuid         = t->uuid;
  t->job.created      = 1714557600 + n;
  t->job.job_id       = 100 + n;
  t->job.queue        = "vault-test";
  t->job.user         = user ? user : "alice";
  t->job.host         = "client.example";
  t->job.title        = "Passbook\tpage\n2";
  t->job.copies       = 1;
  t->job.priority     = 50;
  t->job.inner_uri    = "ipp://127.0.0.1:8632/ipp/print";
  t->job.content_type = "application/pdf";
  return (&t->job);
}


/*
 * 'vtStore()' - Create, write and commit; returns the id.
 */

char *
vtStore(vt_t *t, const vault_job_t *job, const void *data, size_t len, size_t step)
{
  GError	*error = NULL;
  char		*id = vaultJobEntryId(job, &error);
  vault_lock_t	*lock;
  vault_entry_t	*entry;

  g_assert_no_error(error);
  lock = vaultLockAcquire(t->store, id, false, &error);
  g_assert_no_error(error);
  entry = vaultEntryCreate(t->store, lock, job, len, NULL, &error);
  g_assert_no_error(error);

  for (size_t off = 0; off < len; off += step)
  {
    g_assert_true(vaultEntryWrite(entry, (const guint8 *)data + off, MIN(step, len - off), &error));
    g_assert_no_error(error);
  }

  g_assert_true(vaultEntryCommit(entry, "test", &error));
  g_assert_no_error(error);
  g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_STORED);
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  return (id);
}


/*
 * 'vtReadAll()' - Decrypt a whole entry.
 */

GByteArray *
vtReadAll(vault_entry_t *entry, const char *secret, GError **error)
{
  vault_reader_t	*reader = vaultEntryOpenData(entry, secret, error);
  GByteArray		*out;
  guint8		buf[10000];
  gssize		n;

  if (!reader)
    return (NULL);

  out = g_byte_array_new();
  while ((n = vaultReaderRead(reader, buf, sizeof(buf), error)) > 0)
    g_byte_array_append(out, buf, (guint)n);

  vaultReaderClose(reader);
  if (n < 0)
  {
    g_byte_array_unref(out);
    return (NULL);
  }

  return (out);
}


/*
 * 'vtOpen()' - Lock and open entry id.
 */

vault_entry_t *
vtOpen(vt_t *t, const char *id, vault_lock_t **lock)
{
  GError	*error = NULL;
  vault_entry_t	*entry;

  *lock = vaultLockAcquire(t->store, id, false, &error);
  g_assert_no_error(error);
  entry = vaultEntryOpen(t->store, *lock, id, &error);
  g_assert_no_error(error);
  return (entry);
}


/*
 * 'vtData()' - Deterministic bytes with a marker string every 4 KiB.
 */

guint8 *
vtData(size_t len, const char *marker)
{
  guint8	*data = g_malloc(len ? len : 1);
  size_t	mlen = marker ? strlen(marker) : 0;

  for (size_t i = 0; i < len; i ++)
    data[i] = (guint8)((i * 131 + i / 997) & 0xff);

  for (size_t off = 0; mlen && off + mlen <= len; off += 4096)
    memcpy(data + off, marker, mlen);

  return (data);
}


/*
 * 'vtTreeContains()' - Search every regular file under path for needle.
 */

bool
vtTreeContains(const char *path, const char *needle)
{
  GDir		*dir = g_dir_open(path, 0, NULL);
  const char	*name;
  bool		found = false;

  if (!dir)
  {
    char	*data;
    gsize	len;

    if (!g_file_get_contents(path, &data, &len, NULL))
      return (false);
    found = memmem(data, len, needle, strlen(needle)) != NULL;
    g_free(data);
    return (found);
  }

  while (!found && (name = g_dir_read_name(dir)) != NULL)
  {
    char *child = g_build_filename(path, name, NULL);

    found = vtTreeContains(child, needle);
    g_free(child);
  }

  g_dir_close(dir);
  return (found);
}


/*
 * 'vtCountFiles()' - Files in dir ending with suffix.
 */

guint
vtCountFiles(const char *dir_path, const char *suffix)
{
  GDir		*dir = g_dir_open(dir_path, 0, NULL);
  const char	*name;
  guint		count = 0;

  while (dir && (name = g_dir_read_name(dir)) != NULL)
    if (g_str_has_suffix(name, suffix))
      count ++;

  if (dir)
    g_dir_close(dir);
  return (count);
}


/*
 * 'vtRemoveTree()' - rm -rf path.
 */

void
vtRemoveTree(const char *path)
{
  GDir		*dir = g_dir_open(path, 0, NULL);
  const char	*name;

  while (dir && (name = g_dir_read_name(dir)) != NULL)
  {
    char *child = g_build_filename(path, name, NULL);

    vtRemoveTree(child);
    g_free(child);
  }

  if (dir)
  {
    g_dir_close(dir);
    rmdir(path);
  }
  else
    unlink(path);
}


/*
 * 'vtSetState()' - vaultEntrySetState, expecting error code (0 = success).
 */

void
vtSetState(vault_entry_t *entry, vault_state_t state, int code)
{
  GError	*error = NULL;
  bool		ok = vaultEntrySetState(entry, state, "test", "unit test", &error);

  if (code)
  {
    g_assert_false(ok);
    g_assert_error(error, VAULT_ERROR, code);
    g_clear_error(&error);
  }
  else
  {
    g_assert_no_error(error);
    g_assert_true(ok);
    g_assert_cmpint(vaultEntryGetState(entry), ==, state);
  }
}
