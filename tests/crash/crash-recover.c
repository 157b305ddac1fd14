/*
 * Crash sweep along recovery: `vaultd --recover` is killed (STOP), or killed
 * after losing every write not yet durable (DROP), at each I/O step N of
 * the boot sweep over a spool that holds an entry in every state; then the
 * sweep runs again normally (a second boot) and the invariants are checked:
 *
 *   - no committed entry is lost: each is RESURRECTED/AWAITING with its
 *     data whole and byte-identical, or DISCARDED with a journal record;
 *   - nothing becomes printable that was not: after recovery no entry is
 *     RECEIVING, STORED or SENDING, a tombstone never gets its key back,
 *     and the entry that never finished arriving is never resurrected;
 *   - each committed entry ends as a sweep without a crash leaves it (an
 *     entry without a committed job may end removed or as a tombstone);
 *   - a further sweep is clean: it changes nothing and journals nothing.
 *
 * N runs from 1 until the sweep completes without reaching N.  The number
 * of crash states explored is printed.  The sweeps run under
 * faketime +1d: the template's tombstones are older than tombstone-age,
 * and the sweep must keep them all the same (vaultd's service prunes them).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "spool-private.h"
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ENTRY_LEN	(70 * 1024 + 11)	/* Two chunks */
#define MAX_STEPS	2000
#define SECRET		"recover-sweep-secret"

/* The entries of the template spool, one per starting state. */
typedef enum kind_e
{
  K_RECEIVING, K_STORED, K_SENDING, K_RESURRECTED, K_AWAITING,
  K_DONE, K_DISCARDED, K_STALE, K_SECRET, K_COUNT
} kind_t;

static const char * const kind_names[K_COUNT] =
{
  "receiving", "stored", "sending", "resurrected", "awaiting",
  "done", "discarded", "stale", "stored-with-secret"
};

/* Shared by the tests. */
static char		*work, *tmpl, *conf_path;
static char		*ids[K_COUNT];
static guint8		*payload[K_COUNT];
static GHashTable	*reference;	/* id -> final state name after a crash-free sweep */
static guint		explored;	/* Crash states explored, all modes */


/*
 * 'committed()' - True for the kinds whose data was committed and not erased.
 */

static bool
committed(kind_t k)
{
  return (k == K_STORED || k == K_SENDING || k == K_RESURRECTED || k == K_AWAITING || k == K_STALE || k == K_SECRET);
}


/*
 * 'run()' - Run argv (NULL-terminated) with extra environment; returns the
 *           exit status (-1 when killed) and its stdout in *out (g_free).
 */

static int
run(const char * const *argv, const char *fault, char **out)
{
  g_auto(GStrv)	env = g_get_environ();
  int		status;
  GError	*error = NULL;
  char		*err = NULL;

  env = g_environ_setenv(env, "VAULT_BOOT_ID", "boot-after-the-crash", TRUE);
  env = fault ? g_environ_setenv(env, "VAULT_IO_FAULT", fault, TRUE) : g_environ_unsetenv(env, "VAULT_IO_FAULT");
  env = g_environ_setenv(env, "ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", TRUE);

  if (!g_spawn_sync(NULL, (char **)argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err, &status, &error))
    g_error("cannot run %s: %s", argv[0], error->message);
  if (err && *err && g_test_verbose())
    g_test_message("%s", err);
  g_free(err);

  return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}


/*
 * 'sweep()' - Run vaultd --recover (under faketime +1d) with an optional
 *             fault; returns its exit status, its summary line in *summary.
 */

static int
sweep(const char *fault, char **summary)
{
  const char	*argv[] = { "faketime", "-f", "+1d", VAULTD_PATH, "--recover", "-c", conf_path, NULL };

  return (run(argv, fault, summary));
}


/*
 * 'copy_tree()' - cp -a from to (to must not exist).
 */

