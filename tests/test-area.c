/*
 * Unit tests of areas, quotas and the store walk (spool-area.c,
 * spool-store.c): placement, FULL with nothing left behind, the
 * per-originator caps, load errors, and a 10,000-entry walk.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "test-spool-util.h"
#include <string.h>

#define KIB 1024


/*
 * 'store_sized()' - Store an entry of len bytes for user; returns its area.
 */

static char *
store_sized(vt_t *t, int n, const char *user, size_t len)
{
  guint8	*data = vtData(len, NULL);
  char		*id = vtStore(t, vtJob(t, n, user), data, len, 32 * KIB);
  vault_lock_t	*lock;
  vault_entry_t	*entry = vtOpen(t, id, &lock);
  char		*area = g_strdup(vaultEntryGetArea(entry));

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(id);
  g_free(data);
  return (area);
}


/*
 * 'area_files()' - Files in both areas.
 */

static guint
area_files(vt_t *t)
{
  return (vtCountFiles(t->area[0], "") + vtCountFiles(t->area[1], ""));
}


/*
 * '/spool/area/placement' - Each new entry goes to the area with the most
 *                           room; usage is derived from the files.
 */

static void
test_placement(void)
{
  vt_t		t;
  char		*area;
  guint64	used, capacity, fs_free;

  vtSetup(&t, "1M", "2M", NULL);
  area = store_sized(&t, 1, NULL, 1200 * KIB);
  g_assert_cmpstr(area, ==, "b");
  g_free(area);

  g_assert_true(vaultStoreGetAreaUsage(t.store, 1, &used, &capacity, &fs_free, NULL));
  g_assert_cmpuint(capacity, ==, 2 * KIB * KIB);
  g_assert_cmpuint(used, ==, (_vaultSealedSize(1200 * KIB) + 4095) / 4096 * 4096 + 4096);
  g_assert_cmpuint(fs_free, >, 0);

  area = store_sized(&t, 2, NULL, 100 * KIB);	/* a: 1M free, b: ~0.8M */
  g_assert_cmpstr(area, ==, "a");
  g_free(area);
  area = store_sized(&t, 3, NULL, 100 * KIB);	/* a: ~0.9M, b: ~0.8M */
  g_assert_cmpstr(area, ==, "a");
  g_free(area);

  /* The same figures after a restart: nothing is remembered. */
  vtReopen(&t);
  g_assert_true(vaultStoreGetAreaUsage(t.store, 1, &fs_free, NULL, NULL, NULL));
  g_assert_cmpuint(fs_free, ==, used);
  vtTeardown(&t);
}


/*
 * '/spool/area/full' - A job too big for every area fails with FULL, at
 *                      create (size known) or while writing (size
 *                      unknown), leaves no file, touches no other entry,
 *                      and is journalled.
 */

static bool
count_discarded(const vault_record_t *r, void *data)
{
  if (!strcmp(r->to, "discarded") && r->reason && strstr(r->reason, "full"))
    (*(guint *)data) ++;
  return (true);
}

