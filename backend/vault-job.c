/*
 * Who the job is and where it goes: the vault:/ device URI and the job's
 * identity from the backend's argv and environment.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * A job is identified by job-uuid + time-at-creation + queue: cupsd
 * reuses job ids after a crash.  The queue is the one the job was sent to:
 * for a job sent to a class, the class ($CLASS), whichever member printer
 * ($PRINTER) runs it this time, so that a run on another member finds the
 * same entry, and vaultd (which sees the class in job-printer-uri) too.  The inner URI may carry
 * user:pass; only backend_uri_t.full holds it, and it goes nowhere but the
 * inner backend's DEVICE_URI.
 */

#include "backend.h"

#include <cups/cups.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define BACKEND_SCHEME_MAX 63		/* Longest inner scheme accepted */


/*
 * 'backendUriSanitize()' - Copy a URI without its user:pass@ part.
 *
 * Returns a newly allocated string (g_free).  URIs without an authority
 * ("scheme:/path") are copied unchanged.
 */

char *
backendUriSanitize(const char *uri)	/* I - URI, possibly with credentials */
{
  const char	*auth,			/* Start of the authority */
		*end,			/* End of the authority */
		*at;			/* Last '@' inside the authority */

  if ((auth = strstr(uri, "://")) == NULL)
    return (g_strdup(uri));

  auth += 3;
  end  = auth + strcspn(auth, "/?#");
  at   = NULL;

  for (const char *p = auth; p < end; p ++)
    if (*p == '@')
      at = p;

  if (!at)
    return (g_strdup(uri));

  return (g_strdup_printf("%.*s%s", (int)(auth - uri), uri, at + 1));
}


/*
 * 'scheme_valid()' - Check an inner scheme before it becomes a file name.
 */

static bool
scheme_valid(const char *scheme)	/* I - Scheme, lowercase */
{
  if (!*scheme || strlen(scheme) > BACKEND_SCHEME_MAX || !islower((unsigned char)*scheme))
    return (false);

  for (const char *p = scheme; *p; p ++)
    if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '+' && *p != '-' && *p != '.')
      return (false);

  return (strcmp(scheme, "vault") != 0);	/* A vault in a vault loops */
}


/*
 * 'backendUriParse()' - Split "vault:/<inner-uri>" into its parts.
 *
 * Accepts one or more slashes after "vault:".  Fails with BACKEND_ERROR_URI
 * for anything else, an inner URI without a valid scheme, control characters
 * or spaces, or an inner "vault" scheme.  The error message never contains
 * the URI itself (it may hold credentials).
 */

bool
backendUriParse(const char    *device_uri,	/* I - DEVICE_URI */
                backend_uri_t *uri,		/* O - Parts (backendUriClear) */
                GError        **error)		/* O - Error */
{
  const char	*inner,			/* Inner URI */
		*colon;			/* End of the inner scheme */

  memset(uri, 0, sizeof(*uri));

  if (!device_uri || g_ascii_strncasecmp(device_uri, "vault:", 6))
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_URI, "The device URI does not start with \"vault:\".");
    return (false);
  }

  for (inner = device_uri + 6; *inner == '/'; inner ++);

  for (const char *p = inner; *p; p ++)
    if ((unsigned char)*p <= ' ' || *p == 0x7f)
    {
      g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_URI, "The device URI contains spaces or control characters.");
      return (false);
    }

  if ((colon = strchr(inner, ':')) == NULL || colon == inner)
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_URI, "The device URI has no inner URI: use vault:/<scheme>://<printer>.");
    return (false);
  }

  uri->scheme = g_ascii_strdown(inner, colon - inner);

  if (!scheme_valid(uri->scheme))
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_URI, "The inner URI's scheme is not a valid backend name.");
    backendUriClear(uri);
    return (false);
  }

  uri->full      = g_strdup(inner);
  uri->sanitized = backendUriSanitize(inner);

  return (true);
}


/*
 * 'backendUriClear()' - Free the parts of a URI, wiping the credentials.
 */

void
backendUriClear(backend_uri_t *uri)	/* I - URI */
{
  if (uri->full)
  {
    memset(uri->full, 0, strlen(uri->full));
    g_free(uri->full);
  }

  g_free(uri->sanitized);
  g_free(uri->scheme);
  memset(uri, 0, sizeof(*uri));
}


/*
 * 'parse_int()' - Parse a whole decimal number, false when it is not one.
 */

