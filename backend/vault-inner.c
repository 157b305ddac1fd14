/*
 * Running the real backend behind the vault (found by vault-inner-find.c):
 * start it as cupsd would, and feed it the decrypted vault copy of the job.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The inner backend gets argv[0] = the inner URI without credentials, the
 * same argv[1..5], the data on its stdin through a pipe (no file; but a raw
 * queue's job with copies > 1, and every job for lpd, comes as the file
 * argv[6], a sealed memfd: see backendInnerRun), DEVICE_URI =
 * the full inner URI, fds 1..4 inherited untouched (so the back-channel
 * and side-channel reach it), and stderr inherited so cupsd parses its
 * messages directly (relayed without "PAGE:" lines when the file was
 * cupsd's stdin: vault-inner-relay.c).  cupsd runs a backend as the CUPS user when its file
 * has a group/other write or other execute bit; so do we.  A
 * SIGTERM from cupsd (job canceled) is forwarded; if this process dies the
 * kernel sends the inner backend SIGTERM too (PR_SET_PDEATHSIG), so it
 * stops instead of sending a cut-off document to the end.
 */

#include "backend.h"

#include <cups/backend.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define BACKEND_FEED_SIZE 65536		/* Bytes per read from the vault */

static volatile sig_atomic_t	terminated = 0;	/* SIGTERM received */
static volatile pid_t		inner_pid = 0;	/* Running inner backend */


/*
 * 'sigterm_handler()' - Remember cupsd's SIGTERM and pass it on.
 */

static void
sigterm_handler(int sig)		/* I - Signal */
{
  (void)sig;

  terminated = 1;

  if (inner_pid > 0)
    kill(inner_pid, SIGTERM);
}


/*
 * 'backendSignalsInit()' - Ignore SIGPIPE, catch SIGTERM.
 *
 * SIGPIPE is ignored so a closed stderr (cupsd killed) or an inner backend
 * that stops reading never kills the run; the inner backend inherits this.
 */

void
backendSignalsInit(void)
{
  struct sigaction	action;		/* Signal action */

  memset(&action, 0, sizeof(action));
  action.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &action, NULL);

  action.sa_handler = sigterm_handler;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, NULL);
}


/*
 * 'backendTerminated()' - True once cupsd sent SIGTERM.
 */

bool
backendTerminated(void)
{
  return (terminated != 0);
}


/* How the child gets the job: stdin, or the file argv[6] (from memory). */
typedef struct child_io_s
{
  int			stdin_fd;	/* Becomes fd 0 */
  int			stderr_fd;	/* Becomes fd 2, or -1: ours */
  int			file_fd;	/* memfd holding the job, or -1 */
  char			file_path[64];	/* argv[6] naming file_fd */
  char			*copies;	/* argv[4]: copies it makes of argv[6] */
  const sigset_t	*mask;		/* Signal mask to restore in the child */
} child_io_t;


/*
 * 'child_exec()' - In the child: set up signals, stdin, identity and
 *                  environment, exec.
 *
 * SIGTERM arrives here blocked (start_inner); it goes back to SIG_DFL before
 * it is unblocked, so a cancel that raced fork() ends the child instead of
 * running the parent's handler.  On failure writes errno to report_fd and
 * exits; never returns.
 */

static void
child_exec(const backend_inner_t *inner,	/* I - Inner backend */
           const backend_uri_t   *uri,		/* I - URI */
           char                  *argv[],	/* I - Backend argv */
           const child_io_t      *io,		/* I - stdin and job file */
           int                   report_fd)	/* I - Close-on-exec error pipe */
{
  char			*child_argv[8];	/* Inner argv */
  struct sigaction	action;		/* Signal action */
  int			err;		/* errno to report */

  memset(&action, 0, sizeof(action));
  action.sa_handler = SIG_DFL;
  sigaction(SIGTERM, &action, NULL);
  sigprocmask(SIG_SETMASK, io->mask, NULL);

  if (dup2(io->stdin_fd, 0) < 0)
    goto fail;
  if (io->stdin_fd != 0)
    close(io->stdin_fd);
  if (io->stderr_fd >= 0 && dup2(io->stderr_fd, 2) < 0)
    goto fail;
  if (io->file_fd >= 0 && fcntl(io->file_fd, F_SETFD, 0) < 0)
    goto fail;				/* The one fd the inner backend inherits */

  if (inner->drop_privileges)
  {
    if (setgroups(1, &inner->gid) || setgid(inner->gid) || setuid(inner->uid))
      goto fail;
  }

  prctl(PR_SET_PDEATHSIG, SIGTERM);

  if (setenv("DEVICE_URI", uri->full, 1))
    goto fail;

  child_argv[0] = uri->sanitized;
  for (int i = 1; i < 6; i ++)
    child_argv[i] = argv[i];
  child_argv[4] = io->copies;
  child_argv[6] = io->file_fd >= 0 ? (char *)io->file_path : NULL;
  child_argv[7] = NULL;

  execv(inner->path, child_argv);

  fail:

  err = errno;
  if (write(report_fd, &err, sizeof(err)) < 0)
    err = 0;
  _exit(CUPS_BACKEND_FAILED);
}


