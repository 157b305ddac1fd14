/*
 * Unit tests of batched state changes (spool-batch.c): a batch commits
 * every change with its journal record and few durability steps, holds
 * the entries' locks until then, drops what is not committed, and a crash
 * (STOP or DROP) at any I/O step of a batch leaves each entry in its old
 * state or the new one, whole, which a second batch completes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "test-spool-util.h"
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define COUNT		5		/* Entries per batch in these tests */
#define LEN		5000		/* Bytes of each entry */
#define MAX_STEPS	200


/*
 * A store holding COUNT committed entries, each SENDING.
 */

typedef struct fix_s
{
  vt_t		t;
  char		*ids[COUNT];
  guint8	*data[COUNT];
} fix_t;


/*
 * 'fix_setup()' - Store COUNT entries and move each to SENDING.
 */

static void
fix_setup(fix_t *f)
{
  GError *error = NULL;

  vtSetup(&f->t, "10M", "10M", NULL);
  for (int k = 0; k < COUNT; k ++)
  {
    char		marker[32];
    vault_lock_t	*lock;
    vault_entry_t	*entry;

    g_snprintf(marker, sizeof(marker), "BATCH-%d", k);
    f->data[k] = vtData(LEN, marker);
    f->ids[k]  = vtStore(&f->t, vtJob(&f->t, k + 1, NULL), f->data[k], LEN, 1000);
    entry      = vtOpen(&f->t, f->ids[k], &lock);
    g_assert_true(vaultEntrySetState(entry, VAULT_STATE_SENDING, "test-batch", "setup", &error));
    g_assert_no_error(error);
    vaultEntryFree(entry);
    vaultLockRelease(lock);
  }
}

static void
fix_teardown(fix_t *f)
{
  for (int k = 0; k < COUNT; k ++)
  {
    g_free(f->ids[k]);
    g_free(f->data[k]);
  }
  vtTeardown(&f->t);
}


/*
 * 'queue_all()' - Open every entry still SENDING under its lock, queue its
 *                 move to RESURRECTED in batch, release the caller's lock
 *                 (the batch keeps it).  Returns how many were queued.
 */

static guint
queue_all(fix_t *f, vault_batch_t *batch)
{
  guint queued = 0;

  for (int k = 0; k < COUNT; k ++)
  {
    GError		*error = NULL;
    vault_lock_t	*lock;
    vault_entry_t	*entry = vtOpen(&f->t, f->ids[k], &lock);

    if (vaultEntryGetState(entry) == VAULT_STATE_SENDING)
    {
      g_assert_true(vaultBatchSetState(batch, entry, VAULT_STATE_RESURRECTED, "test-batch", "sweep", &error));
      g_assert_no_error(error);
      g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_RESURRECTED);
      queued ++;
    }
    vaultEntryFree(entry);
    vaultLockRelease(lock);
  }

  return (queued);
}


/*
 * 'disk_state()' - The state of entry k as its sidecar on disk says (the
 *                  entry is opened under its lock); asserts that its data
 *                  reads back whole when it is live.
 */

