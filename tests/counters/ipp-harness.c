/*
 * Test harness of the counters IPP service: runs vaultdIppStart alone on a
 * GMainLoop, plays a backend at the between-jobs gate, and measures query
 * latency.  Used by tests/counters/ipp.sh.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *   ipp-harness serve [--listen HOST:PORT] [--socket PATH]
 *       serve until SIGTERM/SIGINT; prints "ready" once listening.
 *   ipp-harness job QUEUE [--hold SECONDS] [--timeout SECONDS] [MEDIA TRAY PAGES IMPRESSIONS SHEETS]...
 *       enter the gate as a backend does, hold it, apply the counts, leave;
 *       prints "entered <t>" and "left <t>" (UNIX seconds, microseconds).
 *   ipp-harness markers QUEUE
 *       print the ATTR: marker-* value the backend would send.
 *   ipp-harness bench URI COUNT
 *       COUNT Get-Printer-Attributes on one connection; prints when the last
 *       answer arrived and its printer-pages-completed ("answered <t>
 *       pages=<n>"), then p50/p99/max ms.
 * The store comes from $VAULT_CONF.  Exit 0 on success, 1 on failure.
 */

#include "config.h"
#include "vaultd.h"
#include <cups/cups.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/*
 * 'now()' - Wall-clock seconds with microseconds, as bash's $EPOCHREALTIME.
 */

static double
now(void)
{
  return ((double)g_get_real_time() / 1e6);
}


/*
 * 'quit_cb()' - SIGTERM/SIGINT: leave the main loop.
 */

static gboolean
quit_cb(gpointer data)
{
  g_main_loop_quit(data);
  return (G_SOURCE_REMOVE);
}


/*
 * 'run_serve()' - Serve counters until a signal.
 */

static int
run_serve(vault_store_t *store, int argc, char *argv[])
{
  const char		*listen = NULL, *socket_path = NULL;
  vaultd_ipp_t		*ipp;
  GMainLoop		*loop;
  g_autoptr(GError)	error = NULL;

  for (int i = 0; i + 1 < argc; i += 2)
  {
    if (!strcmp(argv[i], "--listen"))
      listen = argv[i + 1];
    else if (!strcmp(argv[i], "--socket"))
      socket_path = argv[i + 1];
  }

  if ((ipp = vaultdIppStart(store, listen, socket_path, &error)) == NULL)
  {
    fprintf(stderr, "ipp-harness: %s\n", error->message);
    return (1);
  }

  loop = g_main_loop_new(NULL, FALSE);
  g_unix_signal_add(SIGTERM, quit_cb, loop);
  g_unix_signal_add(SIGINT, quit_cb, loop);
  printf("ready\n");
  fflush(stdout);
  g_main_loop_run(loop);

  vaultdIppStop(ipp);
  g_main_loop_unref(loop);
  return (0);
}


/*
 * 'run_job()' - Play one backend run at the gate.
 */

static int
run_job(vault_store_t *store, int argc, char *argv[])
{
  const char		*queue = argv[0];
  double		hold = 0.0;
  int			timeout = 30, i = 1;
  GArray		*rows = g_array_new(FALSE, TRUE, sizeof(vault_job_counts_t));
  vault_gate_t		*gate;
  bool			ok;
  g_autoptr(GError)	error = NULL;

  for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2)
  {
    if (!strcmp(argv[i], "--hold"))
      hold = g_ascii_strtod(argv[i + 1], NULL);
    else if (!strcmp(argv[i], "--timeout"))
      timeout = atoi(argv[i + 1]);
  }

  for (; i + 4 < argc; i += 5)
  {
    vault_job_counts_t r = { argv[i], argv[i + 1], g_ascii_strtoull(argv[i + 2], NULL, 10),
                             g_ascii_strtoull(argv[i + 3], NULL, 10), g_ascii_strtoull(argv[i + 4], NULL, 10) };
    g_array_append_val(rows, r);
  }

  if ((gate = vaultGateEnterJob(store, queue, timeout * 1000, &error)) == NULL)
  {
    fprintf(stderr, "ipp-harness: %s\n", error->message);
    g_array_free(rows, TRUE);
    return (1);
  }

  printf("entered %.6f\n", now());
  fflush(stdout);
  g_usleep((gulong)(hold * 1e6));

  ok = vaultCountersApplyJob(store, queue, (vault_job_counts_t *)rows->data, rows->len, NULL, &error);
  printf("left %.6f\n", now());
  fflush(stdout);
  vaultGateLeaveJob(gate);

  if (!ok)
    fprintf(stderr, "ipp-harness: %s\n", error->message);

  g_array_free(rows, TRUE);
  return (ok ? 0 : 1);
}


