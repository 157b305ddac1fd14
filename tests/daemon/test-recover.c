/*
 * Unit tests of the boot sweep (vaultd --recover): what each state becomes,
 * stale and tombstone policies, busy and unreadable entries, data files a
 * crash left without a sidecar, idempotence.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "../../daemon/vaultd.h"
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>


/*
 * A store in a fresh temporary directory.
 */

typedef struct fixture_s
{
  char			*dir;
  vault_config_t	*config;
  vault_store_t		*store;
  int			next_job;
} fixture_t;


/*
 * 'fixture_setup()' - Write vault.conf with two areas and a key, open the store.
 */

static void
fixture_setup(fixture_t     *f,
              gconstpointer data)
{
  const char		*stale = data ? data : "same-day";
  g_autofree char	*conf = NULL, *text = NULL, *key = NULL;
  g_autoptr(GError)	error = NULL;

  f->dir = g_dir_make_tmp("test-recover-XXXXXX", &error);
  g_assert_no_error(error);

  key  = g_build_filename(f->dir, "vault.key", NULL);
  conf = g_build_filename(f->dir, "vault.conf", NULL);
  text = g_strdup_printf("[vault]\nspool-root = %s/spool\nkey-file = %s\nstale = %s\ntombstone-age = 7d\n"
                         "[area a]\npath = %s/a\ncapacity = 10M\n"
                         "[area b]\npath = %s/b\ncapacity = 10M\n",
                         f->dir, key, stale, f->dir, f->dir);

  g_assert_true(vaultKeyFileCreate(key, &error));
  g_assert_no_error(error);
  g_assert_true(g_file_set_contents(conf, text, -1, &error));
  for (const char * const *sub = (const char * const []){ "spool", "a", "b", NULL }; *sub; sub ++)
  {
    g_autofree char *path = g_build_filename(f->dir, *sub, NULL);

    g_assert_cmpint(g_mkdir(path, 0700), ==, 0);
  }

  f->config = vaultConfigLoad(conf, &error);
  g_assert_no_error(error);
  f->store = vaultStoreOpen(f->config, &error);
  g_assert_no_error(error);
  f->next_job = 1;
}


/*
 * 'fixture_teardown()' - Close the store and remove the directory.
 */

static void
fixture_teardown(fixture_t     *f,
                 gconstpointer data)
{
  g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);

  vaultStoreClose(f->store);
  vaultConfigFree(f->config);
  g_assert_cmpint(system(cmd), ==, 0);
  g_free(f->dir);
}


/*
 * 'make_entry()' - Store a small job and leave it in the given state; returns its id.
 *
 * RECEIVING leaves the data half written without commit, as a crash does:
 * a child process writes it and exits without committing or freeing.
 */

static char *
make_entry(fixture_t     *f,
           vault_state_t state)
{
  vault_job_t		job = { 0 };
  vault_lock_t		*lock;
  vault_entry_t		*entry;
  char			*id, uuid[64];
  g_autoptr(GError)	error = NULL;

  snprintf(uuid, sizeof(uuid), "urn:uuid:00000000-0000-4000-8000-%012d", f->next_job);
  job.uuid = uuid;
  job.created = 1700000000 + f->next_job;
  job.job_id = f->next_job ++;
  job.queue = "vault1";
  job.user = "alice";
  job.host = "localhost";
  job.title = "statement";
  job.copies = 1;
  job.priority = 50;
  job.inner_uri = "socket://127.0.0.1:9100";
  job.content_type = "application/pdf";

  id = vaultJobEntryId(&job, &error);
  g_assert_no_error(error);

  if (state == VAULT_STATE_RECEIVING)
  {
    pid_t	pid;
    int		status;

    if ((pid = fork()) == 0)
    {
      lock  = vaultLockAcquire(f->store, id, false, NULL);
      entry = vaultEntryCreate(f->store, lock, &job, 5, NULL, NULL);
      _exit(entry && vaultEntryWrite(entry, "%PDF-", 5, NULL) ? 0 : 1);
    }

    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return (id);
  }

  lock = vaultLockAcquire(f->store, id, false, &error);
  g_assert_no_error(error);
  entry = vaultEntryCreate(f->store, lock, &job, 5, NULL, &error);
  g_assert_no_error(error);
  g_assert_true(vaultEntryWrite(entry, "%PDF-", 5, &error));

  g_assert_true(vaultEntryCommit(entry, "test", &error));
  g_assert_no_error(error);

  if (state == VAULT_STATE_SENDING || state == VAULT_STATE_AWAITING || state == VAULT_STATE_DONE)
    g_assert_true(vaultEntrySetState(entry, VAULT_STATE_SENDING, "test", "sending", &error));
  if (state == VAULT_STATE_AWAITING)
    g_assert_true(vaultEntrySetState(entry, VAULT_STATE_AWAITING, "test", "held", &error));
  if (state == VAULT_STATE_DONE)
    g_assert_true(vaultEntryErase(entry, VAULT_STATE_DONE, "test", "printed", &error));
  g_assert_no_error(error);

  vaultEntryFree(entry);
  vaultLockRelease(lock);

  return (id);
}


