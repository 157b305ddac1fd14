/*
 * vaultd's IPP client of cupsd: read the jobs, hold, cancel, annotate and
 * re-create a held job from a reference (subscriptions:
 * vaultd-cups-subscribe.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * vaultd runs as root and talks to cupsd over the server cupsServer()
 * names: $CUPS_SERVER when set (the test bed's socket), else client.conf,
 * else cupsd's default local socket.  Root over the local socket may hold,
 * release, cancel and annotate any job and submit or subscribe on behalf
 * of another user (requesting-user-name).  Every request is synchronous
 * with a short timeout; a failed connection is dropped and re-made at the
 * next poll, which is how a restarted cupsd is noticed.
 */

#define G_LOG_DOMAIN "vaultd-cups"

#include "vaultd-service.h"
#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CUPS_TIMEOUT_MS	10000		/* Connect and request timeout */


struct _vaultd_cups_s
{
  http_t	*http;		/* Connection, NULL while down */
  pid_t		pid;		/* cupsd behind the socket pid_socket, 0 unknown */
  ino_t		pid_socket;	/* Inode of the socket pid was found for */
  guint		generation;	/* Connections made so far */
  char		*server;	/* cupsServer() when created */
};


/*
 * 'vaultdCupsErrorQuark()' - The error domain of cupsd requests.
 */

GQuark
vaultdCupsErrorQuark(void)
{
  return (g_quark_from_static_string("vaultd-cups-error-quark"));
}


/*
 * 'vaultdCupsNew()' - A connection object; nothing is connected yet.
 */

vaultd_cups_t *
vaultdCupsNew(void)
{
  vaultd_cups_t *cups = g_new0(vaultd_cups_t, 1);

  cups->server = g_strdup(cupsServer());
  return (cups);
}


/*
 * 'vaultdCupsFree()' - Close and free.
 */

void
vaultdCupsFree(vaultd_cups_t *cups)
{
  if (!cups)
    return;

  vaultdCupsDisconnect(cups);
  g_free(cups->server);
  g_free(cups);
}


/*
 * 'vaultdCupsGetServer()' - The server vaultd talks to (socket path or host).
 */

const char *
vaultdCupsGetServer(const vaultd_cups_t *cups)
{
  return (cups->server);
}


/*
 * 'vaultdCupsGetGeneration()' - How many connections were made: changes
 *                               when cupsd may have restarted.
 */

guint
vaultdCupsGetGeneration(const vaultd_cups_t *cups)
{
  return (cups->generation);
}


/*
 * 'vaultdCupsConnect()' - Connect unless connected; UNAVAILABLE when cupsd
 *                         does not answer.
 */

bool
vaultdCupsConnect(vaultd_cups_t *cups,
                  GError        **error)
{
  if (cups->http)
    return (true);

  if ((cups->http = httpConnect2(cups->server, ippPort(), NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, CUPS_TIMEOUT_MS, NULL)) == NULL)
  {
    g_set_error(error, VAULTD_CUPS_ERROR, VAULTD_CUPS_ERROR_UNAVAILABLE, "cupsd at %s cannot be reached: %s", cups->server, cupsLastErrorString());
    return (false);
  }

  httpSetTimeout(cups->http, CUPS_TIMEOUT_MS / 1000.0, NULL, NULL);
  cups->generation ++;
  return (true);
}


/*
 * 'vaultdCupsGetPid()' - The pid of the cupsd at the other end of the
 *                        connection (vaultd-cupsd-pid.c); 0 when not
 *                        connected, not over a local socket, or unknown.
 *                        Looked up once per socket (libcups may reconnect
 *                        the same http_t: a new socket is looked up again).
 */

pid_t
vaultdCupsGetPid(vaultd_cups_t *cups)
{
  struct stat	st;

  if (!cups->http || fstat(httpGetFd(cups->http), &st))
    return (0);

  if (cups->pid_socket != st.st_ino)		/* 0 is no socket's inode */
  {
    cups->pid        = vaultdCupsdPid(httpGetFd(cups->http), cups->server);
    cups->pid_socket = st.st_ino;
  }

  return (cups->pid);
}


