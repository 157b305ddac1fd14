/*
 * Private interface between the parts of vaultd (the vault's daemon).
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#ifndef VAULTD_H
#define VAULTD_H

#include "spool.h"

G_BEGIN_DECLS

/*
 * What one boot sweep did (vaultdRecover).
 */

typedef struct vaultd_sweep_s
{
  guint		seen;		/* Entries visited */
  guint		resurrected;	/* STORED/SENDING/AWAITING -> RESURRECTED */
  guint		kept;		/* Already RESURRECTED, left as it was */
  guint		incomplete;	/* RECEIVING (or a data file without sidecar) removed */
  guint		stale;		/* Stored too long ago -> DISCARDED */
  guint		busy;		/* Locked by a live process, left alone */
  guint		unreadable;	/* Sidecar unreadable or data without sidecar: left on disk */
  guint		temporaries;	/* <id>.meta.tmp left by a crash mid-write, removed */
} vaultd_sweep_t;

/* The boot sweep: run before cupsd starts; idempotent; touches no network. */
extern bool	vaultdRecover(vault_store_t *store, GDateTime *now, vaultd_sweep_t *sweep, GError **error);

/* True when an entry stored at stored_utc (site-local date stored_local) is stale at now under the store's policy. */
extern bool	vaultdIsStale(const vault_config_t *config, gint64 stored_utc, const char *stored_local, GDateTime *now);

/*
 * The counters IPP service (vaultd-ipp.c): Get-Printer-Attributes on
 * /printers/<queue>, answered only between jobs.  Runs on the thread-default
 * GMainContext of the caller.
 */

typedef struct _vaultd_ipp_s vaultd_ipp_t;

/* Listen on listen ("host:port", loopback only) and/or socket_path; NULL skips one. */
/* A unix socket to listen on, mode 0666, its directory made if missing. */
extern int		vaultdListenUnix(const char *path, const char *what, GError **error);

extern vaultd_ipp_t	*vaultdIppStart(vault_store_t *store, const char *listen, const char *socket_path, GError **error);
extern void		vaultdIppStop(vaultd_ipp_t *ipp);

/*
 * The service (vaultd-service.c): holds resurrected jobs in cupsd, consults
 * originators and the representative, cancels stale jobs, sends notices.
 */

typedef struct _vaultd_service_s vaultd_service_t;

extern vaultd_service_t	*vaultdServiceStart(vault_store_t *store, GError **error);
extern void		vaultdServiceStop(vaultd_service_t *service);

G_END_DECLS

#endif /* !VAULTD_H */