/*
 * 'entry_state()' - State of an entry on disk, or -1 when it is gone.
 */

static int
entry_state(fixture_t  *f,
            const char *id)
{
  vault_lock_t		*lock;
  vault_entry_t		*entry;
  int			state;
  g_autoptr(GError)	error = NULL;

  lock = vaultLockAcquire(f->store, id, false, &error);
  g_assert_no_error(error);

  if ((entry = vaultEntryOpen(f->store, lock, id, &error)) == NULL)
  {
    g_assert_error(error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND);
    state = -1;
  }
  else
  {
    state = (int)vaultEntryGetState(entry);
    vaultEntryFree(entry);
  }

  vaultLockRelease(lock);

  return (state);
}


/*
 * 'data_file_exists()' - Whether the entry's data file is in either area.
 */

static bool
data_file_exists(fixture_t  *f,
                 const char *id)
{
  g_autofree char *a = g_strdup_printf("%s/a/%s.data", f->dir, id);
  g_autofree char *b = g_strdup_printf("%s/b/%s.data", f->dir, id);

  return (g_file_test(a, G_FILE_TEST_EXISTS) || g_file_test(b, G_FILE_TEST_EXISTS));
}


/*
 * 'sweep()' - Run the sweep at now + days.
 */

static vaultd_sweep_t
sweep(fixture_t *f,
      int       days)
{
  vaultd_sweep_t	s;
  g_autoptr(GDateTime)	now = g_date_time_new_now_local();
  g_autoptr(GDateTime)	then = g_date_time_add_days(now, days);
  g_autoptr(GError)	error = NULL;

  g_assert_true(vaultdRecover(f->store, then, &s, &error));
  g_assert_no_error(error);

  return (s);
}


/*
 * '/daemon/recover/states' - Each state after a same-day sweep, run twice.
 */

static void
test_states(fixture_t     *f,
            gconstpointer data)
{
  g_autofree char	*stored = make_entry(f, VAULT_STATE_STORED);
  g_autofree char	*sending = make_entry(f, VAULT_STATE_SENDING);
  g_autofree char	*receiving = make_entry(f, VAULT_STATE_RECEIVING);
  g_autofree char	*awaiting = make_entry(f, VAULT_STATE_AWAITING);
  g_autofree char	*done = make_entry(f, VAULT_STATE_DONE);
  vaultd_sweep_t	s = sweep(f, 0);

  g_assert_cmpuint(s.seen, ==, 5);
  g_assert_cmpuint(s.resurrected, ==, 3);
  g_assert_cmpuint(s.incomplete, ==, 1);
  g_assert_cmpuint(s.kept, ==, 0);
  g_assert_cmpuint(s.stale + s.busy + s.unreadable, ==, 0);

  g_assert_cmpint(entry_state(f, stored), ==, VAULT_STATE_RESURRECTED);
  g_assert_cmpint(entry_state(f, sending), ==, VAULT_STATE_RESURRECTED);
  // Never complete, never sent: gone without a tombstone, so that cupsd's
  // re-run of the job can store it again.
  g_assert_cmpint(entry_state(f, receiving), ==, -1);
  g_assert_false(data_file_exists(f, receiving));
  // A hold cupsd may have lost must be asked for again after the restart.
  g_assert_cmpint(entry_state(f, awaiting), ==, VAULT_STATE_RESURRECTED);
  g_assert_cmpint(entry_state(f, done), ==, VAULT_STATE_DONE);
  g_assert_true(data_file_exists(f, stored));

  // A second sweep changes nothing.
  s = sweep(f, 0);
  g_assert_cmpuint(s.resurrected + s.incomplete + s.stale, ==, 0);
  g_assert_cmpuint(s.kept, ==, 3);
  g_assert_cmpint(entry_state(f, stored), ==, VAULT_STATE_RESURRECTED);
}


