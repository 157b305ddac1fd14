/*
 * The between-jobs gate: a query sees a queue's counters only between two
 * jobs, and a pending query goes ahead of the next job.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Two flock(2) files per queue under <root>/locks:
 *   queue-<name>.query   held EX by a query from its arrival to its answer;
 *                        a job takes it SH only for an instant, to check
 *                        that no query is pending.
 *   queue-<name>.print   held EX by a job from before its inner backend
 *                        starts until its counters are applied; a query
 *                        takes it EX to wait for the running job's end.
 * A job enters with: query SH and print EX both without blocking, then drops
 * query SH; when either is busy it drops what it got and tries again.  So a
 * job never sits on the query file while it waits, and a query that arrives
 * mid-job takes the query file at once: the running job ends, the query gets
 * the print file and answers, and only then can the next job enter.
 * Locks vanish with their process, so a crashed backend or daemon never
 * leaves a queue gated.  Every wait is bounded by a deadline and polls with
 * a short backoff (1 ms doubling to 4 ms): flock has no timeout of its own.
 */

#include "spool-private.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define GATE_POLL_MIN_US	1000
#define GATE_POLL_MAX_US	4000

struct _vault_gate_s
{
  int	query_fd;			/* queue-<name>.query */
  int	print_fd;			/* queue-<name>.print */
};


/*
 * 'vaultQueueNameIsValid()' - The CUPS printer-name alphabet: 1..127 bytes,
 *                             no control characters, space, DEL, / \ ? '
 *                             " or #.  Safe as part of a file name.
 */

bool
vaultQueueNameIsValid(const char *queue)
{
  size_t len = queue ? strlen(queue) : 0;

  if (len == 0 || len >= 128)
    return (false);

  for (const unsigned char *p = (const unsigned char *)queue; *p; p ++)
    if (*p <= ' ' || *p == 127 || strchr("/\\?'\"#", *p))
      return (false);

  return (true);
}


/*
 * '_vaultQueueLockOpen()' - Open (creating, mode 0600) the lock file
 *                           <root>/locks/queue-<queue>.<what>.  Returns the
 *                           fd, or -1 with INVALID (bad name) or IO.
 */

int
_vaultQueueLockOpen(vault_store_t *store, const char *queue, const char *what, GError **error)
{
  char	*path;
  int	fd;

  if (!vaultQueueNameIsValid(queue))
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_INVALID, "Invalid queue name \"%s\".", queue ? queue : "(null)");
    return (-1);
  }

  path = g_strdup_printf("%s/queue-%s.%s", store->locks_dir, queue, what);
  if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
    _vaultSetIoError(error, errno, "Cannot open the lock file", path);

  g_free(path);
  return (fd);
}


/*
 * '_vaultFlockUntil()' - flock(fd, op | LOCK_NB) until it succeeds, the
 *                        monotonic deadline (microseconds; < 0 = never)
 *                        passes or *stop (when given) becomes non-zero.
 *                        LOCKED naming what then, IO on any other failure.
 */

bool
_vaultFlockUntil(int fd, int op, gint64 deadline_us, const gint *stop, const char *what, GError **error)
{
  gulong delay = GATE_POLL_MIN_US;

  for (;;)
  {
    if (flock(fd, op | LOCK_NB) == 0)
      return (true);

    if (errno != EWOULDBLOCK && errno != EINTR)
    {
      _vaultSetIoError(error, errno, "Cannot lock", what);
      return (false);
    }

    if (stop && g_atomic_int_get(stop))
    {
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_LOCKED, "Stopped while waiting for %s.", what);
      return (false);
    }

    if (deadline_us >= 0 && g_get_monotonic_time() >= deadline_us)
    {
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_LOCKED, "Timed out waiting for %s.", what);
      return (false);
    }

    g_usleep(delay);
    delay = MIN(delay * 2, GATE_POLL_MAX_US);
  }
}


/*
 * 'gate_open()' - Open both lock files of a queue; NULL with INVALID or IO.
 */

