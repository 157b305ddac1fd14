/*
 * bed-sink: a loopback AppSocket/JetDirect printer for the test bed; it
 * saves every connection's bytes to its own file, so a test can count and
 * compare the documents the stock `socket` backend delivered.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Usage: bed-sink [--lpd] DIR PORTFILE [PORT]
 *
 * Listens on 127.0.0.1 on PORT (by default a port the kernel chooses; the
 * test bed passes the old port again after a simulated power loss), writes
 * that port to PORTFILE (via a temporary name and rename, so a reader never
 * sees a partial number), then serves one connection at a time until killed.
 * Connection N is written to DIR/.job-NNNN.part and renamed to
 * DIR/job-NNNN.prn once the peer has closed its side: a file with the
 * final name is always a whole document.
 *
 * With --lpd it is an RFC 1179 line printer daemon for the stock `lpd`
 * backend: it acknowledges a "receive job" and its control and data files,
 * saves the data file as above and the control file as DIR/job-NNNN.ctl.
 * While DIR/hold exists it holds each new connection before its first
 * acknowledgement (DIR/connected-NNNN says one is waiting), so a test can
 * look at the sender mid-job.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * 'write_all()' - Write a whole buffer; returns 0, or -1 with errno set.
 */

static int
write_all(int fd, const char *buf, size_t len)
{
  while (len > 0)
  {
    ssize_t n = write(fd, buf, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return (-1);
    buf += n;
    len -= (size_t)n;
  }
  return (0);
}

/*
 * 'open_listener()' - Listen on 127.0.0.1:*port (0: the kernel chooses).
 *
 * Returns the socket and stores the port in *port, or -1 on error.
 */

static int
open_listener(int *port)
{
  struct sockaddr_in addr;
  socklen_t addrlen = sizeof(addr);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), on = 1;

  if (fd < 0)
    return (-1);
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons((unsigned short)*port);
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
      bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
      listen(fd, 16) < 0 ||
      getsockname(fd, (struct sockaddr *)&addr, &addrlen) < 0)
  {
    close(fd);
    return (-1);
  }
  *port = ntohs(addr.sin_port);
  return (fd);
}

/*
 * 'publish_port()' - Write the port number to PORTFILE atomically.
 *
 * Returns 0, or -1 on error.  The file is complete once it exists.
 */

static int
publish_port(const char *portfile, int port)
{
  char tmp[4096], text[32];
  int  fd, len = snprintf(text, sizeof(text), "%d\n", port);

  snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
  if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
    return (-1);
  if (write_all(fd, text, (size_t)len) < 0 || close(fd) < 0)
    return (-1);
  return (rename(tmp, portfile));
}

/*
 * 'save_connection()' - Copy one connection's bytes to DIR/job-NNNN.prn.
 *
 * Returns 0 when the document was saved whole, -1 otherwise (the partial
 * file then keeps its hidden .part name).
 */

static int
save_connection(int conn, const char *dir, unsigned number)
{
  char part[4096], final[4096], buf[65536];
  int  fd, status = 0;
  ssize_t n;

  snprintf(part, sizeof(part), "%s/.job-%04u.part", dir, number);
  snprintf(final, sizeof(final), "%s/job-%04u.prn", dir, number);
  if ((fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
    return (-1);
  while ((n = read(conn, buf, sizeof(buf))) != 0)
  {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 || write_all(fd, buf, (size_t)n) < 0)
    {
      status = -1;
      break;
    }
  }
  if (close(fd) < 0)
    status = -1;
  if (status == 0)
    status = rename(part, final);
  return (status);
}

/*
 * 'read_line()' - Read one LF-terminated LPD command (without the LF) into
 *                 buf.  Returns its length, 0 at a clean end, -1 on error.
 */

static ssize_t
read_line(int conn, char *buf, size_t size)
{
  size_t len = 0;

  while (len + 1 < size)
  {
    ssize_t n = read(conn, buf + len, 1);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return (n == 0 && len == 0 ? 0 : -1);
    if (buf[len] == '\n')
      break;
    len ++;
  }
  buf[len] = '\0';
  return ((ssize_t)len);
}

/*
 * 'copy_bytes()' - Copy count bytes of conn and the NUL after them to fd.
 *                  Returns 0, or -1 on a short read or a missing NUL.
 */

static int
copy_bytes(int conn, int fd, unsigned long long count)
{
  char buf[65536];

  while (count > 0)
  {
    ssize_t n = read(conn, buf, count < sizeof(buf) ? (size_t)count : sizeof(buf));

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0 || write_all(fd, buf, (size_t)n) < 0)
      return (-1);
    count -= (unsigned long long)n;
  }
  return (read(conn, buf, 1) == 1 && buf[0] == '\0' ? 0 : -1);
}