/*
 * '/daemon/recover/stale' - Entries from an earlier day are discarded and erased.
 */

static void
test_stale(fixture_t     *f,
           gconstpointer data)
{
  g_autofree char	*stored = make_entry(f, VAULT_STATE_STORED);
  g_autofree char	*awaiting = make_entry(f, VAULT_STATE_AWAITING);
  vaultd_sweep_t	s = sweep(f, 1);

  g_assert_cmpuint(s.stale, ==, 2);
  g_assert_cmpuint(s.resurrected, ==, 0);
  g_assert_cmpint(entry_state(f, stored), ==, VAULT_STATE_DISCARDED);
  g_assert_cmpint(entry_state(f, awaiting), ==, VAULT_STATE_DISCARDED);
  g_assert_false(data_file_exists(f, stored));
  g_assert_false(data_file_exists(f, awaiting));
}


/*
 * '/daemon/recover/never' - With stale=never an old entry is resurrected.
 */

static void
test_never(fixture_t     *f,
           gconstpointer data)
{
  g_autofree char	*stored = make_entry(f, VAULT_STATE_STORED);
  vaultd_sweep_t	s = sweep(f, 30);

  g_assert_cmpuint(s.stale, ==, 0);
  g_assert_cmpuint(s.resurrected, ==, 1);
  g_assert_cmpint(entry_state(f, stored), ==, VAULT_STATE_RESURRECTED);
}


/*
 * '/daemon/recover/tombstones' - The boot sweep keeps tombstones, however
 *                                old (cupsd may run their job again).
 */

static void
test_tombstones(fixture_t     *f,
                gconstpointer data)
{
  g_autofree char	*done = make_entry(f, VAULT_STATE_DONE);
  vaultd_sweep_t	s = sweep(f, 6);

  g_assert_cmpint(entry_state(f, done), ==, VAULT_STATE_DONE);

  s = sweep(f, 800);
  g_assert_cmpuint(s.seen, ==, 1);
  g_assert_cmpint(entry_state(f, done), ==, VAULT_STATE_DONE);
}


/*
 * '/daemon/recover/busy-and-unreadable' - A locked entry and a corrupt sidecar are left alone.
 */

static void
test_busy_unreadable(fixture_t     *f,
                     gconstpointer data)
{
  g_autofree char	*busy = make_entry(f, VAULT_STATE_SENDING);
  g_autofree char	*bad = make_entry(f, VAULT_STATE_STORED);
  g_autofree char	*bad_a = g_strdup_printf("%s/a/%s.meta", f->dir, bad);
  g_autofree char	*bad_b = g_strdup_printf("%s/b/%s.meta", f->dir, bad);
  const char		*bad_meta = g_file_test(bad_a, G_FILE_TEST_EXISTS) ? bad_a : bad_b;
  g_autofree char	*before = NULL, *after = NULL;
  vault_lock_t		*lock;
  vaultd_sweep_t	s;
  g_autoptr(GError)	error = NULL;

  g_assert_true(g_file_set_contents(bad_meta, "[vault-entry]\nformat=1\nstate=stored\n", -1, &error));
  g_assert_true(g_file_get_contents(bad_meta, &before, NULL, NULL));

  lock = vaultLockAcquire(f->store, busy, false, &error);
  g_assert_no_error(error);
  // The sweep warns about the bad sidecar: here that is the expected outcome.
  g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_log_set_fatal_mask("vaultd-recover", G_LOG_LEVEL_ERROR);
  s = sweep(f, 0);
  vaultLockRelease(lock);

  g_assert_cmpuint(s.busy, ==, 1);
  g_assert_cmpuint(s.unreadable, ==, 1);
  g_assert_cmpuint(s.resurrected, ==, 0);
  g_assert_cmpint(entry_state(f, busy), ==, VAULT_STATE_SENDING);
  g_assert_true(g_file_get_contents(bad_meta, &after, NULL, NULL));
  g_assert_cmpstr(before, ==, after);
  g_assert_true(data_file_exists(f, bad));
}


