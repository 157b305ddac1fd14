/*
 * vaultd: the companion daemon of the vault backend.  "vaultd --recover"
 * is the boot sweep that runs before cupsd.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#define G_LOG_DOMAIN "vaultd"

#include "vaultd.h"
#include <stdio.h>
#include <stdlib.h>


/*
 * Local functions...
 */

static int	run_recover(const char *config_path, bool quiet);


/*
 * 'main()' - Parse the command line, then run the one thing asked for.
 */

int
main(int  argc,
     char *argv[])
{
  gboolean		recover = FALSE, quiet = FALSE;
  g_autofree char	*config_path = NULL;
  g_autoptr(GError)	error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  GOptionEntry		entries[] =
  {
    { "recover", 0, 0, G_OPTION_ARG_NONE, &recover, "Run the boot sweep (before cupsd starts) and exit", NULL },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file (default: $VAULT_CONF or " VAULT_DEFAULT_CONF_PATH ")", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors", NULL },
    G_OPTION_ENTRY_NULL
  };

  context = g_option_context_new("- the cups-vault daemon");
  g_option_context_set_summary(context, "Recovers the vault spool after a restart: interrupted jobs are held, never printed again by themselves.");
  g_option_context_add_main_entries(context, entries, NULL);

  if (!g_option_context_parse(context, &argc, &argv, &error))
  {
    fprintf(stderr, "vaultd: %s\n", error->message);
    return (2);
  }

  if (!recover)
  {
    fputs("vaultd: this version runs the boot sweep only; use \"vaultd --recover\".\n", stderr);
    return (2);
  }

  return (run_recover(config_path, quiet));
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

  if ((config = vaultConfigLoad(config_path, &error)) == NULL)
  {
    fprintf(stderr, "vaultd: %s\n", error->message);
    return (1);
  }

  if ((store = vaultStoreOpen(config, &error)) == NULL)
  {
    fprintf(stderr, "vaultd: %s\n", error->message);
    vaultConfigFree(config);
    return (1);
  }

  ok = vaultdRecover(store, now, &sweep, &error);

  if (!ok)
    fprintf(stderr, "vaultd: %s\n", error->message);
  else if (!quiet)
    printf("vaultd: %u entries: %u resurrected, %u already held, %u incomplete discarded, "
           "%u stale discarded, %u tombstones pruned, %u busy, %u unreadable\n",
           sweep.seen, sweep.resurrected, sweep.kept, sweep.incomplete, sweep.stale,
           sweep.pruned, sweep.busy, sweep.unreadable);

  vaultStoreClose(store);
  vaultConfigFree(config);

  return (ok ? 0 : 1);
}