/*
 * 'feed()' - Copy the decrypted vault copy into fd (the inner backend's
 *            stdin, or the memfd of a raw queue's copies).
 *
 * Returns false (error set) when the vault copy cannot be read whole.  A
 * failed write (EPIPE: the inner backend stopped reading) or a SIGTERM ends
 * the copy without an error; *write_err is then the write's errno.
 */

static bool
feed(vault_reader_t *reader,		/* I - Decrypting reader */
     int            fd,			/* I - Pipe or memfd */
     int            *write_err,		/* O - errno of a failed write, else 0 */
     GError         **error)		/* O - Error */
{
  char		*buffer = g_malloc(BACKEND_FEED_SIZE);
  gssize	bytes;			/* Bytes read */
  bool		ok = true;		/* Result */

  *write_err = 0;

  while (!terminated && (bytes = vaultReaderRead(reader, buffer, BACKEND_FEED_SIZE, error)) != 0)
  {
    if (bytes < 0)
    {
      ok = false;
      break;
    }

    for (gssize done = 0, n; done < bytes && !terminated; done += n)
    {
      if ((n = write(fd, buffer + done, (size_t)(bytes - done))) < 0)
      {
        if (errno == EINTR)
        {
          n = 0;
          continue;
        }

        *write_err = errno;
        goto out;
      }
    }
  }

  out:

  memset(buffer, 0, BACKEND_FEED_SIZE);
  g_free(buffer);

  return (ok);
}


/*
 * 'wait_inner()' - Wait for the inner backend and describe how it ended.
 */

static void
wait_inner(pid_t                  pid,		/* I - Child */
           backend_inner_result_t *result)	/* O - Result */
{
  int	status;				/* Wait status */

  while (waitpid(pid, &status, 0) < 0)
  {
    if (errno != EINTR)
    {
      result->status = CUPS_BACKEND_FAILED;
      return;
    }
  }

  inner_pid          = 0;
  result->terminated = terminated != 0;

  if (WIFEXITED(status))
    result->status = WEXITSTATUS(status);
  else
  {
    result->status = -1;
    result->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
}


/*
 * 'start_inner()' - Fork and exec the inner backend.
 *
 * SIGTERM is blocked from before fork() until inner_pid is set, so a cancel
 * in that window is forwarded to the child once unblocked, never lost nor
 * handled by the child with our handler.  Returns false with INNER_START
 * when the backend could not be started (a child that failed to exec is
 * reaped); the caller closes the fds in io.
 */

static bool
start_inner(const backend_inner_t *inner,	/* I - Inner backend */
            const backend_uri_t   *uri,		/* I - URI */
            char                  *argv[],	/* I - Backend argv */
            child_io_t            *io,		/* I - stdin and job file */
            pid_t                 *pid,		/* O - Child */
            GError                **error)	/* O - Error */
{
  int				report[2];	/* Exec-error pipe */
  int				err;		/* errno of fork() or the child */
  sigset_t			block, saved;	/* SIGTERM blocked around fork() */
  backend_inner_result_t	ignored;	/* A child that did not exec */

  if (pipe2(report, O_CLOEXEC))
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_START, "Unable to create a pipe: %s", g_strerror(errno));
    return (false);
  }

  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigprocmask(SIG_BLOCK, &block, &saved);
  io->mask = &saved;

  if ((*pid = fork()) == 0)
    child_exec(inner, uri, argv, io, report[1]);

  err = errno;
  if (*pid > 0)
    inner_pid = *pid;
  sigprocmask(SIG_SETMASK, &saved, NULL);	/* A pending SIGTERM is forwarded now */
  close(report[1]);

  if (*pid < 0)
  {
    close(report[0]);
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_START, "Unable to start the %s backend: %s", uri->scheme, g_strerror(err));
    return (false);
  }

  if (terminated)
    kill(*pid, SIGTERM);

  if (read(report[0], &err, sizeof(err)) == sizeof(err))
  {
    close(report[0]);
    wait_inner(*pid, &ignored);
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_START, "Unable to start %s: %s", inner->path, g_strerror(err));
    return (false);
  }
  close(report[0]);

  return (true);
}


