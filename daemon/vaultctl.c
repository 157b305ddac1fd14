/*
 * vaultctl: the administrator's view of the vault spool: create the site
 * key, list entries, show one, read the journal, show area usage; and the
 * originator's way to release a protected job (vaultctl-release.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include "spool.h"
#include "vaultctl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/*
 * Local functions...
 */

static int	cmd_areas(vault_store_t *store, int argc, char *argv[]);
static int	cmd_journal(vault_store_t *store, int argc, char *argv[]);
static int	cmd_keygen(const char *config_path, int argc, char *argv[]);
static int	cmd_list(vault_store_t *store, int argc, char *argv[]);
static int	cmd_show(vault_store_t *store, int argc, char *argv[]);
static int	usage(int status);


/*
 * Commands that need an open store.
 */

typedef struct command_s
{
  const char	*name;
  int		(*run)(vault_store_t *store, int argc, char *argv[]);
} command_t;

static const command_t commands[] =
{
  { "areas", cmd_areas },
  { "journal", cmd_journal },
  { "list", cmd_list },
  { "load", vaultctlLoad },
  { "show", cmd_show },
  { "trays", vaultctlTrays }
};


/*
 * 'main()' - Pick the command, open the store it needs, run it.
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 */

int
main(int  argc,
     char *argv[])
{
  const char		*config_path = NULL;
  vault_config_t	*config;
  vault_store_t		*store;
  int			i, status;
  g_autoptr(GError)	error = NULL;

  if (argc > 2 && (!strcmp(argv[1], "-c") || !strcmp(argv[1], "--config")))
  {
    config_path = argv[2];
    argc -= 2;
    argv += 2;
  }

  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
    return (usage(argc < 2 ? 2 : 0));

  if (!strcmp(argv[1], "keygen"))
    return (cmd_keygen(config_path, argc - 1, argv + 1));

  if (!strcmp(argv[1], "release"))		/* Any user: no store, no site key */
    return (vaultctlRelease(config_path, argc - 1, argv + 1));

  for (i = 0; i < (int)G_N_ELEMENTS(commands); i ++)
    if (!strcmp(argv[1], commands[i].name))
      break;

  if (i == (int)G_N_ELEMENTS(commands))
  {
    fprintf(stderr, "vaultctl: unknown command \"%s\".\n", argv[1]);
    return (usage(2));
  }

  if ((config = vaultConfigLoad(config_path, &error)) == NULL ||
      (store = vaultStoreOpen(config, &error)) == NULL)
  {
    fprintf(stderr, "vaultctl: %s\n", error->message);
    vaultConfigFree(config);
    return (1);
  }

  status = commands[i].run(store, argc - 1, argv + 1);

  vaultStoreClose(store);
  vaultConfigFree(config);

  return (status);
}


/*
 * 'usage()' - Show the commands.
 */

static int
usage(int status)
{
  FILE *out = status ? stderr : stdout;

  fputs("Usage: vaultctl [-c vault.conf] COMMAND [ARGS]\n"
        "Commands:\n"
        "  keygen [FILE]   create the site key (default: key-file of vault.conf), mode 0600\n"
        "  list [--all]    entries that hold a job (--all: tombstones too)\n"
        "  show ID         every field of one entry\n"
        "  journal [ID]    the audit journal, oldest first (only ID's records when given)\n"
        "  areas           capacity, use and free room of each area\n"
        "  trays QUEUE     paper and page counters of QUEUE per tray and media\n"
        "  load QUEUE --tray T --media M --sheets N\n"
        "                  record that N sheets of M were loaded in tray T (admin only)\n"
        "  release [--stdin] [--socket PATH] JOB-ID\n"
        "                  hand the secret (job password) of your held protected job to\n"
        "                  vaultd so it prints once; asked without echo, or one line of stdin\n", out);

  return (status);
}


/*
 * 'cmd_keygen()' - Create the site key file; refuses to overwrite one.
 */

static int
cmd_keygen(const char *config_path,
           int        argc,
           char       *argv[])
{
  const char		*path;
  vault_config_t	*config = NULL;
  int			status = 0;
  g_autoptr(GError)	error = NULL;

  if (argc > 1)
    path = argv[1];
  else if ((config = vaultConfigLoad(config_path, &error)) != NULL)
    path = vaultConfigGetKeyFile(config);
  else
  {
    fprintf(stderr, "vaultctl: %s\n", error->message);
    return (1);
  }

  if (vaultKeyFileCreate(path, &error))
    printf("vaultctl: created site key %s (mode 0600). Keep a copy offline: without it no stored job can be read.\n", path);
  else
  {
    fprintf(stderr, "vaultctl: %s\n", error->message);
    status = 1;
  }

  vaultConfigFree(config);

  return (status);
}


/*
 * 'format_time()' - Local "YYYY-MM-DD HH:MM:SS" for a UNIX time; g_free it.
 */

