/*
 * The counters IPP service of vaultd: Get-Printer-Attributes on
 * /printers/<queue> answers a vault queue's paper and page counters, only
 * between jobs.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * Listens on a loopback TCP address and/or a unix socket (opened by
 * vaultd-ipp-listen.c).  The listening sockets are GSources on the
 * caller's thread-default GMainContext; each accepted connection is served
 * by a worker of a bounded thread pool
 * (libcups' server-side http_t/ipp_t API, as ippeveprinter is built):
 * read the request (bounded in time and size), check it, wait at the
 * queue's gate (vaultGateBeginQuery: the next job waits behind us, we wait
 * for the running job), read the counters, answer, leave the gate.  The
 * main loop never blocks on a client or a gate.  Answers never depend on
 * the client behaving: a malformed request gets HTTP 400 or
 * client-error-bad-request, anything but Get-Printer-Attributes gets
 * server-error-operation-not-supported, a queue without counters
 * client-error-not-found.  doc/COUNTERS.md lists the attributes.
 */

#define G_LOG_DOMAIN "vaultd-ipp"

#include "config.h"
#include "vaultd.h"
#include "vaultd-ipp.h"

#include <cups/cups.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <glib-unix.h>
#include <signal.h>

#define IPP_MAX_WORKERS		32		/* Connections served at once */
#define IPP_MAX_QUEUED		64		/* Accepted, waiting for a worker */
#define IPP_MAX_REQUEST		65536		/* Bytes of IPP message read */
#define IPP_MAX_PER_CONN	1000		/* Requests on one keep-alive connection */
#define IPP_MAX_HEADER_LINES	100		/* HTTP header lines in one request */
#define IPP_READ_TIMEOUT	10.0		/* Seconds a client may stall */
#define IPP_GATE_TIMEOUT_MS	(300 * 1000)	/* Longest wait for a running job */

struct _vaultd_ipp_s
{
  vault_store_t	*store;
  GMainContext	*context;
  int		fds[2];			/* TCP, unix; -1 when unused */
  GSource	*sources[2];
  char		*socket_path;		/* Unlinked at stop */
  GThreadPool	*pool;			/* Workers */
  gint		stop;			/* Set at stop: waits at the gate give up */
  int		gate_timeout_ms;
};

/* One accepted connection. */
typedef struct client_s
{
  vaultd_ipp_t	*ipp;
  http_t	*http;
  size_t	read;			/* IPP bytes read for this request */
} client_t;




/*
 * 'ipp_read_cb()' - ippReadIO source: the request body, at most
 *                   IPP_MAX_REQUEST bytes (a larger message is refused).
 */

static ssize_t
ipp_read_cb(void *data, ipp_uchar_t *buffer, size_t length)
{
  client_t	*client = data;
  ssize_t	bytes;

  if (client->read + length > IPP_MAX_REQUEST)
    return (-1);

  if ((bytes = httpRead2(client->http, (char *)buffer, length)) > 0)
    client->read += (size_t)bytes;

  return (bytes);
}


/*
 * 'respond_http()' - Send an HTTP status with a short text body.  Returns
 *                    false when the client is gone.
 */

static bool
respond_http(client_t *client, http_status_t status, const char *text)
{
  size_t len = strlen(text);

  httpClearFields(client->http);
  httpSetField(client->http, HTTP_FIELD_CONTENT_TYPE, "text/plain");
  httpSetLength(client->http, len);

  return (httpWriteResponse(client->http, status) == 0 &&
          httpWrite2(client->http, text, len) == (ssize_t)len && httpFlushWrite(client->http) >= 0);
}


/*
 * 'respond_ipp()' - Send an IPP response.  Returns false when the client
 *                   is gone.
 */