/*
 * 'run_streamed()' - Run the inner backend with the job on its stdin.
 */

static bool
run_streamed(const backend_inner_t  *inner,	/* I - Inner backend */
             const backend_uri_t    *uri,	/* I - URI */
             char                   *argv[],	/* I - Backend argv */
             vault_reader_t         *reader,	/* I - Vault copy */
             backend_inner_result_t *result,	/* O - How it ended */
             GError                 **error)	/* O - Error */
{
  child_io_t	io = { .file_fd = -1, .stderr_fd = -1, .copies = argv[4] };	/* Child's stdin */
  int		data[2];		/* Data pipe */
  int		write_err;		/* EPIPE: it stopped reading */
  pid_t		pid;			/* Child */
  bool		ok;			/* Vault copy read whole */

  if (pipe2(data, O_CLOEXEC))
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_START, "Unable to create a pipe: %s", g_strerror(errno));
    return (false);
  }

  io.stdin_fd = data[0];
  ok          = start_inner(inner, uri, argv, &io, &pid, error);
  close(data[0]);

  if (!ok)
  {
    close(data[1]);
    return (false);
  }

  if ((ok = feed(reader, data[1], &write_err, error)) == false)
    kill(pid, SIGTERM);

  close(data[1]);
  wait_inner(pid, result);

  return (ok);
}


/* 'release_memory()' - Free the memfd's pages now (a grandchild may hold it), close it. */

static void
release_memory(int fd)			/* I - memfd */
{
  if (ftruncate(fd, 0))
    backendLog("DEBUG", "Unable to empty the in-memory copy: %s", g_strerror(errno));
  close(fd);
}


/*
 * 'hold_in_memory()' - Decrypt the vault copy into a sealed memfd: RAM (the
 *                      job's size), never a file on disk.  Returns the fd,
 *                      or -1 with the reader's error or INNER_START.
 */

static int
hold_in_memory(vault_reader_t *reader,	/* I - Vault copy */
               GError         **error)	/* O - Error */
{
  int		fd;			/* memfd */
  int		write_err;		/* errno of a failed write */

  if ((fd = memfd_create("cups-vault-job", MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0)
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_START, "Unable to hold the job in memory for the printer's backend: %s", g_strerror(errno));
    return (-1);
  }

  if (!feed(reader, fd, &write_err, error))
  {
    release_memory(fd);
    return (-1);
  }

  // Sealed against writes: the inner backend (maybe the CUPS user) only
  // reads.  Not against shrinking: release_memory empties it.
  if (write_err || fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SEAL) < 0)
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_START, "Unable to hold the job in memory for the printer's backend: %s", g_strerror(write_err ? write_err : errno));
    release_memory(fd);
    return (-1);
  }

  return (fd);
}


/*
 * 'run_from_memory()' - Run the inner backend with the job as the file
 *                       argv[6] (stdin /dev/null), as cupsd runs it on a
 *                       raw queue: it makes argv[4] copies itself when
 *                       cupsd gave the vault a file, one when cupsd gave
 *                       stdin (the filters made the copies).  argv[6] is
 *                       /proc/self/fd/N of a sealed memfd it inherits;
 *                       ipp re-opens it per copy when the printer cannot.
 */