static char *
format_time(gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(t);

  return (dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S") : g_strdup("-"));
}


/*
 * 'list_entry()' - Print one row of "vaultctl list".
 */

static bool
list_entry(vault_store_t *store,
           const char    *id,
           vault_entry_t *entry,
           const GError  *load_error,
           void          *data)
{
  bool			all = *(bool *)data;
  const vault_job_t	*job;
  vault_state_t		state;
  g_autofree char	*stored = NULL;

  if (!entry)
  {
    printf("%-32s  %-11s  %s\n", id, "unreadable", load_error ? load_error->message : "");
    return (true);
  }

  state = vaultEntryGetState(entry);
  if (!all && (state == VAULT_STATE_DONE || state == VAULT_STATE_DISCARDED))
    return (true);

  job    = vaultEntryGetJob(entry);
  stored = format_time(vaultEntryGetStoredTime(entry));
  printf("%-32s  %-11s  %5d  %-16s  %-12s  %19s  %10" G_GUINT64_FORMAT "  %s\n", id,
         vaultStateString(state), job->job_id, job->queue, job->user, stored,
         vaultEntryGetSize(entry), job->title ? job->title : "");

  return (true);
}


/*
 * 'cmd_list()' - List entries, one per line.
 */

static int
cmd_list(vault_store_t *store,
         int           argc,
         char          *argv[])
{
  bool			all = argc > 1 && !strcmp(argv[1], "--all");
  g_autoptr(GError)	error = NULL;

  printf("%-32s  %-11s  %5s  %-16s  %-12s  %19s  %10s  %s\n", "ENTRY", "STATE", "JOB",
         "QUEUE", "USER", "STORED", "BYTES", "TITLE");

  if (!vaultStoreWalk(store, all ? VAULT_WALK_ALL : VAULT_WALK_LIVE, list_entry, &all, &error))
  {
    fprintf(stderr, "vaultctl: %s\n", error->message);
    return (1);
  }

  return (0);
}


/*
 * 'cmd_show()' - Print every field of one entry (never its key).
 */

static int
cmd_show(vault_store_t *store,
         int           argc,
         char          *argv[])
{
  vault_lock_t		*lock;
  vault_entry_t		*entry;
  const vault_job_t	*job;
  g_autofree char	*stored = NULL;
  g_autoptr(GError)	error = NULL;

  if (argc != 2)
    return (usage(2));

  if ((lock = vaultLockAcquire(store, argv[1], true, &error)) == NULL ||
      (entry = vaultEntryOpen(store, lock, argv[1], &error)) == NULL)
  {
    fprintf(stderr, "vaultctl: %s\n", error->message);
    vaultLockRelease(lock);
    return (1);
  }

  job    = vaultEntryGetJob(entry);
  stored = format_time(vaultEntryGetStoredTime(entry));

  printf("entry:        %s\nstate:        %s%s\narea:         %s\n", vaultEntryGetId(entry),
         vaultStateString(vaultEntryGetState(entry)),
         vaultEntryIsInterrupted(entry) ? " (interrupted)" : "", vaultEntryGetArea(entry));
  printf("job:          %d on %s, \"%s\", %d cop%s, priority %d\n", job->job_id, job->queue,
         job->title ? job->title : "", job->copies, job->copies == 1 ? "y" : "ies", job->priority);
  printf("job-uuid:     %s\ncreated:      %" G_GINT64_FORMAT "\n", job->uuid, job->created);
  printf("originator:   %s@%s\nstored:       %s (site date %s)\n", job->user,
         job->host ? job->host : "-", stored, vaultEntryGetStoredLocalDate(entry));
  printf("size:         %" G_GUINT64_FORMAT " bytes (%" G_GUINT64_FORMAT " on disk)\n",
         vaultEntryGetSize(entry), vaultEntryGetFileSize(entry));
  printf("printer:      %s\nsecret:       %s\n", job->inner_uri ? job->inner_uri : "-",
         vaultEntryHasSecret(entry) ? "required to print after a restart" : "none");
  if (vaultEntryGetBootId(entry))
    printf("last sender:  pid %d, boot %s\n", (int)vaultEntryGetPid(entry), vaultEntryGetBootId(entry));

  vaultEntryFree(entry);
  vaultLockRelease(lock);

  return (0);
}


/*
 * 'print_record()' - Print one journal record as a line.
 */

static bool
print_record(const vault_record_t *record,
             void                 *data)
{
  const char		*only = data;
  g_autofree char	*when = NULL;

  if (only && g_strcmp0(only, record->entry_id))
    return (true);

  when = format_time(record->time);
  printf("%s  %-32s  %5d  %-12s  %-11s -> %-11s  %-20s  %s\n", when,
         record->entry_id ? record->entry_id : "-", record->job_id,
         record->user ? record->user : "-", record->from ? record->from : "-",
         record->to ? record->to : "-", record->actor ? record->actor : "-",
         record->reason ? record->reason : "");

  return (true);
}


/*
 * 'cmd_journal()' - Print the journal, oldest record first.
 */

static int
cmd_journal(vault_store_t *store,
            int           argc,
            char          *argv[])
{
  g_autoptr(GError) error = NULL;

  if (!vaultJournalForeach(store, print_record, argc > 1 ? argv[1] : NULL, &error))
  {
    fprintf(stderr, "vaultctl: %s\n", error->message);
    return (1);
  }

  return (0);
}


/*
 * 'cmd_areas()' - Print capacity, use and free room of each area.
 */

static int
cmd_areas(vault_store_t *store,
          int           argc,
          char          *argv[])
{
  const vault_config_t	*config = vaultStoreGetConfig(store);
  guint			i;
  guint64		used, capacity, fs_free;
  int			status = 0;

  printf("%-12s  %14s  %14s  %14s  %s\n", "AREA", "CAPACITY", "USED", "FS FREE", "PATH");

  for (i = 0; i < vaultConfigGetAreaCount(config); i ++)
  {
    g_autoptr(GError) error = NULL;

    if (!vaultStoreGetAreaUsage(store, i, &used, &capacity, &fs_free, &error))
    {
      fprintf(stderr, "vaultctl: %s\n", error->message);
      status = 1;
      continue;
    }

    printf("%-12s  %14" G_GUINT64_FORMAT "  %14" G_GUINT64_FORMAT "  %14" G_GUINT64_FORMAT "  %s\n",
           vaultConfigGetAreaName(config, i), capacity, used, fs_free,
           vaultConfigGetAreaPath(config, i));
  }

  return (status);
}
