/*
 * Unit tests of areas, quotas and the store walk (spool-area.c,
 * spool-store.c): placement, FULL with nothing left behind, the
 * per-originator caps, load errors, a 10,000-entry walk, and that 5,000
 * tombstones cost a new entry nothing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "test-spool-util.h"
#include <stdlib.h>
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

  /* Bytes: 100K held; 250K more is over 300K, at create or while writing.
   * The tombstone is in <root>/tombstones: the areas hold live files only. */
  g_assert_cmpuint(area_files(&t), ==, 4);
  g_assert_cmpint(try_create(&t, 5, "alice", 250 * KIB, 0), ==, VAULT_ERROR_QUOTA);
  g_assert_cmpint(try_create(&t, 6, "alice", 0, 250 * KIB), ==, VAULT_ERROR_QUOTA);
  g_assert_cmpuint(area_files(&t), ==, 4);
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
#ifdef VAULT_TEST_SANITIZED
  // ASan and UBSan slow every memory access several times over.
  g_assert_cmpint(elapsed, <, 5 * G_USEC_PER_SEC);
#else
  g_assert_cmpint(elapsed, <, G_USEC_PER_SEC);
#endif
  vtTeardown(&t);
}


/*
 * 'erase_entry()' - Send and erase (DONE) entry id, as a printed job is.
 */

static void
erase_entry(vt_t *t, const char *id)
{
  GError	*error = NULL;
  vault_lock_t	*lock;
  vault_entry_t	*entry = vtOpen(t, id, &lock);

  g_assert_true(vaultEntrySetState(entry, VAULT_STATE_SENDING, "test", NULL, &error));
  g_assert_true(vaultEntryErase(entry, VAULT_STATE_DONE, "test", "printed", &error));
  g_assert_no_error(error);
  vaultEntryFree(entry);
  vaultLockRelease(lock);
}


/*
 * 'compare_times()' - qsort order of gint64.
 */

static int
compare_times(const void *a, const void *b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return (x < y ? -1 : x > y);
}


/*
 * 'timed_store()' - Microseconds to create, write and commit job n of t
 *                   (erased afterwards, outside the timing).
 */

static gint64
timed_store(vt_t *t, int n)
{
  gint64	start = g_get_monotonic_time(), elapsed;
  char		*id = vtStore(t, vtJob(t, n, NULL), "page", 4, 4);

  elapsed = g_get_monotonic_time() - start;
  erase_entry(t, id);
  g_free(id);
  return (elapsed);
}


/*
 * 'paired_create()' - Median times of `runs` creates + commits in a and in
 *                     b, taken in turn so both see the same disk load.
 */

static void
paired_create(vt_t *a, vt_t *b, int first, int runs, gint64 *median_a, gint64 *median_b)
{
  gint64	ta[64], tb[64];

  g_assert_cmpint(runs, <=, G_N_ELEMENTS(ta));
  for (int i = 0; i < runs; i ++)
  {
    ta[i] = timed_store(a, first + i);
    tb[i] = timed_store(b, first + i);
  }

  qsort(ta, (size_t)runs, sizeof(ta[0]), compare_times);
  qsort(tb, (size_t)runs, sizeof(tb[0]), compare_times);
  *median_a = ta[runs / 2];
  *median_b = tb[runs / 2];
}


/*
 * 'median_scan()' - Median time in microseconds of what a create measures
 *                   before it writes anything: the usage of every area and
 *                   the originator's usage.
 */

static gint64
median_scan(vt_t *t)
{
  gint64	times[41];
  guint64	used, bytes;
  guint		area, entries;

  for (guint i = 0; i < G_N_ELEMENTS(times); i ++)
  {
    gint64 start = g_get_monotonic_time();

    g_assert_true(_vaultAreaChoose(t->store, 4096, &area, &used, NULL));
    g_assert_true(_vaultStoreOriginatorUsage(t->store, "alice", &bytes, &entries, NULL));
    times[i] = g_get_monotonic_time() - start;
  }

  qsort(times, G_N_ELEMENTS(times), sizeof(times[0]), compare_times);
  return (times[G_N_ELEMENTS(times) / 2]);
}


/*
 * 'write_tombstone()' - Write the tombstone of job n directly, as erase
 *                       writes it but without fsync (to build 5,000 fast).
 */

