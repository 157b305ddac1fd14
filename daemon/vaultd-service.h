/*
 * Private interface of vaultd's service mode: the IPP client of cupsd
 * (vaultd-cups.c), the service loop (vaultd-service.c), reconciling vault
 * entries with cupsd's jobs (vaultd-reconcile.c) and consulting people
 * (vaultd-consult.c).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef VAULTD_SERVICE_H
#define VAULTD_SERVICE_H

#include "vaultd.h"
#include <cups/cups.h>

G_BEGIN_DECLS

/*
 * Errors talking to cupsd (domain VAULTD_CUPS_ERROR).
 */

#define VAULTD_CUPS_ERROR (vaultdCupsErrorQuark())

typedef enum vaultd_cups_error_e
{
  VAULTD_CUPS_ERROR_UNAVAILABLE,	/* cupsd cannot be reached (down, restarting) */
  VAULTD_CUPS_ERROR_REFUSED		/* cupsd answered with an IPP error status */
} vaultd_cups_error_t;

extern GQuark		vaultdCupsErrorQuark(void);

/*
 * One job as cupsd reports it (Get-Jobs).
 */

typedef struct vaultd_job_s
{
  int		id;		/* job-id */
  ipp_jstate_t	state;		/* job-state */
  char		*uuid;		/* job-uuid */
  gint64	created;	/* time-at-creation */
  char		*queue;		/* Last part of job-printer-uri */
  char		*user;		/* job-originating-user-name */
  char		*title;		/* job-name */
  int		priority;	/* job-priority */
  char		*entry_id;	/* vault-entry-id: set on jobs vaultd re-created */
  char		*message;	/* job-printer-state-message */
} vaultd_job_t;

extern void		vaultdJobFree(vaultd_job_t *job);
extern char		*vaultdCupsQueueOfUri(const char *uri);	/* Queue or class a printer URI names (g_free) */

/*
 * The connection to cupsd (vaultd-cups.c): root over cupsd's local socket,
 * or whatever cupsServer() names ($CUPS_SERVER, client.conf, the default).
 */

typedef struct _vaultd_cups_s vaultd_cups_t;

extern vaultd_cups_t	*vaultdCupsNew(void);
extern void		vaultdCupsFree(vaultd_cups_t *cups);
extern bool		vaultdCupsConnect(vaultd_cups_t *cups, GError **error);
extern void		vaultdCupsDisconnect(vaultd_cups_t *cups);
extern pid_t		vaultdCupsGetPid(vaultd_cups_t *cups);	/* cupsd's, 0 when not known */
extern pid_t		vaultdCupsdPid(int fd, const char *path);	/* cupsd behind a local socket */
extern guint		vaultdCupsGetGeneration(const vaultd_cups_t *cups);	/* +1 per new connection */
extern const char	*vaultdCupsGetServer(const vaultd_cups_t *cups);

extern GPtrArray	*vaultdCupsGetJobs(vaultd_cups_t *cups, GError **error);	/* of vaultd_job_t */
extern bool		vaultdCupsHoldJob(vaultd_cups_t *cups, int job_id, GError **error);
extern bool		vaultdCupsRehold(vaultd_cups_t *cups, int job_id, GError **error);	/* Event for new subscribers */
extern bool		vaultdCupsSetMessage(vaultd_cups_t *cups, int job_id, const char *message, GError **error);
extern bool		vaultdCupsCancelJob(vaultd_cups_t *cups, int job_id, GError **error);
extern int		vaultdCupsPrintReference(vaultd_cups_t *cups, const vault_job_t *job, const char *entry_id, const char *doc, gsize len, GError **error);
extern int		vaultdCupsSubscribe(vaultd_cups_t *cups, const char *queue, int job_id, const char *user, const char *recipient, GError **error);
extern GPtrArray	*vaultdCupsGetSubscribers(vaultd_cups_t *cups, int job_id, GError **error);	/* user names */