static bool
parse_int(const char *s,		/* I - Text */
          gint64     *value)		/* O - Value */
{
  char	*end;				/* End of number */

  if (!s || !*s)
    return (false);

  *value = g_ascii_strtoll(s, &end, 10);

  return (*end == '\0');
}


/*
 * 'parse_options()' - Take job-uuid, time-at-creation, the originating host
 * and job-priority from argv[5].
 *
 * Other options (job-password among them) are neither kept nor logged.
 */

static bool
parse_options(backend_job_t *bj,	/* I - Job */
              const char    *text,	/* I - argv[5] */
              GError        **error)	/* O - Error */
{
  cups_option_t	*options = NULL;	/* Parsed options */
  int		num_options;		/* Number of options */
  const char	*value;			/* Option value */
  gint64	n;			/* Number */
  bool		ok = false;		/* Result */

  num_options = cupsParseOptions(text, 0, &options);

  if ((value = cupsGetOption("job-uuid", num_options, options)) == NULL || !*value)
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_JOB, "The job has no job-uuid in its options.");
  else if (!parse_int(cupsGetOption("time-at-creation", num_options, options), &n) || n <= 0)
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_JOB, "The job has no valid time-at-creation in its options.");
  else
  {
    bj->uuid        = g_strdup(value);
    bj->job.created = n;

    if ((value = cupsGetOption("job-originating-host-name", num_options, options)) != NULL && *value)
      bj->host = g_strdup(value);

    if (parse_int(cupsGetOption("job-priority", num_options, options), &n) && n >= 1 && n <= 100)
      bj->job.priority = (int)n;

    ok = true;
  }

  cupsFreeOptions(num_options, options);

  return (ok);
}


/*
 * 'backendJobParse()' - Learn the job's identity from argv and the environment.
 *
 * argv is the backend's (6 or 7 entries); inner_uri the sanitized inner URI.
 * Fails with BACKEND_ERROR_JOB when the job id, user, printer ($PRINTER),
 * job-uuid or time-at-creation is missing.  Nothing is durable.
 */

bool
backendJobParse(backend_job_t *bj,	/* O - Job (backendJobClear) */
                int           argc,	/* I - Argument count */
                char          *argv[],	/* I - Arguments */
                const char    *inner_uri,/* I - Sanitized inner URI */
                GError        **error)	/* O - Error */
{
  gint64	n;			/* Number */
  const char	*value;			/* Environment value */

  memset(bj, 0, sizeof(*bj));
  bj->job.priority = 50;
  bj->job.copies   = 1;

  if (argc < 6 || argc > 7)
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_JOB, "Usage: vault job-id user title copies options [file]");
    return (false);
  }

  if (!parse_int(argv[1], &n) || n <= 0 || n > G_MAXINT)
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_JOB, "The job id is not a positive number.");
    return (false);
  }
  bj->job.job_id = (int)n;

  if (!*argv[2])
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_JOB, "The job has no user name.");
    return (false);
  }

  if ((value = getenv("PRINTER")) == NULL || !*value)
  {
    g_set_error(error, BACKEND_ERROR, BACKEND_ERROR_JOB, "PRINTER is not set: the backend must be run by cupsd.");
    return (false);
  }

  if (!parse_options(bj, argv[5], error))
    return (false);

  bj->printer = g_strdup(value);
  bj->queue   = g_strdup((value = getenv("CLASS")) != NULL && *value ? value : bj->printer);
  bj->user    = g_strdup(argv[2]);
  bj->title = g_strdup(argv[3]);

  if (parse_int(argv[4], &n) && n >= 1 && n <= G_MAXINT)
    bj->job.copies = (int)n;

  if ((value = getenv("FINAL_CONTENT_TYPE")) == NULL || !*value)
    value = getenv("CONTENT_TYPE");
  bj->content_type = g_strdup(value && *value ? value : NULL);

  bj->data_file          = argc == 7 ? argv[6] : NULL;
  bj->job.uuid           = bj->uuid;
  bj->job.queue          = bj->queue;
  bj->job.user           = bj->user;
  bj->job.host           = bj->host;
  bj->job.title          = bj->title;
  bj->job.inner_uri      = inner_uri;
  bj->job.content_type   = bj->content_type;

  return (true);
}


/*
 * 'backendJobClear()' - Free the strings of a parsed job.
 */

void
backendJobClear(backend_job_t *bj)	/* I - Job */
{
  g_free(bj->uuid);
  g_free(bj->queue);
  g_free(bj->printer);
  g_free(bj->user);
  g_free(bj->host);
  g_free(bj->title);
  g_free(bj->content_type);
  memset(bj, 0, sizeof(*bj));
}
