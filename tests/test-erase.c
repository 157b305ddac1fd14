/*
 * Unit tests of the crypto-erase (spool-entry-erase.c): the tombstone that
 * replaces an entry, an erase interrupted at any point, and the fallback
 * when <root>/tombstones cannot take it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "test-spool-util.h"
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/*
 * '/spool/entry/erase' - DONE leaves a tombstone without the wrapped key in
 *                        <root>/tombstones and nothing in the areas; a
 *                        second run finds DONE and cannot read; the id
 *                        stays taken; Remove clears it.
 */

static void
test_erase(void)
{
  vt_t		t;
  char		*id, *meta_path, *tomb_path, *text;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GError	*error = NULL;

  vtSetup(&t, "1M", "1M", NULL);
  id    = vtStore(&t, vtJob(&t, 6, NULL), "secret page", 11, 4);
  entry = vtOpen(&t, id, &lock);
  meta_path = _vaultEntryFilePath(entry, _VAULT_META_SUFFIX);
  g_assert_true(g_file_get_contents(meta_path, &text, NULL, NULL));
  g_assert_nonnull(strstr(text, "wrapped-key="));
  g_free(text);

  g_assert_false(vaultEntryRemove(entry, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_STATE);
  g_clear_error(&error);

  vtSetState(entry, VAULT_STATE_SENDING, 0);
  g_assert_true(vaultEntryErase(entry, VAULT_STATE_DONE, "test", "printed", &error));
  g_assert_no_error(error);
  vaultEntryFree(entry);

  tomb_path = _vaultTombstonePath(t.store, id);
  g_assert_true(g_str_has_prefix(tomb_path, t.root));
  g_assert_true(g_file_get_contents(tomb_path, &text, NULL, NULL));
  g_assert_null(strstr(text, "wrapped-key"));
  g_assert_nonnull(strstr(text, "state=done\nvalid=false\n"));
  g_free(text);
  g_assert_false(g_file_test(meta_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint(vtCountFiles(t.area[0], "") + vtCountFiles(t.area[1], ""), ==, 0);

  entry = vaultEntryOpen(t.store, lock, id, &error);
  g_assert_no_error(error);
  g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_DONE);
  g_assert_null(vaultEntryOpenData(entry, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_STATE);
  g_clear_error(&error);

  g_assert_null(vaultEntryCreate(t.store, lock, &t.job, 0, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_EXISTS);
  g_clear_error(&error);

  g_assert_true(vaultEntryRemove(entry, &error));
  g_assert_no_error(error);
  vaultEntryFree(entry);
  g_assert_false(g_file_test(tomb_path, G_FILE_TEST_EXISTS));
  g_assert_null(vaultEntryOpen(t.store, lock, id, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND);
  g_clear_error(&error);

  vaultLockRelease(lock);
  g_free(meta_path);
  g_free(tomb_path);
  g_free(id);
  vtTeardown(&t);
}


/*
 * 'count_visits()' - vaultStoreForeach callback: count entries and record
 *                    the last state seen.
 */

static bool
count_visits(vault_store_t *store, const char *id, vault_entry_t *entry, const GError *load_error, void *data)
{
  int *visits = data;

  g_assert_nonnull(entry);
  visits[0] ++;
  visits[1] = (int)vaultEntryGetState(entry);
  return (true);
}


/*
 * '/spool/entry/erase-interrupted' - A crash after the tombstone but before
 *                                    the unlinks leaves the live sidecar
 *                                    (with its key) and the data file: the
 *                                    tombstone wins in Foreach, Open
 *                                    finishes the erase, the id never
 *                                    reads again; Remove never resurrects.
 */

static void
test_erase_interrupted(void)
{
  vt_t		t;
  char		*id, *meta_path, *data_path, *meta_text, *data_text, *back;
  gsize		meta_len, data_len;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GError	*error = NULL;
  int		visits[2] = { 0, -1 };

  vtSetup(&t, "1M", "1M", NULL);
  id        = vtStore(&t, vtJob(&t, 13, NULL), "page", 4, 4);
  entry     = vtOpen(&t, id, &lock);
  meta_path = _vaultEntryFilePath(entry, _VAULT_META_SUFFIX);
  data_path = _vaultEntryFilePath(entry, _VAULT_DATA_SUFFIX);
  vtSetState(entry, VAULT_STATE_SENDING, 0);
  g_assert_true(g_file_get_contents(meta_path, &meta_text, &meta_len, NULL));
  g_assert_true(g_file_get_contents(data_path, &data_text, &data_len, NULL));
  g_assert_true(vaultEntryErase(entry, VAULT_STATE_DONE, "test", "printed", &error));
  g_assert_no_error(error);
  vaultEntryFree(entry);

  /* Put back what the unlinks removed: the state a crash leaves. */
  g_assert_true(g_file_set_contents(meta_path, meta_text, (gssize)meta_len, NULL));
  g_assert_true(g_file_set_contents(data_path, data_text, (gssize)data_len, NULL));
  g_assert_true(vaultStoreForeach(t.store, count_visits, visits, &error));
  g_assert_no_error(error);
  g_assert_cmpint(visits[0], ==, 1);
  g_assert_cmpint(visits[1], ==, VAULT_STATE_DONE);

  entry = vaultEntryOpen(t.store, lock, id, &error);
  g_assert_no_error(error);
  g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_DONE);
  g_assert_false(g_file_test(meta_path, G_FILE_TEST_EXISTS));
  g_assert_false(g_file_test(data_path, G_FILE_TEST_EXISTS));
  g_assert_null(vaultEntryOpenData(entry, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_STATE);
  g_clear_error(&error);
  vaultEntryFree(entry);

  /* Again, then Remove: the live files go first, nothing is resurrected. */
  g_assert_true(g_file_set_contents(meta_path, meta_text, (gssize)meta_len, NULL));
  entry = vaultEntryOpen(t.store, lock, id, &error);
  g_assert_no_error(error);
  g_assert_true(g_file_set_contents(meta_path, meta_text, (gssize)meta_len, NULL));
  g_assert_true(vaultEntryRemove(entry, &error));
  g_assert_no_error(error);
  vaultEntryFree(entry);
  g_assert_false(g_file_get_contents(meta_path, &back, NULL, NULL));
  g_assert_null(vaultEntryOpen(t.store, lock, id, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND);
  g_clear_error(&error);

  /* A live sidecar put among the tombstones is refused, never read. */
  g_assert_true(g_file_set_contents(meta_path, meta_text, (gssize)meta_len, NULL));
  back = _vaultTombstonePath(t.store, id);
  g_assert_true(g_file_set_contents(back, meta_text, (gssize)meta_len, NULL));
  g_assert_null(vaultEntryOpen(t.store, lock, id, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT);
  g_clear_error(&error);
  g_free(back);

  vaultLockRelease(lock);
  g_free(meta_text);
  g_free(data_text);
  g_free(meta_path);
  g_free(data_path);
  g_free(id);
  vtTeardown(&t);
}


/*
 * '/spool/entry/erase-fallback' - When <root>/tombstones cannot take the
 *                                 tombstone, the erase puts it over the
 *                                 live sidecar in the area: the key and
 *                                 the data are gone and the entry reads
 *                                 DONE (never SENDING, which a later run
 *                                 would offer to print again).
 */

static void
test_erase_fallback(void)
{
  vt_t		t;
  char		*id, *meta_path, *data_path, *tomb_path, *tomb_dir, *text;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GError	*error = NULL;
  int		visits[2] = { 0, -1 };

  vtSetup(&t, "1M", "1M", NULL);
  id        = vtStore(&t, vtJob(&t, 14, NULL), "secret page", 11, 4);
  entry     = vtOpen(&t, id, &lock);
  meta_path = _vaultEntryFilePath(entry, _VAULT_META_SUFFIX);
  data_path = _vaultEntryFilePath(entry, _VAULT_DATA_SUFFIX);
  tomb_path = _vaultTombstonePath(t.store, id);
  tomb_dir  = g_path_get_dirname(tomb_path);
  vtSetState(entry, VAULT_STATE_SENDING, 0);

  /* A file where the tombstone directory belongs: no tombstone fits there. */
  g_assert_cmpint(rmdir(tomb_dir), ==, 0);
  g_assert_true(g_file_set_contents(tomb_dir, "in the way", -1, NULL));

  g_assert_true(vaultEntryErase(entry, VAULT_STATE_DONE, "test", "printed", &error));
  g_assert_no_error(error);
  vaultEntryFree(entry);

  g_assert_true(g_file_get_contents(meta_path, &text, NULL, NULL));
  g_assert_null(strstr(text, "wrapped-key"));
  g_assert_nonnull(strstr(text, "state=done\nvalid=false\n"));
  g_free(text);
  g_assert_false(g_file_test(data_path, G_FILE_TEST_EXISTS));

  entry = vaultEntryOpen(t.store, lock, id, &error);
  g_assert_no_error(error);
  g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_DONE);
  g_assert_null(vaultEntryOpenData(entry, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_STATE);
  g_clear_error(&error);

  /* The directory back: the sweep sees one DONE entry, removed like any. */
  g_assert_cmpint(unlink(tomb_dir), ==, 0);
  g_assert_cmpint(mkdir(tomb_dir, 0700), ==, 0);
  g_assert_true(vaultStoreForeach(t.store, count_visits, visits, &error));
  g_assert_no_error(error);
  g_assert_cmpint(visits[0], ==, 1);
  g_assert_cmpint(visits[1], ==, VAULT_STATE_DONE);
  g_assert_true(vaultEntryRemove(entry, &error));
  g_assert_no_error(error);
  vaultEntryFree(entry);
  g_assert_cmpuint(vtCountFiles(t.area[0], "") + vtCountFiles(t.area[1], ""), ==, 0);

  vaultLockRelease(lock);
  g_free(tomb_path);
  g_free(tomb_dir);
  g_free(meta_path);
  g_free(data_path);
  g_free(id);
  vtTeardown(&t);
}


/*
 * 'main()' - Run the tests.
 */

int
main(int argc, char *argv[])
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/spool/entry/erase", test_erase);
  g_test_add_func("/spool/entry/erase-interrupted", test_erase_interrupted);
  g_test_add_func("/spool/entry/erase-fallback", test_erase_fallback);
  return (g_test_run());
}