static void
copy_tree(const char *from, const char *to)
{
  const char	*rm[] = { "rm", "-rf", to, NULL };
  const char	*cp[] = { "cp", "-a", from, to, NULL };

  g_assert_cmpint(run(rm, NULL, NULL), ==, 0);
  g_assert_cmpint(run(cp, NULL, NULL), ==, 0);
}


/*
 * 'open_store()' - Load the config and open the store at work.
 */

static vault_store_t *
open_store(vault_config_t **config)
{
  GError		*error = NULL;
  vault_store_t		*store;

  *config = vaultConfigLoad(conf_path, &error);
  g_assert_no_error(error);
  store = vaultStoreOpen(*config, &error);
  g_assert_no_error(error);
  return (store);
}


/*
 * 'job_of()' - The job of kind k (uuid in buf); sets ids[k] and payload[k].
 */

static vault_job_t
job_of(kind_t k, char *buf, size_t bufsize)
{
  vault_job_t	job = { 0 };

  g_snprintf(buf, bufsize, "urn:uuid:00000000-0000-4000-8000-%012d", (int)k + 1);
  job.uuid     = buf;
  job.created  = 1700000000 + (gint64)k;
  job.job_id   = (int)k + 1;
  job.queue    = "vq";
  job.user     = "alice";
  job.title    = kind_names[k];
  job.copies   = 1;
  job.priority = 50;

  if (!ids[k])
  {
    ids[k]     = vaultJobEntryId(&job, NULL);
    payload[k] = g_malloc(ENTRY_LEN);
    for (size_t i = 0; i < ENTRY_LEN; i ++)
      payload[k][i] = (guint8)(i * 31 + k * 7 + (i >> 9));
  }
  return (job);
}


/*
 * 'make_entry()' - Store one entry for kind k, committed unless it is the
 *                  RECEIVING kind; returns it locked.
 */

static vault_entry_t *
make_entry(vault_store_t *store, kind_t k, vault_lock_t **lock)
{
  GError	*error = NULL;
  char		uuid[64];
  vault_job_t	job = job_of(k, uuid, sizeof(uuid));
  vault_entry_t	*entry;

  *lock = vaultLockAcquire(store, ids[k], false, &error);
  g_assert_no_error(error);
  entry = vaultEntryCreate(store, *lock, &job, ENTRY_LEN, k == K_SECRET ? SECRET : NULL, &error);
  g_assert_no_error(error);
  g_assert_true(vaultEntryWrite(entry, payload[k], ENTRY_LEN, &error));
  g_assert_no_error(error);
  if (k == K_RECEIVING)
    return (entry);
  g_assert_true(vaultEntryCommit(entry, "crash-recover", &error));
  g_assert_no_error(error);
  return (entry);
}


/*
 * 'set_state()' - vaultEntrySetState that must succeed.
 */

static void
set_state(vault_entry_t *entry, vault_state_t state)
{
  GError *error = NULL;

  g_assert_true(vaultEntrySetState(entry, state, "crash-recover", "template", &error));
  g_assert_no_error(error);
}


/*
 * 'age_entry()' - Move a STORED entry's storing time 3 days back (stale
 *                 under max-age=2d), rewriting its sidecar with the MAC.
 */

static void
age_entry(vault_store_t *store, vault_entry_t *entry)
{
  GError	*error = NULL;
  int		area = _vaultAreaFind(store, vaultEntryGetArea(entry));
  char		*path = _vaultEntryPath(store, (guint)area, vaultEntryGetId(entry), _VAULT_META_SUFFIX);
  _vault_meta_t	*meta = _vaultMetaRead(path, &store->mac_key, &error);

  g_assert_no_error(error);
  meta->stored_utc -= 3 * 86400;
  meta->changed_utc -= 3 * 86400;
  memcpy(meta->stored_local_date, "2000-01-01", 11);
  g_assert_true(_vaultMetaWrite(store->io, path, meta, &store->mac_key, &error));
  g_assert_no_error(error);
  _vaultMetaFree(meta);
  g_free(path);
}