static void
test_full(void)
{
  vt_t		t;
  GError	*error = NULL;
  char		*id, *area;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  guint8	*data = vtData(256 * KIB, NULL);
  guint		refused = 0;

  vtSetup(&t, "256K", "256K", NULL);
  area = store_sized(&t, 1, NULL, 100 * KIB);
  g_free(area);
  g_assert_cmpuint(area_files(&t), ==, 2);

  id   = vaultJobEntryId(vtJob(&t, 2, NULL), NULL);
  lock = vaultLockAcquire(t.store, id, false, NULL);
  g_assert_null(vaultEntryCreate(t.store, lock, &t.job, 300 * KIB, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_FULL);
  g_test_message("%s", error->message);
  g_clear_error(&error);
  g_assert_cmpuint(area_files(&t), ==, 2);

  entry = vaultEntryCreate(t.store, lock, &t.job, 0, NULL, &error);
  g_assert_no_error(error);
  for (int i = 0; i < 4 && vaultEntryWrite(entry, data, 64 * KIB, &error); i ++);
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_FULL);
  g_clear_error(&error);
  g_assert_cmpuint(area_files(&t), ==, 2);
  g_assert_false(vaultEntryCommit(entry, "test", &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_STATE);
  g_clear_error(&error);
  vaultEntryFree(entry);
  g_assert_cmpuint(area_files(&t), ==, 2);

  /* The entry stored first is untouched; the refusals are journalled. */
  g_assert_true(vaultJournalForeach(t.store, count_discarded, &refused, NULL));
  g_assert_cmpuint(refused, ==, 2);

  /* Below the room it fits. */
  entry = vaultEntryCreate(t.store, lock, &t.job, 0, NULL, &error);
  g_assert_no_error(error);
  g_assert_true(vaultEntryWrite(entry, data, 200 * KIB, &error));
  g_assert_true(vaultEntryCommit(entry, "test", &error));
  g_assert_no_error(error);
  vaultEntryFree(entry);

  vaultLockRelease(lock);
  g_free(id);
  g_free(data);
  vtTeardown(&t);
}


/*
 * 'try_create()' - Create (hint) and write len bytes for user; returns the
 *                  error code, 0 on success (entry committed).
 */

static int
try_create(vt_t *t, int n, const char *user, guint64 hint, size_t len)
{
  GError	*error = NULL;
  char		*id = vaultJobEntryId(vtJob(t, n, user), NULL);
  vault_lock_t	*lock = vaultLockAcquire(t->store, id, false, NULL);
  vault_entry_t	*entry = vaultEntryCreate(t->store, lock, &t->job, hint, NULL, &error);
  guint8	*data = vtData(len, NULL);
  int		code = 0;

  if (entry && vaultEntryWrite(entry, data, len, &error))
    vaultEntryCommit(entry, "test", &error);

  if (error)
    code = error->code;

  g_clear_error(&error);
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(data);
  g_free(id);
  return (code);
}


/*
 * '/spool/area/originator-cap' - The entry and byte caps per originator,
 *                                counted from the sidecars on disk.
 */

static void
test_originator_cap(void)
{
  vt_t		t;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  char		*id;

  vtSetup(&t, "10M", "10M", "originator-max-entries = 2\noriginator-max-bytes = 300K\n");
  g_assert_cmpint(try_create(&t, 1, "alice", 0, 100 * KIB), ==, 0);
  g_assert_cmpint(try_create(&t, 2, "alice", 0, 10 * KIB), ==, 0);
  g_assert_cmpint(try_create(&t, 3, "alice", 0, 10), ==, VAULT_ERROR_QUOTA);
  g_assert_cmpint(try_create(&t, 4, "bob", 0, 10), ==, 0);
  g_assert_cmpuint(area_files(&t), ==, 6);

  /* An erased entry (tombstone) no longer counts. */
  id    = vaultJobEntryId(vtJob(&t, 2, "alice"), NULL);
  entry = vtOpen(&t, id, &lock);
  g_assert_true(vaultEntryErase(entry, VAULT_STATE_DISCARDED, "test", "canceled", NULL));
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(id);

  /* Bytes: 100K held; 250K more is over 300K, at create or while writing. */
  g_assert_cmpint(try_create(&t, 5, "alice", 250 * KIB, 0), ==, VAULT_ERROR_QUOTA);
  g_assert_cmpint(try_create(&t, 6, "alice", 0, 250 * KIB), ==, VAULT_ERROR_QUOTA);
  g_assert_cmpuint(area_files(&t), ==, 5);
  g_assert_cmpint(try_create(&t, 7, "alice", 0, 150 * KIB), ==, 0);
  vtTeardown(&t);
}


/*
 * Foreach helpers.
 */

typedef struct walk_s
{
  guint entries, errors, stored;
} walk_t;

static bool
walk_cb(vault_store_t *store, const char *id, vault_entry_t *entry, const GError *load_error, void *data)
{
  walk_t *w = data;

  if (entry)
  {
    g_assert_cmpstr(vaultEntryGetId(entry), ==, id);
    w->entries ++;
    if (vaultEntryGetState(entry) == VAULT_STATE_STORED)
      w->stored ++;
  }
  else
  {
    g_assert_nonnull(load_error);
    g_test_message("load error %s: %s", id, load_error->message);
    w->errors ++;
  }

  return (true);
}


/*
 * '/spool/area/foreach' - Entries of both areas are visited; a damaged
 *                         sidecar and a data file without sidecar are load
 *                         errors; entries from a walk are read-only.
 */

static bool
try_change(vault_store_t *store, const char *id, vault_entry_t *entry, const GError *load_error, void *data)
{
  GError *error = NULL;

  if (entry)
  {
    g_assert_false(vaultEntrySetState(entry, VAULT_STATE_SENDING, "test", NULL, &error));
    g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
    g_clear_error(&error);
  }

  return (false);
}

static void
test_foreach(void)
{
  vt_t		t;
  walk_t	w = { 0, 0, 0 };
  char		*path, *area;

  vtSetup(&t, "10M", "10M", NULL);
  for (int i = 0; i < 6; i ++)
    g_free(store_sized(&t, i, NULL, 1000));

  g_assert_true(vaultStoreForeach(t.store, walk_cb, &w, NULL));
  g_assert_cmpuint(w.entries, ==, 6);
  g_assert_cmpuint(w.stored, ==, 6);
  g_assert_cmpuint(w.errors, ==, 0);
  g_assert_cmpuint(vtCountFiles(t.area[0], ".meta"), ==, 3);

  path = g_build_filename(t.area[0], "0123456789abcdef0123456789abcdef.data", NULL);
  g_assert_true(g_file_set_contents(path, "orphan", -1, NULL));
  g_free(path);
  path = g_build_filename(t.area[1], "fedcba9876543210fedcba9876543210.meta", NULL);
  g_assert_true(g_file_set_contents(path, "[entry]\nstate=stored\n", -1, NULL));
  g_free(path);
  area = g_build_filename(t.area[1], "not-an-entry.txt", NULL);
  g_assert_true(g_file_set_contents(area, "ignored", -1, NULL));
  g_free(area);

  memset(&w, 0, sizeof(w));
  g_assert_true(vaultStoreForeach(t.store, walk_cb, &w, NULL));
  g_assert_cmpuint(w.entries, ==, 6);
  g_assert_cmpuint(w.errors, ==, 2);

  g_assert_true(vaultStoreForeach(t.store, try_change, NULL, NULL));
  vtTeardown(&t);
}


/*
 * '/spool/area/foreach-10k' - Walking 10,000 entries takes well under a
 *                             second.  The sidecars are written directly
 *                             (no fsync) to build the spool quickly.
 */

static void
test_foreach_10k(void)
{
  vt_t		t;
  walk_t	w = { 0, 0, 0 };
  gint64	start, elapsed;

  vtSetup(&t, "10G", "10G", NULL);
  for (int i = 0; i < 10000; i ++)
  {
    _vault_meta_t	*meta = _vaultMetaNew();
    char		*id = vaultJobEntryId(vtJob(&t, i, NULL), NULL), *path, *data;
    gsize		len;

    g_strlcpy(meta->id, id, sizeof(meta->id));
    meta->state       = VAULT_STATE_STORED;
    meta->valid       = true;
    meta->area        = g_strdup(i % 2 ? "b" : "a");
    meta->uuid        = g_strdup(t.job.uuid);
    meta->created     = t.job.created;
    meta->queue       = g_strdup(t.job.queue);
    meta->user        = g_strdup(t.job.user);
    meta->title       = g_strdup(t.job.title);
    meta->stored_utc  = meta->changed_utc = 1714557600;
    meta->wrapped_key = g_strdup("AAAA");
    g_strlcpy(meta->stored_local_date, "2024-05-01", sizeof(meta->stored_local_date));
    data = _vaultMetaToData(meta, &t.store->mac_key, &len);
    path = _vaultEntryPath(t.store, i % 2, id, _VAULT_META_SUFFIX);
    g_assert_true(g_file_set_contents(path, data, (gssize)len, NULL));
    g_free(path);
    g_free(data);
    g_free(id);
    _vaultMetaFree(meta);
  }

  start   = g_get_monotonic_time();
  g_assert_true(vaultStoreForeach(t.store, walk_cb, &w, NULL));
  elapsed = g_get_monotonic_time() - start;

  g_test_message("vaultStoreForeach over %u entries: %.3f s", w.entries, elapsed / 1e6);
  g_assert_cmpuint(w.entries, ==, 10000);
  g_assert_cmpuint(w.errors, ==, 0);
  g_assert_cmpint(elapsed, <, G_USEC_PER_SEC);
  vtTeardown(&t);
}


int
main(int argc, char *argv[])
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/spool/area/placement", test_placement);
  g_test_add_func("/spool/area/full", test_full);
  g_test_add_func("/spool/area/originator-cap", test_originator_cap);
  g_test_add_func("/spool/area/foreach", test_foreach);
  g_test_add_func("/spool/area/foreach-10k", test_foreach_10k);
  return (g_test_run());
}
