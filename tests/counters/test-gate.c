/*
 * Unit tests of the between-jobs gate (spool-gate.c) with forked processes
 * playing backends and vaultd: a query waits for the running job, goes
 * ahead of the next job, times out cleanly, and a killed job frees the gate.
 * Times are CLOCK_MONOTONIC (g_get_monotonic_time), shared by all processes.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "config.h"
#include "test-spool-util.h"
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#define MS 1000				/* Microseconds per millisecond */

/* What a child saw: when it got the gate, and when it let go. */
typedef struct times_s
{
  gint64	got, left;
} times_t;


/*
 * 'child_run()' - Fork a process that takes the gate (a job, or a query),
 *                 holds it hold_ms, releases it, and sends its times down
 *                 a pipe.  Returns the pid; *fd is the pipe's read end.
 */

static pid_t
child_run(vt_t *t, bool job, int hold_ms, int *fd)
{
  int	p[2];
  pid_t	pid;

  g_assert_cmpint(pipe(p), ==, 0);
  if ((pid = fork()) == 0)
  {
    times_t		times = { 0, 0 };
    vault_gate_t	*gate;

    close(p[0]);
    gate = job ? vaultGateEnterJob(t->store, "q", 10000, NULL) : vaultGateBeginQuery(t->store, "q", 10000, NULL, NULL);
    times.got = g_get_monotonic_time();
    if (write(p[1], &times.got, sizeof(times.got)) < 0)
      _exit(2);
    g_usleep((gulong)hold_ms * MS);
    times.left = g_get_monotonic_time();
    if (job)
      vaultGateLeaveJob(gate);
    else
      vaultGateEndQuery(gate);
    _exit(gate && write(p[1], &times.left, sizeof(times.left)) == sizeof(times.left) ? 0 : 1);
  }

  close(p[1]);
  *fd = p[0];
  return (pid);
}


/*
 * 'child_got()' - Wait until the child holds its gate; returns when.
 */

static gint64
child_got(int fd)
{
  gint64 when = 0;

  g_assert_cmpint(read(fd, &when, sizeof(when)), ==, sizeof(when));
  return (when);
}


/*
 * 'child_end()' - Reap the child; returns when it let go of its gate.
 */

static gint64
child_end(pid_t pid, int fd)
{
  gint64	when = 0;
  int		status;

  g_assert_cmpint(read(fd, &when, sizeof(when)), ==, sizeof(when));
  close(fd);
  g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
  g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return (when);
}


/*
 * '/gate/query-waits-for-job' - A query that arrives mid-job gets the gate
 *                               only after the job left it.
 */

static void
test_query_waits(void)
{
  vt_t		t;
  int		fd;
  pid_t		job;
  gint64	got, left;
  vault_gate_t	*gate;
  GError	*error = NULL;

  vtSetup(&t, "1M", "1M", NULL);

  job = child_run(&t, true, 300, &fd);
  child_got(fd);
  gate = vaultGateBeginQuery(t.store, "q", 5000, NULL, &error);
  got  = g_get_monotonic_time();
  g_assert_no_error(error);
  left = child_end(job, fd);
  g_assert_cmpint(got, >=, left);
  g_test_message("query answered %.3f ms after the job left", (double)(got - left) / MS);
  g_assert_cmpint(got - left, <, 100 * MS);
  vaultGateEndQuery(gate);

  vtTeardown(&t);
}


/*
 * '/gate/query-before-next-job' - Job A prints; a query arrives; job B
 *                                 arrives after the query.  Order: A ends,
 *                                 the query runs, then B starts.
 */

static void
test_query_first(void)
{
  vt_t		t;
  int		fa, fq, fb;
  pid_t		a, q, b;
  gint64	a_left, q_got, q_left, b_got;

  vtSetup(&t, "1M", "1M", NULL);

  a = child_run(&t, true, 400, &fa);
  child_got(fa);
  q = child_run(&t, false, 150, &fq);
  g_usleep(100 * MS);			/* The query is waiting at the gate */
  b = child_run(&t, true, 0, &fb);

  a_left = child_end(a, fa);
  q_got  = child_got(fq);
  q_left = child_end(q, fq);
  b_got  = child_got(fb);
  child_end(b, fb);

  g_assert_cmpint(q_got, >=, a_left);
  g_assert_cmpint(b_got, >=, q_left);
  g_test_message("A left, query got the gate %.3f ms later; B started %.3f ms after the query ended",
                 (double)(q_got - a_left) / MS, (double)(b_got - q_left) / MS);

  vtTeardown(&t);
}