static void
write_tombstone(vt_t *t, int n)
{
  _vault_meta_t	*meta = _vaultMetaNew();
  char		*id = vaultJobEntryId(vtJob(t, n, NULL), NULL), *path, *data;
  gsize		len;

  g_strlcpy(meta->id, id, sizeof(meta->id));
  meta->state       = VAULT_STATE_DONE;
  meta->valid       = false;
  meta->encrypted   = true;
  meta->area        = g_strdup(n % 2 ? "b" : "a");
  meta->uuid        = g_strdup(t->job.uuid);
  meta->created     = t->job.created;
  meta->queue       = g_strdup(t->job.queue);
  meta->user        = g_strdup(t->job.user);
  meta->stored_utc  = meta->changed_utc = g_get_real_time() / G_USEC_PER_SEC;
  meta->data_size   = 1;
  meta->file_size   = _vaultSealedSize(1);
  g_strlcpy(meta->stored_local_date, "2024-05-01", sizeof(meta->stored_local_date));
  data = _vaultMetaToData(meta, &t->store->mac_key, &len);
  path = _vaultTombstonePath(t->store, id);
  g_assert_true(g_file_set_contents(path, data, (gssize)len, NULL));
  g_free(path);
  g_free(data);
  g_free(id);
  _vaultMetaFree(meta);
}


/*
 * 'count_tombstones()' - vaultStoreForeach callback: count DONE entries.
 */

static bool
count_tombstones(vault_store_t *store, const char *id, vault_entry_t *entry, const GError *load_error, void *data)
{
  g_assert_nonnull(entry);
  if (vaultEntryGetState(entry) == VAULT_STATE_DONE)
    (*(guint *)data) ++;
  return (true);
}


/*
 * '/spool/area/tombstones-5k' - After 5,000 printed (erased) entries a new
 *                               entry pays nothing for them: the areas
 *                               hold no file, area usage and the
 *                               originator count are 0, the measuring
 *                               a create does takes no longer, and create
 *                               + commit takes less than twice what it
 *                               takes in a store without them (timed in
 *                               turn).  (The timed jobs are erased for
 *                               real; the 5,000 tombstones are written
 *                               directly, without fsync.)
 */

static void
test_tombstones_5k(void)
{
  vt_t		few, many;
  gint64	create_few, create_many, scan_few, scan_many, dummy;
  guint64	used;
  guint		entries, done = 0;
  char		*dir;

  vtSetup(&few, "10G", "10G", "originator-max-entries = 100\n");
  vtSetup(&many, "10G", "10G", "originator-max-entries = 100\n");
  for (int i = 0; i < 5000; i ++)
    write_tombstone(&many, i);
  paired_create(&few, &many, 90000, 6, &dummy, &dummy);	/* Warm up: journal, caches */

  dir = g_build_filename(many.root, _VAULT_TOMBSTONES_DIR, NULL);
  g_assert_cmpuint(vtCountFiles(dir, ".meta"), ==, 5006);
  g_assert_true(vaultStoreForeach(many.store, count_tombstones, &done, NULL));
  g_assert_cmpuint(done, ==, 5006);
  g_assert_cmpuint(area_files(&many), ==, 0);
  for (guint i = 0; i < 2; i ++)
  {
    g_assert_true(vaultStoreGetAreaUsage(many.store, i, &used, NULL, NULL, NULL));
    g_assert_cmpuint(used, ==, 0);
  }
  g_assert_true(_vaultStoreOriginatorUsage(many.store, "alice", &used, &entries, NULL));
  g_assert_cmpuint(entries, ==, 0);
  g_assert_cmpuint(used, ==, 0);

  scan_few  = median_scan(&few);
  scan_many = median_scan(&many);
  paired_create(&few, &many, 100000, 15, &create_few, &create_many);
  g_test_message("usage scans of a create, median of 41: %" G_GINT64_FORMAT " us with 6 tombstones, %" G_GINT64_FORMAT " us with 5,006", scan_few, scan_many);
  g_test_message("create + commit, median of 15: %.3f ms with 6 tombstones, %.3f ms with 5,006", create_few / 1e3, create_many / 1e3);
  g_assert_cmpint(scan_many, <, 2 * scan_few + 200);
  g_assert_cmpint(create_many, <, 2 * create_few);

  g_free(dir);
  vtTeardown(&few);
  vtTeardown(&many);
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
  g_test_add_func("/spool/area/tombstones-5k", test_tombstones_5k);
  return (g_test_run());
}
