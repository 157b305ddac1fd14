/*
 * vaultd's IPP client of cupsd, subscriptions: subscribe a person to a job
 * (ippget, or a notify-recipient-uri) and list who is subscribed to it.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#define G_LOG_DOMAIN "vaultd-cups"

#include "vaultd-service.h"
#include <string.h>


/*
 * 'vaultdCupsSubscribe()' - Subscribe user to job_id's state changes and
 *                           completion: ippget pull, or recipient (a
 *                           notify-recipient-uri) when non-NULL.  Returns
 *                           the subscription id, 0 with an error.
 */

int
vaultdCupsSubscribe(vaultd_cups_t *cups,
                    const char    *queue,
                    int           job_id,
                    const char    *user,
                    const char    *recipient,
                    GError        **error)
{
  static const char * const events[] = { "job-state-changed", "job-completed" };
  static const char data[] = "cups-vault: held for your decision";
  char		uri[1024];
  ipp_t		*request, *response;
  int		id;

  httpAssembleURIf(HTTP_URI_CODING_ALL, uri, sizeof(uri), "ipp", NULL, "localhost", 0, "/printers/%s", queue);
  request = _vaultdCupsNewRequest(IPP_OP_CREATE_JOB_SUBSCRIPTIONS, 0, uri, user);

  if (recipient)
    ippAddString(request, IPP_TAG_SUBSCRIPTION, IPP_TAG_URI, "notify-recipient-uri", NULL, recipient);
  else
    ippAddString(request, IPP_TAG_SUBSCRIPTION, IPP_TAG_KEYWORD, "notify-pull-method", NULL, "ippget");
  ippAddStrings(request, IPP_TAG_SUBSCRIPTION, IPP_TAG_KEYWORD, "notify-events", G_N_ELEMENTS(events), NULL, events);
  ippAddInteger(request, IPP_TAG_SUBSCRIPTION, IPP_TAG_INTEGER, "notify-job-id", job_id);
  ippAddOctetString(request, IPP_TAG_SUBSCRIPTION, "notify-user-data", data, (int)strlen(data));

  if ((response = _vaultdCupsDoRequest(cups, request, "/", "Create-Job-Subscriptions", error)) == NULL)
    return (0);

  id = ippGetInteger(ippFindAttribute(response, "notify-subscription-id", IPP_TAG_INTEGER), 0);
  if (id <= 0)
  {
    ipp_attribute_t *status = ippFindAttribute(response, "notify-status-code", IPP_TAG_ENUM);

    g_set_error(error, VAULTD_CUPS_ERROR, VAULTD_CUPS_ERROR_REFUSED, "Create-Job-Subscriptions: no subscription (%s).", status ? ippEnumString("notify-status-code", ippGetInteger(status, 0)) : "no status");
  }

  ippDelete(response);
  return (id);
}


/*
 * 'add_subscriber()' - Add user (when non-NULL) to users if the
 *                      subscription's job sub_job is job_id.
 */

static void
add_subscriber(GPtrArray *users, const char *user, int sub_job, int job_id)
{
  if (user && sub_job == job_id)
    g_ptr_array_add(users, g_strdup(user));
}


/*
 * 'vaultdCupsGetSubscribers()' - The users subscribed to job_id (job
 *                                subscriptions only), as an array of
 *                                strings; NULL with an error.
 */

GPtrArray *
vaultdCupsGetSubscribers(vaultd_cups_t *cups,
                         int           job_id,
                         GError        **error)
{
  ipp_t			*request = _vaultdCupsNewRequest(IPP_OP_GET_SUBSCRIPTIONS, 0, "ipp://localhost/", NULL), *response;
  ipp_attribute_t	*attr;
  GPtrArray		*users;
  const char		*user = NULL;	/* Subscriber of the current group */
  int			sub_job = 0;	/* Its notify-job-id (0: a printer subscription) */

  ippAddInteger(request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "notify-job-id", job_id);
  ippAddBoolean(request, IPP_TAG_OPERATION, "my-subscriptions", 0);

  users = g_ptr_array_new_with_free_func(g_free);
  if ((response = _vaultdCupsDoRequest(cups, request, "/", "Get-Subscriptions", error)) == NULL)
  {
    if (!g_error_matches(*error, VAULTD_CUPS_ERROR, VAULTD_CUPS_ERROR_REFUSED) || cupsLastError() != IPP_STATUS_ERROR_NOT_FOUND)
    {
      g_ptr_array_unref(users);
      return (NULL);
    }
    g_clear_error(error);		/* No subscriptions at all */
    return (users);
  }

  // cupsd answers with the printer's subscriptions too: keep those on job_id.
  for (attr = ippFirstAttribute(response); attr; attr = ippNextAttribute(response))
  {
    const char *name = ippGetName(attr);

    if (!name || ippGetGroupTag(attr) != IPP_TAG_SUBSCRIPTION)
    {
      add_subscriber(users, user, sub_job, job_id);
      user = NULL;
      sub_job = 0;
    }
    else if (!strcmp(name, "notify-subscriber-user-name"))
      user = ippGetString(attr, 0, NULL);
    else if (!strcmp(name, "notify-job-id"))
      sub_job = ippGetInteger(attr, 0);
  }
  add_subscriber(users, user, sub_job, job_id);

  ippDelete(response);
  return (users);
}
