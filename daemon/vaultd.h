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
  guint		resurrected;	/* STORED/SENDING -> RESURRECTED */
  guint		kept;		/* Already RESURRECTED/AWAITING, left as they were */
  guint		incomplete;	/* RECEIVING -> DISCARDED */
  guint		stale;		/* Stored too long ago -> DISCARDED */
  guint		pruned;		/* Old tombstones removed */
  guint		busy;		/* Locked by a live process, left alone */
  guint		unreadable;	/* Sidecar unreadable or data without sidecar: left on disk */
} vaultd_sweep_t;

/* The boot sweep: run before cupsd starts; idempotent; touches no network. */
extern bool	vaultdRecover(vault_store_t *store, GDateTime *now, vaultd_sweep_t *sweep, GError **error);

/* True when an entry stored at stored_utc (site-local date stored_local) is stale at now under the store's policy. */
extern bool	vaultdIsStale(const vault_config_t *config, gint64 stored_utc, const char *stored_local, GDateTime *now);

G_END_DECLS

#endif /* !VAULTD_H */