static bool
respond_ipp(client_t *client, ipp_t *response)
{
  ipp_state_t state;

  httpClearFields(client->http);
  httpSetField(client->http, HTTP_FIELD_CONTENT_TYPE, "application/ipp");
  httpSetLength(client->http, ippLength(response));

  if (httpWriteResponse(client->http, HTTP_STATUS_OK) < 0)
    return (false);

  ippSetState(response, IPP_STATE_IDLE);
  while ((state = ippWrite(client->http, response)) != IPP_STATE_DATA)
    if (state == IPP_STATE_ERROR)
      return (false);

  return (httpFlushWrite(client->http) >= 0);
}


/*
 * 'set_status()' - Status code and status-message of a response.
 */

static void
set_status(ipp_t *response, ipp_status_t status, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void
set_status(ipp_t *response, ipp_status_t status, const char *format, ...)
{
  va_list ap;

  ippSetStatusCode(response, status);
  va_start(ap, format);
  ippAddStringfv(response, IPP_TAG_OPERATION, IPP_TAG_TEXT, "status-message", NULL, format, ap);
  va_end(ap);
}


/*
 * 'check_request()' - What every IPP request must carry (RFC 8011
 *                     4.1.4-4.1.8): a version we speak, a request-id, and
 *                     attributes-charset then attributes-natural-language
 *                     first.  False with the status set in response.
 */

static bool
check_request(ipp_t *request, ipp_t *response)
{
  ipp_attribute_t	*charset = ippFirstAttribute(request),
			*language = ippNextAttribute(request);
  int			major, minor;

  major = ippGetVersion(request, &minor);
  if (major < 1 || major > 2)
  {
    ippSetVersion(response, 1, 1);
    set_status(response, IPP_STATUS_ERROR_VERSION_NOT_SUPPORTED, "IPP version %d.%d is not supported.", major, minor);
    return (false);
  }

  if (ippGetRequestId(request) <= 0)
  {
    set_status(response, IPP_STATUS_ERROR_BAD_REQUEST, "Bad request-id %d.", ippGetRequestId(request));
    return (false);
  }

  if (!charset || ippGetGroupTag(charset) != IPP_TAG_OPERATION || ippGetValueTag(charset) != IPP_TAG_CHARSET ||
      g_strcmp0(ippGetName(charset), "attributes-charset") ||
      !language || ippGetGroupTag(language) != IPP_TAG_OPERATION || ippGetValueTag(language) != IPP_TAG_LANGUAGE ||
      g_strcmp0(ippGetName(language), "attributes-natural-language"))
  {
    set_status(response, IPP_STATUS_ERROR_BAD_REQUEST, "attributes-charset and attributes-natural-language must come first.");
    return (false);
  }

  return (true);
}


/*
 * 'find_queue()' - The queue printer-uri names (ipp://host/printers/NAME),
 *                  by its real name; g_free it.  NULL with BAD_REQUEST (no
 *                  or bad printer-uri) or NOT_FOUND (no such vault queue)
 *                  set in response.
 */

static char *
find_queue(vaultd_ipp_t *ipp, ipp_t *request, ipp_t *response)
{
  ipp_attribute_t	*attr = ippFindAttribute(request, "printer-uri", IPP_TAG_URI);
  char			scheme[32], userpass[256], host[256], resource[1024], *queue;
  int			port;
  const char		*name;

  if (!attr || ippGetGroupTag(attr) != IPP_TAG_OPERATION || ippGetCount(attr) != 1 ||
      httpSeparateURI(HTTP_URI_CODING_ALL, ippGetString(attr, 0, NULL), scheme, sizeof(scheme), userpass, sizeof(userpass),
                      host, sizeof(host), &port, resource, sizeof(resource)) < HTTP_URI_STATUS_OK)
  {
    set_status(response, IPP_STATUS_ERROR_BAD_REQUEST, "Missing or bad printer-uri.");
    return (NULL);
  }

  name = g_str_has_prefix(resource, "/printers/") ? resource + 10 : NULL;
  if (!name || (queue = vaultCountersFindQueue(ipp->store, name)) == NULL)
  {
    set_status(response, IPP_STATUS_ERROR_NOT_FOUND, "%s is not a vault queue with counters (expected /printers/QUEUE; a queue gets counters with its first job or \"vaultctl load\").", resource);
    return (NULL);
  }

  return (queue);
}


/*
 * 'answer_counters()' - Wait at the queue's gate, read its counters and
 *                       fill the printer group.  Returns the held gate
 *                       (NULL when none): the caller ends it once the
 *                       answer is written, so the next job starts after it.
 */

static vault_gate_t *
answer_counters(vaultd_ipp_t *ipp, const char *queue, ipp_t *request, ipp_t *response)
{
  GHashTable		*set = _vaultdIppRequested(request);
  vault_gate_t		*gate;
  vault_counters_t	*counters = NULL;
  g_autoptr(GError)	error = NULL;

  if ((gate = vaultGateBeginQuery(ipp->store, queue, ipp->gate_timeout_ms, &ipp->stop, &error)) == NULL)
    set_status(response, IPP_STATUS_ERROR_BUSY, "Queue %s is still printing a job (%s) Ask again later.", queue, error->message);
  else if ((counters = vaultCountersRead(ipp->store, queue, &error)) == NULL)
    set_status(response, IPP_STATUS_ERROR_INTERNAL, "The counters of %s cannot be read: %s", queue, error->message);
  else
  {
    _vaultdIppAddCounters(response, counters, set);
    if (!_vaultdIppAddStoreAttrs(ipp->store, response, queue, set, &error))
      g_warning("Held jobs and area usage left out of the answer for %s: %s", queue, error->message);
  }

  vaultCountersFree(counters);
  if (set)
    g_hash_table_destroy(set);

  return (gate);
}


/*
 * 'process_request()' - The IPP response to one request, and the gate it
 *                       holds (*gate, NULL when none).
 */

static ipp_t *
process_request(vaultd_ipp_t *ipp, ipp_t *request, vault_gate_t **gate)
{
  ipp_t			*response = ippNewResponse(request);
  g_autofree char	*queue = NULL;

  *gate = NULL;

  if (!check_request(request, response))
    return (response);

  if (ippGetOperation(request) != IPP_OP_GET_PRINTER_ATTRIBUTES)
    set_status(response, IPP_STATUS_ERROR_OPERATION_NOT_SUPPORTED, "Only Get-Printer-Attributes is supported here; send jobs to cupsd.");
  else if ((queue = find_queue(ipp, request, response)) != NULL)
    *gate = answer_counters(ipp, queue, request, response);

  return (response);
}


/*
 * 'read_headers()' - Read the request line and header fields.  Returns the
 *                    HTTP state (POST, GET, ...), or HTTP_STATE_ERROR after
 *                    answering 400, or HTTP_STATE_WAITING when the client
 *                    closed the connection or stalled.
 */

static http_state_t
read_headers(client_t *client)
{
  char		resource[1024];
  http_state_t	state = httpReadRequest(client->http, resource, sizeof(resource));
  http_status_t	status = HTTP_STATUS_CONTINUE;
  int		lines;

  if (state == HTTP_STATE_WAITING)
    return (HTTP_STATE_WAITING);

  if (state == HTTP_STATE_ERROR || state < HTTP_STATE_OPTIONS || state == HTTP_STATE_UNKNOWN_METHOD ||
      state == HTTP_STATE_UNKNOWN_VERSION)
  {
    if (httpError(client->http) != EPIPE && httpError(client->http) != ETIMEDOUT)
      respond_http(client, HTTP_STATUS_BAD_REQUEST, "Bad HTTP request.\n");
    return (HTTP_STATE_ERROR);
  }

  /* One header line per call; a client that never ends its header is cut off. */
  for (lines = 0; lines < IPP_MAX_HEADER_LINES && (status = httpUpdate(client->http)) == HTTP_STATUS_CONTINUE; lines ++);

  if (status != HTTP_STATUS_OK)
  {
    respond_http(client, HTTP_STATUS_BAD_REQUEST, "Bad HTTP header.\n");
    return (HTTP_STATE_ERROR);
  }

  return (state);
}


/*
 * 'serve_request()' - Read one HTTP request, answer it.  Returns true when
 *                     the connection may carry another request.
 */

static bool
serve_request(client_t *client)
{
  http_state_t	state = read_headers(client);
  const char	*type;
  ipp_t		*request, *response;
  vault_gate_t	*gate;
  ipp_state_t	ist;
  bool		ok;

  if (state == HTTP_STATE_WAITING || state == HTTP_STATE_ERROR)
    return (false);

  if (state != HTTP_STATE_POST)
    return (respond_http(client, HTTP_STATUS_METHOD_NOT_ALLOWED, "Only IPP requests (POST, application/ipp) are served here.\n") && false);

  if (httpGetExpect(client->http) == HTTP_STATUS_CONTINUE)
    httpWriteResponse(client->http, HTTP_STATUS_CONTINUE);
  else if (httpGetExpect(client->http) != HTTP_STATUS_NONE)
    return (respond_http(client, HTTP_STATUS_EXPECTATION_FAILED, "Unsupported Expect.\n") && false);

  type = httpGetField(client->http, HTTP_FIELD_CONTENT_TYPE);
  if (!type || g_ascii_strncasecmp(type, "application/ipp", 15))
    return (respond_http(client, HTTP_STATUS_BAD_REQUEST, "Content-Type must be application/ipp.\n") && false);

  if (httpGetLength2(client->http) > IPP_MAX_REQUEST)
    return (respond_http(client, HTTP_STATUS_REQUEST_TOO_LARGE, "Request too large.\n") && false);

  request      = ippNew();
  client->read = 0;
  while ((ist = ippReadIO(client, ipp_read_cb, 1, NULL, request)) != IPP_STATE_DATA && ist != IPP_STATE_ERROR);

  if (ist == IPP_STATE_ERROR)
  {
    ippDelete(request);
    return (respond_http(client, HTTP_STATUS_BAD_REQUEST, "Malformed IPP request.\n") && false);
  }

  response = process_request(client->ipp, request, &gate);
  ok       = respond_ipp(client, response);
  vaultGateEndQuery(gate);		/* Written: now the next job may start */
  g_debug("%s %s -> %s", ippOpString(ippGetOperation(request)), httpGetHostname(client->http, NULL, 0),
          ippErrorString(ippGetStatusCode(response)));

  ippDelete(request);
  ippDelete(response);

  /* Document data after the attributes is not read: close instead. */
  return (ok && httpGetRemaining(client->http) == 0 && httpGetKeepAlive(client->http) != HTTP_KEEPALIVE_OFF);
}


/*
 * 'serve_client()' - Thread pool worker: serve one connection to its end.
 */

static void
serve_client(gpointer data,
             gpointer user_data)
{
  client_t *client = data;

  for (int n = 0; n < IPP_MAX_PER_CONN && !g_atomic_int_get(&client->ipp->stop) && serve_request(client); n ++);

  httpClose(client->http);
  g_free(client);
}


/*
 * 'accept_cb()' - Main loop: accept a connection and hand it to a worker.
 *                 Past IPP_MAX_QUEUED waiting connections, new ones are
 *                 closed at once.
 */

static gboolean
accept_cb(int          fd,
          GIOCondition condition,
          gpointer     data)
{
  vaultd_ipp_t	*ipp = data;
  client_t	*client;
  http_t	*http;
  int		on = 1;

  if ((http = httpAcceptConnection(fd, 1)) == NULL)
    return (G_SOURCE_CONTINUE);		/* The client went away first */

  if (g_thread_pool_unprocessed(ipp->pool) >= IPP_MAX_QUEUED)
  {
    g_warning("Too many counters clients at once; closing a connection.");
    httpClose(http);
    return (G_SOURCE_CONTINUE);
  }

  setsockopt(httpGetFd(http), IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));	/* Fails harmlessly on unix sockets */
  httpSetTimeout(http, IPP_READ_TIMEOUT, NULL, NULL);

  client       = g_new0(client_t, 1);
  client->ipp  = ipp;
  client->http = http;
  g_thread_pool_push(ipp->pool, client, NULL);

  return (G_SOURCE_CONTINUE);
}


