/*
 * Unit tests of entries (spool-entry*.c, spool-lock.c): identity, locks,
 * round trips, states, refusal of damaged data and wrong keys, and that no
 * plaintext ever reaches the spool (the crypto-erase: test-erase.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "test-spool-util.h"
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARKER "PLAINTEXT-MARKER-7c1f3e"


/*
 * '/spool/entry/id' - The id is SHA-256(queue NUL uuid NUL created)[0:16]
 *                     in hex (vector from sha256sum), and bad identities
 *                     are refused.
 */

static void
test_id(void)
{
  vt_t		t;
  vault_job_t	job;
  GError	*error = NULL;
  char		*id;

  vtSetup(&t, "1M", "1M", NULL);
  job = *vtJob(&t, 1, NULL);
  id  = vaultJobEntryId(&job, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(id, ==, "cd8cacd864332bcd76ffd4aa914ad384");
  g_free(id);

  job.created ++;
  id = vaultJobEntryId(&job, &error);
  g_assert_cmpstr(id, !=, "cd8cacd864332bcd76ffd4aa914ad384");
  g_free(id);

  const char *bad_uuids[] = { NULL, "", "urn:uuid:../../../../etc/passwd-xxxxxxxxxxx", "6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4b", "urn:uuid:6f1d2c3b-4a59-4e6f-8a7b-9c0d1e2f3a4" };
  for (guint i = 0; i < G_N_ELEMENTS(bad_uuids); i ++)
  {
    job      = *vtJob(&t, 1, NULL);
    job.uuid = bad_uuids[i];
    g_assert_null(vaultJobEntryId(&job, &error));
    g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
    g_clear_error(&error);
  }

  const char *bad_queues[] = { NULL, "", "a b", "a/b", "a#b", "tab\tq" };
  for (guint i = 0; i < G_N_ELEMENTS(bad_queues); i ++)
  {
    job       = *vtJob(&t, 1, NULL);
    job.queue = bad_queues[i];
    g_assert_null(vaultJobEntryId(&job, &error));
    g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
    g_clear_error(&error);
  }

  g_assert_null(vaultLockAcquire(t.store, "../x", false, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
  g_clear_error(&error);
  vtTeardown(&t);
}


/*
 * '/spool/entry/commit' - A 300 KiB job written in odd pieces comes back
 *                         byte for byte after the store is reopened, with
 *                         its job description and sizes.
 */

static void
test_commit(void)
{
  vt_t		t;
  size_t	len = 300 * 1024 + 17;
  guint8	*data = vtData(len, MARKER);
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GByteArray	*back;
  GError	*error = NULL;

  vtSetup(&t, "10M", "10M", NULL);
  id = vtStore(&t, vtJob(&t, 1, NULL), data, len, 1000);
  vtReopen(&t);

  entry = vtOpen(&t, id, &lock);
  g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_STORED);
  g_assert_cmpstr(vaultEntryGetJob(entry)->uuid, ==, t.uuid);
  g_assert_cmpstr(vaultEntryGetJob(entry)->title, ==, "Passbook\tpage\n2");
  g_assert_cmpstr(vaultEntryGetJob(entry)->inner_uri, ==, "ipp://127.0.0.1:8632/ipp/print");
  g_assert_cmpint(vaultEntryGetJob(entry)->job_id, ==, 101);
  g_assert_cmpuint(vaultEntryGetSize(entry), ==, len);
  g_assert_cmpuint(vaultEntryGetFileSize(entry), ==, _vaultSealedSize(len));
  g_assert_cmpint(strlen(vaultEntryGetStoredLocalDate(entry)), ==, 10);
  g_assert_cmpint(ABS(vaultEntryGetStoredTime(entry) - g_get_real_time() / G_USEC_PER_SEC), <, 60);
  g_assert_false(vaultEntryHasSecret(entry));

  back = vtReadAll(entry, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpmem(back->data, back->len, data, len);

  g_byte_array_unref(back);
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(id);
  g_free(data);
  vtTeardown(&t);
}


/*
 * '/spool/entry/empty' - A zero-byte job round-trips.
 */

static void
test_empty(void)
{
  vt_t		t;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GByteArray	*back;
  GError	*error = NULL;

  vtSetup(&t, "1M", "1M", NULL);
  id    = vtStore(&t, vtJob(&t, 2, NULL), "", 0, 1);
  entry = vtOpen(&t, id, &lock);
  back  = vtReadAll(entry, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(back->len, ==, 0);
  g_byte_array_unref(back);
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(id);
  vtTeardown(&t);
}


/*
 * '/spool/entry/lock' - One holder at a time, across processes too; a
 *                       lock for another id is refused by create.
 */

static void
test_lock(void)
{
  vt_t		t;
  GError	*error = NULL;
  char		*id;
  vault_lock_t	*lock, *other;
  pid_t		pid;
  int		status;

  vtSetup(&t, "1M", "1M", NULL);
  id   = vaultJobEntryId(vtJob(&t, 3, NULL), NULL);
  lock = vaultLockAcquire(t.store, id, false, &error);
  g_assert_no_error(error);

  g_assert_null(vaultLockAcquire(t.store, id, false, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_LOCKED);
  g_clear_error(&error);

  if ((pid = fork()) == 0)
  {
    vault_lock_t *l = vaultLockAcquire(t.store, id, false, NULL);

    _exit(l ? 0 : 3);
  }
  g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
  g_assert_cmpint(WEXITSTATUS(status), ==, 3);

  other = vaultLockAcquire(t.store, "00000000000000000000000000000000", false, &error);
  g_assert_no_error(error);
  g_assert_null(vaultEntryCreate(t.store, other, &t.job, 0, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
  g_clear_error(&error);
  vaultLockRelease(other);

  vaultLockRelease(lock);
  lock = vaultLockAcquire(t.store, id, false, &error);
  g_assert_no_error(error);
  vaultLockRelease(lock);
  g_free(id);
  vtTeardown(&t);
}



/*
 * '/spool/entry/states' - The transition table, SENDING's boot id, pid and
 *                         count, and what survives a reopen.
 */

static void
test_states(void)
{
  vt_t		t;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GByteArray	*back;

  vtSetup(&t, "1M", "1M", NULL);
  id    = vtStore(&t, vtJob(&t, 4, NULL), "hello", 5, 5);
  entry = vtOpen(&t, id, &lock);

  vtSetState(entry, VAULT_STATE_DONE, VAULT_ERROR_STATE);
  vtSetState(entry, VAULT_STATE_AWAITING, VAULT_ERROR_STATE);
  vtSetState(entry, VAULT_STATE_RECEIVING, VAULT_ERROR_STATE);
  vtSetState(entry, VAULT_STATE_STORED, VAULT_ERROR_STATE);
  vtSetState(entry, VAULT_STATE_SENDING, 0);
  g_assert_cmpstr(vaultEntryGetBootId(entry), ==, vaultStoreGetBootId(t.store));
  g_assert_cmpint(vaultEntryGetPid(entry), ==, getpid());
  g_assert_false(vaultEntryIsInterrupted(entry));
  vtSetState(entry, VAULT_STATE_STORED, 0);
  vtSetState(entry, VAULT_STATE_SENDING, 0);
  vtSetState(entry, VAULT_STATE_RESURRECTED, 0);
  g_assert_true(vaultEntryIsInterrupted(entry));
  vtSetState(entry, VAULT_STATE_SENDING, VAULT_ERROR_STATE);
  vtSetState(entry, VAULT_STATE_AWAITING, 0);
  vaultEntryFree(entry);

  entry = vaultEntryOpen(t.store, lock, id, NULL);
  g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_AWAITING);
  g_assert_cmpuint(entry->meta->send_count, ==, 2);
  back = vtReadAll(entry, NULL, NULL);
  g_assert_cmpmem(back->data, back->len, "hello", 5);
  g_byte_array_unref(back);
  vtSetState(entry, VAULT_STATE_SENDING, 0);
  g_assert_cmpuint(entry->meta->send_count, ==, 3);
  vtSetState(entry, VAULT_STATE_DONE, 0);
  vtSetState(entry, VAULT_STATE_DISCARDED, VAULT_ERROR_STATE);
  vtSetState(entry, VAULT_STATE_SENDING, VAULT_ERROR_STATE);

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(id);
  vtTeardown(&t);
}


/*
 * '/spool/entry/interrupted' - SENDING by a dead pid, or by another boot,
 *                              is interrupted; by this live process not.
 */

static void
test_interrupted(void)
{
  vt_t		t;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  pid_t		pid;
  int		status;

  vtSetup(&t, "1M", "1M", NULL);
  id = vtStore(&t, vtJob(&t, 5, NULL), "x", 1, 1);

  if ((pid = fork()) == 0)
  {
    vault_lock_t	*l = vaultLockAcquire(t.store, id, false, NULL);
    vault_entry_t	*e = l ? vaultEntryOpen(t.store, l, id, NULL) : NULL;

    _exit(e && vaultEntrySetState(e, VAULT_STATE_SENDING, "child", NULL, NULL) ? 0 : 1);
  }
  g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
  g_assert_cmpint(WEXITSTATUS(status), ==, 0);

  entry = vtOpen(&t, id, &lock);
  g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_SENDING);
  g_assert_cmpint(vaultEntryGetPid(entry), ==, pid);
  g_assert_true(vaultEntryIsInterrupted(entry));
  vtSetState(entry, VAULT_STATE_AWAITING, 0);
  vtSetState(entry, VAULT_STATE_SENDING, 0);
  g_assert_false(vaultEntryIsInterrupted(entry));
  vaultEntryFree(entry);
  vaultLockRelease(lock);

  g_setenv("VAULT_BOOT_ID", "another-boot", TRUE);
  vtReopen(&t);
  g_unsetenv("VAULT_BOOT_ID");
  entry = vtOpen(&t, id, &lock);
  g_assert_true(vaultEntryIsInterrupted(entry));
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(id);
  vtTeardown(&t);
}


/*
 * 'expect_read_error()' - Reading entry fails with code (at open or read).
 */

static void
expect_read_error(vault_entry_t *entry, int code)
{
  GError	*error = NULL;
  GByteArray	*back = vtReadAll(entry, NULL, &error);

  g_assert_null(back);
  g_assert_error(error, VAULT_ERROR, code);
  g_test_message("refused: %s", error->message);
  g_clear_error(&error);
}


/*
 * '/spool/entry/tamper' - A flipped byte anywhere in the data file is AUTH
 *                         (or CORRUPT for the header magic); a shorter file
 *                         is TRUNCATED, also when the sidecar is re-signed
 *                         to match it (the final chunk is missing).
 */

static void
test_tamper(void)
{
  vt_t		t;
  size_t	len = 3 * _VAULT_CHUNK_SIZE + 100;
  guint8	*data = vtData(len, NULL), *file;
  char		*id, *path;
  gsize		file_len;
  vault_lock_t	*lock;
  vault_entry_t	*entry;

  vtSetup(&t, "10M", "10M", NULL);
  id    = vtStore(&t, vtJob(&t, 7, NULL), data, len, 65536);
  entry = vtOpen(&t, id, &lock);
  path  = _vaultEntryFilePath(entry, _VAULT_DATA_SUFFIX);
  g_assert_true(g_file_get_contents(path, (char **)&file, &file_len, NULL));

  gsize positions[] = { 0, 20, 40, 70, file_len / 2, file_len - 1 };
  for (guint i = 0; i < G_N_ELEMENTS(positions); i ++)
  {
    file[positions[i]] ^= 0x01;
    g_assert_true(g_file_set_contents(path, (char *)file, (gssize)file_len, NULL));
    file[positions[i]] ^= 0x01;

    GError	*error = NULL;
    GByteArray	*back = vtReadAll(entry, NULL, &error);

    g_assert_null(back);
    g_assert_nonnull(error);
    g_test_message("byte %" G_GSIZE_FORMAT ": %s", positions[i], error->message);
    /* An altered final chunk cannot be told from a missing one: TRUNCATED. */
    g_assert_true(error->code == VAULT_ERROR_AUTH || error->code == VAULT_ERROR_CORRUPT || error->code == VAULT_ERROR_TRUNCATED);
    g_clear_error(&error);
  }

  /* Shorter than the sidecar says: refused before any byte is returned. */
  g_assert_true(g_file_set_contents(path, (char *)file, (gssize)file_len - 1, NULL));
  expect_read_error(entry, VAULT_ERROR_TRUNCATED);

  /* Cut after whole chunks and re-sign the sidecar to match: STREAM says truncated. */
  gsize cut = file_len - (_VAULT_TAG_SIZE + 100);
  g_assert_true(g_file_set_contents(path, (char *)file, (gssize)cut, NULL));
  entry->meta->file_size = cut;
  entry->meta->data_size = 3 * _VAULT_CHUNK_SIZE;
  char *meta_path = _vaultEntryFilePath(entry, _VAULT_META_SUFFIX);
  g_assert_true(_vaultMetaWrite(t.store->io, meta_path, entry->meta, &t.store->mac_key, NULL));
  vaultEntryFree(entry);
  entry = vaultEntryOpen(t.store, lock, id, NULL);
  expect_read_error(entry, VAULT_ERROR_TRUNCATED);

  /* The intact file reads again (the test damaged nothing else). */
  g_assert_true(g_file_set_contents(path, (char *)file, (gssize)file_len, NULL));
  entry->meta->file_size = file_len;
  entry->meta->data_size = len;
  GByteArray *back = vtReadAll(entry, NULL, NULL);
  g_assert_cmpmem(back->data, back->len, data, len);
  g_byte_array_unref(back);

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(meta_path);
  g_free(path);
  g_free(file);
  g_free(data);
  g_free(id);
  vtTeardown(&t);
}


/*
 * '/spool/entry/wrong-key' - Under another site key the sidecar is AUTH;
 *                            and a sidecar re-signed with the new MAC key
 *                            still cannot unwrap the data key (AUTH).
 */

static void
test_wrong_key(void)
{
  vt_t		t;
  char		*id, *meta_path;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GError	*error = NULL;
  _vault_meta_t	*meta;

  vtSetup(&t, "1M", "1M", NULL);
  id    = vtStore(&t, vtJob(&t, 8, NULL), "hello", 5, 5);
  entry = vtOpen(&t, id, &lock);
  meta_path = _vaultEntryFilePath(entry, _VAULT_META_SUFFIX);
  meta  = _vaultMetaRead(meta_path, &t.store->mac_key, NULL);
  vaultEntryFree(entry);
  vaultLockRelease(lock);

  g_assert_cmpint(unlink(t.key_path), ==, 0);
  g_assert_true(vaultKeyFileCreate(t.key_path, NULL));
  vtReopen(&t);

  lock = vaultLockAcquire(t.store, id, false, NULL);
  g_assert_null(vaultEntryOpen(t.store, lock, id, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_AUTH);
  g_clear_error(&error);

  g_assert_true(_vaultMetaWrite(t.store->io, meta_path, meta, &t.store->mac_key, NULL));
  entry = vaultEntryOpen(t.store, lock, id, &error);
  g_assert_no_error(error);
  expect_read_error(entry, VAULT_ERROR_AUTH);

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  _vaultMetaFree(meta);
  g_free(meta_path);
  g_free(id);
  vtTeardown(&t);
}


/*
 * '/spool/entry/secret' - A job stored with an originator secret reads only
 *                         with that secret.
 */

static void
test_secret(void)
{
  vt_t		t;
  GError	*error = NULL;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GByteArray	*back;

  vtSetup(&t, "1M", "1M", NULL);
  id    = vaultJobEntryId(vtJob(&t, 9, NULL), NULL);
  lock  = vaultLockAcquire(t.store, id, false, NULL);
  entry = vaultEntryCreate(t.store, lock, &t.job, 3, "open sesame", &error);
  g_assert_no_error(error);
  g_assert_true(vaultEntryWrite(entry, "abc", 3, NULL));
  g_assert_true(vaultEntryCommit(entry, "test", NULL));
  vaultEntryFree(entry);

  entry = vaultEntryOpen(t.store, lock, id, NULL);
  g_assert_true(vaultEntryHasSecret(entry));
  g_assert_null(vaultEntryOpenData(entry, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_SECRET_REQUIRED);
  g_clear_error(&error);
  g_assert_null(vaultEntryOpenData(entry, "open barley", &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_SECRET_WRONG);
  g_clear_error(&error);
  back = vtReadAll(entry, "open sesame", &error);
  g_assert_no_error(error);
  g_assert_cmpmem(back->data, back->len, "abc", 3);
  g_assert_false(vtTreeContains(t.dir, "open sesame"));

  g_byte_array_unref(back);
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(id);
  vtTeardown(&t);
}


/*
 * '/spool/entry/no-plaintext' - A marker in the job data appears in no file
 *                               under the root and the areas, neither while
 *                               receiving nor once stored.
 */

static void
test_no_plaintext(void)
{
  vt_t		t;
  size_t	len = 200 * 1024;
  guint8	*data = vtData(len, MARKER);
  GError	*error = NULL;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;

  vtSetup(&t, "10M", "10M", NULL);
  g_assert_true(memmem(data, len, MARKER, strlen(MARKER)) != NULL);
  id    = vaultJobEntryId(vtJob(&t, 10, NULL), NULL);
  lock  = vaultLockAcquire(t.store, id, false, NULL);
  entry = vaultEntryCreate(t.store, lock, &t.job, len, NULL, &error);
  g_assert_no_error(error);
  g_assert_true(vaultEntryWrite(entry, data, len / 2, NULL));
  g_assert_false(vtTreeContains(t.root, MARKER));
  g_assert_false(vtTreeContains(t.area[0], MARKER));
  g_assert_false(vtTreeContains(t.area[1], MARKER));
  g_assert_true(vaultEntryWrite(entry, data + len / 2, len - len / 2, NULL));
  g_assert_true(vaultEntryCommit(entry, "test", NULL));
  g_assert_false(vtTreeContains(t.root, MARKER));
  g_assert_false(vtTreeContains(t.area[0], MARKER));
  g_assert_false(vtTreeContains(t.area[1], MARKER));

  /* The scanner does find the marker where it is (it can fail). */
  g_assert_true(g_file_set_contents(t.conf_path, (char *)data, 8192, NULL));
  g_assert_true(vtTreeContains(t.dir, MARKER));

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(id);
  g_free(data);
  vtTeardown(&t);
}


/*
 * '/spool/entry/abort' - An aborted or uncommitted entry leaves no file.
 */

static void
test_abort(void)
{
  vt_t		t;
  GError	*error = NULL;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;

  vtSetup(&t, "1M", "1M", NULL);
  id    = vaultJobEntryId(vtJob(&t, 11, NULL), NULL);
  lock  = vaultLockAcquire(t.store, id, false, NULL);
  entry = vaultEntryCreate(t.store, lock, &t.job, 0, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_RECEIVING);
  g_assert_cmpuint(vtCountFiles(t.area[0], "") + vtCountFiles(t.area[1], ""), ==, 2);
  g_assert_true(vaultEntryWrite(entry, "abc", 3, NULL));
  g_assert_null(vaultEntryOpenData(entry, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_STATE);
  g_clear_error(&error);
  vaultEntryAbort(entry, "client went away");
  g_assert_cmpuint(vtCountFiles(t.area[0], "") + vtCountFiles(t.area[1], ""), ==, 0);
  g_assert_false(vaultEntryWrite(entry, "abc", 3, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_STATE);
  g_clear_error(&error);
  vaultEntryFree(entry);

  entry = vaultEntryCreate(t.store, lock, &t.job, 0, NULL, &error);
  g_assert_no_error(error);
  g_assert_true(vaultEntryWrite(entry, "abc", 3, NULL));
  vaultEntryFree(entry);
  g_assert_cmpuint(vtCountFiles(t.area[0], "") + vtCountFiles(t.area[1], ""), ==, 0);

  vaultLockRelease(lock);
  g_free(id);
  vtTeardown(&t);
}


/*
 * '/spool/entry/media' - Sheet counts are kept in the sidecar.
 */

static void
test_media(void)
{
  vt_t		t;
  GError	*error = NULL;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GHashTable	*counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

  vtSetup(&t, "1M", "1M", NULL);
  id    = vtStore(&t, vtJob(&t, 12, NULL), "x", 1, 1);
  entry = vtOpen(&t, id, &lock);
  g_assert_cmpuint(g_hash_table_size(vaultEntryGetMediaCounts(entry)), ==, 0);
  g_hash_table_insert(counts, g_strdup("iso_a4_210x297mm/tray-1"), g_memdup2(&(guint64){ 7 }, sizeof(guint64)));
  g_assert_true(vaultEntrySetMediaCounts(entry, counts, &error));
  g_assert_no_error(error);
  vaultEntryFree(entry);

  entry = vaultEntryOpen(t.store, lock, id, NULL);
  g_assert_cmpuint(*(guint64 *)g_hash_table_lookup(vaultEntryGetMediaCounts(entry), "iso_a4_210x297mm/tray-1"), ==, 7);

  g_hash_table_insert(counts, g_strdup("bad=name"), g_memdup2(&(guint64){ 1 }, sizeof(guint64)));
  g_assert_false(vaultEntrySetMediaCounts(entry, counts, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
  g_clear_error(&error);

  g_hash_table_unref(counts);
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(id);
  vtTeardown(&t);
}


int
main(int argc, char *argv[])
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/spool/entry/id", test_id);
  g_test_add_func("/spool/entry/commit", test_commit);
  g_test_add_func("/spool/entry/empty", test_empty);
  g_test_add_func("/spool/entry/lock", test_lock);
  g_test_add_func("/spool/entry/states", test_states);
  g_test_add_func("/spool/entry/interrupted", test_interrupted);
  g_test_add_func("/spool/entry/tamper", test_tamper);
  g_test_add_func("/spool/entry/wrong-key", test_wrong_key);
  g_test_add_func("/spool/entry/secret", test_secret);
  g_test_add_func("/spool/entry/no-plaintext", test_no_plaintext);
  g_test_add_func("/spool/entry/abort", test_abort);
  g_test_add_func("/spool/entry/media", test_media);
  return (g_test_run());
}
