/*
 * vaultd: the companion daemon of the vault backend.  "vaultd --recover"
 * is the boot sweep that runs before cupsd; plain "vaultd" is the service
 * that runs after cupsd (vaultd-service.c), serves the counters
 * (vaultd-ipp.c) and takes releases of protected jobs on its release socket
 * (vaultd-secret.c), until SIGTERM or SIGINT.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#define G_LOG_DOMAIN "vaultd"

#include "vaultd.h"
#include "vaultd-secret.h"
#include <errno.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>


/*
 * Local functions...
 */

static int	run_recover(const char *config_path, bool quiet);
static int	run_service(const char *config_path, bool foreground);


/*
 * 'main()' - Parse the command line, then run the one thing asked for.
 */

int
main(int  argc,
     char *argv[])
{
  gboolean		recover = FALSE, quiet = FALSE, foreground = FALSE;
  g_autofree char	*config_path = NULL;
  g_autoptr(GError)	error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  GOptionEntry		entries[] =
  {
    { "recover", 0, 0, G_OPTION_ARG_NONE, &recover, "Run the boot sweep (before cupsd starts) and exit", NULL },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file (default: $VAULT_CONF or " VAULT_DEFAULT_CONF_PATH ")", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors", NULL },
    { "foreground", 'f', 0, G_OPTION_ARG_NONE, &foreground, "Run the service in the foreground (systemd, tests)", NULL },
    G_OPTION_ENTRY_NULL
  };

  context = g_option_context_new("- the cups-vault daemon");
  g_option_context_set_summary(context, "With --recover (at boot, before cupsd): sweeps the vault spool so interrupted jobs are held, never printed again by themselves.\nWithout it (after cupsd): the service that holds interrupted jobs in cupsd, re-creates lost ones and consults their originators.\nEnvironment: CUPS_SERVER (cupsd to talk to), VAULTD_POLL_INTERVAL (seconds, default 2), VAULTD_NOTIFY_RECIPIENT (notify-recipient-uri, %u = user; default ippget).");
  g_option_context_add_main_entries(context, entries, NULL);

  if (!g_option_context_parse(context, &argc, &argv, &error))
  {
    fprintf(stderr, "vaultd: %s\n", error->message);
    return (2);
  }

  if (recover)
    return (run_recover(config_path, quiet));
  else
    return (run_service(config_path, foreground));
}


/*
 * 'open_store()' - Load the configuration and open the store; on failure
 *                  say why on stderr and return NULL (nothing to free).
 */

static vault_store_t *
open_store(const char     *config_path,
           vault_config_t **config)
{
  vault_store_t		*store = NULL;
  g_autoptr(GError)	error = NULL;

  if ((*config = vaultConfigLoad(config_path, &error)) != NULL &&
      (store = vaultStoreOpen(*config, &error)) == NULL)
  {
    vaultConfigFree(*config);
    *config = NULL;
  }

  if (!store)
    fprintf(stderr, "vaultd: %s\n", error->message);

  return (store);
}


/*
 * 'run_recover()' - Open the store, sweep it, print the summary.
 *
 * Exit status: 0 when the sweep ran (entries it could not read are reported
 * and counted), 1 when the configuration or the spool cannot be opened.
 */

static int
run_recover(const char *config_path,
            bool       quiet)
{
  vault_config_t	*config;
  vault_store_t		*store;
  vaultd_sweep_t	sweep;
  bool			ok;
  g_autoptr(GDateTime)	now = g_date_time_new_now_local();
  g_autoptr(GError)	error = NULL;

  if ((store = open_store(config_path, &config)) == NULL)
    return (1);

  ok = vaultdRecover(store, now, &sweep, &error);

  if (!ok)
    fprintf(stderr, "vaultd: %s\n", error->message);
  else if (!quiet)
    printf("vaultd: %u entries: %u resurrected, %u already resurrected, %u incomplete removed, "
           "%u stale discarded, %u busy, %u unreadable, %u leftover temporary files removed\n",
           sweep.seen, sweep.resurrected, sweep.kept, sweep.incomplete, sweep.stale,
           sweep.busy, sweep.unreadable, sweep.temporaries);

  vaultStoreClose(store);
  vaultConfigFree(config);

  return (ok ? 0 : 1);
}


/*
 * 'quit_cb()' - SIGTERM/SIGINT: leave the main loop.
 */

static gboolean
quit_cb(gpointer data)
{
  g_message("Stopping.");
  g_main_loop_quit(data);
  return (G_SOURCE_REMOVE);
}


/*
 * 'detach()' - Leave the terminal: fork, the parent exits, new session.
 *              Returns false when fork fails.
 */

static bool
detach(void)
{
  pid_t pid = fork();

  if (pid < 0)
    return (false);
  if (pid > 0)
    _exit(0);

  setsid();
  if (chdir("/")) {}			/* Nothing to do if / is not reachable */

  return (true);
}


/*
 * 'run_service()' - Open the store, start the service and the counters,
 *                   run the main loop until SIGTERM or SIGINT.
 *
 * Exit status: 0 after a signal, 1 when the configuration, the spool, the
 * counters' listener or the release socket cannot be opened.  cupsd need
 * not be running: the service waits for it.
 */

static int
run_service(const char *config_path,
            bool       foreground)
{
  vault_config_t	*config;
  vault_store_t		*store;
  vaultd_service_t	*service = NULL;
  vaultd_ipp_t		*ipp = NULL;
  vaultd_secret_t	*secret = NULL;
  GMainLoop		*loop;
  int			status = 1;
  g_autoptr(GError)	error = NULL;

  if ((store = open_store(config_path, &config)) == NULL)
    return (1);

  signal(SIGPIPE, SIG_IGN);		/* cupsd may go away mid-request */
  loop = g_main_loop_new(NULL, FALSE);

  if ((vaultConfigGetCountersListen(config) || vaultConfigGetCountersSocket(config)) &&
      (ipp = vaultdIppStart(store, vaultConfigGetCountersListen(config), vaultConfigGetCountersSocket(config), &error)) == NULL)
    fprintf(stderr, "vaultd: %s\n", error->message);
  else if ((secret = vaultdSecretStart(store, &error)) == NULL)
    fprintf(stderr, "vaultd: %s\n", error->message);
  else if (!foreground && !detach())
    fprintf(stderr, "vaultd: cannot detach: %s\n", g_strerror(errno));
  else if ((service = vaultdServiceStart(store, &error)) == NULL)
    fprintf(stderr, "vaultd: %s\n", error->message);
  else
  {
    g_unix_signal_add(SIGTERM, quit_cb, loop);
    g_unix_signal_add(SIGINT, quit_cb, loop);
    g_main_loop_run(loop);
    status = 0;
  }

  vaultdServiceStop(service);
  vaultdSecretStop(secret);
  if (ipp)
    vaultdIppStop(ipp);
  g_main_loop_unref(loop);
  vaultStoreClose(store);
  vaultConfigFree(config);

  return (status);
}