static bool
run_from_memory(const backend_inner_t  *inner,	/* I - Inner backend */
                const backend_uri_t    *uri,	/* I - URI */
                char                   *argv[],	/* I - Backend argv */
                vault_reader_t         *reader,	/* I - Vault copy */
                backend_inner_result_t *result,	/* O - How it ended */
                GError                 **error)	/* O - Error */
{
  child_io_t	io = { .stderr_fd = -1, .copies = argv[6] ? argv[4] : "1" };	/* Child's stdin and file */
  struct stat	info;			/* memfd size */
  pid_t		pid;			/* Child */
  bool		ok;			/* Started */
  int		messages[2] = { -1, -1 };	/* Its stderr, when cupsd gave stdin */

  if ((io.file_fd = hold_in_memory(reader, error)) < 0)
    return (false);

  if (terminated)			/* Canceled while decrypting: send nothing */
  {
    release_memory(io.file_fd);
    result->status     = -1;
    result->terminated = true;
    return (true);
  }

  info.st_size = 0;
  fstat(io.file_fd, &info);
  backendLog("DEBUG", "The %s backend reads the job from memory (%lld bytes) and makes %s copies of it.", uri->scheme, (long long)info.st_size, io.copies);

  snprintf(io.file_path, sizeof(io.file_path), "/proc/self/fd/%d", io.file_fd);
  if ((io.stdin_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_INNER_START, "Unable to open /dev/null: %s", g_strerror(errno));
    release_memory(io.file_fd);
    return (false);
  }

  // A job cupsd gave as stdin was counted by the filters: the page report
  // a backend makes for a file must not reach cupsd.
  if (!argv[6] && pipe2(messages, O_CLOEXEC) == 0)
    io.stderr_fd = messages[1];
  else if (!argv[6])
    backendLog("WARNING", "Unable to create a pipe for the %s backend's messages (%s): cupsd may count its pages twice.", uri->scheme, g_strerror(errno));

  ok = start_inner(inner, uri, argv, &io, &pid, error);
  if (messages[1] >= 0)
    close(messages[1]);
  if (ok && messages[0] >= 0)
    backendRelayWithoutPages(messages[0], pid);
  if (ok)
    wait_inner(pid, result);

  if (messages[0] >= 0)
    close(messages[0]);
  close(io.stdin_fd);
  release_memory(io.file_fd);

  return (ok);
}


/*
 * 'raw_copies()' - True when the inner backend must make copies itself:
 *                  cupsd gave the job as a file (argv[6]: a raw queue, no
 *                  filter to make them) and argv[4] asks for more than one.
 */

static bool
raw_copies(char *argv[])		/* I - Backend argv, NULL-terminated */
{
  char	*end;				/* End of the number */
  long	copies;				/* argv[4] */

  if (!argv[6])
    return (false);

  copies = strtol(argv[4], &end, 10);

  return (end != argv[4] && copies > 1);
}


/*
 * 'spools_stdin()' - True for an inner backend that copies a job it reads
 *                    from stdin to a temporary file, in plaintext: lpd
 *                    (it must send the size first).
 */

static bool
spools_stdin(const backend_uri_t *uri)	/* I - URI */
{
  return (!strcmp(uri->scheme, "lpd"));
}


/*
 * 'backendInnerRun()' - Run the inner backend on the decrypted vault copy.
 *
 * The job streams to its stdin, memory flat -- but a raw queue's job with
 * copies > 1 comes as the file argv[6], in RAM (run_from_memory): socket,
 * lpd, usb and ipp make copies only of a file; and so does every job for
 * lpd, which would copy its stdin to a plaintext temporary file.
 * Returns true when the inner
 * backend ran to its end (result says how); false with INNER_START when it
 * could not be started, or with the reader's error (TRUNCATED, AUTH, ...):
 * then the inner backend saw no more than the authenticated bytes (stopped
 * with SIGTERM, or never started).  Nothing in the vault changes here.
 */

bool
backendInnerRun(const backend_inner_t  *inner,	/* I - Inner backend */
                const backend_uri_t    *uri,	/* I - URI */
                char                   *argv[],	/* I - Backend argv */
                vault_reader_t         *reader,	/* I - Vault copy */
                backend_inner_result_t *result,	/* O - How it ended */
                GError                 **error)	/* O - Error */
{
  memset(result, 0, sizeof(*result));

  if (raw_copies(argv) || spools_stdin(uri))
    return (run_from_memory(inner, uri, argv, reader, result, error));
  else
    return (run_streamed(inner, uri, argv, reader, result, error));
}
