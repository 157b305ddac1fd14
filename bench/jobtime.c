/*
 * jobtime: submit a file to a CUPS queue and time it from submission to
 * the job's end, with millisecond precision (cupsd's own time attributes
 * have only whole seconds).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Usage: jobtime QUEUE FILE [COUNT]
 * Uses $CUPS_SERVER like lp.  Prints one line per job: the milliseconds
 * from Print-Job to job-state completed, or "FAILED <state>" when the job
 * ended otherwise.  Polls Get-Job-Attributes every 0.2 ms: the same for
 * every queue it is compared with.
 */

#include <cups/cups.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>


/*
 * 'job_state()' - The job's state, from Get-Job-Attributes.
 */

static ipp_jstate_t
job_state(http_t *http,
          int    job_id)
{
  static const char * const attrs[] = { "job-state" };
  ipp_t		*request, *response;
  ipp_jstate_t	state = IPP_JSTATE_PENDING;
  char		uri[256];

  snprintf(uri, sizeof(uri), "ipp://localhost/jobs/%d", job_id);
  request = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser());
  ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", 1, NULL, attrs);

  if ((response = cupsDoRequest(http, request, "/")) != NULL)
  {
    state = (ipp_jstate_t)ippGetInteger(ippFindAttribute(response, "job-state", IPP_TAG_ENUM), 0);
    ippDelete(response);
  }

  return (state);
}


/*
 * 'main()' - Submit COUNT jobs one after another and time each.
 */

int
main(int  argc,
     char *argv[])
{
  http_t	*http;
  int		i, count, job_id, failed = 0;
  gint64	start;
  ipp_jstate_t	state;

  if (argc < 3)
  {
    fputs("Usage: jobtime QUEUE FILE [COUNT]\n", stderr);
    return (2);
  }

  count = argc > 3 ? atoi(argv[3]) : 1;

  if ((http = httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 30000, NULL)) == NULL)
  {
    fprintf(stderr, "jobtime: cannot reach cupsd: %s\n", cupsLastErrorString());
    return (1);
  }

  for (i = 0; i < count; i ++)
  {
    start = g_get_monotonic_time();

    if ((job_id = cupsPrintFile2(http, argv[1], argv[2], "jobtime", 0, NULL)) == 0)
    {
      fprintf(stderr, "jobtime: %s\n", cupsLastErrorString());
      return (1);
    }

    while ((state = job_state(http, job_id)) < IPP_JSTATE_STOPPED)
      g_usleep(200);

    if (state == IPP_JSTATE_COMPLETED)
      printf("%.3f\n", (g_get_monotonic_time() - start) / 1000.0);
    else
    {
      printf("FAILED %d\n", (int)state);
      failed ++;
    }
  }

  httpClose(http);

  return (failed ? 1 : 0);
}