/* Within the client (vaultd-cups*.c): a request of op as user (root when NULL) on job job_id (> 0) or printer uri; and send one (consumed), connecting when needed: the response (ippDelete it), or NULL with an error. */
extern ipp_t		*_vaultdCupsNewRequest(ipp_op_t op, int job_id, const char *uri, const char *user);
extern ipp_t		*_vaultdCupsDoRequest(vaultd_cups_t *cups, ipp_t *request, const char *resource, const char *what, GError **error);

/*
 * The service (vaultd-service.c).
 */

struct _vaultd_service_s
{
  vault_store_t	*store;
  vaultd_cups_t	*cups;
  guint		timer;		/* Poll timeout source */
  guint		interval_ms;	/* Poll interval */
  guint		polls;		/* Polls since start or reconnection (every TOMBSTONE_POLLS-th reads the tombstones) */
  bool		cupsd_down;	/* Last poll could not reach cupsd (logged once) */
  GPtrArray	*jobs;		/* cupsd's jobs at the last poll */
  GHashTable	*by_identity;	/* "queue\tuuid\tcreated" -> newest vaultd_job_t */
  GHashTable	*by_entry;	/* "vault-entry-id\towner" -> newest re-created vaultd_job_t */
  GHashTable	*subscribed;	/* "job-id\tuser" known to have a subscription */
  guint		generation;	/* cupsd connection the cache above belongs to */
  GHashTable	*warned;	/* Entry ids already warned about (no repeats) */
  GHashTable	*unreachable;	/* "job-id\tuser" whose subscription failed (not tried again) */
  GHashTable	*members;	/* Group name -> its users (GPtrArray), read once per poll */
  char		*recipient;	/* notify-recipient-uri template ("%u" = user) or NULL (ippget) */
};

/* Poll once: read cupsd's jobs, reconcile every entry.  False when cupsd is unreachable. */
extern bool		vaultdServicePoll(vaultd_service_t *svc);

/* The CUPS job of entry at the last poll (re-created one first); NULL when none. */
extern const vaultd_job_t *vaultdServiceFindJob(vaultd_service_t *svc, const vault_entry_t *entry);

/*
 * Reconciling (vaultd-reconcile.c).
 */

/* What to do with one entry given its CUPS job (pure decision; vaultd-reconcile.c). */
typedef enum vaultd_action_e
{
  VAULTD_ACTION_NONE,		/* Nothing (not ours, busy, or already settled) */
  VAULTD_ACTION_HOLD,		/* Hold-Job the pending job, then AWAITING */
  VAULTD_ACTION_AWAIT,		/* cupsd holds it already: AWAITING + message */
  VAULTD_ACTION_DISCARD,	/* Its job was canceled: erase as DISCARDED */
  VAULTD_ACTION_RECREATE,	/* cupsd lost or completed it: a held reference job */
  VAULTD_ACTION_CANCEL,		/* A discarded entry's job still waits: Cancel-Job */
  VAULTD_ACTION_CONSULT,	/* Held for a decision: subscriptions, timeout */
  VAULTD_ACTION_STUCK		/* Our re-created job ended and the entry did not move */
} vaultd_action_t;

extern vaultd_action_t	vaultdDecide(vault_state_t state, bool interrupted, const vaultd_job_t *job);
extern void		vaultdReconcileEntry(vaultd_service_t *svc, vault_entry_t *listed);

/* The sentence on a held vault job; g_free it.  representative non-NULL names who was asked. */
extern char		*vaultdHeldMessage(const vault_entry_t *entry, bool recreated, const char *representative);

/*
 * Consulting (vaultd-consult.c).
 */

extern void		vaultdConsult(vaultd_service_t *svc, vault_entry_t *entry, const vaultd_job_t *job);

/* Subscribe the owner (unless subscribed) so a push notifier tells them the job ends; true when subscribed. */
extern bool		vaultdNotifyOwner(vaultd_service_t *svc, vault_entry_t *entry, const vaultd_job_t *job, const char *why);

/* Journal an event that does not change the entry's state (from = to). */
extern void		vaultdJournalNote(vault_store_t *store, const vault_entry_t *entry, int job_id, const char *reason);

G_END_DECLS

#endif /* !VAULTD_SERVICE_H */
