/*
 * Unit tests of holding an entry for a decision (spool-entry-hold.c): the
 * cupsd that holds an AWAITING entry is recorded, and only a run from that
 * cupsd counts as a release.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "test-spool-util.h"


/*
 * 'hold()' - vaultEntryHold, which must succeed.
 */

static void
hold(vault_entry_t *entry, pid_t holder)
{
  GError	*error = NULL;

  g_assert_true(vaultEntryHold(entry, holder, "test", "unit test", &error));
  g_assert_no_error(error);
  g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_AWAITING);
}


/*
 * '/spool/hold/holder' - SENDING -> AWAITING held by one cupsd; another
 *                        cupsd is no release, until it holds it too; the
 *                        holder survives a reopen; holder 0 is nobody.
 */

static void
test_holder(void)
{
  vt_t		t;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GError	*error = NULL;

  vtSetup(&t, "1M", "1M", NULL);
  id    = vtStore(&t, vtJob(&t, 1, NULL), "page", 4, 4);
  entry = vtOpen(&t, id, &lock);
  g_assert_false(vaultEntryIsHeldBy(entry, 4242));	/* STORED: not held */
  g_assert_true(vaultEntrySetState(entry, VAULT_STATE_SENDING, "test", "unit test", &error));
  g_assert_no_error(error);

  hold(entry, 4242);
  g_assert_cmpint(vaultEntryGetPid(entry), ==, 4242);
  g_assert_true(vaultEntryIsHeldBy(entry, 4242));
  g_assert_false(vaultEntryIsHeldBy(entry, 4343));
  vaultEntryFree(entry);

  entry = vaultEntryOpen(t.store, lock, id, &error);
  g_assert_no_error(error);
  g_assert_true(vaultEntryIsHeldBy(entry, 4242));
  g_assert_false(vaultEntryIsHeldBy(entry, 4343));

  hold(entry, 4343);				/* AWAITING: only the holder changes */
  g_assert_true(vaultEntryIsHeldBy(entry, 4343));
  g_assert_false(vaultEntryIsHeldBy(entry, 4242));

  hold(entry, 0);				/* Not known: nobody's run is a release */
  g_assert_false(vaultEntryIsHeldBy(entry, 4242));
  g_assert_false(vaultEntryIsHeldBy(entry, 0));
  hold(entry, 4343);
  g_assert_true(vaultEntryIsHeldBy(entry, 4343));

  g_assert_true(vaultEntrySetState(entry, VAULT_STATE_SENDING, "test", "released", &error));
  g_assert_no_error(error);
  g_assert_false(vaultEntryIsHeldBy(entry, 0));
  vaultEntryFree(entry);

  vaultLockRelease(lock);
  g_free(id);
  vtTeardown(&t);
}


/*
 * '/spool/hold/other-boot' - A holder recorded in another boot never
 *                            matches, whatever its pid.
 */

static void
test_other_boot(void)
{
  vt_t		t;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GError	*error = NULL;

  vtSetup(&t, "1M", "1M", NULL);
  id    = vtStore(&t, vtJob(&t, 2, NULL), "page", 4, 4);
  entry = vtOpen(&t, id, &lock);
  g_assert_true(vaultEntrySetState(entry, VAULT_STATE_SENDING, "test", "unit test", &error));
  hold(entry, 4242);
  vaultEntryFree(entry);
  vaultLockRelease(lock);

  g_setenv("VAULT_BOOT_ID", "test-hold-another-boot", TRUE);
  vtReopen(&t);
  entry = vtOpen(&t, id, &lock);
  g_assert_false(vaultEntryIsHeldBy(entry, 4242));
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_unsetenv("VAULT_BOOT_ID");

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
  g_test_add_func("/spool/hold/holder", test_holder);
  g_test_add_func("/spool/hold/other-boot", test_other_boot);
  return (g_test_run());
}