/*
 * 'add_listener()' - Watch listening socket fd (slot i) on the context.
 */

static void
add_listener(vaultd_ipp_t *ipp, guint i, int fd)
{
  ipp->fds[i]     = fd;
  ipp->sources[i] = g_unix_fd_source_new(fd, G_IO_IN);
  g_source_set_callback(ipp->sources[i], G_SOURCE_FUNC(accept_cb), ipp, NULL);
  g_source_attach(ipp->sources[i], ipp->context);
}


/*
 * 'vaultdIppStart()' - Listen on listen ("host:port", loopback only) and/or
 *                      socket_path and serve counters from store (which
 *                      must outlive the service) on the caller's
 *                      thread-default main context.  NULL with CONFIG (no
 *                      address, a non-loopback one) or IO.  SIGPIPE is
 *                      ignored from here on: a client that hangs up must
 *                      not kill vaultd.  $VAULTD_GATE_TIMEOUT (seconds)
 *                      overrides how long a query waits for a running job.
 */

vaultd_ipp_t *
vaultdIppStart(vault_store_t *store, const char *listen, const char *socket_path, GError **error)
{
  vaultd_ipp_t	*ipp;
  const char	*timeout = g_getenv("VAULTD_GATE_TIMEOUT");
  guint64	seconds = 0;
  int		fd;

  g_return_val_if_fail(store != NULL, NULL);

  if (!listen && !socket_path)
  {
    g_set_error(error, VAULT_ERROR, VAULT_ERROR_CONFIG, "Neither counters-listen nor counters-socket is set: the counters service has nowhere to listen.");
    return (NULL);
  }

  signal(SIGPIPE, SIG_IGN);

  ipp                  = g_new0(vaultd_ipp_t, 1);
  ipp->store           = store;
  ipp->context         = g_main_context_ref_thread_default();
  ipp->fds[0]          = ipp->fds[1] = -1;
  ipp->gate_timeout_ms = IPP_GATE_TIMEOUT_MS;
  if (timeout && g_ascii_string_to_unsigned(timeout, 10, 1, 86400, &seconds, NULL))
    ipp->gate_timeout_ms = (int)seconds * 1000;

  if ((ipp->pool = g_thread_pool_new(serve_client, ipp, IPP_MAX_WORKERS, FALSE, error)) == NULL)
    goto fail;

  if (listen)
  {
    if ((fd = _vaultdIppListenTcp(listen, error)) < 0)
      goto fail;
    add_listener(ipp, 0, fd);
  }

  if (socket_path)
  {
    if ((fd = vaultdListenUnix(socket_path, "counters-socket", error)) < 0)
      goto fail;
    ipp->socket_path = g_strdup(socket_path);
    add_listener(ipp, 1, fd);
  }

  g_message("Counters service listening on %s%s%s.", listen ? listen : "", listen && socket_path ? " and " : "",
            socket_path ? socket_path : "");
  return (ipp);

fail:
  vaultdIppStop(ipp);
  return (NULL);
}


/*
 * 'vaultdIppStop()' - Stop listening, let the workers finish (a worker
 *                     waiting at a gate gives up at once; one reading a
 *                     stalled client within IPP_READ_TIMEOUT), free.
 */

void
vaultdIppStop(vaultd_ipp_t *ipp)
{
  if (!ipp)
    return;

  g_atomic_int_set(&ipp->stop, 1);

  for (guint i = 0; i < 2; i ++)
  {
    if (ipp->sources[i])
    {
      g_source_destroy(ipp->sources[i]);
      g_source_unref(ipp->sources[i]);
    }
    if (ipp->fds[i] >= 0)
      close(ipp->fds[i]);
  }

  if (ipp->socket_path)
    unlink(ipp->socket_path);

  if (ipp->pool)
    g_thread_pool_free(ipp->pool, FALSE, TRUE);

  g_main_context_unref(ipp->context);
  g_free(ipp->socket_path);
  g_free(ipp);
}