/*
 * 'vaultdCupsDisconnect()' - Drop the connection (re-made at the next request).
 */

void
vaultdCupsDisconnect(vaultd_cups_t *cups)
{
  if (cups->http)
  {
    httpClose(cups->http);
    cups->http = NULL;
  }
}


/*
 * '_vaultdCupsNewRequest()' - A request of op as user (root when NULL) on the job
 *                   job_id (> 0) or the printer URI uri.
 */

ipp_t *
_vaultdCupsNewRequest(ipp_op_t op, int job_id, const char *uri, const char *user)
{
  ipp_t	*request = ippNewRequest(op);
  char	job_uri[64];

  if (job_id > 0)
  {
    snprintf(job_uri, sizeof(job_uri), "ipp://localhost/jobs/%d", job_id);
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, job_uri);
  }
  else
    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);

  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, user ? user : "root");
  return (request);
}


/*
 * 'check_response()' - Turn a response (consumed unless returned) into
 *                      success or a GError.  Returns the response on
 *                      success; a lost connection is dropped.
 */

static ipp_t *
check_response(vaultd_cups_t *cups, ipp_t *response, const char *what, GError **error)
{
  ipp_status_t	status = cupsLastError();

  if (response && ippGetStatusCode(response) <= IPP_STATUS_OK_EVENTS_COMPLETE)
    return (response);

  ippDelete(response);

  if (!response || status == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || status == IPP_STATUS_ERROR_INTERNAL)
  {
    vaultdCupsDisconnect(cups);
    g_set_error(error, VAULTD_CUPS_ERROR, VAULTD_CUPS_ERROR_UNAVAILABLE, "%s: cupsd did not answer (%s).", what, cupsLastErrorString());
  }
  else
    g_set_error(error, VAULTD_CUPS_ERROR, VAULTD_CUPS_ERROR_REFUSED, "%s: cupsd refused: %s", what, cupsLastErrorString());

  return (NULL);
}


/*
 * '_vaultdCupsDoRequest()' - Connect if needed, send request (consumed), check the
 *                  answer; returns the response (ippDelete it) or NULL.
 */

ipp_t *
_vaultdCupsDoRequest(vaultd_cups_t *cups, ipp_t *request, const char *resource, const char *what, GError **error)
{
  if (!vaultdCupsConnect(cups, error))
  {
    ippDelete(request);
    return (NULL);
  }

  return (check_response(cups, cupsDoRequest(cups->http, request, resource), what, error));
}


/*
 * 'do_simple()' - _vaultdCupsDoRequest when only success matters.
 */

static bool
do_simple(vaultd_cups_t *cups, ipp_t *request, const char *what, GError **error)
{
  ipp_t *response = _vaultdCupsDoRequest(cups, request, "/jobs/", what, error);

  ippDelete(response);
  return (response != NULL);
}


/*
 * 'vaultdCupsQueueOfUri()' - The queue or class name a printer URI ends
 *                            with, as cupsd encoded it there (g_free);
 *                            NULL without a '/'.
 */

char *
vaultdCupsQueueOfUri(const char *uri)
{
  const char	*slash = strrchr(uri, '/');
  char		*queue;

  if (!slash)
    return (NULL);

  if ((queue = g_uri_unescape_string(slash + 1, NULL)) == NULL)
    queue = g_strdup(slash + 1);

  return (queue);
}


/*
 * 'vaultdJobFree()' - Free one job.
 */

void
vaultdJobFree(vaultd_job_t *job)
{
  if (!job)
    return;

  g_free(job->uuid);
  g_free(job->queue);
  g_free(job->user);
  g_free(job->title);
  g_free(job->entry_id);
  g_free(job->message);
  g_free(job);
}