/*
 * 'hold_while()' - While DIR/hold exists, wait (DIR/connected-NNNN exists
 *                  meanwhile).
 */

static void
hold_while(const char *dir, unsigned number)
{
  char hold[4096], note[4096];
  struct timespec pause = { 0, 50000000 };

  snprintf(hold, sizeof(hold), "%s/hold", dir);
  snprintf(note, sizeof(note), "%s/connected-%04u", dir, number);
  close(open(note, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  while (access(hold, F_OK) == 0)
    nanosleep(&pause, NULL);
}

/*
 * 'save_lpd_job()' - Receive one LPD job: the control file to
 *                    DIR/job-NNNN.ctl, the data file to DIR/job-NNNN.prn
 *                    (via .job-NNNN.part).  Returns 0 when both came whole.
 */

static int
save_lpd_job(int conn, const char *dir, unsigned number)
{
  char line[1024], path[4096], part[4096], final[4096];
  unsigned long long count;
  int fd, copied, got = 0, status = -1;
  ssize_t len;

  hold_while(dir, number);
  if (read_line(conn, line, sizeof(line)) <= 0 || line[0] != '\002' ||
      write_all(conn, "", 1) < 0)
    return (-1);

  snprintf(part, sizeof(part), "%s/.job-%04u.part", dir, number);
  snprintf(final, sizeof(final), "%s/job-%04u.prn", dir, number);
  while ((len = read_line(conn, line, sizeof(line))) > 0)
  {
    if ((line[0] != '\002' && line[0] != '\003') || sscanf(line + 1, "%llu", &count) != 1 || count == 0)
      break;				/* Abort, or a stream: not served */
    snprintf(path, sizeof(path), "%s/job-%04u.ctl", dir, number);
    if ((fd = open(line[0] == '\002' ? path : part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
      break;
    copied = write_all(conn, "", 1) == 0 && copy_bytes(conn, fd, count) == 0;
    if (close(fd) < 0 || !copied || write_all(conn, "", 1) < 0)
      break;
    got |= line[0] == '\002' ? 1 : 2;
  }
  if (len == 0 && got == 3)
    status = rename(part, final);
  return (status);
}

/*
 * 'main()' - Serve connections until killed.
 */

int
main(int argc, char *argv[])
{
  int      listener, port = 0, lpd = argc > 1 && !strcmp(argv[1], "--lpd");
  unsigned number = 0;

  argc -= lpd;
  argv += lpd;
  if (argc < 3 || argc > 4 || (argc == 4 && (port = atoi(argv[3])) <= 0))
  {
    fputs("Usage: bed-sink [--lpd] DIR PORTFILE [PORT]\n", stderr);
    return (2);
  }
  signal(SIGPIPE, SIG_IGN);
  if ((listener = open_listener(&port)) < 0 ||
      publish_port(argv[2], port) < 0)
  {
    perror("bed-sink");
    return (1);
  }
  for (;;)
  {
    int conn = accept(listener, NULL, NULL);

    if (conn < 0)
    {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      perror("bed-sink: accept");
      return (1);
    }
    number ++;
    if ((lpd ? save_lpd_job(conn, argv[1], number) : save_connection(conn, argv[1], number)) < 0)
      fprintf(stderr, "bed-sink: connection %u: %s\n", number, strerror(errno));
    close(conn);
  }
}