/*
 * 'make_template()' - The spool with one entry per kind, copied to tmpl.
 *                     The RECEIVING entry is left by a child that exits
 *                     without committing (a crash while the job arrived).
 */

static void
make_template(void)
{
  vault_config_t	*config;
  vault_store_t		*store;
  pid_t			pid;
  int			status;

  g_setenv("VAULT_BOOT_ID", "boot-before-the-crash", TRUE);
  store = open_store(&config);
  for (kind_t k = 0; k < K_COUNT; k ++)
  {
    char uuid[64];

    (void)job_of(k, uuid, sizeof(uuid));
  }

  if ((pid = fork()) == 0)
  {
    vault_lock_t *lock;

    make_entry(store, K_RECEIVING, &lock);
    _exit(0);
  }
  g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
  g_assert_cmpint(status, ==, 0);

  for (kind_t k = K_STORED; k < K_COUNT; k ++)
  {
    vault_lock_t	*lock;
    vault_entry_t	*entry = make_entry(store, k, &lock);
    GError		*error = NULL;

    switch (k)
    {
      case K_SENDING :
          set_state(entry, VAULT_STATE_SENDING);
          break;
      case K_RESURRECTED :
          set_state(entry, VAULT_STATE_RESURRECTED);
          break;
      case K_AWAITING :
          set_state(entry, VAULT_STATE_RESURRECTED);
          set_state(entry, VAULT_STATE_AWAITING);
          break;
      case K_DONE :
          set_state(entry, VAULT_STATE_SENDING);
          g_assert_true(vaultEntryErase(entry, VAULT_STATE_DONE, "crash-recover", "printed", &error));
          break;
      case K_DISCARDED :
          g_assert_true(vaultEntryErase(entry, VAULT_STATE_DISCARDED, "crash-recover", "canceled", &error));
          break;
      case K_STALE :
          age_entry(store, entry);
          break;
      default :
          break;
    }
    g_assert_no_error(error);
    vaultEntryFree(entry);
    vaultLockRelease(lock);
  }

  vaultStoreClose(store);
  vaultConfigFree(config);
  copy_tree(work, tmpl);
}


/*
 * Snapshot of a spool after recovery.
 */

typedef struct snap_s
{
  vault_store_t	*store;
  GHashTable	*states;	/* id -> state name */
  GHashTable	*discard_records; /* id -> "to=discarded" records */
  guint		records;
  GString	*problems;	/* Broken invariants */
  GString	*gaps;		/* Committed entries discarded without a journal record */
} snap_t;


/*
 * 'kind_of()' - The kind of entry id, or K_COUNT.
 */

static kind_t
kind_of(const char *id)
{
  for (kind_t k = 0; k < K_COUNT; k ++)
    if (!g_strcmp0(ids[k], id))
      return (k);
  return (K_COUNT);
}


/*
 * 'check_data()' - The entry's data reads back whole and identical.
 */

static bool
check_data(vault_entry_t *entry, kind_t k)
{
  GError		*error = NULL;
  vault_reader_t	*reader = vaultEntryOpenData(entry, k == K_SECRET ? SECRET : NULL, &error);
  GByteArray		*back = g_byte_array_new();
  guint8		buf[32768];
  gssize		got = -1;
  bool			same;

  while (reader && (got = vaultReaderRead(reader, buf, sizeof(buf), &error)) > 0)
    g_byte_array_append(back, buf, (guint)got);
  same = reader && got == 0 && back->len == ENTRY_LEN && !memcmp(back->data, payload[k], ENTRY_LEN);
  if (reader)
    vaultReaderClose(reader);
  g_byte_array_unref(back);
  g_clear_error(&error);
  return (same);
}


/*
 * 'snap_entry()' - vaultStoreForeach callback: record and check one entry.
 */

