/*
 * Unit tests of the queue counters (spool-counters.c): loads and jobs add
 * up, the file survives a reopen, a changed or moved file is refused, bad
 * names are refused, and the ATTR: marker-* value is exact.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "test-spool-util.h"
#include <string.h>

#define A4	"iso_a4_210x297mm"
#define LETTER	"na_letter_8.5x11in"


/*
 * 'row()' - The row of tray + media, asserting it exists.
 */

static const vault_tray_counts_t *
row(const vault_counters_t *c, const char *tray, const char *media)
{
  for (guint i = 0; i < vaultCountersGetTrayCount(c); i ++)
  {
    const vault_tray_counts_t *t = vaultCountersGetTray(c, i);

    if (!strcmp(t->tray, tray) && !strcmp(t->media, media))
      return (t);
  }

  g_assert_not_reached();
  return (NULL);
}


/*
 * 'read_ok()' - Read a queue's counters, asserting success.
 */

static vault_counters_t *
read_ok(vt_t *t, const char *queue)
{
  GError		*error = NULL;
  vault_counters_t	*c = vaultCountersRead(t->store, queue, &error);

  g_assert_no_error(error);
  g_assert_nonnull(c);
  return (c);
}


/*
 * 'counters_file()' - Path of a queue's counters file; g_free it.
 */

static char *
counters_file(vt_t *t, const char *queue)
{
  g_autofree char *name = g_strconcat(queue, ".counters", NULL);

  return (g_build_filename(t->root, "counters", name, NULL));
}


/*
 * '/counters/apply' - A load, then jobs: used, remaining, pages,
 *                     impressions, sheets, jobs; tray "auto" is charged to
 *                     the loaded tray of its media; reopen keeps it all.
 */

static void
test_apply(void)
{
  vt_t			t;
  GError		*error = NULL;
  vault_counters_t	*c, *after = NULL;
  g_autofree char	*written = NULL, *reread = NULL;
  vault_job_counts_t	job1[] = { { A4, "tray-1", 10, 20, 10 }, { LETTER, "tray-2", 1, 2, 1 } };
  vault_job_counts_t	job2[] = { { A4, "auto", 7, 7, 4 } };

  vtSetup(&t, "1M", "1M", NULL);

  g_assert_true(vaultCountersSetLoad(t.store, "office", "tray-1", A4, 100, &error));
  g_assert_no_error(error);
  g_assert_true(vaultCountersApplyJob(t.store, "office", job1, 2, NULL, &error));
  g_assert_true(vaultCountersApplyJob(t.store, "office", job2, 1, NULL, &error));
  g_assert_true(vaultCountersApplyJob(t.store, "office", NULL, 0, &after, &error));	/* Uncounted job */
  g_assert_no_error(error);

  vtReopen(&t);
  c = read_ok(&t, "office");
  g_assert_nonnull(after);				/* What it wrote is what is read */
  written = vaultCountersFormatMarkers(after);
  reread  = vaultCountersFormatMarkers(c);
  g_assert_cmpstr(written, ==, reread);
  g_assert_cmpuint(vaultCountersGetJobs(after), ==, vaultCountersGetJobs(c));
  vaultCountersFree(after);
  g_assert_cmpuint(vaultCountersGetTrayCount(c), ==, 2);
  g_assert_cmpuint(row(c, "tray-1", A4)->loaded, ==, 100);
  g_assert_cmpuint(row(c, "tray-1", A4)->used, ==, 14);
  g_assert_cmpuint(row(c, "tray-1", A4)->remaining, ==, 86);
  g_assert_cmpuint(row(c, "tray-1", A4)->pages, ==, 17);
  g_assert_cmpuint(row(c, "tray-1", A4)->impressions, ==, 27);
  g_assert_cmpuint(row(c, "tray-1", A4)->sheets, ==, 14);
  g_assert_cmpuint(row(c, "tray-2", LETTER)->remaining, ==, 0);
  g_assert_cmpuint(vaultCountersGetJobs(c), ==, 3);
  g_assert_cmpuint(vaultCountersGetPages(c), ==, 18);
  g_assert_cmpuint(vaultCountersGetImpressions(c), ==, 29);
  g_assert_cmpuint(vaultCountersGetSheets(c), ==, 15);
  vaultCountersFree(c);

  vtTeardown(&t);
}


/*
 * '/counters/load' - A new load restarts used; remaining never goes below 0.
 */

static void
test_load(void)
{
  vt_t			t;
  GError		*error = NULL;
  vault_counters_t	*c;
  vault_job_counts_t	big[] = { { A4, "tray-1", 30, 30, 30 } };

  vtSetup(&t, "1M", "1M", NULL);

  g_assert_true(vaultCountersSetLoad(t.store, "q", "tray-1", A4, 20, &error));
  g_assert_true(vaultCountersApplyJob(t.store, "q", big, 1, NULL, &error));
  c = read_ok(&t, "q");
  g_assert_cmpuint(row(c, "tray-1", A4)->used, ==, 30);
  g_assert_cmpuint(row(c, "tray-1", A4)->remaining, ==, 0);
  vaultCountersFree(c);

  g_assert_true(vaultCountersSetLoad(t.store, "q", "tray-1", A4, 250, &error));
  g_assert_no_error(error);
  c = read_ok(&t, "q");
  g_assert_cmpuint(row(c, "tray-1", A4)->used, ==, 0);
  g_assert_cmpuint(row(c, "tray-1", A4)->remaining, ==, 250);
  g_assert_cmpuint(row(c, "tray-1", A4)->sheets, ==, 30);	/* Lifetime count kept */
  g_assert_cmpuint(vaultCountersGetJobs(c), ==, 1);
  vaultCountersFree(c);

  vtTeardown(&t);
}


