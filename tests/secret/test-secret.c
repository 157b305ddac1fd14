/*
 * Unit tests of originator secrets: the raw data key API of the spool
 * (spool-secret.c), the release protocol's framing, and the backend taking
 * job-password out of argv[5] (backend/vault-secret.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "test-spool-util.h"
#include "backend.h"
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DATA_LEN	(150 * 1024)		/* Three STREAM chunks */


/*
 * 'store_protected()' - Store DATA_LEN bytes of vtData under secret; returns the entry id.
 */

static char *
store_protected(vt_t *t, const char *secret, guint8 **data)
{
  GError	*error = NULL;
  char		*id = vaultJobEntryId(vtJob(t, 3, "alice"), NULL);
  vault_lock_t	*lock = vaultLockAcquire(t->store, id, false, NULL);
  vault_entry_t	*entry = vaultEntryCreate(t->store, lock, &t->job, DATA_LEN, secret, &error);

  g_assert_no_error(error);
  *data = vtData(DATA_LEN, "PROTECTED-PAGE");
  g_assert_true(vaultEntryWrite(entry, *data, DATA_LEN, NULL));
  g_assert_true(vaultEntryCommit(entry, "test", NULL));
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  return (id);
}


/*
 * 'read_reader()' - Read a reader to its end; NULL with error on failure.
 */

static GByteArray *
read_reader(vault_reader_t *reader, GError **error)
{
  GByteArray	*all = g_byte_array_new();
  guint8	buf[8192];
  gssize	n;

  while ((n = vaultReaderRead(reader, buf, sizeof(buf), error)) > 0)
    g_byte_array_append(all, buf, (guint)n);

  if (n < 0)
  {
    g_byte_array_unref(all);
    return (NULL);
  }

  return (all);
}


/*
 * '/secret/site-key-alone' - With the disk and the site key only, a
 *                            protected entry cannot be read: no secret is
 *                            SECRET_REQUIRED, a wrong one SECRET_WRONG, for
 *                            the data and for the raw key alike.
 */

