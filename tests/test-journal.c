/*
 * Unit tests of the journal (spool-journal.c): escaping, transitions,
 * torn and malformed lines, rotation that loses nothing.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "test-spool-util.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>


/*
 * Collecting records.
 */

static bool
collect(const vault_record_t *r, void *data)
{
  g_ptr_array_add(data, g_strdup_printf("%s>%s|%s|%s|%d|%" G_GINT64_FORMAT, r->from ? r->from : "-", r->to, r->reason ? r->reason : "-", r->actor ? r->actor : "-", r->job_id, r->time));
  return (true);
}

static GPtrArray *
read_journal(vt_t *t, GError **error)
{
  GPtrArray *records = g_ptr_array_new_with_free_func(g_free);

  if (!vaultJournalForeach(t->store, collect, records, error))
  {
    g_ptr_array_unref(records);
    return (NULL);
  }

  return (records);
}


/*
 * '/spool/journal/escape' - Tabs, newlines, backslashes and control bytes
 *                           in any field survive; each record is one line.
 */

static void
test_escape(void)
{
  vt_t		t;
  GError	*error = NULL;
  GPtrArray	*records;
  char		*text, **lines;
  vault_record_t r = { 1714557600, "0123456789abcdef0123456789abcdef", "urn:uuid:x", 5, 7, "q", "bob", "stored", "sending", "backend[1]\tx", "line1\nline2\\n\ttab\x01" };

  vtSetup(&t, "1M", "1M", NULL);
  g_assert_true(vaultJournalAppend(t.store, &r, &error));
  g_assert_no_error(error);
  r.time = 0;
  r.reason = NULL;
  g_assert_true(vaultJournalAppend(t.store, &r, &error));

  records = read_journal(&t, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(records->len, ==, 2);
  g_assert_cmpstr(records->pdata[0], ==, "stored>sending|line1\nline2\\n\ttab\x01|backend[1]\tx|7|1714557600");
  g_assert_true(g_str_has_prefix(records->pdata[1], "stored>sending|-|backend[1]\tx|7|"));

  g_assert_true(g_file_get_contents(t.store->journal_path, &text, NULL, NULL));
  lines = g_strsplit(text, "\n", -1);
  g_assert_cmpint(g_strv_length(lines), ==, 3);
  g_strfreev(lines);
  g_assert_true(g_str_has_prefix(text, "v=1\ttime=1714557600\tutc=2024-05-01T10:00:00Z\tentry=0123456789abcdef0123456789abcdef\t"));
  g_free(text);
  g_ptr_array_unref(records);
  vtTeardown(&t);
}


/*
 * '/spool/journal/transitions' - An entry's life is journalled, one record
 *                                per transition, in order.
 */

static void
test_transitions(void)
{
  vt_t		t;
  char		*id;
  vault_lock_t	*lock;
  vault_entry_t	*entry;
  GPtrArray	*records;

  vtSetup(&t, "1M", "1M", NULL);
  id    = vtStore(&t, vtJob(&t, 1, NULL), "abc", 3, 3);
  entry = vtOpen(&t, id, &lock);
  g_assert_true(vaultEntrySetState(entry, VAULT_STATE_SENDING, "backend[9]", "sending to the printer", NULL));
  g_assert_true(vaultEntryErase(entry, VAULT_STATE_DONE, "backend[9]", "printed", NULL));

  records = read_journal(&t, NULL);
  g_assert_cmpuint(records->len, ==, 4);
  g_assert_true(g_str_has_prefix(records->pdata[0], "none>receiving|job received|-|101|"));
  g_assert_true(g_str_has_prefix(records->pdata[1], "receiving>stored|job stored|test|101|"));
  g_assert_true(g_str_has_prefix(records->pdata[2], "stored>sending|sending to the printer|backend[9]|101|"));
  g_assert_true(g_str_has_prefix(records->pdata[3], "sending>done|printed|backend[9]|101|"));

  g_ptr_array_unref(records);
  vaultEntryFree(entry);
  vaultLockRelease(lock);
  g_free(id);
  vtTeardown(&t);
}


/*
 * '/spool/journal/torn' - A last line without its newline (a crash during
 *                         the write) is skipped; a malformed line inside
 *                         is CORRUPT naming the line.
 */

static void
test_torn(void)
{
  vt_t		t;
  GError	*error = NULL;
  GPtrArray	*records;
  vault_record_t r = { 0, NULL, NULL, 0, 3, NULL, NULL, "stored", "sending", NULL, NULL };
  FILE		*fp;

  vtSetup(&t, "1M", "1M", NULL);
  g_assert_true(vaultJournalAppend(t.store, &r, NULL));
  fp = fopen(t.store->journal_path, "a");
  fputs("v=1\ttime=1714557600\tto=do", fp);
  fclose(fp);

  records = read_journal(&t, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(records->len, ==, 1);
  g_ptr_array_unref(records);

  fp = fopen(t.store->journal_path, "a");
  fputs("ne\nrubbish without fields\n", fp);
  fclose(fp);
  g_assert_true(vaultJournalAppend(t.store, &r, NULL));
  records = read_journal(&t, &error);
  g_assert_null(records);
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_CORRUPT);
  g_assert_nonnull(strstr(error->message, "journal:3"));
  g_clear_error(&error);
  vtTeardown(&t);
}


/*
 * '/spool/journal/torn-then-append' - An append after a torn last line ends
 *                                     that line first: the new record reads
 *                                     back, nothing is CORRUPT.
 */

static void
test_torn_then_append(void)
{
  vt_t		t;
  GError	*error = NULL;
  GPtrArray	*records;
  vault_record_t r = { 0, NULL, NULL, 0, 3, NULL, NULL, "stored", "sending", NULL, "first" },
		 r2 = { 0, NULL, NULL, 0, 4, NULL, NULL, "sending", "done", NULL, "after the tear" };
  FILE		*fp;
  char		*text;

  vtSetup(&t, "1M", "1M", NULL);
  g_assert_true(vaultJournalAppend(t.store, &r, NULL));
  fp = fopen(t.store->journal_path, "a");
  fputs("v=1\ttime=1714557600\tjob-id=9\treason=cut \\", fp);	/* Torn inside an escape */
  fclose(fp);

  g_assert_true(vaultJournalAppend(t.store, &r2, &error));
  g_assert_no_error(error);
  records = read_journal(&t, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(records->len, ==, 2);
  g_assert_true(g_str_has_prefix(g_ptr_array_index(records, 1), "sending>done|after the tear|"));
  g_ptr_array_unref(records);

  g_assert_true(g_file_get_contents(t.store->journal_path, &text, NULL, NULL));
  g_assert_nonnull(strstr(text, "reason=cut \\\ttorn\nv=1\t"));
  g_free(text);

  /* A tail the file system filled with zeros, as a crash may leave it. */
  fp = fopen(t.store->journal_path, "a");
  fwrite("v=1\ttime=17\0\0\0\0", 1, 16, fp);
  fclose(fp);
  g_assert_true(vaultJournalAppend(t.store, &r2, &error));
  g_assert_no_error(error);
  records = read_journal(&t, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(records->len, ==, 3);
  g_ptr_array_unref(records);
  vtTeardown(&t);
}


/*
 * '/spool/journal/rotate' - Rotating while another process appends loses
 *                           no record and keeps the order of each writer.
 */

static void
test_rotate(void)
{
  vt_t		t;
  GError	*error = NULL;
  GPtrArray	*records;
  pid_t		pid;
  int		status, rotated = 0;
  vault_record_t r = { 0, NULL, NULL, 0, 0, NULL, NULL, "stored", "sending", NULL, NULL };

  vtSetup(&t, "1M", "1M", NULL);
  g_assert_true(vaultJournalRotate(t.store, &error));	/* Nothing yet: no-op */
  g_assert_no_error(error);

  if ((pid = fork()) == 0)
  {
    for (int i = 1; i <= 300; i ++)
    {
      r.job_id = i;
      if (!vaultJournalAppend(t.store, &r, NULL))
        _exit(1);
    }
    _exit(0);
  }

  while (waitpid(pid, &status, WNOHANG) == 0)
  {
    g_assert_true(vaultJournalRotate(t.store, &error));
    g_assert_no_error(error);
    rotated ++;
    g_usleep(2000);
  }
  g_assert_cmpint(WEXITSTATUS(status), ==, 0);
  g_assert_true(vaultJournalRotate(t.store, &error));

  records = read_journal(&t, &error);
  g_assert_no_error(error);
  g_test_message("%d rotations, %u rotated files", rotated, vtCountFiles(t.root, "") - 1);
  g_assert_cmpuint(vtCountFiles(t.root, ""), >, 2);
  g_assert_cmpuint(records->len, ==, 300);
  for (guint i = 0; i < records->len; i ++)
  {
    char *want = g_strdup_printf("stored>sending|-|-|%u|", i + 1);

    g_assert_true(g_str_has_prefix(records->pdata[i], want));
    g_free(want);
  }

  g_ptr_array_unref(records);
  vtTeardown(&t);
}


int
main(int argc, char *argv[])
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/spool/journal/escape", test_escape);
  g_test_add_func("/spool/journal/transitions", test_transitions);
  g_test_add_func("/spool/journal/torn", test_torn);
  g_test_add_func("/spool/journal/torn-then-append", test_torn_then_append);
  g_test_add_func("/spool/journal/rotate", test_rotate);
  return (g_test_run());
}
