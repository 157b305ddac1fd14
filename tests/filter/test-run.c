/*
 * The harness of the accounting filter's tests: runs the built
 * vault-account as cupsd runs it (argv, CONTENT_TYPE, PPD, TMPDIR) and
 * collects its output, messages and counts file.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "test-run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#define UUID	"urn:uuid:0b5e6f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"


/*
 * 'filter_path()' - The built filter.
 */

char *
filter_path(void)
{
  const char *top = g_getenv("top_builddir");

  return (g_build_filename(top ? top : ".", "filter", "vault-account", NULL));
}


/*
 * 'exec_filter()' - In the child: set up fds and environment, exec.
 */

static void G_GNUC_NORETURN
exec_filter(run_t      *run,
            const char *input,
            int        in_fd,
            int        out_fd,
            int        err_fd,
            const char *tmpdir)
{
  g_autofree char *path = filter_path();
  g_autofree char *options = g_strdup_printf("job-uuid=" UUID " %s", run->options ? run->options : "");
  char *argv[] = { "vault-account", "42", "alice", "Test job", (char *)(run->copies ? run->copies : "1"),
                   options, (char *)input, NULL };

  dup2(in_fd, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  g_setenv("TMPDIR", tmpdir, TRUE);
  if (run->content_type)
    g_setenv("CONTENT_TYPE", run->content_type, TRUE);
  else
    g_unsetenv("CONTENT_TYPE");
  if (run->ppd)
    g_setenv("PPD", run->ppd, TRUE);
  else
    g_unsetenv("PPD");
#ifdef VAULT_TEST_SANITIZED
  {
    const char *src = g_getenv("top_srcdir");
    g_autofree char *supp = g_strdup_printf("suppressions=%s/tests/filter/lsan.supp", src ? src : ".");

    g_setenv("LSAN_OPTIONS", supp, FALSE);
  }
#endif
  execv(path, argv);
  _exit(127);
}


/*
 * 'spawn_filter()' - Start the filter with the given fds; returns its pid.
 */

pid_t
spawn_filter(run_t      *run,
             int        in_fd,
             int        out_fd,
             int        err_fd,
             const char *tmpdir)
{
  pid_t pid = fork();

  if (pid == 0)
    exec_filter(run, NULL, in_fd, out_fd, err_fd, tmpdir);
  g_assert_cmpint(pid, >, 0);

  return (pid);
}


/*
 * 'run_filter()' - Run the filter on data; fill run's results.
 */

void
run_filter(run_t  *run,
           GBytes *data)
{
  g_autofree char *dir = g_dir_make_tmp("acct-XXXXXX", NULL);
  g_autofree char *input = g_build_filename(dir, "input", NULL);
  g_autofree char *outp = g_build_filename(dir, "stdout", NULL);
  g_autofree char *errp = g_build_filename(dir, "stderr", NULL);
  g_autofree char *tmpdir = g_build_filename(dir, "tmp", NULL);
  g_autofree char *counts = NULL;
  char		  *buf;
  gsize		  len;
  int		  in_fd, out_fd, err_fd;
  pid_t		  pid;

  g_assert_cmpint(g_mkdir(tmpdir, 0700), ==, 0);
  g_assert_true(g_file_set_contents(input, g_bytes_get_data(data, NULL), (gssize)g_bytes_get_size(data), NULL));
  in_fd  = run->use_stdin ? open(input, O_RDONLY) : open("/dev/null", O_RDONLY);
  out_fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  err_fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_true(in_fd >= 0 && out_fd >= 0 && err_fd >= 0);

  if ((pid = fork()) == 0)
    exec_filter(run, run->use_stdin ? NULL : input, in_fd, out_fd, err_fd, tmpdir);
  g_assert_cmpint(pid, >, 0);
  close(in_fd); close(out_fd); close(err_fd);
  g_assert_cmpint(waitpid(pid, &run->status, 0), ==, pid);

  g_assert_true(g_file_get_contents(outp, &buf, &len, NULL));
  run->out = g_bytes_new_take(buf, len);
  g_assert_true(g_file_get_contents(errp, &run->err, NULL, NULL));
  counts = g_build_filename(tmpdir, "vault-account-42.counts", NULL);
  run->record = vaultAccountRecordRead(counts, NULL);
  if (g_test_verbose())
    g_printerr("%s", run->err);

  g_unlink(counts); g_unlink(input); g_unlink(outp); g_unlink(errp);
  g_rmdir(tmpdir); g_rmdir(dir);
}


/*
 * 'run_clear()' - Free a run's results.
 */

void
run_clear(run_t *run)
{
  g_clear_pointer(&run->out, g_bytes_unref);
  g_clear_pointer(&run->err, g_free);
  g_clear_pointer(&run->record, vaultAccountRecordFree);
}


/*
 * 'assert_passed()' - Exit 0, output identical to input, a counts file.
 */

void
assert_passed(run_t  *run,
              GBytes *data)
{
  g_assert_true(WIFEXITED(run->status));
  g_assert_cmpint(WEXITSTATUS(run->status), ==, 0);
  g_assert_cmpuint(g_bytes_get_size(run->out), ==, g_bytes_get_size(data));
  g_assert_true(g_bytes_equal(run->out, data));
  g_assert_nonnull(run->record);
  g_assert_cmpint(run->record->job_id, ==, 42);
  g_assert_cmpstr(run->record->job_uuid, ==, UUID);
}


/*
 * 'assert_totals()' - The job's totals.
 */

void
assert_totals(const run_t *run,
              bool        counted,
              guint64     pages,
              guint64     impressions,
              guint64     sheets)
{
  g_assert_cmpint(run->record->counted, ==, counted);
  g_assert_cmpuint(run->record->pages, ==, pages);
  g_assert_cmpuint(run->record->impressions, ==, impressions);
  g_assert_cmpuint(run->record->sheets, ==, sheets);
}


/*
 * 'assert_media()' - One media group's counts.
 */

void
assert_media(const run_t *run,
             guint       index,
             const char  *media,
             const char  *tray,
             guint64     pages,
             guint64     impressions,
             guint64     sheets)
{
  const vault_account_media_t *m;

  g_assert_cmpuint(index, <, run->record->media->len);
  m = g_ptr_array_index(run->record->media, index);
  g_assert_cmpstr(m->media, ==, media);
  g_assert_cmpstr(m->tray, ==, tray);
  g_assert_cmpuint(m->pages, ==, pages);
  g_assert_cmpuint(m->impressions, ==, impressions);
  g_assert_cmpuint(m->sheets, ==, sheets);
}


/*
 * 'page_lines()' - The PAGE: lines of a run, joined with '|'.
 */

char *
page_lines(const run_t *run)
{
  g_auto(GStrv)	lines = g_strsplit(run->err, "\n", -1);
  GString	*out = g_string_new(NULL);

  for (int i = 0; lines[i]; i ++)
    if (g_str_has_prefix(lines[i], "PAGE: "))
      g_string_append_printf(out, "%s%s", out->len ? "|" : "", lines[i] + 6);

  return (g_string_free(out, FALSE));
}


/*
 * 'count_lines()' - How many stderr lines start with prefix.
 */

int
count_lines(const run_t *run,
            const char  *prefix)
{
  g_auto(GStrv)	lines = g_strsplit(run->err, "\n", -1);
  int		count = 0;

  for (int i = 0; lines[i]; i ++)
    count += g_str_has_prefix(lines[i], prefix);

  return (count);
}