static bool
snap_entry(vault_store_t *store, const char *id, vault_entry_t *entry, const GError *load_error, void *data)
{
  snap_t	*snap = data;
  kind_t	k = kind_of(id);
  vault_state_t	state;

  if (!entry)
  {
    g_string_append_printf(snap->problems, "entry %s unreadable: %s; ", id, load_error ? load_error->message : "?");
    return (true);
  }

  state = vaultEntryGetState(entry);
  g_hash_table_insert(snap->states, g_strdup(id), (char *)vaultStateString(state));

  if (k == K_COUNT)
    g_string_append_printf(snap->problems, "unknown entry %s; ", id);
  else if (state == VAULT_STATE_RECEIVING || state == VAULT_STATE_STORED || state == VAULT_STATE_SENDING)
    g_string_append_printf(snap->problems, "%s is %s after recovery (printable); ", kind_names[k], vaultStateString(state));
  else if ((state == VAULT_STATE_RESURRECTED || state == VAULT_STATE_AWAITING) && !committed(k))
    g_string_append_printf(snap->problems, "%s came back as %s; ", kind_names[k], vaultStateString(state));
  else if ((state == VAULT_STATE_RESURRECTED || state == VAULT_STATE_AWAITING) && !check_data(entry, k))
    g_string_append_printf(snap->problems, "%s (%s) does not read back whole; ", kind_names[k], vaultStateString(state));

  return (true);
}


/*
 * 'snap_record()' - Journal callback: count records and discards per id.
 */

static bool
snap_record(const vault_record_t *r, void *data)
{
  snap_t *snap = data;

  snap->records ++;
  if (r->entry_id && !g_strcmp0(r->to, "discarded"))
    g_hash_table_insert(snap->discard_records, g_strdup(r->entry_id), GINT_TO_POINTER(1));
  return (true);
}


/*
 * 'take_snapshot()' - Read the spool at work; problems name every broken
 *                     invariant (empty when none).  Free with free_snapshot.
 */

static void
take_snapshot(snap_t *snap)
{
  vault_config_t	*config;
  GError		*error = NULL;

  memset(snap, 0, sizeof(*snap));
  snap->states          = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  snap->discard_records = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  snap->problems        = g_string_new(NULL);
  snap->gaps            = g_string_new(NULL);
  snap->store           = open_store(&config);

  g_assert_true(vaultStoreForeach(snap->store, snap_entry, snap, &error));
  g_assert_no_error(error);
  g_assert_true(vaultJournalForeach(snap->store, snap_record, snap, &error));
  g_assert_no_error(error);

  for (kind_t k = 0; k < K_COUNT; k ++)		/* No committed entry lost */
  {
    const char *state = g_hash_table_lookup(snap->states, ids[k]);

    if (!committed(k))
      continue;
    if (!state || !strcmp(state, "done"))
      g_string_append_printf(snap->problems, "committed %s is %s; ", kind_names[k], state ? state : "gone");
    else if (!strcmp(state, "discarded") && !g_hash_table_contains(snap->discard_records, ids[k]))
      g_string_append_printf(snap->gaps, "committed %s discarded without a journal record; ", kind_names[k]);
  }

  vaultStoreClose(snap->store);
  vaultConfigFree(config);
}

static void
free_snapshot(snap_t *snap)
{
  if (snap->states)
    g_hash_table_destroy(snap->states);
  g_hash_table_destroy(snap->discard_records);
  g_string_free(snap->problems, TRUE);
  g_string_free(snap->gaps, TRUE);
}


/*
 * 'same_as_reference()' - Describe how snap's states differ from the
 *                         crash-free sweep's (appended to problems).
 */

static void
same_as_reference(snap_t *snap)
{
  for (kind_t k = 0; k < K_COUNT; k ++)
  {
    const char *want = g_hash_table_lookup(reference, ids[k]), *got = g_hash_table_lookup(snap->states, ids[k]);

    // An entry that held no committed job may end removed or as a
    // tombstone, depending on where the crash fell: both are safe.
    if (!committed(k) && (!got || !strcmp(got, "discarded") || !strcmp(got, "done")))
      continue;
    if (g_strcmp0(want, got))
      g_string_append_printf(snap->problems, "%s is %s, a sweep without a crash leaves it %s; ", kind_names[k], got ? got : "gone", want ? want : "gone");
  }
}


