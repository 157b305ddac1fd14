/*
 * Private interface of the vault backend: job identity from argv and the
 * environment, the inner backend runner, and the one message helper.
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 * The backend's files share these types; nothing here is used outside
 * backend/ except by the backend's unit test.
 */

#ifndef VAULT_BACKEND_H
#define VAULT_BACKEND_H

#include "config.h"		/* _GNU_SOURCE and friends, before any system header */
#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>
#include "spool.h"

G_BEGIN_DECLS

/*
 * Errors of the backend itself (domain BACKEND_ERROR); spool faults keep
 * their VAULT_ERROR codes.  vault.c maps both to CUPS_BACKEND_* in one switch.
 */

#define BACKEND_ERROR (backendErrorQuark())

typedef enum backend_error_e
{
  BACKEND_ERROR_URI,		/* Device URI is not vault:/<inner-uri> */
  BACKEND_ERROR_INNER_MISSING,	/* No executable backend for the inner scheme */
  BACKEND_ERROR_INNER_START,	/* fork/exec/privilege drop of the inner backend failed */
  BACKEND_ERROR_JOB,		/* argv/options lack what identifies the job */
  BACKEND_ERROR_INPUT		/* The job data could not be read whole */
} backend_error_t;

extern GQuark		backendErrorQuark(void);

/*
 * A parsed device URI.  full holds credentials and goes only into the
 * inner backend's DEVICE_URI; everything else is safe to log.
 */

typedef struct backend_uri_s
{
  char		*full;		/* Inner URI as configured (may hold user:pass) */
  char		*sanitized;	/* Inner URI without user:pass */
  char		*scheme;	/* Inner scheme: the inner backend's file name */
} backend_uri_t;

extern bool		backendUriParse(const char *device_uri, backend_uri_t *uri, GError **error);
extern void		backendUriClear(backend_uri_t *uri);
extern char		*backendUriSanitize(const char *uri);

/*
 * What one backend run knows about its job: the spool's vault_job_t plus
 * the strings it points to (owned here) and where the data comes from.
 */

typedef struct backend_job_s
{
  vault_job_t	job;		/* Identity handed to the spool */
  char		*uuid, *queue, *user, *host, *title, *content_type;
  char		*printer;	/* $PRINTER: the printer queue running the job (gate, counters) */
  const char	*data_file;	/* argv[6] or NULL for stdin */
} backend_job_t;

extern bool		backendJobParse(backend_job_t *bj, int argc, char *argv[], const char *inner_uri, GError **error);
extern void		backendJobClear(backend_job_t *bj);

/*
 * The inner backend (vault-inner.c).
 */

typedef struct backend_inner_s
{
  char		*path;		/* $CUPS_SERVERBIN/backend/<scheme> */
  bool		drop_privileges;/* cupsd would run it as the CUPS user */
  uid_t		uid;		/* User to run as when dropping */
  gid_t		gid;
} backend_inner_t;

/* How the inner backend ended. */
typedef struct backend_inner_result_s
{
  int		status;		/* CUPS_BACKEND_* when exited, else -1 */
  int		signal;		/* Signal that ended it, else 0 */
  bool		terminated;	/* We forwarded a SIGTERM from cupsd */
} backend_inner_result_t;

extern bool		backendInnerFind(const backend_uri_t *uri, backend_inner_t *inner, GError **error);
extern void		backendInnerClear(backend_inner_t *inner);
extern bool		backendInnerRun(const backend_inner_t *inner, const backend_uri_t *uri, char *argv[], vault_reader_t *reader, backend_inner_result_t *result, GError **error);
extern void		backendRelayWithoutPages(int fd, pid_t child);	/* vault-inner-relay.c */
extern void		backendSignalsInit(void);
extern bool		backendTerminated(void);

/*
 * Leave a message on a job cupsd holds after we exit (vault-notice.c).
 */

extern void		backendNoticeAfterHold(int job_id, const char *message);

/*
 * Originator secrets (vault-secret.c): job-password out of argv[5], release
 * grants from vaultd, and what a protected job's holder is told.
 */

extern char		*backendSecretTake(char *options);	/* Scrubs argv[5] in place; NULL when none */
extern void		backendSecretFree(char *secret);	/* Wipes */
extern char		*backendSecretHeldMessage(int job_id, const char *user, const char *stored);
extern void		backendSecretJournal(vault_store_t *store, const vault_entry_t *entry, const char *actor, const char *reason);
extern void		backendSecretRefuseUnprotected(vault_store_t *store, const vault_job_t *job, const char *actor);
extern bool		backendSecretGrant(const vault_config_t *config, const char *id, guint8 key[VAULT_DATA_KEY_SIZE], char **why);

/*
 * Messages for cupsd (vault-log.c): one line, unbuffered, < 2047 bytes.
 */

extern void		backendLog(const char *prefix, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* vault-sidechannel.c: answer filters' side-channel requests while the job is stored. */
extern int		backendWaitInput(int fd, bool *side_open);
extern bool		backendSideChannelAnswer(void);

/* vault-counts.c: after a printed job, apply the filter's counts, report tray levels. */
extern void		backendCountsApply(vault_store_t *store, const backend_job_t *bj);

G_END_DECLS

#endif /* !VAULT_BACKEND_H */
