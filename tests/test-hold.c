/*
 * Unit tests of holding an entry for a decision (spool-entry-hold.c): the
 * cupsd that holds an AWAITING entry is recorded, and only a run from that
 * cupsd counts as a release; a run that waits for the lock reads the entry
 * first without it (vaultEntryPeek).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "test-spool-util.h"
#include <sys/wait.h>
#include <unistd.h>


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
 * '/spool/hold/peek' - vaultEntryPeek reads an entry while another holds
 *                      its lock: the hold and holder as they are, never a
 *                      change; after an erase, the tombstone; NOT_FOUND
 *                      for an id with no entry.
 */

static void
test_peek(void)
{
  vt_t		t;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry, *peek;
  GError	*error = NULL;

  vtSetup(&t, "1M", "1M", NULL);
  id    = vtStore(&t, vtJob(&t, 3, NULL), "page", 4, 4);
  entry = vtOpen(&t, id, &lock);
  g_assert_true(vaultEntrySetState(entry, VAULT_STATE_SENDING, "test", "unit test", &error));
  hold(entry, 4242);

  peek = vaultEntryPeek(t.store, id, &error);	/* The lock is still held */
  g_assert_no_error(error);
  g_assert_cmpint(vaultEntryGetState(peek), ==, VAULT_STATE_AWAITING);
  g_assert_cmpint(vaultEntryGetPid(peek), ==, 4242);
  g_assert_cmpint(vaultEntryGetChangedTime(peek), ==, vaultEntryGetChangedTime(entry));
  g_assert_false(vaultEntrySetState(peek, VAULT_STATE_SENDING, "test", "unit test", &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
  g_clear_error(&error);
  vaultEntryFree(peek);

  g_assert_true(vaultEntryErase(entry, VAULT_STATE_DISCARDED, "test", "unit test", &error));
  g_assert_no_error(error);
  peek = vaultEntryPeek(t.store, id, &error);
  g_assert_no_error(error);
  g_assert_cmpint(vaultEntryGetState(peek), ==, VAULT_STATE_DISCARDED);
  vaultEntryFree(peek);
  vaultEntryFree(entry);
  vaultLockRelease(lock);

  g_assert_null(vaultEntryPeek(t.store, "0123456789abcdef0123456789abcdef", &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND);
  g_clear_error(&error);

  g_free(id);
  vtTeardown(&t);
}


/*
 * '/spool/hold/same-pid' - A holder or sender is one process: its start
 *                          time is recorded with its pid and kept in the
 *                          sidecar; a process that got the same pid later
 *                          (another start time) is not it.
 */

static void
test_same_pid(void)
{
  vt_t		t;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  pid_t		child;
  GError	*error = NULL;

  g_assert_cmpuint(_vaultProcessStartTime(getpid()), >, 0);
  if ((child = fork()) == 0)
    _exit(0);
  g_assert_cmpuint(_vaultProcessStartTime(child), >=, _vaultProcessStartTime(getpid()));
  waitpid(child, NULL, 0);
  g_assert_cmpuint(_vaultProcessStartTime(child), ==, 0);	/* Gone */
  g_assert_false(_vaultProcessIs(child, 0));

  vtSetup(&t, "1M", "1M", NULL);
  id    = vtStore(&t, vtJob(&t, 4, NULL), "page", 4, 4);
  entry = vtOpen(&t, id, &lock);

  g_assert_true(vaultEntrySetState(entry, VAULT_STATE_SENDING, "test", "unit test", &error));
  g_assert_no_error(error);
  g_assert_false(vaultEntryIsInterrupted(entry));	/* We send it, and we run */
  entry->meta->pid_start ++;				/* A later process with our pid */
  g_assert_true(vaultEntryIsInterrupted(entry));

  hold(entry, getpid());				/* Held by "cupsd": this process */
  vaultEntryFree(entry);
  entry = vaultEntryOpen(t.store, lock, id, &error);	/* The start time is in the sidecar */
  g_assert_no_error(error);
  g_assert_cmpuint(entry->meta->pid_start, ==, _vaultProcessStartTime(getpid()));
  g_assert_true(vaultEntryIsHeldBy(entry, getpid()));
  entry->meta->pid_start ++;				/* A cupsd restarted with the same pid */
  g_assert_false(vaultEntryIsHeldBy(entry, getpid()));
  entry->meta->pid_start = 0;				/* Not known (an older sidecar): the pid */
  g_assert_true(vaultEntryIsHeldBy(entry, getpid()));

  vaultEntryFree(entry);
  vaultLockRelease(lock);
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
  g_test_add_func("/spool/hold/peek", test_peek);
  g_test_add_func("/spool/hold/same-pid", test_same_pid);
  return (g_test_run());
}
