/*
 * Unit tests of vault references (spool-ref.c): a round trip, tampering
 * with every field, another owner, another site key, malformed documents.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "test-spool-util.h"
#include <string.h>


/*
 * 'store_entry()' - Store one small entry for user; returns it opened (read-only copy of the sidecar).
 */

static vault_entry_t *
store_entry(vt_t *t, const char *user, vault_lock_t **lock)
{
  g_autofree char	*id = vtStore(t, vtJob(t, 1, user), "%PDF-1.4 ref test", 17, 17);

  return (vtOpen(t, id, lock));
}


/*
 * 'verify()' - Verify doc for user; returns the error code, -1 when it verified (entry id in *id).
 */

static int
verify(vt_t *t, const char *doc, gsize len, const char *user, char **id)
{
  g_autoptr(GError)	error = NULL;
  int			code = -1;

  *id = NULL;
  if (!vaultRefVerify(t->store, doc, len, user, id, &error))
  {
    g_assert_nonnull(error);
    g_assert_null(*id);
    code = error->code;
  }
  else
    g_assert_no_error(error);

  return (code);
}


/*
 * 'test_round_trip()' - A reference verifies for its owner and names its entry.
 */

static void
test_round_trip(void)
{
  vt_t			t;
  vault_lock_t		*lock;
  vault_entry_t		*entry;
  gsize			len = 0;
  g_autofree char	*doc = NULL, *id = NULL;
  g_autoptr(GError)	error = NULL;

  vtSetup(&t, "1M", "1M", NULL);
  entry = store_entry(&t, "alice", &lock);

  doc = vaultRefCreate(t.store, entry, &len, &error);
  g_assert_no_error(error);
  g_assert_nonnull(doc);
  g_assert_cmpuint(len, ==, strlen(doc));
  g_assert_cmpuint(len, <, VAULT_REF_MAX_SIZE);
  g_assert_true(vaultRefIs(doc, len));
  g_assert_true(g_str_has_prefix(doc, VAULT_REF_MAGIC " 1\nentry: "));
  g_assert_nonnull(strstr(doc, "\nowner: alice\n"));

  g_assert_cmpint(verify(&t, doc, len, "alice", &id), ==, -1);
  g_assert_cmpstr(id, ==, vaultEntryGetId(entry));

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  vtTeardown(&t);
}


/*
 * 'test_tamper()' - Any changed byte, a swapped entry id or extra data fails.
 */

static void
test_tamper(void)
{
  vt_t			t;
  vault_lock_t		*lock;
  vault_entry_t		*entry;
  gsize			len = 0;
  char			*id;
  g_autofree char	*doc = NULL, *other = NULL, *extra = NULL;

  vtSetup(&t, "1M", "1M", NULL);
  entry = store_entry(&t, "alice", &lock);
  doc   = vaultRefCreate(t.store, entry, &len, NULL);
  g_assert_nonnull(doc);

  // Flip each byte in turn: never a verified reference.
  for (gsize i = 0; i < len; i ++)
  {
    g_autofree char *bad = g_memdup2(doc, len);

    bad[i] ^= (bad[i] == '\n') ? 0x01 : 0x20;
    g_assert_cmpint(verify(&t, bad, len, "alice", &id), !=, -1);
  }

  // Another entry id with the old MAC: AUTH.
  other = g_strdup(doc);
  memcpy(strstr(other, "entry: ") + 7, "00000000000000000000000000000000", 32);
  g_assert_cmpint(verify(&t, other, len, "alice", &id), ==, VAULT_ERROR_AUTH);

  // Trailing data, truncation, empty, binary.
  extra = g_strdup_printf("%sX\n", doc);
  g_assert_cmpint(verify(&t, extra, strlen(extra), "alice", &id), ==, VAULT_ERROR_CORRUPT);
  g_assert_cmpint(verify(&t, doc, len - 1, "alice", &id), ==, VAULT_ERROR_CORRUPT);
  g_assert_cmpint(verify(&t, "", 0, "alice", &id), ==, VAULT_ERROR_CORRUPT);
  g_assert_cmpint(verify(&t, "%cups-vault-reference 1\n\0", 25, "alice", &id), ==, VAULT_ERROR_CORRUPT);

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  vtTeardown(&t);
}


/*
 * 'test_wrong_owner()' - A reference issued to alice does not verify for bob,
 *                        and rewriting its owner line breaks the MAC.
 */

static void
test_wrong_owner(void)
{
  vt_t			t;
  vault_lock_t		*lock;
  vault_entry_t		*entry;
  gsize			len = 0;
  char			*id;
  g_autofree char	*doc = NULL, *renamed = NULL;
  char			**parts;

  vtSetup(&t, "1M", "1M", NULL);
  entry = store_entry(&t, "alice", &lock);
  doc   = vaultRefCreate(t.store, entry, &len, NULL);

  g_assert_cmpint(verify(&t, doc, len, "bob", &id), ==, VAULT_ERROR_AUTH);
  g_assert_cmpint(verify(&t, doc, len, "Alice", &id), ==, VAULT_ERROR_AUTH);

  parts   = g_strsplit(doc, "owner: alice\n", 2);
  renamed = g_strjoinv("owner: bob\n", parts);
  g_strfreev(parts);
  g_assert_cmpint(verify(&t, renamed, strlen(renamed), "bob", &id), ==, VAULT_ERROR_AUTH);

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  vtTeardown(&t);
}


/*
 * 'test_wrong_site_key()' - A reference made by another site (key) fails with AUTH.
 */

static void
test_wrong_site_key(void)
{
  vt_t			t, u;
  vault_lock_t		*lock;
  vault_entry_t		*entry;
  gsize			len = 0;
  char			*id;
  g_autofree char	*doc = NULL;

  vtSetup(&t, "1M", "1M", NULL);
  vtSetup(&u, "1M", "1M", NULL);
  entry = store_entry(&u, "alice", &lock);
  doc   = vaultRefCreate(u.store, entry, &len, NULL);
  g_assert_nonnull(doc);

  g_assert_cmpint(verify(&u, doc, len, "alice", &id), ==, -1);
  g_free(id);
  g_assert_cmpint(verify(&t, doc, len, "alice", &id), ==, VAULT_ERROR_AUTH);

  vaultEntryFree(entry);
  vaultLockRelease(lock);
  vtTeardown(&u);
  vtTeardown(&t);
}


/*
 * 'test_is()' - vaultRefIs looks at the magic only.
 */

static void
test_is(void)
{
  g_assert_true(vaultRefIs("%cups-vault-reference 1\n", 24));
  g_assert_false(vaultRefIs("%cups-vault-ref", 15));
  g_assert_false(vaultRefIs("%PDF-1.4\n", 9));
  g_assert_false(vaultRefIs("", 0));
}


/*
 * 'main()' - Run the tests.
 */

int
main(int  argc,
     char *argv[])
{
  g_test_init(&argc, &argv, NULL);

  g_test_add_func("/spool/ref/round-trip", test_round_trip);
  g_test_add_func("/spool/ref/tamper", test_tamper);
  g_test_add_func("/spool/ref/wrong-owner", test_wrong_owner);
  g_test_add_func("/spool/ref/wrong-site-key", test_wrong_site_key);
  g_test_add_func("/spool/ref/is", test_is);

  return (g_test_run());
}