/*
 * 'job_set()' - Fill one field of job from attribute attr.
 */

static void
job_set(vaultd_job_t *job, ipp_attribute_t *attr)
{
  const char	*name = ippGetName(attr), *s;

  if (!strcmp(name, "job-id"))
    job->id = ippGetInteger(attr, 0);
  else if (!strcmp(name, "job-state"))
    job->state = (ipp_jstate_t)ippGetInteger(attr, 0);
  else if (!strcmp(name, "time-at-creation"))
    job->created = ippGetInteger(attr, 0);
  else if (!strcmp(name, "job-priority"))
    job->priority = ippGetInteger(attr, 0);
  else if ((s = ippGetString(attr, 0, NULL)) == NULL)
    return;
  else if (!strcmp(name, "job-uuid"))
    job->uuid = g_strdup(s);
  else if (!strcmp(name, "job-printer-uri"))
    job->queue = vaultdCupsQueueOfUri(s);
  else if (!strcmp(name, "job-originating-user-name"))
    job->user = g_strdup(s);
  else if (!strcmp(name, "job-name"))
    job->title = g_strdup(s);
  else if (!strcmp(name, "vault-entry-id"))
    job->entry_id = g_strdup(s);
  else if (!strcmp(name, "job-printer-state-message"))
    job->message = g_strdup(s);
}


/*
 * 'vaultdCupsGetJobs()' - Every job cupsd knows (which-jobs=all), as
 *                         vaultd_job_t; NULL with UNAVAILABLE or REFUSED.
 */

GPtrArray *
vaultdCupsGetJobs(vaultd_cups_t *cups,
                  GError        **error)
{
  static const char * const attrs[] =
  {
    "job-id", "job-state", "job-uuid", "time-at-creation", "job-printer-uri",
    "job-originating-user-name", "job-name", "job-priority", "vault-entry-id",
    "job-printer-state-message"
  };
  ipp_t			*request = _vaultdCupsNewRequest(IPP_OP_GET_JOBS, 0, "ipp://localhost/", NULL), *response;
  ipp_attribute_t	*attr;
  GPtrArray		*jobs;
  vaultd_job_t		*job = NULL;

  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", NULL, "all");
  ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", G_N_ELEMENTS(attrs), NULL, attrs);

  if ((response = _vaultdCupsDoRequest(cups, request, "/", "Get-Jobs", error)) == NULL)
    return (NULL);

  jobs = g_ptr_array_new_with_free_func((GDestroyNotify)vaultdJobFree);
  for (attr = ippFirstAttribute(response); attr; attr = ippNextAttribute(response))
  {
    if (!ippGetName(attr))
      job = NULL;			/* Separator between jobs */
    else if (ippGetGroupTag(attr) == IPP_TAG_JOB)
    {
      if (!job)
      {
        job = g_new0(vaultd_job_t, 1);
        g_ptr_array_add(jobs, job);
      }
      job_set(job, attr);
    }
  }

  ippDelete(response);
  return (jobs);
}


/*
 * 'vaultdCupsHoldJob()' - Hold job_id indefinitely (job-hold-until=indefinite).
 */

bool
vaultdCupsHoldJob(vaultd_cups_t *cups,
                  int           job_id,
                  GError        **error)
{
  ipp_t *request = _vaultdCupsNewRequest(IPP_OP_HOLD_JOB, job_id, NULL, NULL);

  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "job-hold-until", NULL, "indefinite");
  return (do_simple(cups, request, "Hold-Job", error));
}


/*
 * 'vaultdCupsSetMessage()' - Set job-printer-state-message of job_id.
 */

bool
vaultdCupsSetMessage(vaultd_cups_t *cups,
                     int           job_id,
                     const char    *message,
                     GError        **error)
{
  ipp_t *request = _vaultdCupsNewRequest(IPP_OP_SET_JOB_ATTRIBUTES, job_id, NULL, NULL);

  ippAddString(request, IPP_TAG_JOB, IPP_TAG_TEXT, "job-printer-state-message", NULL, message);
  return (do_simple(cups, request, "Set-Job-Attributes", error));
}