/*
 * 'run_markers()' - Print the marker-* value for a queue.
 */

static int
run_markers(vault_store_t *store, const char *queue)
{
  vault_counters_t	*counters;
  g_autofree char	*markers = NULL;
  g_autoptr(GError)	error = NULL;

  if ((counters = vaultCountersRead(store, queue, &error)) == NULL)
  {
    fprintf(stderr, "ipp-harness: %s\n", error->message);
    return (1);
  }

  markers = vaultCountersFormatMarkers(counters);
  printf("%s\n", markers ? markers : "");
  vaultCountersFree(counters);
  return (0);
}


/*
 * 'compare_double()' - qsort order.
 */

static int
compare_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x < y ? -1 : x > y);
}


/*
 * 'run_bench()' - COUNT queries on one connection, latency percentiles.
 */

static int
run_bench(const char *uri, int count)
{
  char		scheme[32], userpass[64], host[1024], resource[1024];
  int		port, failures = 0, pages = -1;
  http_t	*http;
  double	*ms = g_new(double, count);

  if (count < 1 || httpSeparateURI(HTTP_URI_CODING_ALL, uri, scheme, sizeof(scheme), userpass, sizeof(userpass), host,
                                   sizeof(host), &port, resource, sizeof(resource)) < HTTP_URI_STATUS_OK ||
      (http = httpConnect2(host, port, NULL, AF_UNSPEC, HTTP_ENCRYPTION_NEVER, 1, 5000, NULL)) == NULL)
  {
    fprintf(stderr, "ipp-harness: cannot connect to %s\n", uri);
    g_free(ms);
    return (1);
  }

  for (int i = 0; i < count; i ++)
  {
    ipp_t	*request = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES), *response;
    gint64	start = g_get_monotonic_time();

    ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    response = cupsDoRequest(http, request, resource);
    ms[i]    = (double)(g_get_monotonic_time() - start) / 1000.0;
    if (!response || ippGetStatusCode(response) != IPP_STATUS_OK ||
        !ippFindAttribute(response, "printer-pages-completed", IPP_TAG_INTEGER))
      failures ++;
    else
      pages = ippGetInteger(ippFindAttribute(response, "printer-pages-completed", IPP_TAG_INTEGER), 0);
    ippDelete(response);
  }

  qsort(ms, (size_t)count, sizeof(double), compare_double);
  printf("answered %.6f pages=%d\n", now(), pages);
  printf("queries=%d failures=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", count, failures, ms[count / 2],
         ms[(count * 99) / 100 < count ? (count * 99) / 100 : count - 1], ms[count - 1]);

  httpClose(http);
  g_free(ms);
  return (failures ? 1 : 0);
}


/*
 * 'main()' - Pick the mode; open the store for the ones that need it.
 */

int
main(int  argc,
     char *argv[])
{
  vault_config_t	*config;
  vault_store_t		*store;
  int			status;
  g_autoptr(GError)	error = NULL;

  if (argc >= 4 && !strcmp(argv[1], "bench"))
    return (run_bench(argv[2], atoi(argv[3])));

  if (argc < 2 || (strcmp(argv[1], "serve") && argc < 3))
  {
    fputs("Usage: ipp-harness serve|job|markers|bench ... (see the source)\n", stderr);
    return (1);
  }

  if ((config = vaultConfigLoad(NULL, &error)) == NULL || (store = vaultStoreOpen(config, &error)) == NULL)
  {
    fprintf(stderr, "ipp-harness: %s\n", error->message);
    vaultConfigFree(config);
    return (1);
  }

  if (!strcmp(argv[1], "serve"))
    status = run_serve(store, argc - 2, argv + 2);
  else if (!strcmp(argv[1], "job"))
    status = run_job(store, argc - 2, argv + 2);
  else
    status = run_markers(store, argv[2]);

  vaultStoreClose(store);
  vaultConfigFree(config);
  return (status);
}
