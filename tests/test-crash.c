/*
 * Crash test of the store: the process dies (STOP), or dies and loses every
 * write not yet durable (DROP), at each I/O step N of a job's whole life
 * (create, write, commit, send, erase); then the store is reopened and the
 * DESIGN.md invariants are checked:
 *
 *   1. a committed entry is never lost (once commit returned, the entry is
 *      STORED, SENDING or DONE after any crash);
 *   3. no plaintext reaches the spool;
 *   5. nothing torn is readable: an entry is absent, RECEIVING (unreadable,
 *      discarded at boot), a tombstone (unreadable), or whole and
 *      authenticated, byte for byte;
 *
 * and, with tombstones in <root>/tombstones: every live sidecar left in an
 * area reads (never torn) and, when STORED or SENDING, its data reads back
 * whole; a data file without a live sidecar appears only beside a
 * tombstone; a tombstoned id is DONE for Foreach and Open, Open removes
 * what the erase left, and the id never reads or is created again, also
 * after a second restart.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "test-spool-util.h"
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARKER	"CRASH-PLAINTEXT-MARKER-51d2"
#define LEN	(150 * 1024 + 3)
#define MAX_STEPS 400


/*
 * 'child_life()' - In the child: arm the fault at step N (counted from
 *                  now) and run the job's life, telling the parent on fd
 *                  what returned: C (committed), S (sending), E (erased).
 */

static G_NORETURN void
child_life(vt_t *t, _vault_io_fault_t mode, guint64 n, const guint8 *data, int fd)
{
  GError	*error = NULL;
  char		*id = vaultJobEntryId(&t->job, NULL);
  vault_lock_t	*lock = vaultLockAcquire(t->store, id, false, NULL);
  vault_entry_t	*entry;

  _vaultIoSetFault(t->store->io, mode, _vaultIoGetSteps(t->store->io) + n);

  if ((entry = vaultEntryCreate(t->store, lock, &t->job, LEN, NULL, &error)) == NULL)
    _exit(2);
  for (size_t off = 0; off < LEN; off += 50 * 1024)
    if (!vaultEntryWrite(entry, data + off, MIN(50 * 1024, LEN - off), &error))
      _exit(3);
  if (!vaultEntryCommit(entry, "crash-test", &error))
    _exit(4);
  if (write(fd, "C", 1) != 1)
    _exit(5);
  if (!vaultEntrySetState(entry, VAULT_STATE_SENDING, "crash-test", NULL, &error))
    _exit(6);
  if (write(fd, "S", 1) != 1)
    _exit(5);
  if (!vaultEntryErase(entry, VAULT_STATE_DONE, "crash-test", "printed", &error))
    _exit(7);
  if (write(fd, "E", 1) != 1)
    _exit(5);
  _exit(0);
}


/*
 * Walk state.
 */

typedef struct seen_s
{
  const char	*id;
  const guint8	*data;
  int		found;		/* Entries with our id */
  vault_state_t	state;
  bool		whole;		/* Data read back byte for byte */
} seen_t;

static bool
check_entry(vault_store_t *store, const char *id, vault_entry_t *entry, const GError *load_error, void *user)
{
  seen_t	*seen = user;
  GError	*error = NULL;
  GByteArray	*back;

  if (!entry)
    g_error("load error after a crash (a torn or orphan file): %s", load_error->message);

  g_assert_cmpstr(id, ==, seen->id);
  seen->found ++;
  seen->state = vaultEntryGetState(entry);
  back        = vtReadAll(entry, NULL, &error);

  switch (seen->state)
  {
    case VAULT_STATE_STORED :
    case VAULT_STATE_SENDING :
        g_assert_no_error(error);
        g_assert_cmpmem(back->data, back->len, seen->data, LEN);
        seen->whole = true;
        break;

    case VAULT_STATE_RECEIVING :
    case VAULT_STATE_DONE :
        g_assert_null(back);
        g_assert_error(error, VAULT_ERROR, VAULT_ERROR_STATE);
        g_assert_null(entry->meta->wrapped_key && seen->state == VAULT_STATE_DONE ? "key" : NULL);
        g_clear_error(&error);
        break;

    default :
        g_error("unexpected state %s after a crash", vaultStateString(seen->state));
  }

  if (back)
    g_byte_array_unref(back);
  return (true);
}


/*
 * 'check_live_files()' - The files of id in the areas, read directly (a
 *                        tombstone hides them from Foreach): a live
 *                        sidecar reads and is RECEIVING, or STORED/SENDING
 *                        with whole data; a data file alone only beside a
 *                        tombstone.  Returns the number of live files.
 */