/*
 * 'vaultdCupsRehold()' - Hold a held job again with Set-Job-Attributes
 *                        (job-hold-until=indefinite): cupsd then sends its
 *                        subscribers a job-state-changed event; a Hold-Job
 *                        on a held job sends none.
 */

bool
vaultdCupsRehold(vaultd_cups_t *cups,
                 int           job_id,
                 GError        **error)
{
  ipp_t *request = _vaultdCupsNewRequest(IPP_OP_SET_JOB_ATTRIBUTES, job_id, NULL, NULL);

  ippAddString(request, IPP_TAG_JOB, IPP_TAG_KEYWORD, "job-hold-until", NULL, "indefinite");
  return (do_simple(cups, request, "Set-Job-Attributes", error));
}


/*
 * 'vaultdCupsCancelJob()' - Cancel job_id.
 */

bool
vaultdCupsCancelJob(vaultd_cups_t *cups,
                    int           job_id,
                    GError        **error)
{
  return (do_simple(cups, _vaultdCupsNewRequest(IPP_OP_CANCEL_JOB, job_id, NULL, NULL), "Cancel-Job", error));
}


/*
 * 'vaultdCupsPrintReference()' - Submit a held job on queue job->queue for
 *                                job->user whose document is the reference
 *                                doc to entry_id.  Returns the new job id,
 *                                0 with an error.
 */

int
vaultdCupsPrintReference(vaultd_cups_t     *cups,
                         const vault_job_t *job,
                         const char        *entry_id,
                         const char        *doc,
                         gsize             len,
                         GError            **error)
{
  char		uri[1024], resource[1024], *path = NULL;
  ipp_t		*request, *response;
  int		job_id, fd;

  httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof(uri), "ipp", NULL, "localhost", 0, "/printers/%s", job->queue);
  snprintf(resource, sizeof(resource), "/printers/%s", job->queue);

  request = _vaultdCupsNewRequest(IPP_OP_PRINT_JOB, 0, uri, job->user);
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL, job->title && *job->title ? job->title : "(vault)");
  ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", NULL, VAULT_REF_MIME_TYPE);
  ippAddString(request, IPP_TAG_JOB, IPP_TAG_KEYWORD, "job-hold-until", NULL, "indefinite");
  ippAddInteger(request, IPP_TAG_JOB, IPP_TAG_INTEGER, "job-priority", job->priority > 0 ? job->priority : 50);
  ippAddString(request, IPP_TAG_JOB, IPP_TAG_NAME, "vault-entry-id", NULL, entry_id);

  // The reference (not secret: a MAC'ed pointer) goes through a 0600 temporary file.
  if ((fd = g_file_open_tmp("vaultd-ref-XXXXXX", &path, error)) < 0)
  {
    ippDelete(request);
    return (0);
  }

  if (write(fd, doc, len) != (ssize_t)len || close(fd) < 0)
  {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "Cannot write %s: %s", path, g_strerror(errno));
    unlink(path);
    g_free(path);
    ippDelete(request);
    return (0);
  }

  if (vaultdCupsConnect(cups, error))
    response = cupsDoFileRequest(cups->http, request, resource, path);
  else
  {
    ippDelete(request);
    response = NULL;
  }

  unlink(path);
  g_free(path);
  if (!response && error && *error)
    return (0);

  if ((response = check_response(cups, response, "Print-Job", error)) == NULL)
    return (0);

  job_id = ippGetInteger(ippFindAttribute(response, "job-id", IPP_TAG_INTEGER), 0);
  ippDelete(response);

  if (job_id <= 0)
    g_set_error(error, VAULTD_CUPS_ERROR, VAULTD_CUPS_ERROR_REFUSED, "Print-Job: cupsd returned no job-id.");

  return (job_id);
}