static vault_state_t
disk_state(fix_t *f, int k)
{
  GError		*error = NULL;
  vault_lock_t		*lock = vaultLockAcquire(f->t.store, f->ids[k], false, &error);
  vault_entry_t		*entry;
  vault_state_t		state;
  GByteArray		*back;

  g_assert_no_error(error);
  entry = vaultEntryOpen(f->t.store, lock, f->ids[k], &error);
  g_assert_no_error(error);
  state = vaultEntryGetState(entry);
  back  = vtReadAll(entry, NULL, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(back->len, ==, LEN);
  g_assert_true(memcmp(back->data, f->data[k], LEN) == 0);
  g_byte_array_unref(back);
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  return (state);
}


/*
 * 'count_record()' - Journal callback: count "to=resurrected" records per
 *                    entry (data: guint[COUNT] after the ids).
 */

typedef struct records_s
{
  fix_t		*f;
  guint		resurrected[COUNT];
  guint		total;
} records_t;

static bool
count_record(const vault_record_t *r, void *data)
{
  records_t *rec = data;

  rec->total ++;
  for (int k = 0; k < COUNT; k ++)
    if (!g_strcmp0(r->entry_id, rec->f->ids[k]) && !g_strcmp0(r->to, "resurrected"))
    {
      g_assert_cmpstr(r->from, ==, "sending");
      g_assert_cmpstr(r->actor, ==, "test-batch");
      rec->resurrected[k] ++;
    }
  return (true);
}

static void
read_records(fix_t *f, records_t *rec)
{
  GError *error = NULL;

  memset(rec, 0, sizeof(*rec));
  rec->f = f;
  g_assert_true(vaultJournalForeach(f->t.store, count_record, rec, &error));
  g_assert_no_error(error);
}


/*
 * 'tmp_files()' - Sidecar tmp files left in both areas.
 */

static guint
tmp_files(fix_t *f)
{
  return (vtCountFiles(f->t.area[0], ".meta.tmp") + vtCountFiles(f->t.area[1], ".meta.tmp"));
}


/*
 * 'dirty_areas()' - Areas holding at least one of the entries.
 */

static guint
dirty_areas(fix_t *f)
{
  return ((vtCountFiles(f->t.area[0], ".meta") > 0) + (vtCountFiles(f->t.area[1], ".meta") > 0));
}


/*
 * '/batch/commit' - Every change is durable and journalled after the
 *                   commit, none before; the locks are held until then;
 *                   the commit takes 2 steps per entry plus a fixed few.
 */

static void
test_commit(void)
{
  fix_t		f;
  records_t	rec;
  vault_batch_t	*batch;
  GError	*error = NULL;
  guint		committed = 0;
  guint64	steps;

  fix_setup(&f);
  batch = vaultBatchNew(f.t.store);
  g_assert_cmpuint(queue_all(&f, batch), ==, COUNT);
  g_assert_cmpuint(vaultBatchGetPending(batch), ==, COUNT);
  g_assert_false(vaultBatchIsFull(batch));

  // Before the commit: old state on disk, new sidecars only as tmp files,
  // no record, and the batch holds every lock.
  g_assert_cmpuint(tmp_files(&f), ==, COUNT);
  read_records(&f, &rec);
  for (int k = 0; k < COUNT; k ++)
  {
    vault_lock_t *lock = vaultLockAcquire(f.t.store, f.ids[k], false, &error);

    g_assert_error(error, VAULT_ERROR, VAULT_ERROR_LOCKED);
    g_assert_null(lock);
    g_clear_error(&error);
    g_assert_cmpuint(rec.resurrected[k], ==, 0);
  }

  // One fsync and one rename per entry; one fsync per area directory;
  // the journal: open, one write, one fsync.
  steps = _vaultIoGetSteps(f.t.store->io);
  g_assert_true(vaultBatchCommit(batch, &committed, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(committed, ==, COUNT);
  g_assert_cmpuint(_vaultIoGetSteps(f.t.store->io) - steps, ==, 2 * COUNT + dirty_areas(&f) + 3);
  g_assert_cmpuint(vaultBatchGetPending(batch), ==, 0);

  g_assert_cmpuint(tmp_files(&f), ==, 0);
  read_records(&f, &rec);
  for (int k = 0; k < COUNT; k ++)
  {
    g_assert_cmpint(disk_state(&f, k), ==, VAULT_STATE_RESURRECTED);
    g_assert_cmpuint(rec.resurrected[k], ==, 1);
  }

  // An empty commit does nothing.
  steps = _vaultIoGetSteps(f.t.store->io);
  g_assert_true(vaultBatchCommit(batch, &committed, &error));
  g_assert_cmpuint(committed, ==, 0);
  g_assert_cmpuint(_vaultIoGetSteps(f.t.store->io), ==, steps);

  vaultBatchFree(batch);
  fix_teardown(&f);
}


/*
 * '/batch/free' - A batch freed without a commit leaves the old states,
 *                 no tmp file, no record, and releases the locks.
 */

static void
test_free(void)
{
  fix_t		f;
  records_t	before, after;
  vault_batch_t	*batch;

  fix_setup(&f);
  read_records(&f, &before);
  batch = vaultBatchNew(f.t.store);
  g_assert_cmpuint(queue_all(&f, batch), ==, COUNT);
  vaultBatchFree(batch);

  g_assert_cmpuint(tmp_files(&f), ==, 0);
  read_records(&f, &after);
  g_assert_cmpuint(after.total, ==, before.total);
  for (int k = 0; k < COUNT; k ++)
    g_assert_cmpint(disk_state(&f, k), ==, VAULT_STATE_SENDING);

  fix_teardown(&f);
}


/*
 * '/batch/refuse' - Erases, entries without their lock and forbidden
 *                   transitions are refused and change nothing.
 */

static void
test_refuse(void)
{
  fix_t		f;
  vault_batch_t	*batch;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GError	*error = NULL;

  fix_setup(&f);
  batch = vaultBatchNew(f.t.store);
  entry = vtOpen(&f.t, f.ids[0], &lock);

  g_assert_false(vaultBatchSetState(batch, entry, VAULT_STATE_DONE, "test-batch", NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
  g_clear_error(&error);
  g_assert_false(vaultBatchSetState(batch, entry, VAULT_STATE_RECEIVING, "test-batch", NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_STATE);
  g_clear_error(&error);
  g_assert_cmpint(vaultEntryGetState(entry), ==, VAULT_STATE_SENDING);

  entry->lock = NULL;				/* As vaultStoreForeach gives it */
  g_assert_false(vaultBatchSetState(batch, entry, VAULT_STATE_RESURRECTED, "test-batch", NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
  g_clear_error(&error);

  g_assert_cmpuint(vaultBatchGetPending(batch), ==, 0);
  g_assert_cmpuint(tmp_files(&f), ==, 0);
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  vaultBatchFree(batch);
  g_assert_cmpint(disk_state(&f, 0), ==, VAULT_STATE_SENDING);
  fix_teardown(&f);
}


/*
 * 'crash_at()' - In a child, queue every entry and commit with mode armed
 *                at step n (counted from before the first change); then
 *                check each entry old-or-new and whole, the journal never
 *                ahead of the sidecars, and that a second batch completes
 *                the job.  Returns false when the child finished first.
 */

static bool
crash_at(_vault_io_fault_t mode, guint n)
{
  fix_t		f;
  records_t	rec;
  vault_batch_t	*batch;
  pid_t		pid;
  int		status;
  guint		again, committed = 0;
  GError	*error = NULL;

  fix_setup(&f);
  if ((pid = fork()) == 0)
  {
    _vaultIoSetFault(f.t.store->io, mode, _vaultIoGetSteps(f.t.store->io) + n);
    batch = vaultBatchNew(f.t.store);
    if (queue_all(&f, batch) != COUNT || !vaultBatchCommit(batch, NULL, NULL))
      _exit(2);
    _exit(0);
  }

  g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
  g_assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) == 0)
  {
    for (int k = 0; k < COUNT; k ++)
      g_assert_cmpint(disk_state(&f, k), ==, VAULT_STATE_RESURRECTED);
    fix_teardown(&f);
    return (false);
  }
  g_assert_cmpint(WEXITSTATUS(status), ==, _VAULT_IO_CRASH_EXIT);

  // After the crash ("reboot"): old or new, whole; no record without its state.
  vtReopen(&f.t);
  read_records(&f, &rec);
  for (int k = 0; k < COUNT; k ++)
  {
    vault_state_t state = disk_state(&f, k);

    g_assert_true(state == VAULT_STATE_SENDING || state == VAULT_STATE_RESURRECTED);
    if (state == VAULT_STATE_SENDING)
      g_assert_cmpuint(rec.resurrected[k], ==, 0);
  }

  // A second batch completes it and journals what it does.
  batch = vaultBatchNew(f.t.store);
  again = queue_all(&f, batch);
  g_assert_true(vaultBatchCommit(batch, &committed, &error));
  g_assert_no_error(error);
  g_assert_cmpuint(committed, ==, again);
  vaultBatchFree(batch);

  read_records(&f, &rec);
  g_assert_cmpuint(tmp_files(&f), ==, 0);
  for (int k = 0; k < COUNT; k ++)
  {
    g_assert_cmpint(disk_state(&f, k), ==, VAULT_STATE_RESURRECTED);
    g_assert_cmpuint(rec.resurrected[k], <=, 1);
  }

  fix_teardown(&f);
  return (true);
}


/*
 * '/batch/crash/stop', '/batch/crash/drop' - crash_at every step.
 */

static void
test_crash(gconstpointer data)
{
  _vault_io_fault_t	mode = GPOINTER_TO_INT(data);
  guint			n;

  for (n = 1; n < MAX_STEPS && crash_at(mode, n); n ++);

  g_test_message("crashed a batch of %d changes at each of %u I/O steps", COUNT, n - 1);
  g_assert_cmpuint(n, <, MAX_STEPS);
  g_assert_cmpuint(n, >, 4 * COUNT);		/* Every step of the batch was reached */
}


/*
 * 'main()' - Register the tests.
 */

int
main(int argc, char *argv[])
{
  g_test_init(&argc, &argv, NULL);

  g_test_add_func("/batch/commit", test_commit);
  g_test_add_func("/batch/free", test_free);
  g_test_add_func("/batch/refuse", test_refuse);
  g_test_add_data_func("/batch/crash/stop", GINT_TO_POINTER(_VAULT_IO_FAULT_STOP), test_crash);
  g_test_add_data_func("/batch/crash/drop", GINT_TO_POINTER(_VAULT_IO_FAULT_DROP), test_crash);

  return (g_test_run());
}