/*
 * '/gate/timeout' - A query that waits too long fails with LOCKED and
 *                   holds nothing: the next job then starts at once.  A job
 *                   that waits too long for a query fails the same way.
 */

static void
test_timeout(void)
{
  vt_t		t;
  int		fd;
  pid_t		job, query;
  gint64	start;
  vault_gate_t	*gate;
  GError	*error = NULL;

  vtSetup(&t, "1M", "1M", NULL);

  job   = child_run(&t, true, 800, &fd);
  child_got(fd);
  start = g_get_monotonic_time();
  g_assert_null(vaultGateBeginQuery(t.store, "q", 200, NULL, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_LOCKED);
  g_clear_error(&error);
  g_assert_cmpint(g_get_monotonic_time() - start, >=, 200 * MS);
  g_assert_cmpint(g_get_monotonic_time() - start, <, 700 * MS);
  child_end(job, fd);

  gate = vaultGateEnterJob(t.store, "q", 0, &error);	/* Nothing left held */
  g_assert_no_error(error);
  vaultGateLeaveJob(gate);

  query = child_run(&t, false, 800, &fd);
  child_got(fd);
  g_assert_null(vaultGateEnterJob(t.store, "q", 200, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_LOCKED);
  g_clear_error(&error);
  child_end(query, fd);

  vtTeardown(&t);
}


/*
 * '/gate/pending-query' - While a query is pending (it holds the query file
 *                         and waits for the print file), no job may enter,
 *                         even when the print file is free for an instant.
 */

static void
test_pending(void)
{
  vt_t		t;
  int		fd;
  vault_gate_t	*gate;
  GError	*error = NULL;

  vtSetup(&t, "1M", "1M", NULL);

  fd = _vaultQueueLockOpen(t.store, "q", "query", &error);
  g_assert_no_error(error);
  g_assert_true(_vaultFlockUntil(fd, LOCK_EX, -1, NULL, "query", &error));
  g_assert_null(vaultGateEnterJob(t.store, "q", 150, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_LOCKED);
  g_clear_error(&error);
  close(fd);

  gate = vaultGateEnterJob(t.store, "q", 150, &error);
  g_assert_no_error(error);
  vaultGateLeaveJob(gate);

  vtTeardown(&t);
}


/*
 * '/gate/killed-job' - A job killed while it holds the gate frees it.
 */

static void
test_killed(void)
{
  vt_t		t;
  int		fd, status;
  pid_t		job;
  vault_gate_t	*gate;
  GError	*error = NULL;

  vtSetup(&t, "1M", "1M", NULL);

  job = child_run(&t, true, 60000, &fd);
  child_got(fd);
  kill(job, SIGKILL);
  g_assert_cmpint(waitpid(job, &status, 0), ==, job);
  close(fd);

  gate = vaultGateBeginQuery(t.store, "q", 1000, NULL, &error);
  g_assert_no_error(error);
  vaultGateEndQuery(gate);

  vtTeardown(&t);
}


/*
 * '/gate/stop' - A waiting query gives up once its stop flag is set, and a
 *                bad queue name is refused.
 */

static gpointer
set_stop(gpointer data)
{
  g_usleep(150 * MS);
  g_atomic_int_set((gint *)data, 1);
  return (NULL);
}

static void
test_stop(void)
{
  vt_t		t;
  int		fd;
  pid_t		job;
  gint		stop = 0;
  gint64	start;
  GThread	*thread;
  GError	*error = NULL;

  vtSetup(&t, "1M", "1M", NULL);

  job    = child_run(&t, true, 600, &fd);
  child_got(fd);
  thread = g_thread_new("stop", set_stop, &stop);
  start  = g_get_monotonic_time();
  g_assert_null(vaultGateBeginQuery(t.store, "q", 5000, &stop, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_LOCKED);
  g_clear_error(&error);
  g_assert_cmpint(g_get_monotonic_time() - start, <, 500 * MS);
  g_thread_join(thread);
  child_end(job, fd);

  g_assert_null(vaultGateEnterJob(t.store, "a/b", 100, &error));
  g_assert_error(error, VAULT_ERROR, VAULT_ERROR_INVALID);
  g_clear_error(&error);

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

  g_test_add_func("/gate/query-waits-for-job", test_query_waits);
  g_test_add_func("/gate/query-before-next-job", test_query_first);
  g_test_add_func("/gate/pending-query", test_pending);
  g_test_add_func("/gate/timeout", test_timeout);
  g_test_add_func("/gate/killed-job", test_killed);
  g_test_add_func("/gate/stop", test_stop);

  return (g_test_run());
}