static void
test_site_key_alone(void)
{
  vt_t		t;
  GError	*error = NULL;
  guint8	*data, key[VAULT_DATA_KEY_SIZE];
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  char		*id;

  vtSetup(&t, "4M", "4M", NULL);
  id = store_protected(&t, "4711 open sesame", &data);
  vtReopen(&t);				/* A new process: only the disk and the key file */

  entry = vtOpen(&t, id, &lock);
  g_assert_true(vaultEntryHasSecret(entry));
  g_assert_null(vaultEntryOpenData(entry, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_SECRET_REQUIRED);
  g_clear_error(&error);
  g_assert_false(vaultEntryUnwrapKey(entry, NULL, key, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_SECRET_REQUIRED);
  g_clear_error(&error);
  g_assert_false(vaultEntryUnwrapKey(entry, "4711 open sesamE", key, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_SECRET_WRONG);
  g_clear_error(&error);
  g_assert_false(vtTreeContains(t.dir, "4711 open sesame"));
  g_assert_false(vtTreeContains(t.dir, "PROTECTED-PAGE"));

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(data);
  g_free(id);
  vtTeardown(&t);
}


/*
 * '/secret/raw-key' - The key recovered with the secret opens the data
 *                     byte for byte; a wrong key fails with AUTH at open;
 *                     the entry is unchanged afterwards.
 */

static void
test_raw_key(void)
{
  vt_t		t;
  GError	*error = NULL;
  guint8	*data, key[VAULT_DATA_KEY_SIZE];
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  vault_reader_t *reader;
  GByteArray	*back;
  char		*id;

  vtSetup(&t, "4M", "4M", NULL);
  id    = store_protected(&t, "pin-2024", &data);
  entry = vtOpen(&t, id, &lock);

  g_assert_true(vaultEntryUnwrapKey(entry, "pin-2024", key, &error));
  g_assert_no_error(error);
  reader = vaultEntryOpenDataWithKey(entry, key, &error);
  g_assert_no_error(error);
  back = read_reader(reader, &error);
  g_assert_no_error(error);
  g_assert_cmpmem(back->data, back->len, data, DATA_LEN);
  g_byte_array_unref(back);
  vaultReaderClose(reader);

  /* The wrap fields were put back: still protected, still SECRET_REQUIRED. */
  g_assert_true(vaultEntryHasSecret(entry));
  g_assert_null(vaultEntryOpenData(entry, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_SECRET_REQUIRED);
  g_clear_error(&error);

  key[0] ^= 1;				/* The data file's header checks the key */
  g_assert_null(vaultEntryOpenDataWithKey(entry, key, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_AUTH);
  g_clear_error(&error);

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(data);
  g_free(id);
  vtTeardown(&t);
}


/*
 * '/secret/frames' - Frames go through whole; bad lengths and silence are errors.
 */

static void
test_frames(void)
{
  int		sv[2];
  GError	*error = NULL;
  guint8	*got, big[VAULT_RELEASE_FRAME_MAX + 1], head[4] = { 0, 0, 0x08, 0x01 };
  gsize		len = 0;

  g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), ==, 0);

  g_assert_true(vaultReleaseFrameWrite(sv[0], "release 7 a b", 13, &error));
  got = vaultReleaseFrameRead(sv[1], 1000, &len, &error);
  g_assert_no_error(error);
  g_assert_cmpmem(got, len, "release 7 a b", 13);
  g_assert_cmpint(got[len], ==, 0);
  g_free(got);

  memset(big, 'x', sizeof(big));
  g_assert_false(vaultReleaseFrameWrite(sv[0], big, sizeof(big), &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
  g_clear_error(&error);

  g_assert_cmpint(write(sv[0], head, 4), ==, 4);		/* 2049 announced */
  g_assert_null(vaultReleaseFrameRead(sv[1], 1000, &len, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT);
  g_clear_error(&error);

  g_assert_null(vaultReleaseFrameRead(sv[1], 100, &len, &error));	/* Nothing sent */
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_IO);
  g_clear_error(&error);

  close(sv[0]);
  close(sv[1]);
}


/*
 * '/secret/take' - job-password leaves argv[5]: its bytes become spaces,
 *                  the value comes back unescaped, other options stay.
 */

static void
test_take(void)
{
  static const struct
  {
    const char	*options;		/* argv[5] */
    const char	*secret;		/* Expected secret, NULL for none */
    const char	*kept;			/* What must stay */
  } cases[] =
  {
    { "job-password=1234 finishings=3 job-uuid=urn:uuid:x", "1234", "finishings=3 job-uuid=urn:uuid:x" },
    { "a=1 job-password=pa\\ ss\\\\w b=2", "pa ss\\w", "a=1" },
    { "job-password='two words' b=2", "two words", "b=2" },
    { "job-password=\"q'uote\" b=2", "q'uote", "b=2" },
    { "JOB-PASSWORD=Up b=2", "Up", "b=2" },
    { "xjob-password=no b=2", NULL, "xjob-password=no b=2" },
    { "job-password= b=2", NULL, "b=2" },
    { "job-password=first job-password=second", "second", "" },
    { "b=2", NULL, "b=2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS(cases); i ++)
  {
    char	*options = g_strdup(cases[i].options);
    size_t	len = strlen(options);
    char	*secret = backendSecretTake(options);

    g_test_message("case %u: \"%s\" -> \"%s\"", i, cases[i].options, options);
    g_assert_cmpstr(secret, ==, cases[i].secret);
    g_assert_cmpuint(strlen(options), ==, len);		/* Scrubbed in place */
    g_assert_nonnull(strstr(options, cases[i].kept));
    if (cases[i].secret)
    {
      g_assert_null(strstr(options, "password"));
      g_assert_null(strstr(options, cases[i].secret));
    }
    backendSecretFree(secret);
    g_free(options);
  }

  g_assert_null(backendSecretTake(NULL));
}


int
main(int argc, char *argv[])
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/secret/site-key-alone", test_site_key_alone);
  g_test_add_func("/secret/raw-key", test_raw_key);
  g_test_add_func("/secret/frames", test_frames);
  g_test_add_func("/secret/take", test_take);
  return (g_test_run());
}