/*
 * 'crash_at()' - Crash the sweep at step n of mode; recover; check.
 *                Returns false when the sweep completed before step n.
 */

static bool
crash_at(const char *mode, guint n, GString *gaps)
{
  char		fault[32], *out = NULL;
  int		status;
  snap_t	after, again;

  copy_tree(tmpl, work);
  g_snprintf(fault, sizeof(fault), "%s:%u", mode, n);
  status = sweep(fault, &out);
  g_free(out);
  if (status == 0)
    return (false);
  g_assert_cmpint(status, ==, _VAULT_IO_CRASH_EXIT);
  explored ++;

  g_assert_cmpint(sweep(NULL, &out), ==, 0);		/* The next boot */
  if (g_test_verbose())
    g_test_message("%s: %s", fault, out);
  g_free(out);

  take_snapshot(&after);
  same_as_reference(&after);

  g_assert_cmpint(sweep(NULL, &out), ==, 0);		/* And once more: clean */
  take_snapshot(&again);
  if (!strstr(out, " 0 resurrected,") || !strstr(out, " 0 incomplete removed, 0 stale discarded, 0 busy, 0 unreadable, 0 leftover temporary files removed"))
    g_string_append_printf(after.problems, "the further sweep was not clean: %s; ", out);
  if (again.records != after.records)
    g_string_append_printf(after.problems, "the further sweep journalled %u records; ", again.records - after.records);
  g_free(out);

  if (after.problems->len)
    g_error("crash at %s: %s", fault, after.problems->str);
  if (after.gaps->len)
    g_string_append_printf(gaps, "%s: %s\n", fault, after.gaps->str);

  free_snapshot(&after);
  free_snapshot(&again);
  return (true);
}


/*
 * 'sweep_every_step()' - crash_at for n = 1, 2, ... until the sweep completes.
 */

static void
sweep_every_step(gconstpointer data)
{
  const char	*mode = data;
  guint		n;
  GString	*gaps = g_string_new(NULL);

  for (n = 1; n < MAX_STEPS && crash_at(mode, n, gaps); n ++);

  g_test_message("%s: crashed vaultd --recover at each of %u I/O steps; recovered and checked each", mode, n - 1);
  g_assert_cmpuint(n, <, MAX_STEPS);
  g_assert_cmpuint(n, >, 10);			/* The sweep over this spool does real work */

  // A known gap (doc/RELIABILITY.md): the discard's tombstone is written
  // before its journal record, and nothing appends a record lost between
  // the two.  Reported as TODO, not hidden, until the spool closes it.
  if (gaps->len)
  {
    g_test_message("committed entries discarded without a journal record after these crashes:\n%s", gaps->str);
    g_test_incomplete("a crash between a discard's tombstone and its journal record loses the record (doc/RELIABILITY.md)");
  }
  g_string_free(gaps, TRUE);
}


/*
 * '/crash/recover/reference' - A sweep without a crash: the expected result.
 */