/*
 * '/counters/mac' - One changed byte, or another queue's file under this
 *                   name, is refused with AUTH; a missing file is NOT_FOUND.
 */

static void
test_mac(void)
{
  vt_t			t;
  GError		*error = NULL;
  g_autofree char	*path = NULL, *other = NULL, *data = NULL;
  gsize			len;
  char			*p;

  vtSetup(&t, "1M", "1M", NULL);
  g_assert_true(vaultCountersSetLoad(t.store, "q", "tray-1", A4, 500, &error));
  g_assert_no_error(error);

  g_assert_null(vaultCountersRead(t.store, "r", &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_NOT_FOUND);
  g_clear_error(&error);

  path = counters_file(&t, "q");
  g_assert_true(g_file_get_contents(path, &data, &len, NULL));
  p = strstr(data, "loaded=500");
  g_assert_nonnull(p);
  p[7] = '9';						/* loaded=900 */
  g_assert_true(g_file_set_contents(path, data, (gssize)len, NULL));
  g_assert_null(vaultCountersRead(t.store, "q", &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_AUTH);
  g_clear_error(&error);

  /* A change refuses to build on a bad file (nothing is overwritten). */
  g_assert_false(vaultCountersSetLoad(t.store, "q", "tray-1", A4, 1, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_AUTH);
  g_clear_error(&error);

  p[7] = '5';
  g_assert_true(g_file_set_contents(path, data, (gssize)len, NULL));
  other = counters_file(&t, "r");
  g_assert_true(g_file_set_contents(other, data, (gssize)len, NULL));
  g_assert_null(vaultCountersRead(t.store, "r", &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_AUTH);
  g_clear_error(&error);

  vaultCountersFree(read_ok(&t, "q"));
  vtTeardown(&t);
}


/*
 * '/counters/names' - Bad queue, tray and media names are refused and
 *                     create nothing; queues are found ignoring case.
 */

static void
test_names(void)
{
  vt_t			t;
  GError		*error = NULL;
  vault_job_counts_t	bad[] = { { "a4;rm", "tray-1", 1, 1, 1 } };
  const char		*queues[] = { "", "a/b", "a b", "x#", "q\\", NULL };
  g_autofree char	*dir = NULL, *found = NULL;

  vtSetup(&t, "1M", "1M", NULL);

  for (int i = 0; queues[i]; i ++)
  {
    g_assert_false(vaultCountersSetLoad(t.store, queues[i], "tray-1", A4, 1, &error));
    g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
    g_clear_error(&error);
  }

  g_assert_false(vaultCountersSetLoad(t.store, "q", "tray 1", A4, 1, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
  g_clear_error(&error);
  g_assert_false(vaultCountersApplyJob(t.store, "q", bad, 1, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
  g_clear_error(&error);

  dir = g_build_filename(t.root, "counters", NULL);
  g_assert_cmpuint(vtCountFiles(dir, ""), ==, 0);

  g_assert_true(vaultCountersSetLoad(t.store, "Office-2", "tray-1", A4, 1, &error));
  g_assert_no_error(error);
  found = vaultCountersFindQueue(t.store, "office-2");
  g_assert_cmpstr(found, ==, "Office-2");
  g_assert_null(vaultCountersFindQueue(t.store, "office"));
  g_assert_null(vaultCountersFindQueue(t.store, "../x"));

  vtTeardown(&t);
}


/*
 * '/counters/markers' - The ATTR: value lists loaded trays only, with
 *                       remaining * 100 / loaded.
 */

static void
test_markers(void)
{
  vt_t			t;
  GError		*error = NULL;
  vault_counters_t	*c;
  g_autofree char	*markers = NULL;
  vault_job_counts_t	job[] = { { A4, "tray-1", 25, 25, 25 }, { LETTER, "tray-3", 1, 1, 1 }, { A4, "tray-2", 200, 200, 200 } };

  vtSetup(&t, "1M", "1M", NULL);
  g_assert_true(vaultCountersSetLoad(t.store, "q", "tray-1", A4, 100, &error));
  g_assert_true(vaultCountersSetLoad(t.store, "q", "tray-2", A4, 150, &error));
  g_assert_true(vaultCountersApplyJob(t.store, "q", job, 3, NULL, &error));
  g_assert_no_error(error);

  c       = read_ok(&t, "q");
  markers = vaultCountersFormatMarkers(c);
  g_assert_cmpstr(markers, ==, "marker-names=tray-1/" A4 ",tray-2/" A4 " marker-levels=75,0 marker-types=other,other");
  vaultCountersFree(c);

  vtTeardown(&t);
}


/*
 * 'main()' - Run the tests.
 */

int
main(int  argc,
     char *argv[])
{
  g_test_init(&argc, &argv, NULL);

  g_test_add_func("/counters/apply", test_apply);
  g_test_add_func("/counters/load", test_load);
  g_test_add_func("/counters/mac", test_mac);
  g_test_add_func("/counters/names", test_names);
  g_test_add_func("/counters/markers", test_markers);

  return (g_test_run());
}