/*
 * 'orphan_of()' - Make a RECEIVING entry and delete its sidecar, as a crash
 *                 that lost the sidecar's name does; the data file is aged
 *                 by age seconds.  Returns the id.
 */

static char *
orphan_of(fixture_t *f,
          int       age)
{
  char			*id = make_entry(f, VAULT_STATE_RECEIVING);
  g_autofree char	*in_a = g_strdup_printf("%s/a/%s.data", f->dir, id);
  const char		*area = g_file_test(in_a, G_FILE_TEST_EXISTS) ? "a" : "b";
  g_autofree char	*meta = g_strdup_printf("%s/%s/%s.meta", f->dir, area, id);
  g_autofree char	*data = g_strdup_printf("%s/%s/%s.data", f->dir, area, id);
  struct utimbuf	times;

  g_assert_true(g_file_test(data, G_FILE_TEST_EXISTS));
  g_assert_cmpint(g_unlink(meta), ==, 0);

  times.actime = times.modtime = time(NULL) - age;
  g_assert_cmpint(utime(data, &times), ==, 0);

  return (id);
}


/*
 * 'find_orphan_record()' - Journal callback: a receiving -> discarded
 *                          record of the entry in data (set to NULL once
 *                          found).
 */

static bool
find_orphan_record(const vault_record_t *r,
                   void                 *data)
{
  const char **id = data;

  if (*id && !g_strcmp0(r->entry_id, *id) && !g_strcmp0(r->from, "receiving") && !g_strcmp0(r->to, "discarded") && !g_strcmp0(r->actor, "vaultd --recover"))
    *id = NULL;

  return (true);
}


/*
 * '/daemon/recover/orphans' - A data file whose RECEIVING sidecar a crash
 *                             lost is removed and journalled once older
 *                             than a minute; a younger one is left.
 */

static void
test_orphans(fixture_t     *f,
             gconstpointer data)
{
  g_autofree char	*old = orphan_of(f, 120);
  g_autofree char	*young = orphan_of(f, 0);
  const char		*want = old;
  vaultd_sweep_t	s;
  g_autoptr(GError)	error = NULL;

  g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_log_set_fatal_mask("vaultd-recover", G_LOG_LEVEL_ERROR);
  s = sweep(f, 0);

  g_assert_cmpuint(s.seen, ==, 2);
  g_assert_cmpuint(s.incomplete, ==, 1);
  g_assert_cmpuint(s.unreadable, ==, 1);
  g_assert_false(data_file_exists(f, old));
  g_assert_true(data_file_exists(f, young));
  g_assert_cmpint(entry_state(f, old), ==, -1);
  g_assert_true(vaultJournalForeach(f->store, find_orphan_record, &want, &error));
  g_assert_no_error(error);
  g_assert_null(want);

  // Again: the young one is still left, nothing else happens.
  s = sweep(f, 0);
  g_assert_cmpuint(s.seen, ==, 1);
  g_assert_cmpuint(s.incomplete + s.resurrected, ==, 0);
  g_assert_cmpuint(s.unreadable, ==, 1);
  g_assert_true(data_file_exists(f, young));
}


/*
 * 'main()' - Register the tests.
 */

int
main(int  argc,
     char *argv[])
{
  g_test_init(&argc, &argv, NULL);

  g_test_add("/daemon/recover/states", fixture_t, NULL, fixture_setup, test_states, fixture_teardown);
  g_test_add("/daemon/recover/stale", fixture_t, NULL, fixture_setup, test_stale, fixture_teardown);
  g_test_add("/daemon/recover/never", fixture_t, "never", fixture_setup, test_never, fixture_teardown);
  g_test_add("/daemon/recover/tombstones", fixture_t, NULL, fixture_setup, test_tombstones, fixture_teardown);
  g_test_add("/daemon/recover/busy-and-unreadable", fixture_t, NULL, fixture_setup, test_busy_unreadable, fixture_teardown);
  g_test_add("/daemon/recover/orphans", fixture_t, NULL, fixture_setup, test_orphans, fixture_teardown);

  return (g_test_run());
}
