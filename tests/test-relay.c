/*
 * Unit test of relaying the inner backend's messages without its page
 * reports (backend/vault-inner-relay.c): every line but "PAGE:" lines
 * passes unchanged and in order, also when it comes over many reads, a
 * last line without a newline, and a line longer than the relay's buffer;
 * a process left behind with the pipe open does not hold the relay.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "backend.h"
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>


/*
 * 'relay()' - What backendRelayWithoutPages writes to stderr for input,
 *             written into its pipe step bytes at a time (g_free).
 */

static char *
relay(const char *input, size_t len, size_t step)
{
  int		in[2], out, saved = dup(2);
  char		*path = NULL, *got;
  pid_t		writer;

  g_assert_cmpint(pipe(in), ==, 0);
  g_assert_cmpint(out = g_file_open_tmp("test-relay-XXXXXX", &path, NULL), >=, 0);

  if ((writer = fork()) == 0)
  {
    close(in[0]);
    for (size_t done = 0; done < len; done += step)
    {
      if (write(in[1], input + done, MIN(step, len - done)) < 0)
        _exit(1);
      usleep(200);
    }
    _exit(0);
  }

  close(in[1]);
  g_assert_cmpint(dup2(out, 2), ==, 2);
  backendRelayWithoutPages(in[0], writer);
  dup2(saved, 2);
  close(saved);
  close(out);
  close(in[0]);
  waitpid(writer, NULL, 0);

  g_assert_true(g_file_get_contents(path, &got, NULL, NULL));
  unlink(path);
  g_free(path);
  return (got);
}


/*
 * '/backend/relay/pages' - PAGE: lines go, the rest stays, in any pieces.
 */

static void
test_pages(void)
{
  static const char input[] = "INFO: Connected\nPAGE: 1 2\nDEBUG: x PAGE: 1 1\nPAGE: total 3\nSTATE: +connecting\nINFO: done";
  static const char want[] = "INFO: Connected\nDEBUG: x PAGE: 1 1\nSTATE: +connecting\nINFO: done";
  static const size_t steps[] = { sizeof(input), 1, 3, 7 };

  for (guint i = 0; i < G_N_ELEMENTS(steps); i ++)
  {
    char *got = relay(input, strlen(input), steps[i]);

    g_assert_cmpstr(got, ==, want);
    g_free(got);
  }
}


/*
 * '/backend/relay/long' - A line longer than the buffer passes whole; a
 *                         long PAGE: line goes whole.
 */

static void
test_long(void)
{
  GString	*input = g_string_new(NULL), *want = g_string_new(NULL);
  char		*got;

  g_string_append(input, "DEBUG: ");
  for (int i = 0; i < 1500; i ++)
    g_string_append(input, "long ");
  g_string_append_c(input, '\n');
  g_string_append(want, input->str);
  g_string_append(input, "PAGE: ");
  for (int i = 0; i < 1500; i ++)
    g_string_append(input, "1 1 ");
  g_string_append(input, "\nINFO: after\n");
  g_string_append(want, "INFO: after\n");

  got = relay(input->str, input->len, 1000);
  g_assert_cmpstr(got, ==, want->str);

  g_free(got);
  g_string_free(input, TRUE);
  g_string_free(want, TRUE);
}


/*
 * '/backend/relay/left-behind' - A process the inner backend leaves behind
 *                                with its stderr open does not keep the
 *                                relay waiting once the backend exited.
 */

static void
test_left_behind(void)
{
  int		in[2], out, saved = dup(2);
  char		*path = NULL, *got = NULL;
  pid_t		child, left = -1;
  gint64	start;
  int		report[2];

  g_assert_cmpint(pipe(in), ==, 0);
  g_assert_cmpint(pipe(report), ==, 0);
  g_assert_cmpint(out = g_file_open_tmp("test-relay-XXXXXX", &path, NULL), >=, 0);

  if ((child = fork()) == 0)
  {
    pid_t grandchild;

    close(in[0]);
    if ((grandchild = fork()) == 0)	/* Holds the write end for a minute */
    {
      sleep(60);
      _exit(0);
    }
    if (write(report[1], &grandchild, sizeof(grandchild)) < 0 || write(in[1], "INFO: sent\nPAGE: 1 1\n", 22) < 0)
      _exit(1);
    _exit(0);
  }

  close(in[1]);
  g_assert_cmpint(read(report[0], &left, sizeof(left)), ==, sizeof(left));
  start = g_get_monotonic_time();
  g_assert_cmpint(dup2(out, 2), ==, 2);
  backendRelayWithoutPages(in[0], child);
  dup2(saved, 2);
  g_assert_cmpint(g_get_monotonic_time() - start, <, 5 * G_USEC_PER_SEC);

  kill(left, SIGKILL);
  waitpid(child, NULL, 0);
  g_assert_true(g_file_get_contents(path, &got, NULL, NULL));
  g_assert_cmpstr(got, ==, "INFO: sent\n");

  close(saved);
  close(out);
  close(in[0]);
  close(report[0]);
  close(report[1]);
  unlink(path);
  g_free(path);
  g_free(got);
}


/*
 * 'main()' - Run the tests.
 */

int
main(int argc, char *argv[])
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/backend/relay/pages", test_pages);
  g_test_add_func("/backend/relay/long", test_long);
  g_test_add_func("/backend/relay/left-behind", test_left_behind);
  return (g_test_run());
}