static void
test_reference(void)
{
  char		*out = NULL;
  snap_t	snap;

  copy_tree(tmpl, work);
  g_assert_cmpint(sweep(NULL, &out), ==, 0);
  g_test_message("reference sweep: %s", out);
  g_free(out);
  take_snapshot(&snap);
  for (kind_t k = 0; k < K_COUNT; k ++)
  {
    const char *state = g_hash_table_lookup(snap.states, ids[k]);

    g_test_message("%s -> %s", kind_names[k], state ? state : "gone");
  }
  g_assert_cmpstr(snap.problems->str, ==, "");

  // What each kind becomes: the sweep rules of vaultd-recover.c.  A
  // RECEIVING leftover may be removed or tombstoned, an AWAITING entry kept
  // or set back to RESURRECTED: both are safe, and the rules have been both.
  g_assert_true(g_strcmp0(g_hash_table_lookup(snap.states, ids[K_RECEIVING]), "resurrected"));
  g_assert_true(g_strcmp0(g_hash_table_lookup(snap.states, ids[K_RECEIVING]), "awaiting"));
  g_assert_cmpstr(g_hash_table_lookup(snap.states, ids[K_STORED]), ==, "resurrected");
  g_assert_cmpstr(g_hash_table_lookup(snap.states, ids[K_SENDING]), ==, "resurrected");
  g_assert_cmpstr(g_hash_table_lookup(snap.states, ids[K_RESURRECTED]), ==, "resurrected");
  g_assert_true(!g_strcmp0(g_hash_table_lookup(snap.states, ids[K_AWAITING]), "awaiting") ||
                !g_strcmp0(g_hash_table_lookup(snap.states, ids[K_AWAITING]), "resurrected"));
  g_assert_cmpstr(g_hash_table_lookup(snap.states, ids[K_DONE]), ==, "done");	/* Old, kept */
  g_assert_cmpstr(g_hash_table_lookup(snap.states, ids[K_DISCARDED]), ==, "discarded");
  g_assert_cmpstr(g_hash_table_lookup(snap.states, ids[K_STALE]), ==, "discarded");
  g_assert_cmpstr(g_hash_table_lookup(snap.states, ids[K_SECRET]), ==, "resurrected");

  reference   = snap.states;
  snap.states = NULL;
  free_snapshot(&snap);
}


/*
 * 'setup()' - The work directory, its key and vault.conf, and the template.
 */

static void
setup(void)
{
  GError	*error = NULL;
  guint8	key[_VAULT_KEY_SIZE];
  char		*conf, *key_path, *base;

  base      = g_dir_make_tmp("vault-crash-recover-XXXXXX", &error);
  g_assert_no_error(error);
  work      = g_build_filename(base, "spool", NULL);
  tmpl      = g_build_filename(base, "template", NULL);
  g_assert_cmpint(g_mkdir(work, 0700), ==, 0);
  conf_path = g_build_filename(work, "vault.conf", NULL);
  key_path  = g_build_filename(work, "vault.key", NULL);

  for (size_t i = 0; i < sizeof(key); i ++)
    key[i] = (guint8)(0xa0 + i);
  g_assert_true(g_file_set_contents_full(key_path, (char *)key, sizeof(key), G_FILE_SET_CONTENTS_NONE, 0600, &error));
  conf = g_strdup_printf("[vault]\nspool-root = %s/root\nkey-file = %s\nstale = max-age=2d\ntombstone-age = 12h\n"
                         "[area a]\npath = %s/area-a\ncapacity = 10M\n"
                         "[area b]\npath = %s/area-b\ncapacity = 10M\n", work, key_path, work, work);
  g_assert_true(g_file_set_contents(conf_path, conf, -1, &error));
  g_free(conf);
  g_free(key_path);
  g_free(base);

  make_template();
}


int
main(int argc, char *argv[])
{
  int		status;
  char		*base;
  const char	*rm[] = { "rm", "-rf", NULL, NULL };

  g_test_init(&argc, &argv, NULL);
  setup();
  g_test_add_func("/crash/recover/reference", test_reference);
  g_test_add_data_func("/crash/recover/stop-every-step", "stop", sweep_every_step);
  g_test_add_data_func("/crash/recover/drop-every-step", "drop", sweep_every_step);
  status = g_test_run();

  g_print("# crash states explored along recovery: %u\n", explored);
  if (g_getenv("CRASH_KEEP")) return (status);
  base  = g_path_get_dirname(work);
  rm[2] = base;
  run(rm, NULL, NULL);
  g_free(base);
  return (status);
}