static guint
check_live_files(vt_t *t, const char *id, const guint8 *data, bool tombstoned)
{
  guint files = 0;

  for (guint i = 0; i < 2; i ++)
  {
    char	*meta_path = _vaultEntryPath(t->store, i, id, _VAULT_META_SUFFIX);
    char	*data_path = _vaultEntryPath(t->store, i, id, _VAULT_DATA_SUFFIX);
    bool	has_data = g_file_test(data_path, G_FILE_TEST_EXISTS);
    GError	*error = NULL;
    _vault_meta_t *meta = g_file_test(meta_path, G_FILE_TEST_EXISTS) ? _vaultMetaRead(meta_path, &t->store->mac_key, &error) : NULL;

    g_assert_no_error(error);			/* A live sidecar is never torn */
    files += (meta ? 1 : 0) + (has_data ? 1 : 0);
    if (!meta)
      g_assert_true(!has_data || tombstoned);	/* No orphan without a tombstone */
    else if (meta->state == VAULT_STATE_STORED || meta->state == VAULT_STATE_SENDING)
    {
      vault_entry_t	*entry = _vaultEntryFromMeta(t->store, i, meta);
      GByteArray	*back = vtReadAll(entry, NULL, &error);

      g_assert_no_error(error);
      g_assert_cmpmem(back->data, back->len, data, LEN);
      g_byte_array_unref(back);
      vaultEntryFree(entry);
    }
    else
    {
      g_assert_cmpint(meta->state, ==, VAULT_STATE_RECEIVING);
      g_assert_false(tombstoned);		/* Erase comes after commit */
      _vaultMetaFree(meta);
    }

    g_free(meta_path);
    g_free(data_path);
  }

  return (files);
}


/*
 * 'check_tombstone()' - id is tombstoned: Open says DONE, finishes the
 *                       erase (no live file is left), never reads, and
 *                       Create refuses the job (EXISTS).
 */