static vault_gate_t *
gate_open(vault_store_t *store, const char *queue, GError **error)
{
  vault_gate_t *gate = g_new(vault_gate_t, 1);

  gate->print_fd = -1;
  if ((gate->query_fd = _vaultQueueLockOpen(store, queue, "query", error)) < 0 ||
      (gate->print_fd = _vaultQueueLockOpen(store, queue, "print", error)) < 0)
  {
    if (gate->query_fd >= 0)
      close(gate->query_fd);
    g_free(gate);
    return (NULL);
  }

  return (gate);
}


/*
 * 'gate_close()' - Release whatever the gate holds and free it.
 */

static void
gate_close(vault_gate_t *gate)
{
  if (!gate)
    return;

  close(gate->query_fd);		/* Closing the last fd drops the flock */
  close(gate->print_fd);
  g_free(gate);
}


/*
 * 'deadline_of()' - Monotonic deadline for timeout_ms (< 0: none).
 */

static gint64
deadline_of(int timeout_ms)
{
  return (timeout_ms < 0 ? -1 : g_get_monotonic_time() + (gint64)timeout_ms * 1000);
}


/*
 * 'vaultGateEnterJob()' - Wait until no query is pending and no other job
 *                         runs on queue, then hold the print gate.  Returns
 *                         the gate, or NULL with LOCKED (timed out; nothing
 *                         held), INVALID or IO.  Nothing durable.
 */

vault_gate_t *
vaultGateEnterJob(vault_store_t *store, const char *queue, int timeout_ms, GError **error)
{
  vault_gate_t	*gate;
  gint64	deadline = deadline_of(timeout_ms);
  gulong	delay = GATE_POLL_MIN_US;

  g_return_val_if_fail(store != NULL, NULL);

  if ((gate = gate_open(store, queue, error)) == NULL)
    return (NULL);

  for (;;)
  {
    if (flock(gate->query_fd, LOCK_SH | LOCK_NB) == 0)
    {
      if (flock(gate->print_fd, LOCK_EX | LOCK_NB) == 0)
      {
        flock(gate->query_fd, LOCK_UN);
        return (gate);
      }
      flock(gate->query_fd, LOCK_UN);
    }

    if (deadline >= 0 && g_get_monotonic_time() >= deadline)
    {
      g_set_error(error, VAULT_ERROR, VAULT_ERROR_LOCKED, "Timed out after %d s waiting for queries and the previous job on %s to finish.", timeout_ms / 1000, queue);
      gate_close(gate);
      return (NULL);
    }

    g_usleep(delay);
    delay = MIN(delay * 2, GATE_POLL_MAX_US);
  }
}


/*
 * 'vaultGateLeaveJob()' - Let queries and the next job in (NULL allowed).
 */

void
vaultGateLeaveJob(vault_gate_t *gate)
{
  gate_close(gate);
}


/*
 * 'vaultGateBeginQuery()' - Hold the query gate (the next job now waits),
 *                           then wait for the running job, if any, to leave.
 *                           Returns the gate, or NULL with LOCKED (timed
 *                           out, or *stop set: nothing held), INVALID or
 *                           IO.
 */

vault_gate_t *
vaultGateBeginQuery(vault_store_t *store, const char *queue, int timeout_ms, const gint *stop, GError **error)
{
  vault_gate_t	*gate;
  gint64	deadline = deadline_of(timeout_ms);
  char		what[192];

  g_return_val_if_fail(store != NULL, NULL);

  if ((gate = gate_open(store, queue, error)) == NULL)
    return (NULL);

  g_snprintf(what, sizeof(what), "the job printing on %s to end", queue);

  if (!_vaultFlockUntil(gate->query_fd, LOCK_EX, deadline, stop, "other queries on the queue", error) ||
      !_vaultFlockUntil(gate->print_fd, LOCK_EX, deadline, stop, what, error))
  {
    gate_close(gate);
    return (NULL);
  }

  return (gate);
}


/*
 * 'vaultGateEndQuery()' - Release both gates (NULL allowed).
 */

void
vaultGateEndQuery(vault_gate_t *gate)
{
  gate_close(gate);
}
