/*
 * Leaving a message on a job that cupsd holds after the backend exits.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * cupsd 2.4 clears job-printer-state-message when a backend exits with
 * CUPS_BACKEND_HOLD, so the "Interrupted: ..." sentence the backend printed
 * last would be lost.  A small detached child waits (at most ~10 s) until
 * cupsd shows the job held, then sets the message with Set-Job-Attributes
 * over cupsd's own socket ($CUPS_SERVER), as root.  The child closes every
 * pipe it shares with cupsd first: cupsd finishes a job only when the
 * backend's stderr reaches end-of-file.
 */

#include "backend.h"

#include <cups/cups.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <stdio.h>
#include <unistd.h>

#define NOTICE_POLLS	100		/* 100 x 100 ms */


/*
 * 'job_request()' - A new request on job job_id as the current user.
 */

static ipp_t *
job_request(ipp_op_t op,		/* I - Operation */
            int      job_id)		/* I - Job */
{
  ipp_t	*request = ippNewRequest(op);
  char	uri[256];			/* job-uri */

  snprintf(uri, sizeof(uri), "ipp://localhost/jobs/%d", job_id);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser());

  return (request);
}


/*
 * 'job_is_held()' - True when cupsd reports the job pending-held.
 */

static bool
job_is_held(http_t *http,		/* I - Connection to cupsd */
            int    job_id)		/* I - Job */
{
  ipp_t			*request = job_request(IPP_OP_GET_JOB_ATTRIBUTES, job_id),
			*response;
  ipp_attribute_t	*attr;		/* job-state */
  bool			held = false;	/* Result */

  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", NULL, "job-state");

  if ((response = cupsDoRequest(http, request, "/")) != NULL)
  {
    if ((attr = ippFindAttribute(response, "job-state", IPP_TAG_ENUM)) != NULL)
      held = ippGetInteger(attr, 0) == IPP_JSTATE_HELD;
    ippDelete(response);
  }

  return (held);
}


/*
 * 'notice_child()' - In the detached child: wait for the hold, set the message.
 */

static void
notice_child(int        job_id,		/* I - Job */
             const char *message)	/* I - Message */
{
  http_t	*http;			/* Connection to cupsd */
  ipp_t		*request;		/* Set-Job-Attributes */
  int		null = open("/dev/null", O_RDWR);

  for (int fd = 0; fd <= 4; fd ++)	/* stdin, stdout, stderr, back/side channel */
    dup2(null, fd);
  // Everything else the backend had open goes too: above all the entry's
  // lock, which must end with the backend, not with this child.
  close_range(5, ~0U, 0);

  setsid();

  if ((http = httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC, cupsEncryption(), 1, 5000, NULL)) == NULL)
    _exit(1);

  for (int i = 0; i < NOTICE_POLLS; i ++)
  {
    if (job_is_held(http, job_id))
    {
      request = job_request(IPP_OP_SET_JOB_ATTRIBUTES, job_id);
      ippAddString(request, IPP_TAG_JOB, IPP_TAG_TEXT, "job-printer-state-message", NULL, message);
      ippDelete(cupsDoRequest(http, request, "/"));
      break;
    }

    usleep(100000);
  }

  httpClose(http);
  _exit(0);
}


/*
 * 'backendNoticeAfterHold()' - Set job-printer-state-message once cupsd holds the job.
 *
 * Returns at once; a detached child does the work.  Best effort: nothing
 * is reported when cupsd cannot be reached.
 */

void
backendNoticeAfterHold(int        job_id,	/* I - Job */
                       const char *message)	/* I - Sentence for people */
{
  pid_t	pid;				/* Child */

  if (!getenv("CUPS_SERVER") && !getenv("CUPS_SERVERROOT"))
    return;				/* Not run by cupsd */

  if ((pid = fork()) == 0)
  {
    /* Double fork: the grandchild is no child of ours to reap. */
    if (fork() == 0)
      notice_child(job_id, message);
    _exit(0);
  }
  else if (pid > 0)
  {
    int status;

    while (waitpid(pid, &status, 0) < 0 && errno == EINTR);
  }
}