static void
check_tombstone(vt_t *t, const char *id)
{
  GError	*error = NULL;
  vault_lock_t	*lock = vaultLockAcquire(t->store, id, false, &error);
  vault_entry_t	*entry;

  g_assert_no_error(error);
  entry = vaultEntryOpen(t->store, lock, id, &error);
  g_assert_no_error(error);
  g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_DONE);
  g_assert_null(vaultEntryOpenData(entry, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_STATE);
  g_clear_error(&error);
  vaultEntryFree(entry);

  g_assert_null(vaultEntryCreate(t->store, lock, &t->job, LEN, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_EXISTS);
  g_clear_error(&error);
  vaultLockRelease(lock);
}


static bool
count_records(const vault_record_t *r, void *data)
{
  (*(guint *)data) ++;
  return (true);
}


/*
 * 'crash_at()' - Run the life with a fault at step n and check the store.
 *                Returns false when the life completed (n past its end).
 */

static bool
crash_at(_vault_io_fault_t mode, guint64 n, const guint8 *data)
{
  vt_t		t;
  int		fds[2], status;
  pid_t		pid;
  char		progress[8] = "";
  ssize_t	got;
  seen_t	seen = { NULL, data, 0, VAULT_STATE_RECEIVING, false };
  guint		records = 0, live;
  char		*id, *tomb_path;
  bool		tombstoned;
  GError	*error = NULL;

  vtSetup(&t, "10M", "10M", NULL);
  vtJob(&t, 1, NULL);
  id = vaultJobEntryId(&t.job, NULL);
  g_assert_cmpint(pipe(fds), ==, 0);

  if ((pid = fork()) == 0)
  {
    close(fds[0]);
    child_life(&t, mode, n, data, fds[1]);
  }

  close(fds[1]);
  got = read(fds[0], progress, 3);
  while (got > 0 && got < 3)
  {
    ssize_t more = read(fds[0], progress + got, (size_t)(3 - got));

    if (more <= 0)
      break;
    got += more;
  }
  close(fds[0]);
  g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
  g_assert_true(WIFEXITED(status));

  if (WEXITSTATUS(status) == 0)
  {
    g_assert_cmpstr(progress, ==, "CSE");
    g_free(id);
    vtTeardown(&t);
    return (false);
  }

  g_assert_cmpint(WEXITSTATUS(status), ==, _VAULT_IO_CRASH_EXIT);

  /* "Reboot": a new store object, as recovery would open it. */
  vtReopen(&t);
  seen.id = id;
  g_assert_true(vaultStoreForeach(t.store, check_entry, &seen, &error));
  g_assert_no_error(error);
  g_assert_cmpint(seen.found, <=, 1);

  if (strchr(progress, 'C'))			/* Invariant 1 */
  {
    g_assert_cmpint(seen.found, ==, 1);
    g_assert_true(seen.state == VAULT_STATE_STORED || seen.state == VAULT_STATE_SENDING || seen.state == VAULT_STATE_DONE);
  }
  if (strchr(progress, 'S'))
    g_assert_true(seen.state == VAULT_STATE_SENDING || seen.state == VAULT_STATE_DONE);
  if (strchr(progress, 'E'))
    g_assert_cmpint(seen.state, ==, VAULT_STATE_DONE);

  /* The live files, seen directly; then the tombstone, twice. */
  tomb_path  = _vaultTombstonePath(t.store, id);
  tombstoned = g_file_test(tomb_path, G_FILE_TEST_EXISTS);
  g_assert_true(tombstoned == (seen.found && seen.state == VAULT_STATE_DONE));
  live = check_live_files(&t, id, data, tombstoned);
  if (tombstoned)
  {
    check_tombstone(&t, id);
    g_assert_cmpuint(check_live_files(&t, id, data, true), ==, 0);
    vtReopen(&t);
    check_tombstone(&t, id);
    seen.found = 0;
    g_assert_true(vaultStoreForeach(t.store, check_entry, &seen, &error));
    g_assert_cmpint(seen.found, ==, 1);
    g_assert_cmpint(seen.state, ==, VAULT_STATE_DONE);
  }
  g_free(tomb_path);

  g_assert_false(vtTreeContains(t.root, MARKER));	/* Invariant 3 */
  g_assert_false(vtTreeContains(t.area[0], MARKER));
  g_assert_false(vtTreeContains(t.area[1], MARKER));
  g_assert_true(vaultJournalForeach(t.store, count_records, &records, &error));
  g_assert_no_error(error);

  if (g_test_verbose())
    g_test_message("%s:%" G_GUINT64_FORMAT " progress=%s found=%d state=%s live-files=%u records=%u", mode == _VAULT_IO_FAULT_STOP ? "stop" : "drop", n, progress, seen.found, seen.found ? vaultStateString(seen.state) : "-", live, records);

  g_free(id);
  vtTeardown(&t);
  return (true);
}


/*
 * 'crash_every_step()' - crash_at for N = 1, 2, ... until the life runs to
 *                        its end; also count the states seen.
 */

static void
crash_every_step(_vault_io_fault_t mode)
{
  guint8	*data = vtData(LEN, MARKER);
  guint64	n;

  for (n = 1; n < MAX_STEPS && crash_at(mode, n, data); n ++);

  g_test_message("%s: crashed at each of %" G_GUINT64_FORMAT " I/O steps; the life completes with %" G_GUINT64_FORMAT " steps", mode == _VAULT_IO_FAULT_STOP ? "stop" : "drop", n - 1, n - 1);
  g_assert_cmpuint(n, <, MAX_STEPS);
  g_assert_cmpuint(n, >, 20);
  g_free(data);
}

static void
test_stop(void)
{
  crash_every_step(_VAULT_IO_FAULT_STOP);
}

static void
test_drop(void)
{
  crash_every_step(_VAULT_IO_FAULT_DROP);
}


/*
 * '/spool/crash/env' - $VAULT_IO_FAULT arms the fault when the store opens
 *                      (integration tests crash a backend this way).
 */

static void
test_env(void)
{
  vt_t		t;
  pid_t		pid;
  int		status;

  vtSetup(&t, "1M", "1M", NULL);
  if ((pid = fork()) == 0)
  {
    g_setenv("VAULT_IO_FAULT", "stop:1", TRUE);
    vtReopen(&t);
    vtStore(&t, vtJob(&t, 1, NULL), "x", 1, 1);
    _exit(0);
  }
  g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
  g_assert_cmpint(WEXITSTATUS(status), ==, _VAULT_IO_CRASH_EXIT);
  g_assert_cmpuint(vtCountFiles(t.area[0], ".meta") + vtCountFiles(t.area[1], ".meta"), ==, 0);
  vtTeardown(&t);
}


int
main(int argc, char *argv[])
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/spool/crash/stop-every-step", test_stop);
  g_test_add_func("/spool/crash/drop-every-step", test_drop);
  g_test_add_func("/spool/crash/env", test_env);
  return (g_test_run());
}
